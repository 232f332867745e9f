/** What the rules read: the organisation, its catalogue and its activities, as the API serialises them. */
export type Json = Record<string, unknown>

export interface Organisation extends Json {
  id: string
  name: string
  address: string | null
  email: string | null
  phone: string | null
  country: string
  isPublicAuthority: boolean
  employeeCount: number | null
  dpo: { designated: boolean; name: string | null; email: string | null; phone: string | null; address: string | null } | null
  representative: { name: string | null; email: string | null; phone: string | null; address: string | null } | null
}

export interface Catalogue {
  dataCategories: Map<string, Json & { name: string; specialCategory: string | null; criminal: boolean }>
  dataSubjectCategories: Map<string, Json & { name: string; description: string | null; includesChildren: boolean; vulnerable: boolean }>
  recipients: Map<string, Json & { name: string; type: string; country: string | null }>
  processors: Map<
    string,
    Json & {
      name: string
      country: string | null
      dpaReference: string | null
      dpaSignedAt: string | null
      subprocessorAuthorisation: string
      dpfCertified: boolean | null
    }
  >
  securityMeasures: Map<string, Json & { name: string; appliesToAllActivities: boolean }>
}

export interface Purpose {
  description: string
  legalBasis: string | null
  legalReference: string | null
  legitimateInterest: string | null
  liaReference: string | null
  consent: { mechanism: string | null; recordReference: string | null; withdrawalMechanism: string | null } | null
  directMarketing: boolean
}

export interface Transfer {
  country: string | null
  importer: string | null
  processorId: string | null
  mechanism: string | null
  sccModule: number | null
  safeguardReference: string | null
  tiaReference: string | null
  derogation: {
    compellingInterest: string | null
    assessmentReference: string | null
    safeguards: string | null
    supervisoryAuthorityNotifiedAt: string | null
  } | null
}

export interface Activity extends Json {
  id: string
  name: string
  status: string
  role: string
  purposes: Purpose[]
  dataSubjectCategoryIds: string[]
  dataCategoryIds: string[]
  recipientIds: string[]
  processorIds: string[]
  securityMeasureIds: string[]
  specialCategoryConditions: { condition: string; reference: string | null }[]
  criminalDataReference: string | null
  jointControllers: { name: string; contact: string | null; arrangementReference: string | null }[]
  controllers: { name: string; contact: string | null; representative: string | null }[]
  transfers: Transfer[]
  retention: { dataCategoryIds: string[]; period: string | null; trigger: string | null; description: string | null; legalReference: string | null }[]
  dpia: { status: string; reference: string | null; completedAt: string | null; notRequiredReason: string | null; criteria: string[] }
  automatedDecisionMaking: boolean
  profiling: boolean
  lastReviewedAt: string | null
}

export interface Context {
  organisation: Organisation
  catalogue: Catalogue
  /** The instant the record is checked at: adequacy end dates and review ages count from it. */
  now: Date
}

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  rule: string
  severity: Severity
  article: string
  entityType: 'organisation' | 'activity' | 'processor'
  entityId: string
  path: string
  message: string
}

export interface Rule {
  /** A stable, readable slug. */
  id: string
  /** The lint rule of the regulatory reference it implements (`L-01` …). */
  code: string
  /** The most severe finding the rule can raise. */
  severity: Severity
  article: string
  checks: string
  scope: 'organisation' | 'activity'
}

export interface ActivityRule extends Rule {
  scope: 'activity'
  evaluate(activity: Activity, context: Context): Omit<Finding, 'rule' | 'entityType' | 'entityId'>[]
}

export interface OrganisationRule extends Rule {
  scope: 'organisation'
  evaluate(context: Context): Omit<Finding, 'rule'>[]
}

export const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === ''

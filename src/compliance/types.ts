/** What the rules read: the organisation, its catalogue and its activities, as the API serialises them. */
import type { Activity as ApiActivity, Purpose, Transfer } from '../modules/activities/activities.schemas.ts'
import type { Organisation as ApiOrganisation } from '../modules/organisations/organisations.schemas.ts'

export type Json = Record<string, unknown>

/** Fields no rule reads: metadata the checks need not be given. */
type Bookkeeping = 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'

/** The organisation as the API serialises it, without what no rule reads. */
export type Organisation = Omit<ApiOrganisation, Bookkeeping | 'registrationNumber' | 'website' | 'supervisoryAuthority'>

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

export type { Purpose, Transfer }

/** The activity as the API serialises it, without what no rule reads (free text and bookkeeping). */
export type Activity = Omit<ApiActivity, Bookkeeping | 'description' | 'owner' | 'dataSources' | 'systems'>

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

import type { dataSources, dpiaStatuses, importerRoles, retentionKinds, roles } from '../../modules/activities/activities.schemas.ts'
import type { recipientTypes } from '../../modules/recipients/recipients.resource.ts'
import type { subprocessorAuthorisations } from '../../shared/schemas.ts'
import type { Lang } from '../labels/index.ts'
import { englishTexts } from './texts.en.ts'
import { norwegianBokmalTexts } from './texts.nb.ts'

type Names<List extends readonly string[]> = Record<List[number], string>

/**
 * Every heading and field label of the auditor's report in one language. Codes, countries, rights,
 * severities and findings come from `codeLabels`; these are the report's own words. A language is one
 * file implementing this interface and one line in `reportTexts`.
 */
export interface ReportTexts {
  title: { controller: string; processor: string }
  subtitle: { controller: string; processor: string }
  /** The running line on every page. */
  running: (organisation: string, record: 'controller' | 'processor') => string
  page: string
  /** An Art. 30 field the record leaves empty. */
  notRecorded: string
  /** A field that does not apply to this entry (a law cited for a purpose on consent). */
  notApplicable: string
  none: string
  yes: string
  no: string

  cover: {
    controller: string
    processor: string
    registrationNumber: string
    address: string
    email: string
    phone: string
    website: string
    country: string
    supervisoryAuthority: string
    publicAuthority: string
    dpo: string
    dpoNotDesignated: string
    representative: string
    generatedAt: string
    asOf: string
    asOfNow: string
    drafts: string
    draftsIncluded: string
    draftsExcluded: string
    changesSince: string
  }

  contents: string
  sections: {
    activities: string
    transfers: string
    retention: string
    findings: string
    rights: string
    changes: (since: string) => string
  }

  activity: {
    description: string
    status: string
    role: string
    owner: string
    jointControllers: string
    purposes: string
    purpose: string
    legalBasis: string
    article: string
    lawCited: string
    legitimateInterest: string
    liaReference: string
    consent: string
    directMarketing: string
    objectionMechanism: string
    conditions: string
    condition: string
    reference: string
    categories: string
    dataSubjects: string
    personalData: string
    includesChildren: string
    vulnerable: string
    specialCategory: string
    criminal: string
    criminalAuthority: string
    recipients: string
    noRecipients: string
    processors: string
    processor: string
    service: string
    contract: string
    signed: string
    subProcessors: string
    transfers: string
    destination: string
    transferStatus: string
    importer: string
    mechanism: string
    safeguards: string
    sccModule: string
    tia: string
    derogation: string
    retention: string
    dataCategories: string
    allDataCategories: string
    period: string
    kind: string
    trigger: string
    security: string
    measure: string
    measureType: string
    measureCode: string
    scope: string
    organisationWide: string
    thisActivity: string
    dpia: string
    dpiaStatus: string
    dpiaReference: string
    dpiaCompletedAt: string
    dpiaNotRequiredReason: string
    dpiaCriteria: string
    automated: string
    automatedDecisionMaking: string
    profiling: string
    decisions: string
    exception: string
    dataSources: string
    systems: string
    review: string
    lastReviewedAt: string
    nextReviewDue: string
    recordExemptionClaimed: string
    occasional: string
    clientController: string
    clientControllerNotRecorded: string
    contact: string
    processing: string
    contractReference: string
    subprocessorAuthorisation: string
  }

  country: { eea: string; adequacy: (decision: string, partial: boolean) => string; noAdequacy: string }

  organisationSections: {
    country: string
    status: string
    mechanisms: string
    activities: string
    dataCategory: string
    periodAndTrigger: string
    noTransfers: string
    noRetention: string
  }

  findings: {
    organisation: string
    severity: string
    rule: string
    article: string
    message: string
    acknowledgement: string
    acknowledged: (by: string, at: string, reason: string) => string
    expires: (at: string) => string
    noFindings: string
  }

  rights: { right: string; article: string; applies: string; reason: string }

  changes: {
    when: string
    who: string
    entity: string
    field: string
    change: string
    reason: string
    action: Names<readonly ['create', 'update', 'delete']>
    noChanges: string
  }

  values: {
    status: Names<readonly ['draft', 'active']>
    role: Names<typeof roles>
    dpiaStatus: Names<typeof dpiaStatuses>
    retentionKind: Names<typeof retentionKinds>
    recipientType: Names<typeof recipientTypes>
    measureType: Names<readonly ['technical', 'organisational']>
    importerRole: Names<typeof importerRoles>
    dataSource: Names<typeof dataSources>
    subprocessorAuthorisation: Names<typeof subprocessorAuthorisations>
  }
}

/** The report's words by language. */
export const reportTexts: Record<Lang, ReportTexts> = {
  en: englishTexts,
  nb: norwegianBokmalTexts
}

import type { ChromeLabels } from '../../documents/document.ts'
import type { Lang } from '../../documents/labels/index.ts'
import type { AutomatedDecisionException, NoticeRetentionKind } from './notice.schemas.ts'
import { englishTexts } from './texts.en.ts'
import { norwegianTexts } from './texts.nb.ts'

/**
 * The notice's own words in one language: headings, field labels, what each right means to a data
 * subject, and the messages of the gaps. Every sentence states the law or names a field; none states
 * a fact of the organisation (those come from the record only).
 */
export interface NoticeTexts {
  chrome: ChromeLabels
  title: string
  /** "For: Job applicants", for a notice addressed to one category of data subjects. */
  addressedTo(audience: string): string
  generated(date: string): string
  intro: string

  controllerHeading: string
  controller: string
  registrationNumber: string
  address: string
  email: string
  phone: string
  website: string
  country: string
  name: string
  representative: string
  dpo: string

  processingHeading: string
  processingIntro: string
  noActivities: string
  role: { controller: string; joint_controller: string }
  jointControllers: string
  dataSubjects: string
  personalData: string
  specialCategory(label: string): string
  criminal: string
  purposes: string
  purpose: string
  legalBasis: string
  details: string
  legitimateInterest(text: string): string
  law(text: string): string
  consentWithdrawal(text: string): string
  objection(text: string): string
  directMarketing: string
  specialCategoryConditions: string
  recipients: string
  processors: string
  noRecipients: string
  transfers: string
  destination: string
  importer: string
  safeguard: string
  safeguardsCopy: string
  adequacyDecision(decision: string): string
  retention: string
  dataCategoriesColumn: string
  allDataCategories: string
  period: string
  criteria: string
  retentionKinds: Record<NoticeRetentionKind, string>
  sources: string
  sourceKinds: Record<'data_subject' | 'third_party' | 'publicly_available' | 'generated', string>
  article14: string
  automatedDecisions: string
  decision: string
  exception: string
  decisionSafeguards: string
  logic: string
  exceptions: Record<AutomatedDecisionException, string>
  safeguardKinds: Record<'human_intervention' | 'express_point_of_view' | 'contest_decision', string>
  profiling: string

  rightsHeading: string
  rightsIntro: string
  /** What each right means for the data subject, as the law states it, keyed by the rights computation's codes. */
  rightExplanations: Record<string, string>
  appliesTo: string
  appliesInPart: string
  complaintHeading: string
  supervisoryAuthority: string

  gaps: {
    controllerContact: string
    representative: string
    dpoUnknown: string
    dpoContact: string
    supervisoryAuthority: string
    legalBasis(purpose: string): string
    legitimateInterest(purpose: string): string
    law(purpose: string): string
    specialCategoryCondition(categories: string): string
    recipients: string
    destination: string
    mechanism: string
    safeguardsCopy: string
    retentionMissing(categories: string): string
    retentionPeriod: string
    sources: string
    dataCategories: string
    provisionRequirement: string
    decisionsUndescribed: string
    decisionLogic(decision: string): string
  }
}

/** The notice's words in each language of the documents. */
export const noticeTexts: Record<Lang, NoticeTexts> = { en: englishTexts, nb: norwegianTexts }

import { automatedDecisions } from './automated-decisions.ts'
import { categoriesMissing, conditionWithoutReference, criminalDataWithoutAuthority, recipientsMissing, specialCategoryWithoutCondition } from './categories.ts'
import { controllerContact, dataProtectionOfficer, jointControllers, representative } from './controller.ts'
import { dpiaMandatory, dpiaScreening } from './dpia.ts'
import { clientControllerContact, clientControllerContract, processorRecordIncomplete } from './processor-record.ts'
import { processorContract } from './processors.ts'
import {
  alternativeBases,
  childConsent,
  consentFromEmployees,
  consentUndocumented,
  contractWithNonParties,
  directMarketingObjection,
  impliedConsent,
  legalReferenceMissing,
  legitimateInterests,
  legitimateInterestsOfPublicAuthority,
  purposeGeneric,
  purposeMissing,
  purposeWithoutBasis
} from './purposes.ts'
import { recordExemption } from './record-exemption.ts'
import { retentionLawWithoutObligation, retentionMissing, retentionOpenEnded } from './retention.ts'
import { reviewOverdue } from './review.ts'
import { securityMeasuresMissing } from './security.ts'
import {
  adequacyNotValid,
  compellingInterestsUndocumented,
  processorAbroadWithoutTransfer,
  sccIncomplete,
  transferWithoutCountry,
  transferWithoutGround
} from './transfers.ts'
import type { Activity, ActivityRule, Context, Finding, OrganisationRule, Severity } from './types.ts'

export const organisationRules: OrganisationRule[] = [controllerContact, dataProtectionOfficer, representative, processorContract]

export const activityRules: ActivityRule[] = [
  processorRecordIncomplete,
  clientControllerContact,
  clientControllerContract,
  jointControllers,
  purposeMissing,
  purposeGeneric,
  categoriesMissing,
  recipientsMissing,
  transferWithoutCountry,
  transferWithoutGround,
  adequacyNotValid,
  compellingInterestsUndocumented,
  sccIncomplete,
  processorAbroadWithoutTransfer,
  retentionMissing,
  retentionOpenEnded,
  retentionLawWithoutObligation,
  securityMeasuresMissing,
  purposeWithoutBasis,
  legalReferenceMissing,
  legitimateInterestsOfPublicAuthority,
  legitimateInterests,
  consentUndocumented,
  contractWithNonParties,
  consentFromEmployees,
  alternativeBases,
  specialCategoryWithoutCondition,
  conditionWithoutReference,
  criminalDataWithoutAuthority,
  childConsent,
  automatedDecisions,
  directMarketingObjection,
  impliedConsent,
  dpiaMandatory,
  dpiaScreening,
  recordExemption,
  reviewOverdue
]

export const rules = [...organisationRules, ...activityRules].sort((a, b) => a.code.localeCompare(b.code) || a.id.localeCompare(b.id))

/**
 * Art. 30(2) repeats for processors what 30(1) asks of controllers about transfers and security
 * under its own letters: a processor activity's findings cite those.
 */
const processorProvisions: [string, string][] = [
  ['30(1)(e)', '30(2)(c)'],
  ['30(1)(g)', '30(2)(d)']
]
const asProcessor = (text: string) => processorProvisions.reduce((result, [controller, processor]) => result.replaceAll(controller, processor), text)

/** The findings on one activity: those of the rules that apply to the organisation's role in it. */
export function activityFindings(activity: Activity, context: Context): Finding[] {
  const processor = activity.role === 'processor'
  return activityRules
    .filter((rule) => rule.roles.includes(activity.role))
    .flatMap((rule) =>
      rule.evaluate(activity, context).map((finding) => ({
        rule: rule.id,
        entityType: 'activity' as const,
        entityId: activity.id,
        ...finding,
        ...(processor ? { article: asProcessor(finding.article), message: asProcessor(finding.message) } : {})
      }))
    )
}

/** The findings on the organisation and its catalogue (not tied to one activity). */
export function organisationFindings(context: Context): Finding[] {
  return organisationRules.flatMap((rule) => rule.evaluate(context).map((finding) => ({ rule: rule.id, ...finding })))
}

export function summarise(findings: Finding[]) {
  const count = (severity: Severity) => findings.filter((finding) => finding.severity === severity).length
  return { errors: count('error'), warnings: count('warning'), infos: count('info') }
}

export type { Activity, Context, Finding } from './types.ts'

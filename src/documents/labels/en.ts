import { countryByCode } from '../../reference/countries.ts'
import { dpiaCriteria } from '../../reference/dpia-criteria.ts'
import { internationalOrganisationByCode } from '../../reference/international-organisations.ts'
import { legalBases } from '../../reference/legal-bases.ts'
import { securityMeasureVocabulary } from '../../reference/security-measures.ts'
import { specialCategories } from '../../reference/special-categories.ts'
import { transferMechanisms } from '../../reference/transfer-mechanisms.ts'
import type { CodeLabels } from './index.ts'

const labelOf = (list: readonly { code: string; label: string }[]) => {
  const labels = new Map(list.map((entry) => [entry.code, entry.label]))
  return (code: string) => labels.get(code) ?? code
}

const rights: Record<string, string> = {
  information: 'Information (Arts. 13 and 14)',
  access: 'Access',
  rectification: 'Rectification',
  erasure: 'Erasure',
  restriction: 'Restriction of processing',
  notification_of_recipients: 'Notification of recipients',
  portability: 'Data portability',
  object: 'Object',
  object_to_direct_marketing: 'Object to direct marketing',
  withdraw_consent: 'Withdraw consent',
  not_subject_to_automated_decision: 'Not to be subject to a decision based solely on automated processing',
  complaint: 'Lodge a complaint with a supervisory authority',
  assistance_to_the_controller: 'Assistance to the controller'
}

/** English: the reference data's labels and the rules' and rights' own text. */
export const english: CodeLabels = {
  lang: 'en',
  legalBasis: labelOf(legalBases),
  specialCategory: labelOf(specialCategories),
  mechanism: labelOf(transferMechanisms),
  securityMeasure: labelOf(securityMeasureVocabulary),
  dpiaCriterion: labelOf(dpiaCriteria),
  country: (code) => countryByCode.get(code)?.name ?? internationalOrganisationByCode.get(code)?.name ?? code,
  right: (right) => rights[right] ?? right,
  applies: (applies) => ({ full: 'Applies', partial: 'Applies in part', no: 'Does not apply' })[applies],
  rightReason: (answer) => answer.reason,
  severity: (severity) => ({ error: 'Error', warning: 'Warning', info: 'Information' })[severity],
  finding: (finding) => finding.message
}

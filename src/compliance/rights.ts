import { exceptionFromBases } from './automated-decisions.ts'
import type { Activity } from './types.ts'

/** What the rights depend on: the bases, marketing, consents, recipients, automated decisions and the role. */
export type RightsInput = Pick<Activity, 'role' | 'noRecipients' | 'automatedDecisionMaking' | 'automatedDecisions' | 'recipientIds' | 'processorIds'> & {
  purposes: Pick<Activity['purposes'][number], 'legalBasis' | 'directMarketing'>[]
  specialCategoryConditions: Pick<Activity['specialCategoryConditions'][number], 'condition'>[]
  transfers: Pick<Activity['transfers'][number], 'mechanism'>[]
  controllers: Pick<Activity['controllers'][number], 'name'>[]
}

export type Applies = 'full' | 'partial' | 'no'

export interface RightAnswer {
  right: RightKey
  article: string
  applies: Applies
  reason: string
}

export type RightKey =
  | 'information'
  | 'access'
  | 'rectification'
  | 'erasure'
  | 'restriction'
  | 'notification_of_recipients'
  | 'portability'
  | 'object'
  | 'object_to_direct_marketing'
  | 'withdraw_consent'
  | 'not_subject_to_automated_decision'
  | 'complaint'
  | 'assistance_to_the_controller'

export type Art22Exception = '22.2.a' | '22.2.b' | '22.2.c'

/**
 * Why a right applies as it does, as a key and its parameters: documents translate the reason from
 * it, never from the English sentence. `provisional`: no legal basis is recorded yet.
 */
export type RightReason =
  | { key: 'information'; bases: string[]; legitimateInterests: boolean; consent: boolean; automatedDecisions: boolean }
  | { key: 'every_basis' }
  | { key: 'recipients_recorded'; processorsOnly: boolean }
  | { key: 'no_recipients'; disclosedToNoOne: boolean }
  | { key: 'portability_applies'; bases: string[] }
  | { key: 'portability_not'; bases: string[]; provisional: boolean }
  | { key: 'object_applies'; bases: string[] }
  | { key: 'object_not'; consent: boolean; provisional: boolean }
  | { key: 'direct_marketing' }
  | { key: 'no_direct_marketing' }
  | { key: 'consent_relied_on'; codes: string[] }
  | { key: 'no_consent' }
  | { key: 'erasure_on_withdrawal'; otherBases: boolean }
  | { key: 'erasure_exempt' }
  | { key: 'erasure_on_grounds'; provisional: boolean }
  | { key: 'no_automated_decisions' }
  | { key: 'automated_without_effect' }
  | { key: 'automated_without_exception'; all: boolean }
  | { key: 'automated_on_exceptions'; exceptions: Art22Exception[] }
  | { key: 'complaint' }
  | { key: 'processor_assists'; controllers: string[] }
  | { key: 'processor_complaint' }

/** One sentence per reason key, typed so that a new key without its sentence does not compile. */
export type ReasonTexts = { [Key in RightReason['key']]: (reason: Extract<RightReason, { key: Key }>) => string }

const describe = (codes: string[]) => codes.map((code) => code).join(', ')
const noBasis = (provisional: boolean) => (provisional ? ' No legal basis is recorded yet, so this is provisional.' : '')

const exceptionLabels = {
  '22.2.a': 'necessity for a contract (22(2)(a))',
  '22.2.b': 'authorisation by law (22(2)(b))',
  '22.2.c': 'explicit consent (22(2)(c))'
} as const

const english: ReasonTexts = {
  information: (r) =>
    `Always: the purposes and bases (${describe(r.bases) || 'none recorded'}), recipients, retention and rights must be given when the data are collected.${r.legitimateInterests ? ' For 6.1.f, also the legitimate interests pursued (Art. 13(1)(d)).' : ''}${r.consent ? ' For consent, also the right to withdraw it (Art. 13(2)(c)).' : ''}${r.automatedDecisions ? ' For automated decisions, meaningful information about the logic involved and its consequences (Art. 13(2)(f)).' : ''}`,
  every_basis: () => 'On every legal basis.',
  recipients_recorded: (r) =>
    `${r.processorsOnly ? 'Processors, which are recipients (Art. 4(9)), are' : 'Recipients are'} recorded: rectification, erasure and restriction must be passed on to them.`,
  no_recipients: (r) => (r.disclosedToNoOne ? 'The data are disclosed to no one.' : 'No recipients are recorded.'),
  portability_applies: (r) => `For data the data subject provided, processed by automated means, on ${r.bases.join(', ')} (Art. 20(1)).`,
  portability_not: (r) =>
    `Art. 20(1)(a) covers only consent and contract; this activity rests on ${describe(r.bases) || 'no recorded basis'}.${noBasis(r.provisional)}`,
  object_applies: (r) => `For the purposes on ${r.bases.join(', ')}, including profiling; the controller must then show compelling legitimate grounds.`,
  object_not: (r) =>
    `Art. 21(1) covers processing on 6.1.e or 6.1.f only.${r.consent ? ' Consent can be withdrawn instead (Art. 7(3)).' : ''}${noBasis(r.provisional)}`,
  direct_marketing: () => 'A purpose is direct marketing: the objection is absolute, whatever the basis (Art. 21(2), (3)).',
  no_direct_marketing: () => 'No purpose is direct marketing.',
  consent_relied_on: (r) => `Consent is relied on (${r.codes.join(', ')}): it can be withdrawn at any time, as easily as it was given.`,
  no_consent: () => 'No consent is relied on.',
  erasure_on_withdrawal: (r) =>
    `On withdrawal of consent, when no other ground remains (Art. 17(1)(b)).${r.otherBases ? ' Other purposes rest on other bases.' : ''}`,
  erasure_exempt: () => 'Processing needed for a legal obligation or a public task is exempt from erasure while that need lasts (Art. 17(3)(b)).',
  erasure_on_grounds: (r) =>
    `When the data are no longer necessary (17(1)(a)), after a successful objection (17(1)(c)) or when processed unlawfully (17(1)(d)).${noBasis(r.provisional)}`,
  no_automated_decisions: () => 'No decisions based solely on automated processing are recorded.',
  automated_without_effect: () => 'The automated decisions recorded have no legal or similarly significant effect, so Art. 22 does not apply to them.',
  automated_without_exception: (r) =>
    `${r.all ? 'No' : 'Not every'} decision with legal or similar effect rests on an Art. 22(2) exception (legitimate interests, vital interests and ordinary consent are none): the data subject may not be subject to ${r.all ? 'such decisions' : 'those'}.`,
  automated_on_exceptions: (r) =>
    `The decisions rest on ${r.exceptions.map((exception) => exceptionLabels[exception]).join(', ')}: ${r.exceptions.some((exception) => exception !== '22.2.b') ? 'for a contract or explicit consent, at least human intervention, expressing a point of view and contesting the decision (Art. 22(3))' : 'the authorising law lays down the safeguards (Art. 22(2)(b))'}; and the right to meaningful information about the logic involved (Arts. 13(2)(f), 15(1)(h)).`,
  complaint: () => 'Always: a complaint may be lodged with a supervisory authority.',
  processor_assists: (r) =>
    `The organisation acts as processor: the rights of Arts. 12–22 are owed by ${r.controllers.length > 0 ? `the client controller${r.controllers.length > 1 ? 's' : ''} (${r.controllers.join(', ')})` : 'the client controllers'}, not by it. It assists them, by appropriate technical and organisational measures, in answering requests, and passes on any request it receives.`,
  processor_complaint: () => 'Always: a complaint may be lodged with a supervisory authority, about a processor too.'
}

/** The sentence of one reason, from the texts of one language. */
export function reasonText<Key extends RightReason['key']>(texts: ReasonTexts, reason: Extract<RightReason, { key: Key }>): string {
  return (texts[reason.key] as (reason: Extract<RightReason, { key: Key }>) => string)(reason)
}

// Beside the answers rather than on them: the answer's shape is the API's (the rights endpoint, the exports).
const reasons = new WeakMap<RightAnswer, RightReason>()

/** The key and parameters of an answer's reason (undefined for a copy of an answer, which loses them). */
export function reasonOf(answer: RightAnswer): RightReason | undefined {
  return reasons.get(answer)
}

function answer(right: RightKey, article: string, applies: Applies, reason: RightReason): RightAnswer {
  const result = { right, article, applies, reason: reasonText(english, reason) }
  reasons.set(result, reason)
  return result
}

/**
 * The data subject rights of Arts. 13–22 and 77 for one activity, from the legal bases of its
 * purposes, direct marketing, automated decisions, explicit consent (9.2.a) and 49.1.a transfers
 * (the rights table of the regulatory reference, section 7). Art. 23 restrictions are not modelled.
 */
export function rightsOf(activity: RightsInput): RightAnswer[] {
  if (activity.role === 'processor') return processorAnswers(activity)
  const bases = [...new Set(activity.purposes.map((purpose) => purpose.legalBasis).filter((basis): basis is string => basis !== null))].sort()
  const has = (...codes: string[]) => codes.some((code) => bases.includes(code))
  const only = (...codes: string[]) => bases.length > 0 && bases.every((code) => codes.includes(code))
  const explicitConsent = activity.specialCategoryConditions.some((condition) => condition.condition === '9.2.a')
  const consentTransfer = activity.transfers.some((transfer) => transfer.mechanism === '49.1.a')
  const directMarketing = activity.purposes.some((purpose) => purpose.directMarketing)
  const provisional = bases.length === 0
  const everyBasis = { key: 'every_basis' } as const

  return [
    answer('information', 'Arts. 13, 14', 'full', {
      key: 'information',
      bases,
      legitimateInterests: has('6.1.f'),
      consent: has('6.1.a'),
      automatedDecisions: activity.automatedDecisionMaking
    }),
    answer('access', 'Art. 15', 'full', everyBasis),
    answer('rectification', 'Art. 16', 'full', everyBasis),
    erasure(),
    answer('restriction', 'Art. 18', 'full', everyBasis),
    activity.recipientIds.length > 0 || activity.processorIds.length > 0
      ? answer('notification_of_recipients', 'Art. 19', 'full', { key: 'recipients_recorded', processorsOnly: activity.recipientIds.length === 0 })
      : answer('notification_of_recipients', 'Art. 19', 'no', { key: 'no_recipients', disclosedToNoOne: activity.noRecipients }),
    has('6.1.a', '6.1.b') || explicitConsent
      ? answer('portability', 'Art. 20', 'partial', {
          key: 'portability_applies',
          bases: [...bases.filter((code) => code === '6.1.a' || code === '6.1.b'), ...(explicitConsent ? ['9.2.a'] : [])]
        })
      : answer('portability', 'Art. 20', 'no', { key: 'portability_not', bases, provisional }),
    has('6.1.e', '6.1.f')
      ? answer('object', 'Art. 21(1)', only('6.1.e', '6.1.f') ? 'full' : 'partial', {
          key: 'object_applies',
          bases: bases.filter((code) => code === '6.1.e' || code === '6.1.f')
        })
      : answer('object', 'Art. 21(1)', 'no', { key: 'object_not', consent: has('6.1.a'), provisional }),
    directMarketing
      ? answer('object_to_direct_marketing', 'Art. 21(2)', 'full', { key: 'direct_marketing' })
      : answer('object_to_direct_marketing', 'Art. 21(2)', 'no', { key: 'no_direct_marketing' }),
    has('6.1.a') || explicitConsent || consentTransfer
      ? answer('withdraw_consent', 'Art. 7(3)', 'full', {
          key: 'consent_relied_on',
          codes: [has('6.1.a') ? '6.1.a' : null, explicitConsent ? '9.2.a' : null, consentTransfer ? '49.1.a' : null].filter((code) => code !== null)
        })
      : answer('withdraw_consent', 'Art. 7(3)', 'no', { key: 'no_consent' }),
    automatedDecisions(),
    answer('complaint', 'Art. 77', 'full', { key: 'complaint' })
  ]

  function erasure(): RightAnswer {
    if (has('6.1.a')) return answer('erasure', 'Art. 17', only('6.1.a') ? 'full' : 'partial', { key: 'erasure_on_withdrawal', otherBases: !only('6.1.a') })
    if (only('6.1.c', '6.1.e')) return answer('erasure', 'Art. 17(3)(b)', 'no', { key: 'erasure_exempt' })
    return answer('erasure', 'Art. 17', 'partial', { key: 'erasure_on_grounds', provisional })
  }

  function automatedDecisions(): RightAnswer {
    const right = 'not_subject_to_automated_decision'
    const described = activity.automatedDecisions.filter((decision) => decision.legalOrSimilarEffect)
    if (!activity.automatedDecisionMaking && described.length === 0) return answer(right, 'Art. 22', 'no', { key: 'no_automated_decisions' })
    const exceptions = activity.automatedDecisions.length > 0 ? described.map((decision) => decision.exception) : [exceptionFromBases(activity)]
    if (exceptions.length === 0) return answer(right, 'Art. 22', 'no', { key: 'automated_without_effect' })
    const without = exceptions.filter((exception) => exception === null).length
    if (without > 0) return answer(right, 'Art. 22(1)', 'full', { key: 'automated_without_exception', all: without === exceptions.length })
    return answer(right, 'Art. 22', 'partial', {
      key: 'automated_on_exceptions',
      exceptions: [...new Set(exceptions.filter((exception) => exception !== null))]
    })
  }
}

/**
 * A processor owes data subjects none of the rights of Arts. 12–22 itself: its client controllers do,
 * and it assists them (Art. 28(3)(e)). A complaint may concern a processor as well (Art. 77).
 */
function processorAnswers(activity: RightsInput): RightAnswer[] {
  return [
    answer('assistance_to_the_controller', 'Art. 28(3)(e)', 'full', {
      key: 'processor_assists',
      controllers: activity.controllers.map((controller) => controller.name)
    }),
    answer('complaint', 'Art. 77', 'full', { key: 'processor_complaint' })
  ]
}

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
  right: string
  article: string
  applies: Applies
  reason: string
}

const describe = (codes: string[]) => codes.map((code) => code).join(', ')

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
  const noBasis = bases.length === 0 ? ' No legal basis is recorded yet, so this is provisional.' : ''

  const answers: RightAnswer[] = [
    {
      right: 'information',
      article: 'Arts. 13, 14',
      applies: 'full',
      reason: `Always: the purposes and bases (${describe(bases) || 'none recorded'}), recipients, retention and rights must be given when the data are collected.${has('6.1.f') ? ' For 6.1.f, also the legitimate interests pursued (Art. 13(1)(d)).' : ''}${has('6.1.a') ? ' For consent, also the right to withdraw it (Art. 13(2)(c)).' : ''}${activity.automatedDecisionMaking ? ' For automated decisions, meaningful information about the logic involved and its consequences (Art. 13(2)(f)).' : ''}`
    },
    { right: 'access', article: 'Art. 15', applies: 'full', reason: 'On every legal basis.' },
    { right: 'rectification', article: 'Art. 16', applies: 'full', reason: 'On every legal basis.' },
    erasure(),
    { right: 'restriction', article: 'Art. 18', applies: 'full', reason: 'On every legal basis.' },
    activity.recipientIds.length > 0 || activity.processorIds.length > 0
      ? {
          right: 'notification_of_recipients',
          article: 'Art. 19',
          applies: 'full',
          reason: `${activity.recipientIds.length > 0 ? 'Recipients are' : 'Processors, which are recipients (Art. 4(9)), are'} recorded: rectification, erasure and restriction must be passed on to them.`
        }
      : {
          right: 'notification_of_recipients',
          article: 'Art. 19',
          applies: 'no',
          reason: activity.noRecipients ? 'The data are disclosed to no one.' : 'No recipients are recorded.'
        },
    has('6.1.a', '6.1.b') || explicitConsent
      ? {
          right: 'portability',
          article: 'Art. 20',
          applies: 'partial',
          reason: `For data the data subject provided, processed by automated means, on ${[...bases.filter((code) => code === '6.1.a' || code === '6.1.b'), ...(explicitConsent ? ['9.2.a'] : [])].join(', ')} (Art. 20(1)).`
        }
      : {
          right: 'portability',
          article: 'Art. 20',
          applies: 'no',
          reason: `Art. 20(1)(a) covers only consent and contract; this activity rests on ${describe(bases) || 'no recorded basis'}.${noBasis}`
        },
    has('6.1.e', '6.1.f')
      ? {
          right: 'object',
          article: 'Art. 21(1)',
          applies: only('6.1.e', '6.1.f') ? 'full' : 'partial',
          reason: `For the purposes on ${bases.filter((code) => code === '6.1.e' || code === '6.1.f').join(', ')}, including profiling; the controller must then show compelling legitimate grounds.`
        }
      : {
          right: 'object',
          article: 'Art. 21(1)',
          applies: 'no',
          reason: `Art. 21(1) covers processing on 6.1.e or 6.1.f only.${has('6.1.a') ? ' Consent can be withdrawn instead (Art. 7(3)).' : ''}${noBasis}`
        },
    directMarketing
      ? {
          right: 'object_to_direct_marketing',
          article: 'Art. 21(2)',
          applies: 'full',
          reason: 'A purpose is direct marketing: the objection is absolute, whatever the basis (Art. 21(2), (3)).'
        }
      : { right: 'object_to_direct_marketing', article: 'Art. 21(2)', applies: 'no', reason: 'No purpose is direct marketing.' },
    has('6.1.a') || explicitConsent || consentTransfer
      ? {
          right: 'withdraw_consent',
          article: 'Art. 7(3)',
          applies: 'full',
          reason: `Consent is relied on (${[has('6.1.a') ? '6.1.a' : null, explicitConsent ? '9.2.a' : null, consentTransfer ? '49.1.a' : null].filter(Boolean).join(', ')}): it can be withdrawn at any time, as easily as it was given.`
        }
      : { right: 'withdraw_consent', article: 'Art. 7(3)', applies: 'no', reason: 'No consent is relied on.' },
    automatedDecisions(),
    { right: 'complaint', article: 'Art. 77', applies: 'full', reason: 'Always: a complaint may be lodged with a supervisory authority.' }
  ]
  return answers

  function erasure(): RightAnswer {
    if (has('6.1.a'))
      return {
        right: 'erasure',
        article: 'Art. 17',
        applies: only('6.1.a') ? 'full' : 'partial',
        reason: `On withdrawal of consent, when no other ground remains (Art. 17(1)(b)).${only('6.1.a') ? '' : ' Other purposes rest on other bases.'}`
      }
    if (only('6.1.c', '6.1.e'))
      return {
        right: 'erasure',
        article: 'Art. 17(3)(b)',
        applies: 'no',
        reason: 'Processing needed for a legal obligation or a public task is exempt from erasure while that need lasts (Art. 17(3)(b)).'
      }
    return {
      right: 'erasure',
      article: 'Art. 17',
      applies: 'partial',
      reason: `When the data are no longer necessary (17(1)(a)), after a successful objection (17(1)(c)) or when processed unlawfully (17(1)(d)).${noBasis}`
    }
  }

  function automatedDecisions(): RightAnswer {
    const right = 'not_subject_to_automated_decision'
    const described = activity.automatedDecisions.filter((decision) => decision.legalOrSimilarEffect)
    if (!activity.automatedDecisionMaking && described.length === 0)
      return { right, article: 'Art. 22', applies: 'no', reason: 'No decisions based solely on automated processing are recorded.' }
    const exceptions = activity.automatedDecisions.length > 0 ? described.map((decision) => decision.exception) : [exceptionFromBases(activity)]
    if (exceptions.length === 0)
      return {
        right,
        article: 'Art. 22',
        applies: 'no',
        reason: 'The automated decisions recorded have no legal or similarly significant effect, so Art. 22 does not apply to them.'
      }
    const without = exceptions.filter((exception) => exception === null).length
    if (without > 0)
      return {
        right,
        article: 'Art. 22(1)',
        applies: 'full',
        reason: `${without === exceptions.length ? 'No' : 'Not every'} decision with legal or similar effect rests on an Art. 22(2) exception (legitimate interests, vital interests and ordinary consent are none): the data subject may not be subject to ${without === exceptions.length ? 'such decisions' : 'those'}.`
      }
    const labels = [...new Set(exceptions)].map((exception) => exceptionLabels[exception ?? '22.2.a'])
    return {
      right,
      article: 'Art. 22',
      applies: 'partial',
      reason: `The decisions rest on ${labels.join(', ')}: ${exceptions.some((exception) => exception !== '22.2.b') ? 'for a contract or explicit consent, at least human intervention, expressing a point of view and contesting the decision (Art. 22(3))' : 'the authorising law lays down the safeguards (Art. 22(2)(b))'}; and the right to meaningful information about the logic involved (Arts. 13(2)(f), 15(1)(h)).`
    }
  }
}

const exceptionLabels = {
  '22.2.a': 'necessity for a contract (22(2)(a))',
  '22.2.b': 'authorisation by law (22(2)(b))',
  '22.2.c': 'explicit consent (22(2)(c))'
} as const

/**
 * A processor owes data subjects none of the rights of Arts. 12–22 itself: its client controllers do,
 * and it assists them (Art. 28(3)(e)). A complaint may concern a processor as well (Art. 77).
 */
function processorAnswers(activity: RightsInput): RightAnswer[] {
  const controllers = activity.controllers.map((controller) => controller.name)
  const owedBy = controllers.length > 0 ? `the client controller${controllers.length > 1 ? 's' : ''} (${controllers.join(', ')})` : 'the client controllers'
  return [
    {
      right: 'assistance_to_the_controller',
      article: 'Art. 28(3)(e)',
      applies: 'full',
      reason: `The organisation acts as processor: the rights of Arts. 12–22 are owed by ${owedBy}, not by it. It assists them, by appropriate technical and organisational measures, in answering requests, and passes on any request it receives.`
    },
    {
      right: 'complaint',
      article: 'Art. 77',
      applies: 'full',
      reason: 'Always: a complaint may be lodged with a supervisory authority, about a processor too.'
    }
  ]
}

import t from 'tap'
import { type RightAnswer, rightsOf } from '../../src/compliance/rights.ts'
import type { Activity } from '../../src/compliance/types.ts'
import { Purpose } from '../../src/modules/activities/activities.schemas.ts'

function activity(bases: (string | null)[], changes: Partial<Activity> = {}): Activity {
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    name: 'Test',
    description: null,
    createdAt: '2026-01-10T09:00:00.000Z',
    status: 'active',
    role: 'controller',
    purposes: bases.map((legalBasis, i) => Purpose.fill({ description: `Purpose number ${i}`, legalBasis })),
    dataSubjectCategoryIds: [],
    dataCategoryIds: [],
    recipientIds: ['r0000000-0000-4000-8000-000000000001'],
    noRecipients: false,
    processorIds: [],
    securityMeasureIds: [],
    specialCategoryConditions: [],
    criminalDataReference: null,
    jointControllers: [],
    controllers: [],
    transfers: [],
    retention: [],
    dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: [] },
    automatedDecisionMaking: false,
    automatedDecisions: [],
    recordExemptionClaimed: false,
    occasional: false,
    profiling: false,
    lastReviewedAt: null,
    ...changes
  }
}

const applies = (answers: RightAnswer[]) => Object.fromEntries(answers.map((answer) => [answer.right, answer.applies]))
const answer = (answers: RightAnswer[], right: string) => answers.find((a) => a.right === right)!

t.test('every answer names the right, its article, whether it applies and why', async (t) => {
  const answers = rightsOf(activity(['6.1.b']))
  t.same(
    answers.map((a) => a.right),
    [
      'information',
      'access',
      'rectification',
      'erasure',
      'restriction',
      'notification_of_recipients',
      'portability',
      'object',
      'object_to_direct_marketing',
      'withdraw_consent',
      'not_subject_to_automated_decision',
      'complaint'
    ]
  )
  for (const a of answers) {
    t.match(a.article, /^Arts?\. \d+/)
    t.ok(a.reason.length > 10)
  }
})

t.test('per legal basis (the rights table of the reference, section 7)', async (t) => {
  const table: Record<string, Record<string, string>> = {
    '6.1.a': { erasure: 'full', portability: 'partial', object: 'no', withdraw_consent: 'full' },
    '6.1.b': { erasure: 'partial', portability: 'partial', object: 'no', withdraw_consent: 'no' },
    '6.1.c': { erasure: 'no', portability: 'no', object: 'no', withdraw_consent: 'no' },
    '6.1.d': { erasure: 'partial', portability: 'no', object: 'no', withdraw_consent: 'no' },
    '6.1.e': { erasure: 'no', portability: 'no', object: 'full', withdraw_consent: 'no' },
    '6.1.f': { erasure: 'partial', portability: 'no', object: 'full', withdraw_consent: 'no' }
  }
  for (const [basis, expected] of Object.entries(table)) {
    const answers = applies(rightsOf(activity([basis])))
    t.match(
      answers,
      {
        ...expected,
        information: 'full',
        access: 'full',
        rectification: 'full',
        restriction: 'full',
        complaint: 'full',
        object_to_direct_marketing: 'no',
        not_subject_to_automated_decision: 'no'
      },
      basis
    )
  }
  t.match(answer(rightsOf(activity(['6.1.c'])), 'erasure'), { article: 'Art. 17(3)(b)' })
  t.match(answer(rightsOf(activity(['6.1.f'])), 'information').reason, /legitimate interests pursued/)
  t.match(answer(rightsOf(activity(['6.1.a'])), 'information').reason, /withdraw/)
})

t.test('mixed bases answer partly where a right follows only some purposes', async (t) => {
  const answers = applies(rightsOf(activity(['6.1.a', '6.1.c'])))
  t.match(answers, { erasure: 'partial', portability: 'partial', withdraw_consent: 'full', object: 'no' })
  t.match(applies(rightsOf(activity(['6.1.b', '6.1.f']))), { object: 'partial' })
  t.match(answer(rightsOf(activity([null])), 'erasure').reason, /provisional/, 'no basis recorded yet')
})

t.test('special cases: direct marketing, automated decisions, explicit consent, 49.1.a transfers, no recipients', async (t) => {
  const marketing = rightsOf(
    activity(['6.1.f'], {
      purposes: [
        {
          description: 'Newsletter to customers',
          legalBasis: '6.1.f',
          legalReference: null,
          legitimateInterest: 'Marketing',
          liaReference: null,
          consent: null,
          directMarketing: true,
          objectionMechanism: null,
          informationSocietyService: false,
          publicAuthorityTask: null
        }
      ]
    })
  )
  t.match(answer(marketing, 'object_to_direct_marketing'), { applies: 'full', article: 'Art. 21(2)', reason: /absolute/ })
  t.match(answer(rightsOf(activity(['6.1.b'], { automatedDecisionMaking: true })), 'not_subject_to_automated_decision'), {
    applies: 'partial',
    reason: /contract \(22\(2\)\(a\)\).*human intervention/
  })
  t.match(answer(rightsOf(activity(['6.1.f'], { automatedDecisionMaking: true })), 'not_subject_to_automated_decision'), {
    applies: 'full',
    article: 'Art. 22(1)'
  })
  t.match(
    answer(rightsOf(activity(['6.1.a'], { automatedDecisionMaking: true })), 'not_subject_to_automated_decision'),
    { applies: 'full', article: 'Art. 22(1)' },
    'ordinary consent to a purpose is not the explicit consent of 22(2)(c)'
  )
})

t.test('automated decisions described one by one decide the Art. 22 answer', async (t) => {
  const decision = (changes: Partial<Activity['automatedDecisions'][number]>): Activity['automatedDecisions'][number] => ({
    description: 'Credit limit',
    legalOrSimilarEffect: true,
    exception: '22.2.a',
    lawReference: null,
    consent: null,
    safeguards: [],
    specialCategories: false,
    logicInformation: null,
    ...changes
  })
  const rights = (decisions: Activity['automatedDecisions'][number][], bases = ['6.1.b']) =>
    answer(rightsOf(activity(bases, { automatedDecisionMaking: true, automatedDecisions: decisions })), 'not_subject_to_automated_decision')
  t.match(rights([decision({})]), { applies: 'partial', article: 'Art. 22', reason: /contract.*human intervention.*logic/ })
  t.match(rights([decision({ exception: '22.2.b', lawReference: 'Tax Act § 8' })], ['6.1.e']), {
    applies: 'partial',
    reason: /authorisation by law.*the authorising law lays down the safeguards/
  })
  t.match(rights([decision({}), decision({ description: 'Fraud score', exception: null })], ['6.1.b', '6.1.f']), {
    applies: 'full',
    article: 'Art. 22(1)',
    reason: /Not every decision/
  })
  t.match(rights([decision({ exception: null })], ['6.1.f']), { applies: 'full', reason: /^No decision/ })
  t.match(rights([decision({ legalOrSimilarEffect: false, exception: null })], ['6.1.f']), {
    applies: 'no',
    reason: /no legal or similarly significant effect/
  })
  t.match(answer(rightsOf(activity(['6.1.b'], { automatedDecisionMaking: true })), 'information').reason, /logic involved.*13\(2\)\(f\)/)
  const explicit = rightsOf(activity(['6.1.b'], { specialCategoryConditions: [{ condition: '9.2.a', reference: null, consent: null }] }))
  t.match(applies(explicit), { withdraw_consent: 'full', portability: 'partial' })
  t.match(answer(explicit, 'withdraw_consent').reason, /9\.2\.a/)
  const transfer = rightsOf(
    activity(['6.1.b'], {
      transfers: [
        {
          country: 'IN',
          internationalOrganisation: null,
          importer: 'X',
          importerRole: null,
          dpfCertified: null,
          dpfCheckedAt: null,
          processorId: null,
          mechanism: '49.1.a',
          sccModule: null,
          safeguardReference: null,
          tiaReference: null,
          derogation: null,
          consent: null
        }
      ]
    })
  )
  t.match(answer(transfer, 'withdraw_consent'), { applies: 'full', reason: /49\.1\.a/ })
  t.equal(answer(rightsOf(activity(['6.1.b'], { recipientIds: [] })), 'notification_of_recipients').applies, 'no')
  t.match(answer(rightsOf(activity(['6.1.b'], { recipientIds: [], noRecipients: true })), 'notification_of_recipients'), {
    applies: 'no',
    reason: /disclosed to no one/
  })
  t.match(answer(rightsOf(activity(['6.1.b'], { recipientIds: [], processorIds: ['p0000000-0000-4000-8000-000000000001'] })), 'notification_of_recipients'), {
    applies: 'full',
    reason: /Processors, which are recipients/
  })
})

t.test('a processor activity: the rights are owed by the client controllers, which the processor assists (Art. 28(3)(e))', async (t) => {
  const client = (name: string) => ({
    name,
    contact: null,
    representative: null,
    processing: null,
    contractReference: null,
    subprocessorAuthorisation: 'unknown' as const
  })
  const answers = rightsOf(activity(['6.1.a', '6.1.f'], { role: 'processor', controllers: [client('Shop AS')] }))
  t.same(
    answers.map((a) => [a.right, a.article, a.applies]),
    [
      ['assistance_to_the_controller', 'Art. 28(3)(e)', 'full'],
      ['complaint', 'Art. 77', 'full']
    ],
    'whatever bases the purposes carry'
  )
  t.match(answers[0]!.reason, /the client controller \(Shop AS\)/)
  t.match(rightsOf(activity([], { role: 'processor' }))[0]!.reason, /owed by the client controllers,/, 'none named yet')
  t.ok(
    rightsOf(activity(['6.1.a'], { role: 'joint_controller' })).some((a) => a.right === 'withdraw_consent' && a.applies === 'full'),
    'a joint controller owes them itself'
  )
})

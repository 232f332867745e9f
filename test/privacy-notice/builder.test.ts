import t from 'tap'
import type { Block } from '../../src/documents/document.ts'
import { codeLabels } from '../../src/documents/labels/index.ts'
import type { ExportActivity, ExportOrganisation } from '../../src/exports/record.schemas.ts'
import { codeRef, countryRef } from '../../src/exports/record.ts'
import { AutomatedDecision } from '../../src/modules/activities/activities.schemas.ts'
import { buildNotice, selectActivities } from '../../src/modules/privacy-notice/notice.ts'
import { noticeDocument } from '../../src/modules/privacy-notice/notice-document.ts'
import { noticeTexts } from '../../src/modules/privacy-notice/texts.ts'

const labels = await codeLabels('en')
const texts = noticeTexts.en

const organisation: ExportOrganisation = {
  id: '00000000-0000-4000-8000-000000000001',
  name: 'Overseas Ltd',
  registrationNumber: null,
  address: null,
  email: null,
  phone: null,
  website: 'https://overseas.example',
  country: countryRef('US'),
  supervisoryAuthority: 'Datatilsynet',
  isPublicAuthority: false,
  employeeCount: null,
  dpo: { designated: false, name: null, email: null, phone: null, address: null },
  representative: null
}

const purpose = (legalBasis: string | null, extra: Partial<ExportActivity['purposes'][number]> = {}): ExportActivity['purposes'][number] => ({
  description: `Purpose on ${legalBasis}`,
  legalBasis: codeRef('legalBasis', legalBasis),
  legalReference: null,
  legitimateInterest: null,
  liaReference: null,
  consent: null,
  directMarketing: false,
  objectionMechanism: null,
  informationSocietyService: false,
  publicAuthorityTask: null,
  ...extra
})

const transfer = (extra: Partial<ExportActivity['transfers'][number]>): ExportActivity['transfers'][number] => ({
  country: null,
  internationalOrganisation: null,
  importer: 'Importer',
  importerRole: null,
  dpfCertified: null,
  dpfCheckedAt: null,
  processor: null,
  mechanism: null,
  sccModule: null,
  safeguardReference: null,
  tiaReference: null,
  derogation: null,
  consent: null,
  ...extra
})

function activity(extra: Partial<ExportActivity>): ExportActivity {
  return {
    id: '00000000-0000-4000-8000-00000000000a',
    name: 'Screening',
    description: null,
    businessFunction: null,
    status: 'active',
    role: 'joint_controller',
    purposes: [],
    dataSubjectCategories: [{ id: 'dsc', name: 'Applicants', description: null, includesChildren: false, vulnerable: false }],
    dataCategories: [],
    recipients: [],
    noRecipients: false,
    processors: [],
    specialCategoryConditions: [],
    criminalDataReference: null,
    jointControllers: [{ name: 'Partner AB', contact: 'partner@example.se', arrangementReference: null }],
    controllers: [],
    transfers: [],
    retention: [],
    securityMeasures: [],
    dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: [] },
    automatedDecisionMaking: false,
    automatedDecisions: [],
    profiling: false,
    dataSources: [],
    systems: [],
    lastReviewedAt: null,
    recordExemptionClaimed: false,
    occasional: false,
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    ...extra
  }
}

const health = { id: 'health', name: 'Health', description: null, specialCategory: codeRef('specialCategory', 'health_data'), criminal: false }
const record = { id: 'record', name: 'Criminal record', description: null, specialCategory: null, criminal: true }

const screening = activity({
  purposes: [
    purpose('6.1.e'),
    purpose('6.1.c', { legalReference: 'Act § 1' }),
    purpose('6.1.a', {
      consent: { mechanism: null, recordReference: null, withdrawalMechanism: 'Reply STOP', ageThreshold: null, parentalConsentVerification: null }
    }),
    purpose('6.1.f', { legitimateInterest: 'Fraud prevention', directMarketing: true, objectionMechanism: 'Unsubscribe link' })
  ],
  dataCategories: [health, record],
  dataSources: ['third_party'],
  transfers: [
    transfer({ country: countryRef('US'), mechanism: codeRef('mechanism', '46.2.c') }),
    transfer({ country: countryRef('JP'), mechanism: codeRef('mechanism', '45') }),
    transfer({ internationalOrganisation: { code: 'IO:EPORG', name: 'European Patent Organisation' }, mechanism: codeRef('mechanism', '45') }),
    transfer({ country: countryRef('CN'), mechanism: codeRef('mechanism', '47'), safeguardReference: 'Ask privacy@overseas.example' })
  ],
  retention: [
    {
      dataCategories: [{ id: 'health', name: 'Health' }],
      allDataCategories: false,
      period: null,
      kind: null,
      trigger: null,
      description: null,
      legalReference: null
    }
  ],
  automatedDecisionMaking: true,
  automatedDecisions: [
    AutomatedDecision.fill({ description: 'Scoring', exception: '22.2.c', safeguards: ['human_intervention'] }),
    AutomatedDecision.fill({ description: 'Sorting', legalOrSimilarEffect: false, logicInformation: 'See the FAQ' })
  ],
  profiling: true
})
const undescribed = activity({
  id: '00000000-0000-4000-8000-00000000000b',
  name: 'Lists',
  role: 'controller',
  jointControllers: [],
  dataSubjectCategories: [],
  purposes: [purpose('6.1.b')],
  noRecipients: true,
  dataSources: ['publicly_available'],
  automatedDecisionMaking: true
})

const notice = buildNotice({ organisation, activities: [screening, undescribed], audience: null, generatedAt: '2026-01-15T00:00:00.000Z' }, labels, texts)
const gapAt = (field: string) => notice.gaps.find((gap) => gap.field === field)

t.test('a controller outside the EEA without a representative, without contact and without a DPO', async (t) => {
  t.match(gapAt('/representative'), { article: 'Arts. 13(1)(a), 27' })
  t.match(gapAt('/controller/email'), { article: 'Art. 13(1)(a)' })
  t.equal(notice.dpo, null, 'no DPO designated: nothing to tell, and no gap')
  t.notOk(notice.gaps.some((gap) => gap.field.startsWith('/dpo')))
  t.same(notice.articles, ['13', '14'])
})

t.test('purposes: the law, the interest, withdrawal and objection as recorded; a 6.1.e purpose without its law is a gap', async (t) => {
  const [publicTask, obligation, consent, interest] = notice.activities[0]!.purposes
  t.equal(publicTask!.law, null)
  t.match(gapAt('/activities/0/purposes/0/law'), { article: 'Arts. 6(3), 13(1)(c)' })
  t.equal(obligation!.law, 'Act § 1')
  t.equal(consent!.consentWithdrawal, 'Reply STOP')
  t.match(interest, { legitimateInterest: 'Fraud prevention', directMarketing: true, objectionMechanism: 'Unsubscribe link' })
})

t.test('special categories without an Art. 9(2) condition, transfers, retention, sources and decisions', async (t) => {
  t.match(gapAt('/activities/0/specialCategoryConditions'), { article: 'Arts. 9(2), 13(1)(c)', message: /Health/ })
  t.match(gapAt('/activities/0/recipients'), { article: 'Art. 13(1)(e)' })
  t.notOk(gapAt('/activities/1/recipients'), 'disclosed to no one is an answer')
  const [scc, japan, epo, bcr] = notice.activities[0]!.transfers
  t.match(gapAt('/activities/0/transfers/0/safeguardsCopy'), { article: 'Art. 13(1)(f)' })
  t.match(japan, { country: { code: 'JP', name: 'Japan' }, adequacyDecision: /Decision/ })
  t.match(epo, { internationalOrganisation: { code: 'IO:EPORG' }, adequacyDecision: /2025\/1382/ })
  t.match(bcr, { safeguardsCopy: 'Ask privacy@overseas.example', adequacyDecision: null })
  t.equal(scc!.adequacyDecision, null)
  t.notOk(gapAt('/activities/0/transfers/3/safeguardsCopy'))
  t.match(gapAt('/activities/0/retention/0/period'), { article: 'Art. 13(2)(a)' })
  t.match(gapAt('/activities/0/retention'), { message: /Criminal record/ })
  t.match(gapAt('/activities/1/retention'), { message: /the data of this activity/ })
  t.match(gapAt('/activities/0/automatedDecisions/0/logic'), { article: 'Arts. 13(2)(f), 14(2)(g)', message: /Scoring/ })
  t.notOk(gapAt('/activities/0/automatedDecisions/1/logic'), 'no legal effect: Art. 22 does not reach it')
  t.match(gapAt('/activities/1/automatedDecisions'), { article: 'Arts. 13(2)(f), 22' })
  t.match(gapAt('/activities/1/dataCategories'), { article: 'Art. 14(1)(d)' })
  t.notOk(gapAt('/activities/1/provisionRequirement'), 'Art. 13(2)(e) concerns data collected from the data subject')
  t.match(notice.activities[0]!.automatedDecisions[0], { exception: { code: '22.2.c' }, safeguards: [{ code: 'human_intervention' }] })
})

t.test('the document: every section the notice has, gaps as gap blocks, labels in the language', async (t) => {
  const document = noticeDocument(notice, texts)
  const blocks = [...(document.blocks as Iterable<Block>)]
  const texts_ = JSON.stringify(blocks)
  for (const expected of ['Partner AB', 'Joint controllers (Art. 26)', 'Health (special category: ', 'Criminal record (criminal convictions', 'Scoring']) {
    t.ok(texts_.includes(expected), expected)
  }
  t.ok(texts_.includes(texts.profiling))
  t.ok(texts_.includes(texts.noRecipients))
  t.ok(texts_.includes(texts.article14))
  t.equal(blocks.filter((block) => block.kind === 'gap').length, notice.gaps.length, 'one gap block per gap')
  const empty = buildNotice(
    { organisation: { ...organisation, dpo: null }, activities: [], audience: null, generatedAt: '2026-01-15T00:00:00.000Z' },
    labels,
    texts
  )
  t.ok(JSON.stringify([...(noticeDocument(empty, texts).blocks as Iterable<Block>)]).includes(texts.noActivities))
  t.match(empty.gaps, [{ field: '/controller/email' }, { field: '/representative' }, { field: '/dpo' }])
})

t.test('selection: by activity ids and by category of data subjects', async (t) => {
  t.match(selectActivities([screening, undescribed], { activityIds: [undescribed.id, 'nope'] }), {
    selected: [{ name: 'Lists' }],
    missing: ['nope'],
    audience: null
  })
  t.match(selectActivities([screening, undescribed], { dataSubjectCategoryId: 'dsc' }), { selected: [{ name: 'Screening' }], audience: { name: 'Applicants' } })
  t.match(selectActivities([screening], { dataSubjectCategoryId: 'other' }), { selected: [], audience: null })
})

t.test('in Bokmål: the same gaps in Norwegian, and a representative when one is recorded', async (t) => {
  const nb = noticeTexts.nb
  const representative = { name: 'EU Rep BV', email: 'rep@example.nl', phone: null, address: null }
  const norwegian = buildNotice(
    {
      organisation: { ...organisation, representative, dpo: null },
      activities: [screening, undescribed],
      audience: null,
      generatedAt: '2026-01-15T00:00:00.000Z'
    },
    await codeLabels('nb'),
    nb
  )
  const fields = notice.gaps.map((gap) => gap.field).filter((field) => field !== '/representative')
  t.same(norwegian.gaps.map((gap) => gap.field).sort(), [...fields, '/dpo'].sort())
  t.match(
    norwegian.gaps.find((gap) => gap.field === '/activities/0/automatedDecisions/0/logic'),
    { message: /«Scoring»/ }
  )
  const blocks = JSON.stringify([...(noticeDocument(norwegian, nb).blocks as Iterable<Block>)])
  for (const expected of ['Representant i EU', 'EU Rep BV', 'Personvernerklæring', 'Dine rettigheter']) t.ok(blocks.includes(expected), expected)
})

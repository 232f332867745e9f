import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'
import { rerunDataMigration } from '../support/migrations.ts'

type Json = Record<string, unknown>

// What the model can now say (retention kinds, Art. 22 decisions, explicit consent where it belongs,
// public authority tasks, Art. 8, Art. 30(5)), written and checked through the API.
const app = await buildTestApp(t)
const today = new Date().toISOString().slice(0, 10)
const org = await createOrganisationViaApi(app, { country: 'NO', email: 'privacy@example.com', employeeCount: 40 })
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const readCsv = (body: string): string[][] => parse(body, { bom: true, record_delimiter: ['\r\n', '\n', '\r'] })

async function create(path: string, payload: Json) {
  const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as Json & { id: string }
}
const customers = await create('data-subject-categories', { name: 'Customers' })
const pupils = await create('data-subject-categories', { name: 'Pupils', includesChildren: true })
const contact = await create('data-categories', { name: 'Contact details' })
const health = await create('data-categories', { name: 'Health data', specialCategory: 'health_data' })
await create('security-measures', { name: 'Encryption at rest', type: 'technical', appliesToAllActivities: true })

const activity = (payload: Json) =>
  create('activities', {
    name: 'Sales',
    status: 'active',
    lastReviewedAt: today,
    dataSubjectCategoryIds: [customers.id],
    dataCategoryIds: [contact.id],
    noRecipients: true,
    purposes: [{ description: 'Deliver the ordered goods to customers', legalBasis: '6.1.b' }],
    retention: [{ period: 'P3Y', kind: 'fixed_period', trigger: 'Delivery' }],
    ...payload
  })
const findings = async (id: string) => (await app.inject({ url: `${base}/activities/${id}/findings`, headers })).json().items as Json[]
const rights = async (id: string) => (await app.inject({ url: `${base}/activities/${id}/rights`, headers })).json().items as Json[]

t.test('a statutory maximum on 6.1.f and a limitation period are bounded and no legal obligation', async (t) => {
  const cctv = await activity({
    purposes: [{ description: 'Protect the shop against theft with cameras', legalBasis: '6.1.f', legitimateInterest: 'Security', liaReference: 'lia.pdf' }],
    retention: [
      { period: 'P30D', kind: 'statutory_maximum', legalReference: 'Camera Surveillance Regulation § 3' },
      { kind: 'limitation_period', trigger: 'Claims time-barred', legalReference: 'Limitation Act § 2' }
    ]
  })
  t.same(await findings(cctv.id), [])
  const read = (await app.inject({ url: `${base}/activities/${cctv.id}`, headers })).json()
  t.same(
    read.retention.map((rule: Json) => [rule.kind, rule.period]),
    [
      ['statutory_maximum', 'P30D'],
      ['limitation_period', null]
    ]
  )
  const minimum = await activity({ retention: [{ period: 'P5Y', kind: 'statutory_minimum', legalReference: 'Bookkeeping Act § 13' }] })
  t.match(await findings(minimum.id), [{ rule: 'retention-law-without-legal-obligation', severity: 'warning', path: '/retention/0/legalReference' }])
})

t.test('contract (6.1.b) with explicit consent (9.2.a) documented on the condition', async (t) => {
  const payload = {
    dataCategoryIds: [contact.id, health.id],
    dpia: { status: 'not_required', notRequiredReason: 'Small scale' },
    specialCategoryConditions: [{ condition: '9.2.a', consent: { recordReference: 'crm/consents', withdrawalMechanism: 'Account settings' } }]
  }
  const documented = await activity(payload)
  t.same(await findings(documented.id), [])
  const undocumented = await activity({ ...payload, specialCategoryConditions: [{ condition: '9.2.a' }] })
  t.match(await findings(undocumented.id), [
    { rule: 'consent-undocumented', path: '/specialCategoryConditions/0/consent/recordReference' },
    { rule: 'consent-undocumented', path: '/specialCategoryConditions/0/consent/withdrawalMechanism' }
  ])
})

t.test('an automated decision on legitimate interests is an error, and the rights answer says so', async (t) => {
  const scoring = await activity({
    name: 'Instalment credit',
    purposes: [{ description: 'Decide instalment credit for customers', legalBasis: '6.1.f', legitimateInterest: 'Credit risk', liaReference: 'lia.pdf' }],
    automatedDecisionMaking: true,
    automatedDecisions: [{ description: 'Credit limit', logicInformation: 'privacy-notice#credit' }],
    dpia: { status: 'completed', reference: 'dpia.pdf', completedAt: '2026-01-01' }
  })
  t.match(await findings(scoring.id), [{ rule: 'automated-decision-unlawful', severity: 'error', path: '/automatedDecisions/0/exception' }])
  t.match(
    (await rights(scoring.id)).find((answer) => answer.right === 'not_subject_to_automated_decision'),
    { applies: 'full', article: 'Art. 22(1)' }
  )
  const read = (await app.inject({ url: `${base}/activities/${scoring.id}`, headers })).json()
  t.same(read.automatedDecisions, [
    {
      description: 'Credit limit',
      legalOrSimilarEffect: true,
      exception: null,
      lawReference: null,
      consent: null,
      safeguards: [],
      specialCategories: false,
      logicInformation: 'privacy-notice#credit'
    }
  ])
  const csv = readCsv((await app.inject({ url: `${base}/ropa?format=csv`, headers })).body)
  const column = (name: string) => csv[0]!.indexOf(name)
  const row = csv.find((cells) => cells[0] === read.name)!
  t.match(row[column('Existence of automated decision-making, including profiling')], /^Credit limit$/)
  t.match(row[column('Rights available to individuals')], /not subject to automated decision \(Art\. 22\(1\)\)/)
  t.match(row[column('Rights available to individuals')], /object \(Art\. 21\(1\)\)/)
  t.notMatch(row[column('Rights available to individuals')], /portability/, 'no portability on 6.1.f')
})

t.test('a public authority on 6.1.f, children on consent, and the Art. 30(5) claim', async (t) => {
  const authority = await createOrganisationViaApi(app, { country: 'SE', isPublicAuthority: true, email: 'dpo@kommun.example', employeeCount: 900 })
  const authorityHeaders = await bearer({ orgs: [authority.id] })
  const post = async (rule: string, payload: Json) => {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${authority.id}/activities`, headers: authorityHeaders, payload })
    t.equal(res.statusCode, 201)
    const id = res.json().id
    return ((await app.inject({ url: `/v1/organisations/${authority.id}/activities/${id}/findings`, headers: authorityHeaders })).json().items as Json[])
      .filter((finding) => finding.rule === rule)
      .map((finding) => [finding.rule, finding.severity, finding.path])
  }
  const purposes = [
    { description: 'Grant building permits', legalBasis: '6.1.f', legitimateInterest: 'Planning', liaReference: 'lia.pdf', publicAuthorityTask: true },
    { description: 'Sell tickets to the public pool', legalBasis: '6.1.f', legitimateInterest: 'Sales', liaReference: 'lia.pdf', publicAuthorityTask: false }
  ]
  t.same(await post('legitimate-interests-of-public-authority', { name: 'Permits and pool', purposes }), [
    ['legitimate-interests-of-public-authority', 'error', '/purposes/0/legalBasis'],
    ['legitimate-interests-of-public-authority', 'warning', '/purposes/1/legalBasis']
  ])
  const app13 = await create('activities', {
    name: 'Homework app',
    dataSubjectCategoryIds: [pupils.id],
    purposes: [
      {
        description: 'Offer the homework app to pupils who want it',
        legalBasis: '6.1.a',
        informationSocietyService: true,
        consent: { recordReference: 'app/consents', withdrawalMechanism: 'App settings', ageThreshold: 13, parentalConsentVerification: 'BankID' }
      }
    ]
  })
  t.notOk(
    (await findings(app13.id)).some((finding) => finding.rule === 'child-consent-age'),
    'Norway: 13 is the Art. 8 age'
  )
  t.same(await post('record-exemption-cannot-hold', { name: 'Rare survey', recordExemptionClaimed: true, occasional: true }), [
    ['record-exemption-cannot-hold', 'error', '/recordExemptionClaimed']
  ])
})

t.test('invalid values name their field', async (t) => {
  const cases: [Json, string][] = [
    [{ retention: [{ kind: 'forever' }] }, '/body/retention/0/kind'],
    [{ automatedDecisions: [{ description: 'Score', exception: '22.2.d' }] }, '/body/automatedDecisions/0/exception'],
    [{ automatedDecisions: [{ exception: '22.2.a' }] }, '/body/automatedDecisions/0/description'],
    [{ automatedDecisions: [{ description: 'Score', safeguards: ['appeal'] }] }, '/body/automatedDecisions/0/safeguards/0'],
    [{ purposes: [{ description: 'Games for children', consent: { ageThreshold: 12 } }] }, '/body/purposes/0/consent/ageThreshold'],
    [{ specialCategoryConditions: [{ condition: '9.2.a', consent: { record: 'x' } }] }, '/body/specialCategoryConditions/0/consent/record'],
    [{ recordExemptionClaimed: 'yes' }, '/body/recordExemptionClaimed']
  ]
  for (const [payload, path] of cases) {
    const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Invalid', ...payload } })
    t.equal(res.statusCode, 400, path)
    t.ok(
      (res.json().errors as Json[]).some((error) => String(error.path).startsWith(path)),
      path
    )
  }
})

t.test('migration 0013 fills what rows written before it lack, and they read the same', async (t) => {
  const legacy = await activity({
    name: 'Legacy',
    purposes: [{ description: 'Send offers to customers', legalBasis: '6.1.a', consent: { recordReference: 'crm', withdrawalMechanism: 'Unsubscribe' } }],
    specialCategoryConditions: [{ condition: '9.2.h', reference: 'Health Act § 4' }],
    transfers: [{ country: 'IN', importer: 'Vendor', mechanism: '46.2.c', sccModule: 2 }],
    retention: [{ period: 'P1Y' }]
  })
  const before = (await app.inject({ url: `${base}/activities/${legacy.id}`, headers })).json()
  const strip = (value: Json, keys: string[]) => Object.fromEntries(Object.entries(value).filter(([key]) => !keys.includes(key)))
  const oldPurpose = strip(before.purposes[0], ['objectionMechanism', 'informationSocietyService', 'publicAuthorityTask'])
  oldPurpose.consent = strip(before.purposes[0].consent, ['ageThreshold', 'parentalConsentVerification'])
  await app.database.db.execute(sql`update activities set
    purposes = ${JSON.stringify([oldPurpose])}::jsonb,
    special_category_conditions = ${JSON.stringify([strip(before.specialCategoryConditions[0], ['consent'])])}::jsonb,
    transfers = ${JSON.stringify([strip(before.transfers[0], ['consent'])])}::jsonb,
    retention = ${JSON.stringify([strip(before.retention[0], ['kind'])])}::jsonb
    where id = ${legacy.id}`)
  await rerunDataMigration(app.database.db, '0013_art22_retention_consent.sql')
  const after = (await app.inject({ url: `${base}/activities/${legacy.id}`, headers })).json()
  t.same(after, before)
  t.equal(after.retention[0].kind, null)
})

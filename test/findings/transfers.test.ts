import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'
import { rerunDataMigration } from '../support/migrations.ts'

type Json = Record<string, unknown>

// The transfer traps of a record reviewed by a privacy lawyer, through the API.
const app = await buildTestApp(t)
const today = new Date().toISOString().slice(0, 10)

async function organisation(country: string) {
  const org = await createOrganisationViaApi(app, { country, email: 'privacy@example.com' })
  const headers = await bearer({ orgs: [org.id] })
  const base = `/v1/organisations/${org.id}`
  const create = async (payload: Json) => {
    const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { lastReviewedAt: today, ...payload } })
    if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
    return res.json() as Json & { id: string; version: number }
  }
  const findings = async (id: string, rule: string): Promise<Json[]> =>
    ((await app.inject({ url: `${base}/activities/${id}/findings`, headers })).json().items as Json[]).filter((finding) => finding.rule === rule)
  return { base, headers, create, findings }
}

const norway = await organisation('NO')
const sweden = await organisation('SE')

t.test('the DPF covers a certified importer in any role: a US controller on the List needs no processor link', async (t) => {
  const certified = await norway.create({
    name: 'Sharing leads with a US partner',
    transfers: [{ country: 'US', importer: 'Partner Inc', importerRole: 'controller', mechanism: '45', dpfCertified: true, dpfCheckedAt: today }]
  })
  t.match(await norway.findings(certified.id, 'adequacy-not-valid'), [{ severity: 'info', article: 'Art. 45(5)' }])
  t.equal((await norway.findings(certified.id, 'adequacy-not-valid')).length, 1, 'only the note on the appeal')

  const unlisted = await norway.create({ name: 'Sharing with an unlisted partner', transfers: [{ country: 'US', importer: 'Other Inc', mechanism: '45' }] })
  t.match(await norway.findings(unlisted.id, 'adequacy-not-valid'), [{ severity: 'error', path: '/transfers/0/dpfCertified' }, { severity: 'info' }])

  const stale = await norway.create({
    name: 'Sharing on an old check',
    transfers: [{ country: 'US', importer: 'Partner Inc', importerRole: 'processor', mechanism: '45', dpfCertified: true, dpfCheckedAt: '2020-01-01' }]
  })
  t.match(await norway.findings(stale.id, 'adequacy-not-valid'), [{ severity: 'warning', path: '/transfers/0/dpfCheckedAt' }, { severity: 'info' }])
})

t.test('an adequacy decision not yet in the EEA Agreement (Brazil) covers an exporter in Sweden, not one in Norway', async (t) => {
  const transfer = { country: 'BR', importer: 'Loja Ltda', mechanism: '45' }
  const fromNorway = await norway.create({ name: 'Orders to Brazil', transfers: [transfer] })
  t.match(await norway.findings(fromNorway.id, 'adequacy-not-valid'), [
    { severity: 'warning', article: 'Art. 45(1)', message: /not yet part of the EEA Agreement/ }
  ])
  const fromSweden = await sweden.create({ name: 'Orders to Brazil', transfers: [transfer] })
  t.same(await sweden.findings(fromSweden.id, 'adequacy-not-valid'), [])
})

t.test('an international organisation is a destination, with its own adequacy decision', async (t) => {
  const epo = await sweden.create({ name: 'Patent filings', transfers: [{ internationalOrganisation: 'IO:EPORG', importer: 'EPO', mechanism: '45' }] })
  t.same(await sweden.findings(epo.id, 'transfer-without-country'), [], 'the organisation identifies the destination')
  t.same(await sweden.findings(epo.id, 'adequacy-not-valid'), [])
  const other = await sweden.create({ name: 'Reports', transfers: [{ internationalOrganisation: 'IO:OECD', importer: 'OECD', mechanism: '45' }] })
  t.match(await sweden.findings(other.id, 'adequacy-not-valid'), [{ severity: 'error', message: /no adequacy decision for IO:OECD/ }])

  const record = (await app.inject({ url: `${sweden.base}/ropa?includeDrafts=true`, headers: sweden.headers })).json()
  const patents = record.activities.find((activity: Json) => activity.name === 'Patent filings')
  t.same(patents.transfers[0].internationalOrganisation, { code: 'IO:EPORG', name: 'European Patent Organisation' })

  const reference = await app.inject('/v1/reference/international-organisations/IO:EPORG')
  t.equal(reference.statusCode, 200)
  t.match(reference.json(), { name: 'European Patent Organisation', adequacy: { decision: 'Implementing Decision (EU) 2025/1382', scope: 'full' } })

  const notACode = await app.inject('/v1/reference/international-organisations/eporg')
  t.equal(notACode.statusCode, 400)
  t.match(notACode.json().errors, [{ path: '/params/code' }])
  const unknownFilter = await app.inject('/v1/reference/international-organisations?adequacy=full')
  t.equal(unknownFilter.statusCode, 400)
  t.match(unknownFilter.json().errors, [{ path: '/query/adequacy' }])
  t.same(
    (await app.inject('/v1/reference/international-organisations')).json().items.map((io: Json) => io.code),
    ['IO:EPORG'],
    'public: no token needed'
  )

  const bad = await app.inject({
    method: 'POST',
    url: `${sweden.base}/activities`,
    headers: sweden.headers,
    payload: { name: 'Bad', transfers: [{ internationalOrganisation: 'European Patent Office' }] }
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/body/transfers/0/internationalOrganisation' }])
})

t.test('the SCC module must fit the roles; every Art. 46 tool and BCRs need a transfer impact assessment', async (t) => {
  const activity = await sweden.create({
    name: 'Offshore payroll',
    transfers: [
      { country: 'IN', importer: 'Payroll Pvt', importerRole: 'processor', mechanism: '46.2.c', sccModule: 1, tiaReference: 'tia.pdf' },
      { country: 'IN', importer: 'Group company', importerRole: 'controller', mechanism: '47' }
    ]
  })
  t.match(await sweden.findings(activity.id, 'scc-transfer-incomplete'), [
    { severity: 'warning', path: '/transfers/0/sccModule', message: /module 2/ },
    { severity: 'warning', article: 'Art. 47', path: '/transfers/1/tiaReference', message: /binding corporate rules/ }
  ])
  const bad = await app.inject({
    method: 'POST',
    url: `${sweden.base}/activities`,
    headers: sweden.headers,
    payload: { name: 'Bad', transfers: [{ importerRole: 'partner' }] }
  })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/body/transfers/0/importerRole' }])
})

t.test('the migration gives transfers stored before it the new fields, and the record reads the same otherwise', async (t) => {
  const activity = await sweden.create({ name: 'Legacy transfer', transfers: [{ country: 'IN', importer: 'Vendor', mechanism: '46.2.c', sccModule: 2 }] })
  const before = (await app.inject({ url: `${sweden.base}/activities/${activity.id}`, headers: sweden.headers })).json()
  const legacy = {
    country: 'IN',
    importer: 'Vendor',
    processorId: null,
    mechanism: '46.2.c',
    sccModule: 2,
    safeguardReference: null,
    tiaReference: null,
    derogation: null
  }
  await app.database.db.execute(sql`update activities set transfers = ${JSON.stringify([legacy])}::jsonb where id = ${activity.id}`)
  await rerunDataMigration(app.database.db, '0012_transfer_importer_and_destination.sql')
  await rerunDataMigration(app.database.db, '0013_art22_retention_consent.sql')
  const after = (await app.inject({ url: `${sweden.base}/activities/${activity.id}`, headers: sweden.headers })).json()
  t.same(after, before, 'reads exactly as it was written')
  t.same(after.transfers[0], { ...legacy, internationalOrganisation: null, importerRole: null, dpfCertified: null, dpfCheckedAt: null, consent: null })
})

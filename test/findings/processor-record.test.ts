import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'csv-parse/sync'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { migrationsFolder } from '../../src/db/client.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, unknown>
interface Finding {
  rule: string
  severity: string
  article: string
  path: string
  message: string
}

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app, { name: 'Payroll Bureau AS', email: 'privacy@bureau.example' })
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const readCsv = (body: string): string[][] => parse(body, { bom: true, record_delimiter: ['\r\n', '\n', '\r'] })

const today = new Date().toISOString().slice(0, 10)

/** Creates an entry; activities are reviewed today, so that review-overdue stays out of the findings asserted here. */
async function create(path: string, fields: Json) {
  const payload = path === 'activities' ? { lastReviewedAt: today, ...fields } : fields
  const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload })
  if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${res.body}`)
  return res.json() as Json & { id: string; version: number }
}

const measure = await create('security-measures', { name: 'Encryption at rest', type: 'technical', appliesToAllActivities: true })
const subProcessor = await create('processors', { name: 'Cloud Host Inc', country: 'IE', dpaReference: 'dpa/cloud.pdf', dpaSignedAt: '2025-01-01' })
const findingsOf = async (id: string): Promise<Finding[]> => (await app.inject({ url: `${base}/activities/${id}/findings`, headers })).json().items

t.test('a processor activity gets the findings of Art. 30(2), not those of a controller record', async (t) => {
  const activity = await create('activities', {
    name: 'Payroll bureau service',
    role: 'processor',
    controllers: [
      { name: 'Client One AS', contact: null },
      { name: 'Client Two AS', contact: 'dpo@two.example' }
    ],
    processorIds: [subProcessor.id]
  })
  const findings = await findingsOf(activity.id)
  t.same(findings.map((finding) => finding.rule).sort(), [
    'client-controller-contact-missing',
    'client-controller-contract-missing',
    'client-controller-contract-missing',
    'client-controller-contract-missing',
    'client-controller-contract-missing',
    'processor-record-incomplete',
    'processor-record-incomplete'
  ])
  t.match(
    findings.filter((finding) => finding.rule === 'processor-record-incomplete'),
    [
      { severity: 'error', article: 'Art. 30(2)(b)', path: '/controllers/0/processing', message: /Client One AS/ },
      { severity: 'error', article: 'Art. 30(2)(b)', path: '/controllers/1/processing', message: /Client Two AS/ }
    ]
  )
  t.match(
    findings.filter((finding) => finding.rule === 'client-controller-contract-missing' && finding.severity === 'warning'),
    [
      { article: 'Art. 28(2)', path: '/controllers/0/subprocessorAuthorisation' },
      { article: 'Art. 28(2)', path: '/controllers/1/subprocessorAuthorisation' }
    ]
  )
  for (const rule of ['purpose-missing', 'categories-missing', 'recipients-missing', 'retention-missing', 'purpose-without-legal-basis']) {
    t.notOk(
      findings.some((finding) => finding.rule === rule),
      `no ${rule}: Art. 30(2) does not ask a processor for it`
    )
  }

  const complete = await app.inject({
    method: 'PATCH',
    url: `${base}/activities/${activity.id}`,
    headers: { ...headers, 'if-match': `"${activity.version}"` },
    payload: {
      controllers: [
        {
          name: 'Client One AS',
          contact: 'dpo@one.example',
          processing: 'Payroll runs',
          contractReference: 'dpa/one.pdf',
          subprocessorAuthorisation: 'general'
        },
        { name: 'Client Two AS', contact: 'dpo@two.example', processing: 'Payslips', contractReference: 'dpa/two.pdf', subprocessorAuthorisation: 'specific' }
      ]
    }
  })
  t.equal(complete.statusCode, 200, complete.body)
  t.match(complete.json().controllers[1], { processing: 'Payslips', contractReference: 'dpa/two.pdf', subprocessorAuthorisation: 'specific' })
  t.same(await findingsOf(activity.id), [], 'a complete processor activity has no finding')
})

t.test('the same gaps in a controller activity are reported: the role decides', async (t) => {
  const activity = await create('activities', { name: 'Own payroll' })
  const rules = new Set((await findingsOf(activity.id)).map((finding) => finding.rule))
  for (const rule of ['purpose-missing', 'categories-missing', 'recipients-missing']) t.ok(rules.has(rule), rule)
  t.notOk(rules.has('processor-record-incomplete'))
})

t.test('a transfer of a processor activity is cited under Art. 30(2)(c)', async (t) => {
  const activity = await create('activities', {
    name: 'Support desk for clients',
    description: 'First-line support for the clients’ customers',
    role: 'processor',
    controllers: [{ name: 'Client AS', contact: 'c@example.com', contractReference: 'dpa.pdf' }],
    transfers: [{ importer: 'Support Ltd' }]
  })
  t.match(await findingsOf(activity.id), [{ rule: 'transfer-without-country', article: 'Art. 30(2)(c)', message: /Art\. 30\(2\)\(c\)/ }])
})

t.test('the rights of a processor activity are owed by its client controllers', async (t) => {
  const activity = await create('activities', {
    name: 'Hosting',
    role: 'processor',
    controllers: [{ name: 'Shop AS' }, { name: 'Clinic AS' }],
    purposes: [{ description: 'Hosting of the client shop', legalBasis: '6.1.a' }]
  })
  const res = await app.inject({ url: `${base}/activities/${activity.id}/rights`, headers })
  t.equal(res.statusCode, 200)
  const items = res.json().items
  t.same(
    items.map((item: Json) => [item.right, item.article, item.applies]),
    [
      ['assistance_to_the_controller', 'Art. 28(3)(e)', 'full'],
      ['complaint', 'Art. 77', 'full']
    ]
  )
  t.match(items[0].reason, /Shop AS, Clinic AS/)
})

t.test('client controllers are validated field by field', async (t) => {
  const bad = async (controller: Json, path: string) => {
    const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Bad', role: 'processor', controllers: [controller] } })
    t.equal(res.statusCode, 400, JSON.stringify(controller))
    t.match(res.json().errors, [{ path }])
  }
  await bad({ name: 'A', subprocessorAuthorisation: 'verbal' }, '/body/controllers/0/subprocessorAuthorisation')
  await bad({ name: 'A', contract: 'dpa.pdf' }, '/body/controllers/0/contract')
  await bad({ name: 'A', processing: 'x'.repeat(2001) }, '/body/controllers/0/processing')
})

t.test('another organisation cannot read these findings or rights: 404', async (t) => {
  const activity = await create('activities', { name: 'Private', role: 'processor', controllers: [{ name: 'Client AS' }] })
  const other = await createOrganisationViaApi(app)
  const stranger = await bearer({ scopes: ['ropa:read'], orgs: [other.id] })
  for (const path of ['findings', 'rights']) {
    t.equal((await app.inject({ url: `${base}/activities/${activity.id}/${path}`, headers: stranger })).statusCode, 404, `${path}: not its organisation`)
    const res = await app.inject({ url: `/v1/organisations/${other.id}/activities/${activity.id}/${path}`, headers: stranger })
    t.equal(res.statusCode, 404, `${path}: not in its organisation`)
  }
})

t.test('the processor CSV names the categories of processing for each client controller', async (t) => {
  const rows = readCsv((await app.inject({ url: `${base}/ropa?format=csv&record=processor&includeDrafts=true`, headers })).body)
  const header = rows[0]!
  const column = header.indexOf('Categories of processing')
  const controller = header.indexOf('Name and contact details of controller')
  const row = (name: string) => rows.find((r) => r[controller]!.startsWith(name))!
  t.equal(row('Client One AS')[column], 'Payroll runs', 'the client controller entry')
  t.match(row('Client AS')[column], /Support desk for clients/, "else the activity's name and description")
})

t.test('the rules catalogue says which roles each rule applies to and its kind', async (t) => {
  const items: Json[] = (await app.inject('/v1/reference/rules')).json().items
  t.match(
    items.find((rule) => rule.id === 'processor-record-incomplete'),
    {
      code: 'L-01',
      article: 'Art. 30(2)(a)',
      roles: ['processor'],
      kind: 'requirement'
    }
  )
  t.match(
    items.find((rule) => rule.id === 'categories-missing'),
    { roles: ['controller', 'joint_controller'], kind: 'requirement' }
  )
  t.match(
    items.find((rule) => rule.id === 'consent-in-imbalance-of-power'),
    { kind: 'heuristic' }
  )
  t.match(
    items.find((rule) => rule.id === 'controller-contact-missing'),
    { scope: 'organisation', roles: ['controller', 'joint_controller', 'processor'] }
  )
})

t.test('the migration gives client controllers stored before it the new fields, and the record reads the same otherwise', async (t) => {
  const activity = await create('activities', {
    name: 'Legacy processing',
    role: 'processor',
    controllers: [
      { name: 'Old Client AS', contact: 'old@example.com', representative: 'Rep BV' },
      { name: 'Second AS', contact: null }
    ]
  })
  const before = (await app.inject({ url: `${base}/activities/${activity.id}`, headers })).json()
  // As a row written before migration 0010 holds them: only name, contact and representative.
  await app.database.db.execute(
    sql`update activities set controllers = ${JSON.stringify([
      { name: 'Old Client AS', contact: 'old@example.com', representative: 'Rep BV' },
      { name: 'Second AS', contact: null, representative: null }
    ])}::jsonb where id = ${activity.id}`
  )
  const migration = readFileSync(join(migrationsFolder, '0010_client_controller_art28.sql'), 'utf8')
  await app.database.db.execute(sql.raw(migration))
  const after = (await app.inject({ url: `${base}/activities/${activity.id}`, headers })).json()
  t.same(after, before, 'reads exactly as it was written')
  t.same(after.controllers[0], {
    name: 'Old Client AS',
    contact: 'old@example.com',
    representative: 'Rep BV',
    processing: null,
    contractReference: null,
    subprocessorAuthorisation: 'unknown'
  })
  const untouched = await create('activities', { name: 'No client controllers' })
  await app.database.db.execute(sql.raw(migration))
  t.same((await app.inject({ url: `${base}/activities/${untouched.id}`, headers })).json().controllers, [], 'an empty list stays empty')
})

t.test('organisation-wide measures cover processor activities too', async (t) => {
  t.ok(measure.id)
  const activity = await create('activities', {
    name: 'Archive service',
    description: 'Storage of client archives',
    role: 'processor',
    controllers: [{ name: 'Client AS', contact: 'c@example.com', contractReference: 'dpa.pdf' }]
  })
  t.same(await findingsOf(activity.id), [])
})

t.test("a sub-processor abroad of one of the activity's processors is found (L-14)", async (t) => {
  const offshore = await create('processors', { name: 'Offshore Support Pvt', country: 'IN', dpaReference: 'dpa/in.pdf', dpaSignedAt: '2025-01-01' })
  const hosting = await create('processors', {
    name: 'Nordic Hosting AS',
    country: 'NO',
    dpaReference: 'dpa/no.pdf',
    dpaSignedAt: '2025-01-01',
    subProcessorIds: [offshore.id]
  })
  const activity = await create('activities', { name: 'Customer support', processorIds: [hosting.id] })
  t.match(
    (await findingsOf(activity.id)).filter((finding) => finding.rule === 'processor-abroad-without-transfer'),
    [
      {
        severity: 'warning',
        article: 'Art. 28(4)',
        path: '/processorIds/0',
        message: /'Offshore Support Pvt', a sub-processor of 'Nordic Hosting AS', is in IN/
      }
    ]
  )
  const patched = await app.inject({
    method: 'PATCH',
    url: `${base}/activities/${activity.id}`,
    headers: { ...headers, 'if-match': `"${activity.version}"` },
    payload: {
      transfers: [{ country: 'IN', importer: 'Offshore Support Pvt', processorId: offshore.id, mechanism: '46.2.c', sccModule: 3, tiaReference: 'tia.pdf' }]
    }
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.notOk(
    (await findingsOf(activity.id)).some((finding) => finding.rule === 'processor-abroad-without-transfer'),
    'the recorded transfer covers it'
  )
})

t.test('every processor CSV row says whose record it is: the processor itself (Art. 30(2)(a))', async (t) => {
  const rows = readCsv((await app.inject({ url: `${base}/ropa?format=csv&record=processor&includeDrafts=true`, headers })).body)
  const header = rows[0]!
  const processor = header.indexOf('Processor (name and contact details)')
  t.ok(processor > 0)
  t.same(header.slice(processor), ['Processor (name and contact details)', "Processor's representative", 'Data protection officer'])
  t.ok(rows.length > 2)
  for (const row of rows.slice(1)) t.equal(row[processor], 'Payroll Bureau AS, privacy@bureau.example')
})

import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { Value } from 'typebox/value'
import { type Bundle, readExampleBundle } from '../../src/example/bundle.ts'
import { RecordSchema } from '../../src/exports/record.schemas.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)
const bundle: Bundle = readExampleBundle()
const loaded = await loadBundleViaApi(app, bundle)
const orgId = loaded.organisationId
const base = `/v1/organisations/${orgId}`
const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [orgId] })
const writer = await bearer({ sub: 'writer', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
const exportAs = (query: string, headers: Record<string, string> = {}) => app.inject({ url: `${base}/ropa${query}`, headers: { ...reader, ...headers } })
const byKey = (list: Json[], key: unknown) => list.find((entry) => entry.key === key)!
const today = new Date().toISOString().slice(0, 10)

const json = await exportAs('')
const record = json.json()
const csv = await exportAs('?format=csv')
const csvRows: string[][] = parse(csv.body, { bom: true, relax_column_count: false })

t.test('JSON: the whole controller record, valid against its documented schema', async (t) => {
  t.equal(json.statusCode, 200)
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(json.headers['content-disposition'], `attachment; filename="ropa-example-consulting-as-controller-${today}.json"`)
  t.equal(json.headers['cache-control'], 'no-store')
  const valid = Value.Check(RecordSchema, record)
  if (!valid) t.comment(JSON.stringify([...Value.Errors(RecordSchema, record)].slice(0, 5)))
  t.ok(valid, 'matches the schema in openapi.json')
  t.match(record, {
    record: 'controller',
    asOf: null,
    includesDrafts: false,
    organisation: {
      name: 'Example Consulting AS',
      registrationNumber: '923456783',
      supervisoryAuthority: 'Datatilsynet',
      country: { code: 'NO', name: 'Norway', eea: true },
      dpo: { designated: true, name: 'Kari Nordmann' }
    }
  })
  t.same(
    record.activities.map((a: { name: string }) => a.name).sort(),
    bundle.activities
      .filter((a) => a.status === 'active')
      .map((a) => a.name as string)
      .sort()
  )
})

t.test('every fact of the example appears, resolved, in the JSON and in the CSV', async (t) => {
  const csvText = csv.body
  for (const activity of bundle.activities) {
    const exported = record.activities.find((a: { name: string }) => a.name === activity.name)
    t.ok(exported, String(activity.name))
    const row = csvRows.find((cells) => cells[0] === activity.name)!
    t.ok(row, `CSV row for ${String(activity.name)}`)
    for (const [i, purpose] of (activity.purposes as Json[]).entries()) {
      t.equal(exported.purposes[i].description, purpose.description)
      t.equal(exported.purposes[i].legalBasis?.code ?? null, purpose.legalBasis)
      t.match(row[2], String(purpose.description))
      if (purpose.legalBasis) {
        t.match(exported.purposes[i].legalBasis, { article: `Art. 6(1)(${String(purpose.legalBasis).slice(-1)})` })
        t.match(row[12], `Art. 6(1)(${String(purpose.legalBasis).slice(-1)})`)
      }
    }
    // Linked entries are listed in name order (any case), whatever the order they were linked in.
    const names = (list: string, keys: unknown) =>
      ((keys as string[]) ?? [])
        .map((key) => String(byKey((bundle as unknown as Record<string, Json[]>)[list]!, key).name))
        .sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1))
    t.same(
      exported.dataCategories.map((c: { name: string }) => c.name),
      names('dataCategories', activity.dataCategoryKeys),
      'data categories by name'
    )
    t.same(
      exported.dataSubjectCategories.map((c: { name: string }) => c.name),
      names('dataSubjectCategories', activity.dataSubjectCategoryKeys)
    )
    t.same(
      exported.recipients.map((c: { name: string }) => c.name),
      names('recipients', activity.recipientKeys)
    )
    t.same(
      exported.processors.map((c: { name: string }) => c.name),
      names('processors', activity.processorKeys)
    )
    for (const name of [
      ...names('dataCategories', activity.dataCategoryKeys),
      ...names('dataSubjectCategories', activity.dataSubjectCategoryKeys),
      ...names('recipients', activity.recipientKeys),
      ...names('processors', activity.processorKeys)
    ]) {
      t.ok(
        row.some((cell) => cell.includes(name)),
        `CSV row of ${String(activity.name)} names ${name}`
      )
    }
    t.equal(exported.transfers.length, (activity.transfers as Json[]).length)
    for (const [i, transfer] of (activity.transfers as Json[]).entries()) {
      t.equal(exported.transfers[i].mechanism?.code ?? null, transfer.mechanism)
      t.equal(exported.transfers[i].importer, transfer.importer)
      if (transfer.country) t.match(exported.transfers[i].country, { code: transfer.country, name: /./ })
      if (transfer.processorKey) t.equal(exported.transfers[i].processor.name, byKey(bundle.processors, transfer.processorKey).name)
      t.ok(row[8]!.includes(String(transfer.importer)), 'third countries column names the importer')
    }
    t.equal(exported.retention.length, (activity.retention as Json[]).length)
    for (const [i, rule] of (activity.retention as Json[]).entries()) {
      t.equal(exported.retention[i].period, rule.period)
      t.same(
        exported.retention[i].dataCategories.map((c: { name: string }) => c.name),
        names('dataCategories', (rule.dataCategoryKeys as string[]).length ? rule.dataCategoryKeys : activity.dataCategoryKeys)
      )
      if (rule.period) t.ok(row[10]!.includes(String(rule.period)), 'retention column has the period')
      if (rule.legalReference) t.ok(row[10]!.includes(String(rule.legalReference)))
    }
    for (const condition of activity.specialCategoryConditions as Json[]) {
      t.ok(
        exported.specialCategoryConditions.some(
          (c: { condition: { code: string; article: string } }) => c.condition.code === condition.condition && c.condition.article.startsWith('Art. 9(2)')
        )
      )
      t.match(row[13], 'Art. 9(2)')
    }
    const organisationWide = bundle.securityMeasures.filter((m) => m.appliesToAllActivities).map((m) => String(m.name))
    const own = names('securityMeasures', activity.securityMeasureKeys)
    t.same(
      exported.securityMeasures.map((m: { name: string }) => m.name).sort(),
      [...new Set([...organisationWide, ...own])].sort(),
      'organisation-wide measures merged in'
    )
    for (const measure of [...organisationWide, ...own]) t.ok(row[11]!.includes(measure))
  }
  for (const category of bundle.dataCategories.filter((c) => c.specialCategory)) {
    t.match(csvText, `${String(category.name)} (special category:`)
    t.ok(
      record.activities.some((a: { dataCategories: { name: string; specialCategory: { code: string; article: string } | null }[] }) =>
        a.dataCategories.some(
          (c) => c.name === category.name && c.specialCategory?.code === category.specialCategory && c.specialCategory?.article === 'Art. 9(1)'
        )
      )
    )
  }
  const website = record.activities.find((a: { name: string }) => a.name === 'Website, cookies and analytics')
  t.match(
    website.transfers.find((tr: { country: { code: string } | null }) => tr.country?.code === 'US'),
    {
      country: { code: 'US', eea: false, adequacy: { scope: 'partial', decision: 'Implementing Decision (EU) 2023/1795' } },
      mechanism: { code: '45', article: 'Art. 45' }
    }
  )
})

t.test('CSV: a header row in the order of the ICO template, one row per activity', async (t) => {
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.equal(csv.headers['content-disposition'], `attachment; filename="ropa-example-consulting-as-controller-${today}.csv"`)
  t.same(csvRows[0]!.slice(0, 14), [
    'Processing activity',
    'Business function',
    'Purpose of processing',
    'Name and contact details of joint controller',
    'Categories of individuals',
    'Categories of personal data',
    'Categories of recipients',
    'Link to contract with processor',
    'Names of third countries or international organisations',
    'Safeguards for exceptional transfers',
    'Retention schedule',
    'General description of technical and organisational security measures',
    'Article 6 lawful basis',
    'Article 9 condition'
  ])
  t.equal(csvRows.length, 1 + record.activities.length)
  t.same(
    csvRows.slice(1).map((row) => row[0]),
    record.activities.map((a: { name: string }) => a.name),
    'same activities, same order'
  )
})

t.test('XLSX: four sheets that parse back with the same rows as the CSV', async (t) => {
  const res = await exportAs('?format=xlsx')
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.match(res.headers['content-disposition'], /ropa-example-consulting-as-controller-\d{4}-\d\d-\d\d\.xlsx/)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  t.same(
    workbook.worksheets.map((sheet) => sheet.name),
    ['Controller', 'Activities', 'Transfers', 'Retention']
  )
  const rows = (name: string) => {
    const out: string[][] = []
    workbook
      .getWorksheet(name)!
      .eachRow((row) => out.push((row.values as unknown[]).slice(1).map((value) => (value === null || value === undefined ? '' : String(value)))))
    return out
  }
  const activities = rows('Activities')
  const width = csvRows[0]!.length
  const padded = (row: string[]) => Array.from({ length: width }, (_, i) => row[i] ?? '')
  t.same(activities.map(padded), csvRows.map(padded), 'the activities sheet holds the CSV rows')
  t.match(rows('Controller'), [
    ['Field', 'Value'],
    ['Name', 'Example Consulting AS'],
    ['Registration number', '923456783']
  ])
  const transferCount = bundle.activities.filter((a) => a.status === 'active').reduce((n, a) => n + (a.transfers as Json[]).length, 0)
  t.equal(rows('Transfers').length, 1 + transferCount)
  const retentionCount = bundle.activities.filter((a) => a.status === 'active').reduce((n, a) => n + (a.retention as Json[]).length, 0)
  t.equal(rows('Retention').length, 1 + retentionCount)
  t.ok(rows('Retention').some((row) => row[5] === 'bokføringsloven § 13'))
  const sheet = workbook.getWorksheet('Activities')!
  t.match(sheet.views[0], { state: 'frozen', ySplit: 1 })
  t.ok(sheet.autoFilter, 'the header row has filters')
})

t.test('the Accept header chooses the format; an impossible one answers 406', async (t) => {
  const viaAccept = await exportAs('', { accept: 'text/csv' })
  t.equal(viaAccept.headers['content-type'], 'text/csv; charset=utf-8')
  const xlsx = await exportAs('', { accept: 'text/html;q=0, application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' })
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  t.equal((await exportAs('', { accept: '*/*' })).headers['content-type'], 'application/json; charset=utf-8')
  t.equal((await exportAs('?format=csv', { accept: 'application/json' })).headers['content-type'], 'text/csv; charset=utf-8', '?format wins')
  const none = await exportAs('', { accept: 'application/xml' })
  t.equal(none.statusCode, 406)
  t.match(none.json(), { code: 'ROPA_NOT_ACCEPTABLE', status: 406 })
  for (const query of ['?format=docx', '?record=both', '?includeDrafts=perhaps', '?asof=2020-01-01']) {
    t.equal((await exportAs(query)).statusCode, 400, query)
  }
})

t.test('drafts only on request, retired never; the processor record groups per client controller', async (t) => {
  const create = async (payload: Json) => (await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload })).json()
  await create({ name: 'A draft idea', status: 'draft' })
  await create({ name: 'Old retired processing', status: 'retired' })
  const payroll = await create({
    name: 'Payroll for clients',
    status: 'active',
    role: 'processor',
    controllers: [
      { name: 'Client B AS', contact: 'b@client.example' },
      { name: 'Client A AS', contact: 'a@client.example', representative: 'Rep GmbH' }
    ]
  })
  await create({
    name: 'Hosting for clients',
    status: 'active',
    role: 'processor',
    controllers: [{ name: 'Client A AS', contact: 'a@client.example', representative: 'Rep GmbH' }]
  })
  await create({ name: 'Unattributed processing', status: 'active', role: 'processor' })
  const names = (body: { activities: { name: string }[] }) => body.activities.map((a) => a.name)
  const standard = (await exportAs('')).json()
  t.notOk(names(standard).includes('A draft idea'))
  t.notOk(names(standard).includes('Old retired processing'))
  t.notOk(names(standard).includes('Payroll for clients'), 'processor activities are not in the controller record')
  const withDrafts = (await exportAs('?includeDrafts=true')).json()
  t.ok(names(withDrafts).includes('A draft idea'))
  t.equal(withDrafts.includesDrafts, true)
  t.notOk(names(withDrafts).includes('Old retired processing'))

  const processorRecord = await exportAs('?record=processor')
  t.equal(processorRecord.headers['content-disposition'], `attachment; filename="ropa-example-consulting-as-processor-${today}.json"`)
  const body = processorRecord.json()
  t.ok(Value.Check(RecordSchema, body))
  t.same(
    body.controllers.map((group: { controller: { name: string } | null; activities: { name: string }[] }) => [
      group.controller?.name ?? null,
      group.activities.map((a) => a.name)
    ]),
    [
      ['Client A AS', ['Hosting for clients', 'Payroll for clients']],
      ['Client B AS', ['Payroll for clients']],
      [null, ['Unattributed processing']]
    ]
  )
  t.match(body.controllers[0].controller, { name: 'Client A AS', contact: 'a@client.example', representative: 'Rep GmbH' })
  const processorCsv: string[][] = parse((await exportAs('?record=processor&format=csv')).body, { bom: true })
  t.same(processorCsv[0]!.slice(0, 3), ['Name and contact details of controller', "Controller's representative", 'Categories of processing'])
  t.same(
    processorCsv.slice(1).map((row) => [row[0], row[2]]),
    [
      ['Client A AS, a@client.example', 'Hosting for clients'],
      ['Client A AS, a@client.example', 'Payroll for clients'],
      ['Client B AS, b@client.example', 'Payroll for clients'],
      ['not recorded', 'Unattributed processing']
    ]
  )
  t.ok(payroll.id)
})

t.test('cells a spreadsheet would run as formulas are neutralised in CSV; XLSX keeps them as plain text', async (t) => {
  const hostile = ['=HYPERLINK("http://evil.example","click")', '+41 cmd', '-2+3', '@SUM(A1)', '\t=1+1', '\r=1+1']
  const org = await createOrganisationViaApi(app, { name: '=cmd|calc' })
  const headers = await bearer({ orgs: [org.id] })
  await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers,
    payload: {
      name: hostile[0],
      status: 'active',
      description: hostile[1],
      owner: hostile[2],
      purposes: hostile.slice(3).map((description) => ({ description })),
      systems: hostile
    }
  })
  const csvBody = (await app.inject({ url: `/v1/organisations/${org.id}/ropa?format=csv`, headers })).body
  const [, row] = parse(csvBody, { bom: true }) as string[][]
  t.equal(row![0], `'${hostile[0]}`)
  t.equal(row![1], `'${hostile[2]}`)
  t.ok(
    row!.every((cell) => !/^[=+\-@\t\r]/.test(cell)),
    'no cell starts with a formula character'
  )
  const xlsx = await app.inject({ url: `/v1/organisations/${org.id}/ropa?format=xlsx`, headers })
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  const cells: ExcelJS.Cell[] = []
  for (const sheet of workbook.worksheets) sheet.eachRow((r) => r.eachCell((cell) => void cells.push(cell)))
  t.ok(
    cells.some((cell) => cell.value === hostile[0]),
    'the name as typed'
  )
  t.ok(
    cells.some((cell) => cell.value === '=cmd|calc'),
    'the organisation name too'
  )
  t.ok(
    cells.every((cell) => cell.type === ExcelJS.ValueType.String),
    'every XLSX cell is text, none a formula'
  )
  t.equal(xlsx.headers['content-disposition'], `attachment; filename="ropa-cmd-calc-controller-${today}.xlsx"`)
})

t.test('an organisation without activities exports an empty record; a missing one answers 404', async (t) => {
  const empty = await createOrganisationViaApi(app, { name: 'Empty AS' })
  const headers = await bearer({ scopes: ['ropa:read', 'ropa:platform'] })
  const res = await app.inject({ url: `/v1/organisations/${empty.id}/ropa`, headers })
  t.match(res.json(), { organisation: { name: 'Empty AS' }, activities: [] })
  t.same(parse((await app.inject({ url: `/v1/organisations/${empty.id}/ropa?format=csv`, headers })).body, { bom: true }).length, 1, 'just the header row')
  t.same((await app.inject({ url: `/v1/organisations/${empty.id}/ropa?record=processor`, headers })).json().controllers, [])
  const missing = await app.inject({ url: '/v1/organisations/00000000-0000-4000-8000-000000000000/ropa', headers })
  t.equal(missing.statusCode, 404)
  t.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8')
})

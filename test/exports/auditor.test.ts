import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { wrappedLines } from '../../src/exports/render-xlsx.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)

/** Reads CSV as a spreadsheet does: any line break ends a row unless it is inside quotes. */
const readCsv = (body: string): string[][] => parse(body, { bom: true, record_delimiter: ['\r\n', '\n', '\r'], relax_column_count: false })

/** Whether a spreadsheet could take the cell for a formula: a formula character after blanks, quotes or no-break spaces. */
const formulaLike = (cell: string) => /^[\s"'\u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(cell)
/** A cell is safe when it starts with the neutralising apostrophe (the rest is text) or reads as no formula at all. */
const safe = (cell: string) => cell.startsWith("'") || !formulaLike(cell)

const hostile = [
  "Payroll\n=cmd|' /C calc'!A0",
  'Payroll\r=cmd|calc',
  'Payroll\r\n@SUM(A1)',
  '  =1+1',
  '\u00a0+47 22 00 00 00',
  '"=HYPERLINK(""http://evil.example"")',
  "'-2+3",
  '\t@x',
  '\r=1+1',
  '\n-1',
  '\uff1dcmd',
  'plain, with a comma and "quotes"',
  'Oslo; Bergen'
]

async function hostileOrganisation(name = 'Hostile AS') {
  const org = await createOrganisationViaApi(app, { name, phone: '+47 22 00 00 00' })
  const headers = await bearer({ orgs: [org.id] })
  const base = `/v1/organisations/${org.id}`
  const ids: string[] = []
  for (const [i, value] of hostile.entries()) {
    const res = await app.inject({
      method: 'POST',
      url: `${base}/activities`,
      headers,
      payload: {
        name: `Activity ${String(i).padStart(2, '0')}`,
        status: 'active',
        owner: value,
        description: value,
        purposes: [{ description: value }],
        systems: [value]
      }
    })
    if (res.statusCode !== 201) throw new Error(`creating with ${JSON.stringify(value)}: ${res.statusCode} ${res.body}`)
    ids.push(res.json().id)
    const client = await app.inject({
      method: 'POST',
      url: `${base}/activities`,
      headers,
      payload: {
        name: `Processing ${String(i).padStart(2, '0')}`,
        status: 'active',
        role: 'processor',
        description: value,
        controllers: [{ name: `Client ${String(i).padStart(2, '0')}`, representative: value }]
      }
    })
    if (client.statusCode !== 201) throw new Error(`creating with ${JSON.stringify(value)}: ${client.statusCode} ${client.body}`)
  }
  return { org, headers, base, ids }
}

const hostileOrg = await hostileOrganisation()
const get = (query: string, headers: Record<string, string> = hostileOrg.headers) => app.inject({ url: `${hostileOrg.base}${query}`, headers })

t.test('CSV: a line break inside a value cannot forge a row, and no cell can run as a formula', async (t) => {
  const neutralised = (value: string) => (formulaLike(value) ? `'${value}` : value)

  const controller = readCsv((await get('/ropa?format=csv')).body)
  t.equal(controller.length, 1 + hostile.length, 'one row per activity, whatever the line breaks inside them')
  t.same(
    controller.slice(1).map((row) => row[0]),
    hostile.map((_, i) => `Activity ${String(i).padStart(2, '0')}`)
  )
  for (const [i, value] of hostile.entries()) {
    const row = controller[i + 1]!
    t.equal(row[1], neutralised(value), `business function ${JSON.stringify(value)} round-trips`)
    t.equal(row[2], neutralised(value), 'purpose round-trips')
  }
  t.same(
    controller.flat().filter((cell) => !safe(cell)),
    [],
    'no controller cell reads as a formula'
  )

  const processor = readCsv((await get('/ropa?format=csv&record=processor')).body)
  t.equal(processor.length, 1 + hostile.length)
  for (const [i, value] of hostile.entries()) t.equal(processor[i + 1]![1], neutralised(value), `representative ${JSON.stringify(value)} round-trips`)
  t.same(
    processor.flat().filter((cell) => !safe(cell)),
    [],
    'no processor cell reads as a formula'
  )

  const before = new Date().toISOString()
  for (const [i, value] of hostile.entries()) {
    const res = await app.inject({
      method: 'PATCH',
      url: `${hostileOrg.base}/activities/${hostileOrg.ids[i]}`,
      // The reason is the writer's text too, and lands in the change list's last column.
      headers: { ...hostileOrg.headers, 'change-reason': '=HYPERLINK("http://evil.example")' },
      payload: { description: `${value} (changed)` }
    })
    t.equal(res.statusCode, 200)
  }
  const changes = (await get(`/ropa/changes?from=${encodeURIComponent(before)}`)).json().items as Json[]
  t.equal(changes.length, hostile.length)
  const changesCsv = readCsv((await get(`/ropa/changes?from=${encodeURIComponent(before)}&format=csv`)).body)
  t.equal(changesCsv.length, 1 + hostile.length, 'one row per changed field')
  for (const [i, value] of hostile.entries()) {
    t.same(changesCsv[i + 1]!.slice(6), [
      'description',
      neutralised(value),
      neutralised(`${value} (changed)`),
      neutralised('=HYPERLINK("http://evil.example")')
    ])
  }
  t.same(
    changesCsv.flat().filter((cell) => !safe(cell)),
    [],
    'no change cell reads as a formula'
  )
})

async function workbookOf(query: string, headers = hostileOrg.headers, base = hostileOrg.base) {
  const res = await app.inject({ url: `${base}/ropa${query}`, headers })
  if (res.statusCode !== 200) throw new Error(`export ${query}: ${res.statusCode} ${res.body}`)
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  return workbook
}

t.test('XLSX: text cells are plain strings, shown as typed, never formulas', async (t) => {
  const workbook = await workbookOf('?format=xlsx')
  const controller = workbook.getWorksheet('Controller')!
  const phone = controller.getColumn(1).values.indexOf('Telephone')
  t.equal(controller.getRow(phone).getCell(2).value, '+47 22 00 00 00', 'no visible apostrophe')
  t.equal(controller.getRow(phone).getCell(2).type, ExcelJS.ValueType.String)
  const activities = workbook.getWorksheet('Activities')!
  for (const [i, value] of hostile.entries()) {
    const cell = activities.getRow(i + 2).getCell(2)
    t.equal(cell.value, value.replace(/\r\n?/g, '\n'), `business function ${JSON.stringify(value)} as typed (a line break is a line feed in a workbook)`)
    t.equal(cell.type, ExcelJS.ValueType.String)
  }
  const types = new Set<number>()
  for (const sheet of workbook.worksheets) sheet.eachRow((row) => row.eachCell((cell) => void types.add(cell.type)))
  t.same([...types], [ExcelJS.ValueType.String], 'every cell is a string: none is a formula')
})

t.test('XLSX prints: landscape, one page wide, header row repeated, rows as high as their text, titled with the organisation', async (t) => {
  const org = await createOrganisationViaApi(app, { name: 'Nordic & Fjord AS' })
  const headers = await bearer({ orgs: [org.id] })
  const base = `/v1/organisations/${org.id}`
  const create = async (payload: Json) =>
    t.equal((await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { status: 'active', ...payload } })).statusCode, 201)
  await create({ name: 'A short one' })
  await create({ name: 'B four lines', owner: 'one\ntwo\nthree\nfour' })
  await create({ name: 'C long purpose', purposes: [{ description: 'word '.repeat(60).trim() }] })
  const workbook = await workbookOf('?format=xlsx', headers, base)
  for (const sheet of workbook.worksheets) {
    t.match(sheet.pageSetup, { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' }, `${sheet.name}: page setup`)
    t.match(sheet.headerFooter.oddHeader, 'Nordic && Fjord AS', `${sheet.name}: the header names the organisation (& escaped)`)
    t.match(sheet.headerFooter.oddHeader, 'Record of processing activities')
    t.match(sheet.headerFooter.oddFooter, '&P')
  }
  const activities = workbook.getWorksheet('Activities')!
  // Every row lists the rights available, the tallest cell of a short row.
  const rights = (activities.getRow(1).values as string[]).indexOf('Rights available to individuals')
  const rightsLines = (row: number) => wrappedLines(String(activities.getRow(row).getCell(rights).value), activities.getColumn(rights).width!)
  t.ok(rightsLines(2) > 1, 'the rights take several lines')
  t.equal(activities.getRow(2).height, 15 * rightsLines(2), 'as high as the rights')
  t.equal(activities.getRow(3).height, 15 * Math.max(4, rightsLines(3)), 'as high as the four lines of the business function, or the rights')
  const purposeWidth = activities.getColumn(3).width!
  t.ok(
    activities.getRow(4).height >= 15 * Math.ceil(299 / purposeWidth),
    `a 299-character purpose in a column ${purposeWidth} wide: ${activities.getRow(4).height}`
  )
  t.ok(activities.getRow(4).height <= 409, 'within the largest height Excel allows')
})

t.test('CSV starts with a UTF-8 byte-order mark for Excel; ?bom=false leaves it out', async (t) => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf])
  const since = encodeURIComponent(new Date(0).toISOString())
  for (const query of ['/ropa?format=csv', '/ropa?format=csv&record=processor', `/ropa/changes?from=${since}&format=csv`]) {
    const withBom = await get(query)
    t.same(withBom.rawPayload.subarray(0, 3), bom, `${query}: BOM by default`)
    t.equal(withBom.headers['content-type'], 'text/csv; charset=utf-8')
    const without = await get(`${query}&bom=false`)
    t.not(without.rawPayload[0], 0xef, `${query}&bom=false: none`)
    t.same(withBom.rawPayload.subarray(3), without.rawPayload, 'otherwise the same file')
    t.equal((await get(`${query}&bom=true`)).rawPayload[0], 0xef)
    const wrong = await get(`${query}&bom=perhaps`)
    t.equal(wrong.statusCode, 400)
    t.match(wrong.json().errors, [{ path: '/query/bom' }])
  }
  t.equal((await get('/ropa?format=json&bom=true')).json().organisation.name, 'Hostile AS', 'JSON ignores it')
  const accept = await get('/ropa', { ...hostileOrg.headers, accept: 'text/csv' })
  t.equal(accept.rawPayload[0], 0xef, 'also when Accept chose CSV')
})

t.test('every list of linked entries is in name order (any case), whatever the order of their ids', async (t) => {
  const org = await createOrganisationViaApi(app)
  const headers = await bearer({ orgs: [org.id] })
  const base = `/v1/organisations/${org.id}`
  const names = ['alpha', 'Bravo', 'charlie', 'Delta']
  /** Creates one entry per name, then names them so the ids sort the other way round. */
  const entries = async (path: string, extra: (i: number) => Json = () => ({})) => {
    const ids: string[] = []
    for (const [i] of names.entries()) {
      const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload: { name: `temporary ${path} ${i}`, ...extra(i) } })
      t.equal(res.statusCode, 201, `${path} ${i}`)
      ids.push(res.json().id)
    }
    ids.sort().reverse()
    for (const [i, id] of ids.entries()) {
      const res = await app.inject({ method: 'PATCH', url: `${base}/${path}/${id}`, headers, payload: { name: `${names[i]} ${path}` } })
      t.equal(res.statusCode, 200, `${path} ${id}`)
    }
    return ids
  }
  const categories = await entries('data-categories')
  const subjects = await entries('data-subject-categories')
  const recipients = await entries('recipients', () => ({ type: 'other' }))
  const processors = await entries('processors')
  const measures = await entries('security-measures', (i) => ({ appliesToAllActivities: i % 2 === 0 }))
  const subProcessed = await app.inject({
    method: 'PATCH',
    url: `${base}/processors/${processors[0]}`,
    headers,
    payload: { subProcessorIds: [...processors.slice(1)].sort() }
  })
  t.equal(subProcessed.statusCode, 200, 'sub-processors set')
  const activity = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers,
    payload: {
      name: 'Linked everything',
      status: 'active',
      dataCategoryIds: [...categories].sort(),
      dataSubjectCategoryIds: [...subjects].sort(),
      recipientIds: [...recipients].sort(),
      processorIds: [...processors].sort(),
      securityMeasureIds: [...measures].sort(),
      retention: [{ period: 'P1Y' }, { period: 'P2Y', dataCategoryIds: [...categories].sort() }]
    }
  })
  t.equal(activity.statusCode, 201, 'activity created')
  const ordered = (path: string) => names.map((name) => `${name} ${path}`)

  for (const query of ['', `?asOf=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`]) {
    const [exported] = (await app.inject({ url: `${base}/ropa${query}`, headers })).json().activities
    const listed = (list: { name: string }[]) => list.map((entry) => entry.name)
    t.same(listed(exported.dataCategories), ordered('data-categories'), `data categories ${query}`)
    t.same(listed(exported.dataSubjectCategories), ordered('data-subject-categories'))
    t.same(listed(exported.recipients), ordered('recipients'))
    t.same(listed(exported.processors), ordered('processors'))
    t.same(
      listed(exported.processors.find((p: { name: string }) => p.name === 'alpha processors').subProcessors),
      ordered('processors').slice(1),
      'sub-processors'
    )
    t.same(listed(exported.securityMeasures), ordered('security-measures'), 'security measures, organisation-wide and own')
    t.same(
      exported.retention.map((rule: { dataCategories: { name: string }[] }) => listed(rule.dataCategories)),
      [ordered('data-categories'), ordered('data-categories')]
    )
  }

  const inOrder = (cell: string, expected: string[]) => {
    const positions = expected.map((name) => cell.indexOf(name))
    return positions.every((position) => position >= 0) && positions.every((position, i) => i === 0 || position > positions[i - 1]!)
  }
  const [header, row] = readCsv((await app.inject({ url: `${base}/ropa?format=csv`, headers })).body)
  const column = (title: string) => row![header!.indexOf(title)]!
  t.ok(inOrder(column('Categories of personal data'), ordered('data-categories')), column('Categories of personal data'))
  t.ok(inOrder(column('Categories of individuals'), ordered('data-subject-categories')))
  t.ok(inOrder(column('Categories of recipients'), ordered('recipients')))
  t.ok(inOrder(column('Link to contract with processor'), ordered('processors')))
  t.ok(inOrder(column('General description of technical and organisational security measures'), ordered('security-measures')))
  const workbook = await workbookOf('?format=xlsx', headers, base)
  const sheetRow = workbook.getWorksheet('Activities')!.getRow(2)
  t.ok(inOrder(String(sheetRow.getCell(header!.indexOf('Categories of personal data') + 1).value), ordered('data-categories')), 'XLSX too')
  t.ok(
    inOrder(
      String(sheetRow.getCell(header!.indexOf('General description of technical and organisational security measures') + 1).value),
      ordered('security-measures')
    )
  )
})

t.test('the export operation lists the CSV columns it writes', async (t) => {
  const spec = (await app.inject('/openapi.json')).json()
  const operation = spec.paths['/v1/organisations/{orgId}/ropa'].get
  const header = readCsv((await get('/ropa?format=csv')).body)[0]!
  const processorHeader = readCsv((await get('/ropa?format=csv&record=processor')).body)[0]!
  for (const title of [...header, ...processorHeader]) t.match(operation.description, title, title)
  t.match(operation.description, 'byte-order mark')
  t.ok(operation.parameters.some((parameter: { name: string; in: string }) => parameter.name === 'bom' && parameter.in === 'query'))
})

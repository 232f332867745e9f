import ExcelJS from 'exceljs'
import t from 'tap'
import { XLSX_TYPE } from '../../src/exports/render-xlsx.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, any>

const app = await buildTestApp(t)

const csv = (rows: string[][]) =>
  rows.map((row) => row.map((cell) => (/[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell)).join(',')).join('\r\n')

async function organisation() {
  const created = await createOrganisationViaApi(app)
  return { id: created.id as string, headers: await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [created.id] }) }
}

const post = (orgId: string, headers: Record<string, string>, body: string | Buffer, query = '', type = 'text/csv') =>
  app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/imports${query}`, headers: { ...headers, 'content-type': type }, payload: body })

const pull = async (orgId: string, headers: Record<string, string>) => (await app.inject({ url: `/v1/organisations/${orgId}/bundle`, headers })).json()

/** A sheet as a DPO fills the template in by hand: citations, codes, labels and English country names. */
const handWritten = csv([
  [
    'Processing activity',
    'Purpose of processing',
    'Categories of individuals',
    'Categories of personal data',
    'Categories of recipients',
    'Names of third countries or international organisations',
    'Safeguards for exceptional transfers',
    'Article 6 lawful basis',
    'Article 9 condition',
    'Legitimate interests',
    'Retention schedule',
    'Source of the personal data',
    'Status',
    'Last reviewed'
  ],
  [
    'Payroll',
    'Pay salaries; Report to the tax authority',
    'Employees',
    'Contact details; Sick leave (special category: Data concerning health)',
    'Tax authority, Norway; Payroll Bureau (processor), NO',
    'United States, Cloud Host Inc.',
    '46.2.c Commission standard contractual clauses (SCCs), SCC module 2, signed 2024-05-01',
    'Art. 6(1)(b); 6.1.c (skatteforvaltningsloven § 7-2)',
    'Art. 9(2)(b) arbeidsmiljøloven § 4-6',
    '',
    'All data: statutory minimum, P5Y, from End of the financial year, bokføringsloven § 13',
    'data subject',
    'active',
    '31.01.2025'
  ],
  [
    'CCTV',
    'Protect premises',
    'visitors',
    'Video images',
    '',
    '',
    '',
    'Legitimate interests',
    '',
    'Security of staff and premises',
    '',
    'generated',
    'draft',
    ''
  ]
])

t.test('a hand-filled template: bases, conditions, countries and dates read from what people write', async (t) => {
  const { id, headers } = await organisation()
  const dry = await post(id, headers, handWritten)
  t.equal(dry.statusCode, 200, dry.body.slice(0, 500))
  const answer = dry.json()
  t.same(answer.report, [])
  t.equal(answer.dryRun, true)
  t.same(await pull(id, headers).then((bundle) => bundle.activities), [], 'a dry run writes nothing')
  t.equal((await post(id, headers, handWritten, '?dryRun=false')).statusCode, 200)
  const bundle = await pull(id, headers)
  const payroll = bundle.activities.find((activity: Json) => activity.name === 'Payroll')
  t.same(
    payroll.purposes.map((purpose: Json) => [purpose.description, purpose.legalBasis, purpose.legalReference]),
    [
      ['Pay salaries', '6.1.b', null],
      ['Report to the tax authority', '6.1.c', 'skatteforvaltningsloven § 7-2']
    ]
  )
  t.same(payroll.specialCategoryConditions, [{ condition: '9.2.b', reference: 'arbeidsmiljøloven § 4-6', consent: null }])
  t.match(payroll.transfers, [{ country: 'US', importer: 'Cloud Host Inc.', mechanism: '46.2.c', sccModule: 2, safeguardReference: 'signed 2024-05-01' }])
  t.match(payroll.retention, [
    { dataCategoryKeys: [], kind: 'statutory_minimum', period: 'P5Y', trigger: 'End of the financial year', legalReference: 'bokføringsloven § 13' }
  ])
  t.same(payroll.dataSources, ['data_subject'])
  t.equal(payroll.lastReviewedAt, '2025-01-31')
  t.equal(payroll.status, 'active')
  t.match(bundle.recipients, [{ name: 'Tax authority', country: 'NO' }])
  t.match(bundle.processors, [{ name: 'Payroll Bureau', country: 'NO' }])
  t.match(
    bundle.dataCategories.find((category: Json) => category.name === 'Sick leave'),
    { specialCategory: 'health_data' }
  )
  const cctv = bundle.activities.find((activity: Json) => activity.name === 'CCTV')
  t.match(cctv.purposes, [{ description: 'Protect premises', legalBasis: '6.1.f', legitimateInterest: 'Security of staff and premises' }])
  t.equal(cctv.status, 'draft')
})

t.test('names match existing entries in any case; a re-import updates the activity and keeps what the sheet has no column for', async (t) => {
  const { id, headers } = await organisation()
  const category = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${id}/data-categories`,
    headers,
    payload: { name: 'Contact Details', key: 'contacts' }
  })
  t.equal(category.statusCode, 201)
  const activity = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${id}/activities`,
    headers,
    payload: {
      name: 'Newsletter',
      description: 'Monthly news',
      purposes: [{ description: 'Send news', legalBasis: '6.1.a', consent: { mechanism: 'Sign-up form' } }]
    }
  })
  t.equal(activity.statusCode, 201)
  const sheet = csv([
    ['Processing activity', 'Categories of personal data', 'Article 6 lawful basis', 'Link to record of consent'],
    ['NEWSLETTER', 'contact details', 'Send news: Art. 6(1)(a) Consent', 'crm://consents']
  ])
  const planned = (await post(id, headers, sheet)).json()
  t.same(planned.report, [])
  t.same(
    planned.plan.changes.map((change: Json) => [change.op, change.entityType, change.key]),
    [['update', 'activities', 'newsletter']],
    'no new category: "contact details" is "Contact Details"'
  )
  t.equal((await post(id, headers, sheet, '?dryRun=false')).statusCode, 200)
  const newsletter = (await pull(id, headers)).activities[0]
  t.equal(newsletter.name, 'NEWSLETTER', 'renamed as the sheet writes it, the key kept')
  t.equal(newsletter.key, 'newsletter')
  t.equal(newsletter.description, 'Monthly news', 'a field the template has no column for is kept')
  t.same(newsletter.dataCategoryKeys, ['contacts'])
  t.same(newsletter.purposes[0].consent, {
    mechanism: 'Sign-up form',
    recordReference: 'crm://consents',
    withdrawalMechanism: null,
    ageThreshold: null,
    parentalConsentVerification: null
  })
})

t.test('what cannot be read is reported by row and column; applying such a sheet writes nothing', async (t) => {
  const { id, headers } = await organisation()
  const sheet = csv([
    ['Processing activity', 'Article 6 lawful basis', 'Purpose of processing', 'Last reviewed', 'Role', 'Favourite colour'],
    ['Payroll', 'because we must', 'Pay salaries', 'yesterday', 'controller', 'blue'],
    ['', 'Art. 6(1)(b)', 'Orphan purpose', '', '', ''],
    ['payroll', 'Art. 6(1)(b)', 'Again', '', '', ''],
    ['Shop', 'Art. 6(1)(b)', 'Sell', '2025-02-30', 'overlord', ''],
    ['x'.repeat(301), '', '', '', '', '']
  ])
  const res = await post(id, headers, sheet)
  t.equal(res.statusCode, 200)
  t.same(
    res.json().report.map((entry: Json) => [entry.row, entry.column, entry.why.split(/[:;]/)[0].trim()]),
    [
      [1, 'Favourite colour', 'is not a column of the controller template'],
      [2, 'Article 6 lawful basis', 'names no Art. 6(1) basis'],
      [2, 'Last reviewed', 'is not a date (YYYY-MM-DD)'],
      [3, 'Processing activity', 'an activity needs a name'],
      [4, 'Processing activity', 'row 2 has the same activity'],
      [5, 'Last reviewed', 'is not a date (YYYY-MM-DD)'],
      [5, 'Role', 'is not one of controller, joint controller, processor'],
      [6, 'Processing activity', 'is 301 characters long']
    ]
  )
  t.match(res.json().report[1], { value: 'because we must' })
  t.same(
    res.json().plan.changes.map((change: Json) => change.key),
    ['payroll', 'shop'],
    'a dry run still plans what it could read'
  )
  const applied = await post(id, headers, sheet, '?dryRun=false')
  t.equal(applied.statusCode, 422)
  t.match(applied.json().errors, [
    { path: '/rows/1/Favourite colour' },
    { path: '/rows/2/Article 6 lawful basis', message: /"because we must" names no Art\. 6\(1\) basis/ }
  ])
  t.same((await pull(id, headers)).activities, [], 'nothing written')
})

t.test('a workbook with a sheet of activities; format from the query or the content type', async (t) => {
  const { id, headers } = await organisation()
  const workbook = new ExcelJS.Workbook()
  workbook.addWorksheet('Notes').addRow(['Filled in by the DPO'])
  const sheet = workbook.addWorksheet('Record')
  sheet.addRow(['Processing activity', 'Article 6 lawful basis', 'Purpose of processing', 'Last reviewed'])
  sheet.addRow(['Recruitment', 'Art. 6(1)(b)', 'Assess applicants', new Date('2025-03-04T00:00:00Z')])
  const file = Buffer.from(await workbook.xlsx.writeBuffer())
  const res = await post(id, headers, file, '?dryRun=false', XLSX_TYPE)
  t.equal(res.statusCode, 200, res.body.slice(0, 300))
  t.match((await pull(id, headers)).activities, [{ name: 'Recruitment', lastReviewedAt: '2025-03-04', purposes: [{ legalBasis: '6.1.b' }] }])
  t.equal((await post(id, headers, file, '?format=xlsx', 'application/octet-stream')).statusCode, 200, 'octet-stream with ?format')
  const unnamed = await post(id, headers, file, '', 'application/octet-stream')
  t.equal(unnamed.statusCode, 400)
  t.match(unnamed.json().errors, [{ path: '/query/format' }])
  const notAWorkbook = await post(id, headers, 'Processing activity\r\nX', '?format=xlsx')
  t.equal(notAWorkbook.statusCode, 400)
  t.match(notAWorkbook.json().detail, /not readable as an XLSX workbook/)
  // A zip bomb: a small file whose directory says it unpacks to 4 GB is refused before anything is inflated.
  const bomb = Buffer.from(file)
  const directory = bomb.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]))
  bomb.writeUInt32LE(0xfffffff0, directory + 24)
  const refused = await post(id, headers, bomb, '', XLSX_TYPE)
  t.equal(refused.statusCode, 413)
  t.match(refused.json().detail, /unpacks to 42949[0-9]{5} bytes; an import takes at most 209715200/)
  const other = new ExcelJS.Workbook()
  other.addWorksheet('Budget').addRow(['Item', 'Cost'])
  const noActivities = await post(id, headers, Buffer.from(await other.xlsx.writeBuffer()), '', XLSX_TYPE)
  t.equal(noActivities.statusCode, 400)
  t.match(noActivities.json().detail, /no sheet of activities/)
})

t.test('bad files and requests answer problems, and the route is guarded', async (t) => {
  const { id, headers } = await organisation()
  const empty = await post(id, headers, '')
  t.equal(empty.statusCode, 400)
  const json = await app.inject({ method: 'POST', url: `/v1/organisations/${id}/imports`, headers, payload: { name: 'x' } })
  t.equal(json.statusCode, 415, 'JSON is not a spreadsheet')
  const broken = await post(id, headers, 'Processing activity\r\n"unterminated')
  t.equal(broken.statusCode, 400)
  t.match(broken.json().detail, /not readable as CSV/)
  const noHeader = await post(id, headers, ',,\r\nPayroll,,')
  t.equal(noHeader.statusCode, 400)
  const big = await post(id, headers, Buffer.alloc(16 * 1024 * 1024 + 1, 'a'))
  t.equal(big.statusCode, 413)
  const unknownQuery = await post(id, headers, handWritten, '?dryRun=false&prune=true')
  t.equal(unknownQuery.statusCode, 400)
  t.equal(
    (await app.inject({ method: 'POST', url: `/v1/organisations/${id}/imports`, payload: handWritten, headers: { 'content-type': 'text/csv' } })).statusCode,
    401
  )
  const reader = await bearer({ scopes: ['ropa:read'], orgs: [id] })
  t.equal((await post(id, reader, handWritten)).statusCode, 403)
  const other = await organisation()
  t.equal((await post(id, other.headers, handWritten, '?dryRun=false')).statusCode, 404, "another organisation's id answers 404")
  t.same((await pull(id, headers)).activities, [], 'nothing written by any of them')
})

t.test('CSV cells the export marked against formula injection are read back without the mark', async (t) => {
  const { id, headers } = await organisation()
  const sheet = csv([
    ['Processing activity', 'Business function'],
    ["'=Totals", "'-minus team"]
  ])
  t.equal((await post(id, headers, sheet, '?dryRun=false')).statusCode, 200)
  t.match((await pull(id, headers)).activities, [{ name: '=Totals', owner: '-minus team' }])
})

import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { parseBundle, readExampleBundle } from '../../src/example/bundle.ts'
import { XLSX_TYPE } from '../../src/exports/render-xlsx.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const organisations = {
  example: await loadBundleViaApi(app, readExampleBundle()),
  // A municipality: special categories, Art. 9 conditions, transfers with their mechanisms, retention kinds, Art. 22 decisions.
  kommune: await loadBundleViaApi(app, parseBundle(readFileSync(new URL('../fixtures/organisations/kommune.json', import.meta.url), 'utf8'))),
  // Separators inside names and texts, every kind of transfer, retention and decision, consent on each.
  'hard cases': await loadBundleViaApi(app, parseBundle(readFileSync(new URL('../fixtures/organisations/hard-cases.json', import.meta.url), 'utf8')))
}
const tokenFor = (orgId: string) => bearer({ orgs: [orgId] })

const exported = async (orgId: string, format: 'csv' | 'xlsx') =>
  app.inject({ url: `/v1/organisations/${orgId}/ropa?format=${format}&includeDrafts=true`, headers: await tokenFor(orgId) })

const importInto = async (orgId: string, format: 'csv' | 'xlsx', body: Buffer | string, dryRun: boolean) =>
  app.inject({
    method: 'POST',
    url: `/v1/organisations/${orgId}/imports?dryRun=${dryRun}`,
    headers: { ...(await tokenFor(orgId)), 'content-type': format === 'csv' ? 'text/csv' : XLSX_TYPE },
    payload: body
  })

/** The CSV rows as records by column title, without the activity's id and whose record it is. */
const ORGANISATION_COLUMNS = ['Activity ID', 'Controller (name and contact details)', "Controller's representative", 'Data protection officer']
function csvRecords(text: string) {
  const [header, ...rows] = parse(text, { bom: true }) as string[][]
  return rows.map((row) => Object.fromEntries(header!.map((title, index) => [title, row[index]!]).filter(([title]) => !ORGANISATION_COLUMNS.includes(title!))))
}

async function workbookSheets(body: Buffer) {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(body as unknown as ArrayBuffer)
  const sheets: Record<string, string[][]> = {}
  for (const name of ['Activities', 'Transfers', 'Retention']) {
    const sheet = workbook.getWorksheet(name)!
    const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String)
    const rows: string[][] = []
    sheet.eachRow((row, number) => {
      if (number > 1) rows.push(header.map((title, index) => (ORGANISATION_COLUMNS.includes(title) ? '' : String(row.getCell(index + 1).value ?? ''))))
    })
    sheets[name] = rows
  }
  return sheets
}

for (const [organisation, loaded] of Object.entries(organisations))
  for (const format of ['csv', 'xlsx'] as const) {
    t.test(`${organisation}, ${format}: an export imported into an empty organisation exports the same activities`, async (t) => {
      const first = await exported(loaded.organisationId, format)
      t.equal(first.statusCode, 200)
      const empty = await createOrganisationViaApi(app, { name: `Import ${format}` })
      const dry = await importInto(empty.id, format, first.rawPayload, true)
      t.equal(dry.statusCode, 200, dry.statusCode === 200 ? 'planned' : dry.body.slice(0, 2000))
      t.same(dry.json().report, [], 'every cell read')
      const rows = format === 'csv' ? csvRecords(first.body).length : (await workbookSheets(first.rawPayload)).Activities!.length
      t.equal(dry.json().plan.changes.filter((change: { entityType: string }) => change.entityType === 'activities').length, rows, 'an activity per row')
      t.equal(dry.json().dryRun, true)
      t.ok(dry.json().plan.summary.creates > 11, 'the activities and their catalogue entries are created')
      const applied = await importInto(empty.id, format, first.rawPayload, false)
      t.equal(applied.statusCode, 200, applied.statusCode === 200 ? 'applied' : applied.body.slice(0, 2000))
      t.same(applied.json().plan.summary, dry.json().plan.summary, 'applies what the dry run planned')
      const second = await exported(empty.id, format)
      if (format === 'csv') t.same(csvRecords(second.body), csvRecords(first.body))
      else t.same(await workbookSheets(second.rawPayload), await workbookSheets(first.rawPayload))
      const again = await importInto(empty.id, format, second.rawPayload, true)
      t.same(again.json().plan.summary, { creates: 0, updates: 0, deletes: 0, errorsAdded: 0 }, 'importing the same again changes nothing')
    })
  }

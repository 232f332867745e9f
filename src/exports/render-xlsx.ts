import { PassThrough } from 'node:stream'
import ExcelJS from 'exceljs'
import { controllerColumns, neutralise, processorColumns } from './cells.ts'
import type { AssembledRecord } from './record.ts'
import type { ExportOrganisation } from './record.schemas.ts'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const wrap = { wrapText: true, vertical: 'top' } as const

function organisationRows(organisation: ExportOrganisation): [string, string][] {
  const contact = (value: { name: string | null; email: string | null; phone: string | null; address: string | null } | null) =>
    value ? [value.name, value.address, value.email, value.phone].filter(Boolean).join(', ') : ''
  return [
    ['Name', organisation.name],
    ['Registration number', organisation.registrationNumber ?? ''],
    ['Address', organisation.address ?? ''],
    ['Email', organisation.email ?? ''],
    ['Telephone', organisation.phone ?? ''],
    ['Website', organisation.website ?? ''],
    ['Country', organisation.country ? `${organisation.country.name} (${organisation.country.code})` : ''],
    ['Supervisory authority', organisation.supervisoryAuthority ?? ''],
    ['Public authority', organisation.isPublicAuthority ? 'Yes' : 'No'],
    ['Employees', organisation.employeeCount === null ? '' : String(organisation.employeeCount)],
    ['Data protection officer', organisation.dpo ? (organisation.dpo.designated ? contact(organisation.dpo) || 'Designated, no contact recorded' : 'Not designated') : 'Not recorded'],
    ['Representative (Art. 27)', contact(organisation.representative)]
  ]
}

/**
 * The record as a workbook, streamed: the controller block, then the activities, transfers and
 * retention rules (each sheet a pass over the activities, so memory stays flat). Shared strings are
 * off: their table would grow with the register.
 */
export async function* renderXlsx(record: AssembledRecord): AsyncGenerator<Buffer> {
  const output = new PassThrough()
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const drain = function* () {
    for (let chunk: Buffer | null = output.read(); chunk !== null; chunk = output.read()) yield chunk
  }
  const sheet = (name: string, columns: [string, number][]) => {
    const worksheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] })
    worksheet.columns = columns.map(([header, width]) => ({ header, width }))
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } }
    worksheet.getRow(1).font = { bold: true }
    return worksheet
  }
  const add = (worksheet: ExcelJS.Worksheet, cells: string[]) => {
    const row = worksheet.addRow(cells.map(neutralise))
    row.alignment = wrap
    row.commit()
  }

  const block = sheet(record.record === 'controller' ? 'Controller' : 'Processor', [['Field', 28], ['Value', 80]])
  for (const cells of organisationRows(record.organisation)) add(block, cells)
  block.commit()
  yield* drain()

  const columns = record.record === 'controller' ? controllerColumns : processorColumns
  const activities = sheet('Activities', columns.map(([title]) => [title, title.length > 40 ? 45 : 30]))
  for await (const { activity, controller } of record.activities()) {
    add(activities, columns.map(([, cell]) => cell(activity, controller)))
    yield* drain()
  }
  activities.commit()

  const transfers = sheet('Transfers', [['Processing activity', 30], ['Country', 22], ['Importer', 30], ['Processor', 25], ['Mechanism', 35], ['SCC module', 10], ['Safeguards', 40], ['Transfer impact assessment', 30], ['Art. 49(1) second subparagraph documentation', 45]])
  const seen = new Set<string>()
  for await (const { activity } of record.activities()) {
    if (seen.has(activity.id)) continue // the processor record lists an activity once per client controller
    seen.add(activity.id)
    for (const transfer of activity.transfers) {
      const derogation = transfer.derogation
      add(transfers, [
        activity.name,
        transfer.country ? `${transfer.country.name} (${transfer.country.code})` : '',
        transfer.importer ?? '',
        transfer.processor?.name ?? '',
        transfer.mechanism ? `${transfer.mechanism.code} ${transfer.mechanism.label}` : '',
        transfer.sccModule === null ? '' : String(transfer.sccModule),
        transfer.safeguardReference ?? '',
        transfer.tiaReference ?? '',
        derogation ? [derogation.compellingInterest, derogation.assessmentReference, derogation.safeguards, derogation.supervisoryAuthorityNotifiedAt && `authority informed ${derogation.supervisoryAuthorityNotifiedAt}`].filter(Boolean).join('; ') : ''
      ])
    }
    yield* drain()
  }
  transfers.commit()

  const retention = sheet('Retention', [['Processing activity', 30], ['Data categories', 40], ['Period', 12], ['Trigger or criterion', 30], ['Description', 45], ['Legal reference', 30]])
  seen.clear()
  for await (const { activity } of record.activities()) {
    if (seen.has(activity.id)) continue
    seen.add(activity.id)
    for (const rule of activity.retention) {
      add(retention, [activity.name, rule.allDataCategories ? 'All data categories' : rule.dataCategories.map((c) => c.name).join('; '), rule.period ?? '', rule.trigger ?? '', rule.description ?? '', rule.legalReference ?? ''])
    }
    yield* drain()
  }
  retention.commit()

  const finished = new Promise<void>((resolve, reject) => {
    output.once('end', resolve)
    output.once('error', reject)
  })
  const committing = workbook.commit()
  for await (const chunk of output) yield chunk as Buffer
  await Promise.all([committing, finished])
}

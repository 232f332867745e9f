import { PassThrough } from 'node:stream'
import type ExcelJS from 'exceljs'
import { controllerColumns, organisationColumns, processorColumns } from './cells.ts'
import type { ExportOrganisation } from './record.schemas.ts'
import type { AssembledRecord } from './record.ts'

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const wrap = { wrapText: true, vertical: 'top' } as const
/**
 * The style of every body cell, one object for all: exceljs works out a cell's style (its XML and
 * index) once per style object, and a style set on a row gives each cell an object of its own.
 */
const bodyCell: Partial<ExcelJS.Style> = { alignment: wrap }

/** The height of one line of the default font (Calibri 11), in points; Excel allows rows up to 409. */
const LINE_HEIGHT = 15
const MAX_ROW_HEIGHT = 409

/** How many lines a text takes when wrapped in a column this wide (in characters), a little pessimistic as words wrap whole. */
export function wrappedLines(text: string, width: number): number {
  const perLine = Math.max(1, Math.floor(width) - 1)
  return text.split(/\r\n|\r|\n/).reduce((lines, line) => lines + Math.max(1, Math.ceil(line.length / perLine)), 0)
}

/** Excel does not size a row to wrapped text written by a program: the height of its tallest cell. */
export function rowHeight(cells: string[], widths: number[]): number {
  const lines = Math.max(1, ...cells.map((cell, i) => wrappedLines(cell, widths[i] ?? 10)))
  return Math.min(MAX_ROW_HEIGHT, lines * LINE_HEIGHT)
}

/** In a page header, & starts a code; a literal one is doubled. Excel caps a header at 255 characters. */
const headerText = (text: string) => text.slice(0, 120).replaceAll('&', '&&')

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
    [
      'Data protection officer',
      organisation.dpo ? (organisation.dpo.designated ? contact(organisation.dpo) || 'Designated, no contact recorded' : 'Not designated') : 'Not recorded'
    ],
    ['Representative (Art. 27)', contact(organisation.representative)]
  ]
}

/**
 * The record as a workbook, streamed: the controller block, then the activities, transfers and
 * retention rules (each sheet a pass over the activities, so memory stays flat). Shared strings are
 * off: their table would grow with the register.
 */
export async function* renderXlsx(record: AssembledRecord): AsyncGenerator<Buffer> {
  // Loaded on the first workbook, not at start: exceljs is the heaviest module and most processes never export one.
  const { default: excel } = await import('exceljs')
  const output = new PassThrough()
  const workbook = new excel.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false })
  const drain = function* () {
    for (let chunk: Buffer | null = output.read(); chunk !== null; chunk = output.read()) yield chunk
  }
  const title = `Record of processing activities (Art. 30(${record.record === 'controller' ? 1 : 2}) GDPR)`
  const widths = new Map<ExcelJS.Worksheet, number[]>()
  const sheet = (name: string, columns: [string, number][]) => {
    const worksheet = workbook.addWorksheet(name, {
      views: [{ state: 'frozen', ySplit: 1 }],
      // Printed: landscape, as many pages down as it takes but one across, the header row on every page.
      pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, printTitlesRow: '1:1' },
      headerFooter: {
        oddHeader: `&L&"-,Bold"${headerText(title)}&R${headerText(record.organisation.name)}`,
        oddFooter: `&L${headerText(name)}, generated ${record.generatedAt.slice(0, 10)}${record.asOf ? `, as of ${record.asOf.slice(0, 10)}` : ''}&RPage &P of &N`
      }
    })
    worksheet.columns = columns.map(([header, width]) => ({ header, width }))
    worksheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } }
    const header = worksheet.getRow(1)
    header.font = { bold: true }
    header.alignment = wrap
    header.height = rowHeight(
      columns.map(([title]) => title),
      columns.map(([, width]) => width)
    )
    widths.set(
      worksheet,
      columns.map(([, width]) => width)
    )
    return worksheet
  }
  // Text cells are written as they are (a text cell of a workbook is never evaluated, so no apostrophe:
  // that is for CSV), but for line breaks: a workbook breaks lines with LF, and XML would drop a CR anyway.
  const add = (worksheet: ExcelJS.Worksheet, cells: string[]) => {
    const row = worksheet.addRow(cells.map((cell) => cell.replace(/\r\n?/g, '\n')))
    row.eachCell((cell) => {
      cell.style = bodyCell
    })
    row.height = rowHeight(cells, widths.get(worksheet)!)
    row.commit()
  }

  const block = sheet(record.record === 'controller' ? 'Controller' : 'Processor', [
    ['Field', 28],
    ['Value', 80]
  ])
  for (const cells of organisationRows(record.organisation)) add(block, cells)
  block.commit()
  yield* drain()

  const columns = record.record === 'controller' ? controllerColumns : processorColumns
  const organisation = organisationColumns(record.record)
  const whose = organisation.map(([, cell]) => cell(record.organisation))
  const activities = sheet('Activities', [
    ...columns.map(([title]): [string, number] => [
      title,
      title === 'Activity ID' ? 38 : title === 'Rights available to individuals' ? 60 : title.length > 40 ? 45 : 30
    ]),
    ...organisation.map(([title]): [string, number] => [title, 40])
  ])
  for await (const { activity, controller } of record.activities()) {
    add(activities, [...columns.map(([, cell]) => cell(activity, controller)), ...whose])
    yield* drain()
  }
  activities.commit()

  const transfers = sheet('Transfers', [
    ['Processing activity', 30],
    ['Country', 22],
    ['Importer', 30],
    ['Processor', 25],
    ['Mechanism', 35],
    ['SCC module', 10],
    ['Safeguards', 40],
    ['Transfer impact assessment', 30],
    ['Art. 49(1) second subparagraph documentation', 45]
  ])
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
        derogation
          ? [
              derogation.compellingInterest,
              derogation.assessmentReference,
              derogation.safeguards,
              derogation.supervisoryAuthorityNotifiedAt && `authority informed ${derogation.supervisoryAuthorityNotifiedAt}`
            ]
              .filter(Boolean)
              .join('; ')
          : ''
      ])
    }
    yield* drain()
  }
  transfers.commit()

  const retention = sheet('Retention', [
    ['Processing activity', 30],
    ['Data categories', 40],
    ['Period', 12],
    ['Trigger or criterion', 30],
    ['Description', 45],
    ['Legal reference', 30]
  ])
  seen.clear()
  for await (const { activity } of record.activities()) {
    if (seen.has(activity.id)) continue
    seen.add(activity.id)
    for (const rule of activity.retention) {
      add(retention, [
        activity.name,
        rule.allDataCategories ? 'All data categories' : rule.dataCategories.map((c) => c.name).join('; '),
        rule.period ?? '',
        rule.trigger ?? '',
        rule.description ?? '',
        rule.legalReference ?? ''
      ])
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

import { parse } from 'csv-parse/sync'
import { ApiProblem } from '../../shared/problems.ts'

/** A spreadsheet as the import reads it: the header row's titles, and each row's cells by title. */
export interface Sheet {
  header: string[]
  /** `number` is the row as the spreadsheet numbers it: the header is row 1. */
  rows: { number: number; cells: Map<string, string> }[]
  /** Further sheets of a workbook by name (the XLSX export's Transfers and Retention), header row first. */
  extra: Map<string, string[][]>
}

export type SheetFormat = 'csv' | 'xlsx'

/** More rows than any record this API keeps in one bundle. */
export const MAX_ROWS = 10_000

const invalidFile = (detail: string) => new ApiProblem('malformed_body', detail)

/**
 * The CSV export marks a cell that a spreadsheet would evaluate with a leading apostrophe
 * (`neutralise`); reading it back drops the mark, and only there.
 */
const unneutralised = (cell: string) => (/^'[\s"'\u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(cell) ? cell.slice(1) : cell)

function sheetOf(table: string[][], extra = new Map<string, string[][]>()): Sheet {
  const [header, ...rows] = table
  if (!header || header.every((title) => title.trim() === '')) throw invalidFile('The file has no header row: its first row must name the columns.')
  if (rows.length > MAX_ROWS) throw invalidFile(`The file has ${rows.length} rows; an import takes at most ${MAX_ROWS}.`)
  const titles = header.map((title) => title.trim())
  return {
    header: titles,
    rows: rows
      .map((cells, index) => ({ number: index + 2, cells: new Map(titles.map((title, column) => [title, (cells[column] ?? '').trim()])) }))
      .filter((row) => [...row.cells.values()].some((cell) => cell !== '')),
    extra
  }
}

export function readCsv(body: Buffer): Sheet {
  let table: string[][]
  try {
    table = parse(body, { bom: true, relax_column_count: true, skip_empty_lines: true, cast: false }) as string[][]
  } catch (error) {
    throw invalidFile(`The file is not readable as CSV: ${(error as Error).message}`)
  }
  return sheetOf(table.map((row) => row.map(unneutralised)))
}

/** A cell's value as text: dates as `YYYY-MM-DD`, rich text and formulas by what they show. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)
  if (typeof value !== 'object') return String(value)
  const object = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; hyperlink?: string }
  if (object.richText) return object.richText.map((run) => run.text).join('')
  if (object.text !== undefined) return cellText(object.text)
  if (object.result !== undefined) return cellText(object.result)
  return ''
}

/** The sheet holding the activities: the one named so, or else the first whose header names them. */
const ACTIVITY_TITLE = 'Processing activity'

/** What a workbook may unpack to: far above any record's, far below what would exhaust memory. */
export const MAX_UNPACKED_BYTES = 200 * 1024 * 1024

/**
 * The sizes a ZIP archive declares for its files once unpacked, summed from its central directory
 * (APPNOTE 4.3.12, 4.3.16), so a small file that would unpack to gigabytes (a zip bomb) is refused
 * before anything is inflated. Undefined when the archive has no readable directory.
 */
export function declaredUnpackedSize(zip: Buffer): number | undefined {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  if (end < 0 || end + 22 > zip.length) return undefined
  let offset = zip.readUInt32LE(end + 16)
  let total = 0
  for (let entry = zip.readUInt16LE(end + 10); entry > 0; entry--) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) return undefined
    const size = zip.readUInt32LE(offset + 24)
    total += size === 0xffffffff ? Number.POSITIVE_INFINITY : size // a ZIP64 size: far too large for a workbook anyway
    offset += 46 + zip.readUInt16LE(offset + 28) + zip.readUInt16LE(offset + 30) + zip.readUInt16LE(offset + 32)
  }
  return total
}

export async function readXlsx(body: Buffer): Promise<Sheet> {
  const unpacked = declaredUnpackedSize(body)
  if (unpacked === undefined) throw invalidFile('The file is not readable as an XLSX workbook: it is not a ZIP archive.')
  if (unpacked > MAX_UNPACKED_BYTES)
    throw new ApiProblem('payload_too_large', `The workbook unpacks to ${unpacked} bytes; an import takes at most ${MAX_UNPACKED_BYTES}.`)
  // Loaded on the first import, as in the XLSX export: most processes never read a workbook.
  const { default: excel } = await import('exceljs')
  const workbook = new excel.Workbook()
  try {
    await workbook.xlsx.load(body as unknown as ArrayBuffer)
  } catch (error) {
    throw invalidFile(`The file is not readable as an XLSX workbook: ${(error as Error).message}`)
  }
  const tables = new Map<string, string[][]>()
  for (const worksheet of workbook.worksheets) {
    const table: string[][] = []
    worksheet.eachRow({ includeEmpty: true }, (row, number) => {
      const values = row.values as unknown[] // 1-based: values[0] is empty
      table[number - 1] = values.slice(1).map(cellText)
    })
    tables.set(
      worksheet.name,
      Array.from(table, (row) => row ?? [])
    )
  }
  const named = tables.get('Activities')
  const main = named ?? [...tables.values()].find((table) => table[0]?.some((title) => title.trim() === ACTIVITY_TITLE))
  if (!main) throw invalidFile(`The workbook has no sheet of activities: none is named "Activities" or has a "${ACTIVITY_TITLE}" column.`)
  return sheetOf(main, tables)
}

export const readSheet = (format: SheetFormat, body: Buffer) => (format === 'csv' ? readCsv(body) : readXlsx(body))

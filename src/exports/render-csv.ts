import { stringify } from 'csv-stringify/sync'
import { controllerColumns, neutralise, organisationColumns, processorColumns } from './cells.ts'
import type { AssembledRecord } from './record.ts'

/** Excel on Windows reads CSV as UTF-8 only after a byte-order mark. */
export const BOM = '\uFEFF'

/**
 * One CSV line ending in CRLF. A field holding a CR or LF is quoted as well as one holding the
 * delimiter or a quote: with a CRLF record delimiter csv-stringify would leave a bare LF unquoted,
 * and every reader would start a new row there.
 */
export const csvLine = (cells: string[]) => stringify([cells.map(neutralise)], { record_delimiter: '\r\n', quote_record_delimiter: true })

export interface CsvOptions {
  /** Start with a UTF-8 byte-order mark (default). */
  bom?: boolean
}

/** One row per activity (per client controller and activity, for the processor record), UTF-8 with a header row. */
export async function* renderCsv(record: AssembledRecord, { bom = true }: CsvOptions = {}): AsyncGenerator<string> {
  const columns = record.record === 'controller' ? controllerColumns : processorColumns
  const organisation = organisationColumns(record.record)
  const whose = organisation.map(([, cell]) => cell(record.organisation))
  yield (bom ? BOM : '') + csvLine([...columns.map(([title]) => title), ...organisation.map(([title]) => title)])
  for await (const { activity, controller } of record.activities()) {
    yield csvLine([...columns.map(([, cell]) => cell(activity, controller)), ...whose])
  }
}

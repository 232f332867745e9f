import { stringify } from 'csv-stringify/sync'
import { controllerColumns, neutralise, processorColumns } from './cells.ts'
import type { AssembledRecord } from './record.ts'

const line = (cells: string[]) => stringify([cells.map(neutralise)], { record_delimiter: '\r\n' })

/** One row per activity (per client controller and activity, for the processor record), UTF-8 with a header row. */
export async function* renderCsv(record: AssembledRecord): AsyncGenerator<string> {
  const columns = record.record === 'controller' ? controllerColumns : processorColumns
  yield line(columns.map(([title]) => title))
  for await (const { activity, controller } of record.activities()) {
    yield line(columns.map(([, cell]) => cell(activity, controller)))
  }
}

import type { AssembledRecord } from './record.ts'

/**
 * The record as one JSON document, written activity by activity: the header first, then the
 * activities (the processor record groups them under each client controller).
 */
export async function* renderJson(record: AssembledRecord): AsyncGenerator<string> {
  const header = JSON.stringify({
    organisation: record.organisation,
    record: record.record,
    generatedAt: record.generatedAt,
    asOf: record.asOf,
    includesDrafts: record.includesDrafts
  })
  yield header.slice(0, -1)
  if (record.record === 'controller') {
    yield ',"activities":['
    let separator = ''
    for await (const { activity } of record.activities()) {
      yield separator + JSON.stringify(activity)
      separator = ','
    }
    yield ']}'
    return
  }
  yield ',"controllers":['
  let group: string | undefined
  for await (const { activity, controller } of record.activities()) {
    const key = JSON.stringify(controller)
    if (key !== group) {
      yield `${group === undefined ? '' : ']},'}{"controller":${key},"activities":[${JSON.stringify(activity)}`
      group = key
    } else {
      yield `,${JSON.stringify(activity)}`
    }
  }
  yield group === undefined ? ']}' : ']}]}'
}

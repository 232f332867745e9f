import type { Transaction } from '@electric-sql/pglite'
import type pg from 'pg'
import type QueryStream from 'pg-query-stream'
import { DatabaseTimeoutError } from './errors.ts'

type Row = Record<string, unknown>

interface Cursor {
  read(rows: number): Promise<Row[]>
}

/**
 * The rows of a query through a server-side cursor, a batch at a time, for as long as the consumer
 * takes over them. The database must hand over each batch within `batchTimeoutMs`; the consumer's
 * time between batches does not count. (pg's own `query_timeout` runs from the cursor's opening to
 * its last row, so it cut a long export to a slow client after DB_QUERY_TIMEOUT_MS in all.)
 *
 * A failure of the cursor always ends the iteration with an error, never as if the rows were all
 * read: pg-cursor hands an error that arrives between two reads only to a listener, and answers
 * the next read with "no more rows".
 */
export async function* cursorRows(
  client: pg.PoolClient,
  text: string,
  values: unknown[],
  // The class is handed in by the PostgreSQL driver's opener: importing it here would load pg in PGlite mode too.
  { QueryStream: Stream, batchSize, batchTimeoutMs }: { QueryStream: typeof QueryStream; batchSize: number; batchTimeoutMs: number }
): AsyncGenerator<Row> {
  const stream = new Stream(text, values, { batchSize })
  const cursor = stream.cursor as Cursor
  let failure: Error | undefined
  stream.callback = (error?: Error | null) => {
    if (error) failure ??= error
  }
  submitWithoutReadTimeout(client, stream)
  for (;;) {
    const rows = await withinTimeout(cursor.read(batchSize), batchTimeoutMs)
    if (failure) throw failure
    if (rows.length === 0) return
    yield* rows
  }
}

/** pg reads the client's read timeout as a query is submitted: left out for the cursor, in place again for the client's next queries. */
function submitWithoutReadTimeout(client: pg.PoolClient, stream: QueryStream) {
  const parameters = (client as unknown as { connectionParameters: { query_timeout?: number } }).connectionParameters
  const readTimeout = parameters.query_timeout
  parameters.query_timeout = undefined
  try {
    client.query(stream)
  } finally {
    parameters.query_timeout = readTimeout
  }
}

async function withinTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  // A read given up on may still fail later, when its connection is closed: that is no longer news.
  promise.catch(() => {})
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(`the database sent no rows within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

let cursors = 0

/** The rows of a query through a cursor inside PGlite's snapshot transaction, 200 at a time. */
export async function* pgliteCursorRows(tx: Transaction, text: string, values: unknown[]): AsyncGenerator<Row> {
  const cursor = `snapshot_rows_${++cursors}`
  await tx.query(`declare ${cursor} no scroll cursor for ${text}`, values)
  for (;;) {
    const { rows } = await tx.query<Row>(`fetch 200 from ${cursor}`)
    yield* rows
    if (rows.length < 200) break
  }
  await tx.query(`close ${cursor}`)
}

import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { generateRecord } from '../support/generated-record.ts'

const QUERY_TIMEOUT_MS = 200
const GENERATED = 2000

const app = await buildTestApp(t, { env: { DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS) } })
const { org, headers } = await generateRecord(app, GENERATED)
await app.listen({ port: 0, host: '127.0.0.1' })
const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}/v1/organisations/${org.id}/ropa`

/** Reads a download like a slow client: the first chunk, then a pause of `pauseMs` before each of the next `slowChunks`, then the rest. */
async function slowly(response: Response, pauseMs: number, slowChunks = 3): Promise<Buffer> {
  const reader = response.body!.getReader()
  const chunks: Buffer[] = []
  for (let read = 0; ; read++) {
    if (read > 0 && read <= slowChunks) await sleep(pauseMs)
    const { done, value } = await reader.read()
    if (done) return Buffer.concat(chunks)
    chunks.push(Buffer.from(value))
  }
}

t.test('an export read more slowly than DB_QUERY_TIMEOUT_MS still arrives whole', async (t) => {
  // The pauses add up to far more than the query timeout: a timeout on the whole cursor would cut the file.
  const json = await fetch(`${url}?format=json`, { headers })
  t.equal(json.status, 200)
  const record = JSON.parse((await slowly(json, QUERY_TIMEOUT_MS * 2)).toString('utf8'))
  t.equal(record.activities.length, GENERATED, 'every activity is in the JSON')
  t.equal(record.activities.at(-1).name, `Generated activity 0${GENERATED}`)

  const csv = await fetch(`${url}?format=csv`, { headers })
  const lines = (await slowly(csv, QUERY_TIMEOUT_MS * 2)).toString('utf8').split('\r\n')
  t.equal(lines.length, GENERATED + 2, 'every activity is a CSV row (after the header, before the final line end)')
  t.match(lines.at(-2), new RegExp(`^Generated activity 0${GENERATED},`))

  const pdf = await fetch(`${url}?format=pdf`, { headers })
  const file = await slowly(pdf, QUERY_TIMEOUT_MS * 2)
  t.equal(file.subarray(-6).toString('latin1').trim(), '%%EOF', 'the PDF ends with its trailer')
})

t.test('a download paused mid-file holds up no other request', async (t) => {
  const response = await fetch(`${url}?format=json`, { headers })
  const reader = response.body!.getReader()
  t.notOk((await reader.read()).done, 'the download has begun and is left waiting')
  const other = await app.inject({ url: `/v1/organisations/${org.id}/activities?limit=1`, headers })
  t.equal(other.statusCode, 200, 'another request is served meanwhile')
  t.equal(other.json().items.length, 1)
  await reader.cancel()
})

t.test(
  'an export whose database connection dies mid-file is cut off, never ended as if complete',
  { skip: !process.env.DATABASE_URL && 'one PostgreSQL connection per export is a PostgreSQL concern' },
  async (t) => {
    // The export's own connection is the one inside a read-only transaction (no xid). The download the
    // test before cancelled may still hold one until the server has seen its socket close: wait for it.
    const exportTransactions = sql`from pg_stat_activity where datname = current_database() and application_name = 'ropa-api' and pid <> pg_backend_pid() and backend_xid is null and xact_start is not null and query not ilike '%pg_stat_activity%'`
    const open = async () => Number((await app.database.db.execute(sql`select count(*)::int as n ${exportTransactions}`)).rows[0]?.n)
    for (let i = 0; i < 500 && (await open()) > 0; i++) await sleep(20)
    t.equal(await open(), 0, 'no export is running before this one')
    const response = await fetch(`${url}?format=json`, { headers })
    t.equal(response.status, 200)
    const reader = response.body!.getReader()
    const first = await reader.read()
    t.notOk(first.done, 'the download has begun')
    let killed = 0
    for (let i = 0; i < 100 && killed === 0; i++) {
      const result = await app.database.db.execute(sql`select count(pg_terminate_backend(pid))::int as n ${exportTransactions}`)
      killed = Number(result.rows[0]?.n)
      if (killed === 0) await sleep(20)
    }
    t.equal(killed, 1, 'the export connection was terminated')
    const rest = (async () => {
      for (;;) if ((await reader.read()).done) return 'ended as if complete'
    })()
    await t.rejects(rest, 'reading the rest of the body fails')
  }
)

import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { buildTestApp } from '../helper.ts'
import { generateRecord as generate } from '../support/generated-record.ts'

const GENERATED = 3000

const app = await buildTestApp(t)
const small = await generate(app, 10)
const large = await generate(app, GENERATED)

t.test(`an export costs the same SQL statements for 10 activities as for ${GENERATED}`, async (t) => {
  for (const format of ['json', 'csv', 'xlsx']) {
    const cost = async ({ org, headers }: typeof small) => {
      const before = app.database.statements.count
      const res = await app.inject({ url: `/v1/organisations/${org.id}/ropa?format=${format}`, headers })
      t.equal(res.statusCode, 200)
      return { statements: app.database.statements.count - before, bytes: res.rawPayload.length }
    }
    const few = await cost(small)
    const many = await cost(large)
    t.equal(many.statements, few.statements, `${format}: ${few.statements} statements either way (${few.bytes} and ${many.bytes} bytes)`)
    t.ok(few.statements <= (format === 'xlsx' ? 5 : 3))
    t.ok(many.bytes > few.bytes * 50, `${format}: the large export holds all ${GENERATED} activities`)
  }
  const body = (await app.inject({ url: `/v1/organisations/${large.org.id}/ropa`, headers: large.headers })).json()
  t.equal(body.activities.length, GENERATED)
  t.match(body.activities[GENERATED - 1], { name: `Generated activity 0${GENERATED}`, securityMeasures: [{ name: 'Backups', appliesTo: 'organisation' }] })
})

t.test('concurrent exports of one organisation are capped: 429 with Retry-After, then room again', async (t) => {
  const limited = await buildTestApp(t, { env: { EXPORTS_PER_ORGANISATION: '1', EXPORTS_IN_TOTAL: '2' } })
  const { org, headers } = await generate(limited, 2000)
  await limited.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(limited.server.address() as { port: number }).port}/v1/organisations/${org.id}/ropa`
  const first = await fetch(url, { headers })
  t.equal(first.status, 200, 'the first export streams (its body not read yet)')
  const second = await limited.inject({ url: `/v1/organisations/${org.id}/ropa`, headers })
  t.equal(second.statusCode, 429)
  t.equal(second.headers['retry-after'], '5')
  t.match(second.json(), { code: 'ROPA_RATE_LIMITED', detail: /for this organisation/ })
  await first.body!.cancel()
  let third = 0
  for (let i = 0; i < 50 && third !== 200; i++) {
    await sleep(50)
    third = (await limited.inject({ url: `/v1/organisations/${org.id}/ropa?format=csv`, headers })).statusCode
  }
  t.equal(third, 200, 'a cancelled download frees its slot')
})

t.test(
  'an aborted download releases its connection: the pool stays usable',
  { skip: !process.env.DATABASE_URL && 'pooled connections are a PostgreSQL concern' },
  async (t) => {
    const tight = await buildTestApp(t, { env: { DB_POOL_MAX: '2', DB_CONNECT_TIMEOUT_MS: '2000', EXPORTS_PER_ORGANISATION: '10', EXPORTS_IN_TOTAL: '10' } })
    const { org, headers } = await generate(tight, GENERATED)
    await tight.listen({ port: 0, host: '127.0.0.1' })
    const url = `http://127.0.0.1:${(tight.server.address() as { port: number }).port}/v1/organisations/${org.id}`
    for (let i = 0; i < 4; i++) {
      const controller = new AbortController()
      const res = await fetch(`${url}/ropa`, { headers, signal: controller.signal })
      const reader = res.body!.getReader()
      await reader.read()
      controller.abort()
      await reader.closed.catch(() => undefined)
    }
    let open = -1
    for (let i = 0; i < 40 && open !== 0; i++) {
      await sleep(50)
      const result = await tight.database.db.execute(
        sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and application_name = 'ropa-api' and state like 'idle in transaction%'`
      )
      open = Number(result.rows[0]?.n)
    }
    t.equal(open, 0, 'no connection is left inside an export transaction')
    const started = Date.now()
    const after = await fetch(url, { headers })
    t.equal(after.status, 200, 'with a pool of 2 and 4 aborted exports, the next request is served')
    t.ok(Date.now() - started < 1500, 'without waiting for a connection')
    const complete = await fetch(`${url}/ropa?format=csv`, { headers })
    t.equal((await complete.text()).split('\r\n').length, GENERATED + 2, 'and a whole export still works')
  }
)

import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { createTestDatabase, testConfig } from '../helper.ts'
import { startTcpProxy } from '../support/tcp-proxy.ts'

if (!process.env.DATABASE_URL) {
  t.plan(0, 'database outages are a PostgreSQL concern: run with DATABASE_URL')
} else {
  const databaseUrl = (await createTestDatabase(t)) as string
  const direct = new URL(databaseUrl)
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) })
  t.teardown(() => proxy.close())
  const proxied = new URL(databaseUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String(proxy.port)

  const app = buildApp(testConfig({ DATABASE_URL: proxied.toString(), DB_CONNECT_TIMEOUT_MS: '1000', DB_QUERY_TIMEOUT_MS: '3000' }))
  app.get('/test/db', { schema: { hide: true } }, async () => {
    await app.database.db.execute(sql`select 1`)
    return { ok: true }
  })
  app.get('/test/slow', { schema: { hide: true } }, async () => {
    await app.database.db.execute(sql`select pg_sleep(1.5), 'ropa-slow-query' as marker`)
    return { ok: true }
  })
  t.teardown(() => app.close())
  await app.ready()

  const expectUnavailable = async (t: Test, url: string) => {
    const res = await app.inject(url)
    t.equal(res.statusCode, 503, `${url} answers 503`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['retry-after'], '5')
    t.equal(res.json().code, 'ROPA_DATABASE_UNAVAILABLE')
  }
  const waitUntilReady = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await app.inject('/health/ready')).statusCode === 200) return true
      await sleep(100)
    }
    return false
  }

  t.test('connections reset and refused: 503 during the outage, recovery without a restart', async (t) => {
    t.equal((await app.inject('/test/db')).statusCode, 200)
    const inFlight = app.inject('/test/slow')
    await sleep(300)
    proxy.setMode('refuse')
    const interrupted = await inFlight
    t.equal(interrupted.statusCode, 503, 'a query cut mid-way is a 503, and the process survives')
    await expectUnavailable(t, '/health/ready')
    await expectUnavailable(t, '/test/db')
    proxy.setMode('pass')
    t.ok(await waitUntilReady(), 'readiness turns green by itself')
    const after = await app.inject('/test/db')
    t.equal(after.statusCode, 200)
    t.same(after.json(), { ok: true })
  })

  t.test('a partition (packets swallowed) answers 503 within the timeouts instead of hanging', async (t) => {
    proxy.setMode('blackhole')
    const started = Date.now()
    await expectUnavailable(t, '/health/ready')
    await expectUnavailable(t, '/test/db')
    t.comment(`both answered after ${Date.now() - started} ms`)
    proxy.setMode('pass')
    t.ok(await waitUntilReady())
    t.equal((await app.inject('/test/db')).statusCode, 200)
  })

  t.test('a backend terminated while its client is checked out does not take the process down', async (t) => {
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    t.teardown(() => admin.end())
    const inFlight = app.inject('/test/slow')
    let terminated = 0
    for (let i = 0; i < 50 && terminated === 0; i++) {
      await sleep(50)
      const result = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where state = 'active' and query like '%ropa-slow-query%' and pid <> pg_backend_pid() and datname = current_database()`
      )
      terminated = result.rowCount ?? 0
    }
    t.ok(terminated >= 1, 'the backend serving the request was terminated')
    t.equal((await inFlight).statusCode, 503)
    t.equal((await app.inject('/test/db')).statusCode, 200, 'the next request is served by a fresh connection')
  })
}

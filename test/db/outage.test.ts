import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import pg from 'pg'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { bearer, testConfig } from '../helper.ts'
import { proxiedTestDatabase } from '../support/tcp-proxy.ts'

if (!process.env.DATABASE_URL) {
  t.plan(0, 'database outages are a PostgreSQL concern: run with DATABASE_URL')
} else {
  const { proxy, url: proxiedUrl, directUrl: databaseUrl } = await proxiedTestDatabase(t)

  const CONNECT_TIMEOUT_MS = 1000
  const QUERY_TIMEOUT_MS = 3000
  const POOL_MAX = 10
  const app = buildApp(
    testConfig({
      DATABASE_URL: proxiedUrl,
      DB_CONNECT_TIMEOUT_MS: String(CONNECT_TIMEOUT_MS),
      DB_QUERY_TIMEOUT_MS: String(QUERY_TIMEOUT_MS),
      DB_POOL_MAX: String(POOL_MAX)
    })
  )
  app.get('/test/db', { schema: { hide: true } }, async () => {
    await app.database.db.execute(sql`select 1`)
    return { ok: true }
  })
  app.get('/test/slow', { schema: { hide: true } }, async () => {
    await app.database.db.execute(sql`select pg_sleep(1.5), 'ropa-slow-query' as marker`)
    return { ok: true }
  })
  // A write transaction the way the repositories write (db.transaction), slow after its first statement.
  app.post('/test/slow-write', { schema: { hide: true } }, async (request) => {
    const { marker, slow } = request.body as { marker: string; slow: boolean }
    await app.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into outage_probe (marker) values (${marker})`)
      if (slow) await tx.execute(sql`select pg_sleep(1.5), 'ropa-slow-write' as marker`)
    })
    return { ok: true }
  })
  // A pooled connection that is never released makes close wait forever: give up
  // after 10 s and let the later teardowns (proxy, then the database, dropped with force) cut what is left.
  t.teardown(async () => {
    let timer: NodeJS.Timeout | undefined
    const closed = await Promise.race([app.close().then(() => true), new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), 10_000)))])
    clearTimeout(timer)
    if (!closed) console.error('outage.test.ts: app.close() did not finish within 10 s: a pooled connection was never released')
  })
  await app.ready()

  // Guards of src/db/pg-transactions.ts: drizzle's own pooled transaction leaked a connection when
  // BEGIN failed, waited a second timeout for ROLLBACK after a cut, and returned the connection with
  // its transaction still open, so the next request's COMMIT committed a write answered 503.

  /** Holds every pooled connection at once (1.5 s each): a leaked one makes a request wait past the connect timeout, so 503. */
  const fullPool = async () => (await Promise.all(Array.from({ length: POOL_MAX }, () => app.inject('/test/slow')))).map((res) => res.statusCode)

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
    // Each request must give up by itself: the connect timeout (or readiness' 2 s ping) plus a margin,
    // well under the query timeout plus 2 s, whichever is larger.
    const bound = Math.max(CONNECT_TIMEOUT_MS, QUERY_TIMEOUT_MS) + 2000
    for (const url of ['/health/ready', '/test/db']) {
      const started = Date.now()
      await expectUnavailable(t, url)
      const took = Date.now() - started
      t.ok(took < bound, `${url} answered 503 after ${took} ms, within ${bound} ms`)
    }
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
  t.test('an outage under write load: every answer is 201 or 503, writing resumes alone, and every 201 is stored', async (t) => {
    const org = await app.inject({
      method: 'POST',
      url: '/v1/organisations',
      headers: await bearer({ scopes: ['ropa:platform'] }),
      payload: { name: 'Loaded AS', country: 'NO' }
    })
    t.equal(org.statusCode, 201)
    const orgId: string = org.json().id
    const headers = await bearer({ sub: 'writer', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
    const url = `/v1/organisations/${orgId}/data-categories`
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    t.teardown(() => admin.end())
    const storedRows = async () =>
      (await admin.query<{ id: string; name: string }>('select id, name from data_categories where organisation_id = $1', [orgId])).rows

    for (const name of ['Existing A', 'Existing B', 'Existing C'])
      t.equal((await app.inject({ method: 'POST', url, headers, payload: { name } })).statusCode, 201)
    const preExisting = await storedRows()
    t.equal(preExisting.length, 3)

    interface Outcome {
      name: string
      started: number
      ended: number
      status: number
      id?: string
      contentType?: string | undefined
      retryAfter?: string | undefined
      code?: unknown
    }
    const outcomes: Outcome[] = []
    const WORKERS = 8
    const LOAD_MS = 5000
    const loadStarted = Date.now()
    const worker = async (w: number) => {
      for (let i = 0; Date.now() - loadStarted < LOAD_MS; i++) {
        const name = `Load ${w}-${i}`
        const started = Date.now()
        const res = await app.inject({ method: 'POST', url, headers, payload: { name } })
        const body = res.json()
        outcomes.push({
          name,
          started,
          ended: Date.now(),
          status: res.statusCode,
          id: body.id,
          contentType: res.headers['content-type'] as string | undefined,
          retryAfter: res.headers['retry-after'] as string | undefined,
          code: body.code
        })
        // A 503 comes back at once while connections are refused; pause so the loop stays modest.
        if (res.statusCode !== 201) await sleep(50)
      }
    }
    const load = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)))
    await sleep(1000)
    const outageStarted = Date.now()
    proxy.setMode('refuse')
    await sleep(2000)
    proxy.setMode('pass')
    const outageEnded = Date.now()
    await load

    const statuses = outcomes.reduce<Record<number, number>>((counts, o) => ({ ...counts, [o.status]: (counts[o.status] ?? 0) + 1 }), {})
    t.comment(`${outcomes.length} creates in ${Date.now() - loadStarted} ms: ${JSON.stringify(statuses)}`)
    t.same(
      Object.keys(statuses).filter((status) => status !== '201' && status !== '503'),
      [],
      'every answer is 201 or 503, never a 500'
    )
    const unavailable = outcomes.filter((o) => o.status === 503)
    t.same(
      unavailable.filter((o) => o.contentType !== 'application/problem+json; charset=utf-8' || o.retryAfter !== '5' || o.code !== 'ROPA_DATABASE_UNAVAILABLE'),
      [],
      'every 503 is problem+json ROPA_DATABASE_UNAVAILABLE with Retry-After'
    )
    const slowest = Math.max(...outcomes.map((o) => o.ended - o.started))
    t.ok(slowest < CONNECT_TIMEOUT_MS + QUERY_TIMEOUT_MS + 2000, `no create hung: the slowest answered in ${slowest} ms`)
    t.ok(
      outcomes.some((o) => o.status === 201 && o.ended < outageStarted),
      'creates succeeded before the outage'
    )
    t.ok(
      unavailable.some((o) => o.started >= outageStarted && o.ended <= outageEnded),
      'creates during the outage answered 503'
    )
    const afterRecovery = outcomes.filter((o) => o.started >= outageEnded + 500)
    t.ok(afterRecovery.length >= WORKERS, `creates were sent after the outage (${afterRecovery.length})`)
    t.same(
      afterRecovery.filter((o) => o.status !== 201).map((o) => `${o.name}: ${o.status}`),
      [],
      'every create from 0.5 s after the outage answers 201: the app recovered alone'
    )
    t.same(await fullPool(), Array(POOL_MAX).fill(200), `all ${POOL_MAX} pooled connections serve again: none leaked`)

    // Read through a direct connection, not the proxy.
    const rows = await storedRows()
    const stored = new Map(rows.map((row) => [row.id, row.name]))
    const created = outcomes.filter((o) => o.status === 201)
    t.same(
      created.filter((o) => stored.get(o.id!) !== o.name).map((o) => o.name),
      [],
      'every create answered 201 is in the database'
    )
    // A connection cut after COMMIT was sent but before its answer came back leaves the client unsure
    // (a 503 whose row exists). Only requests in flight at the cut can be such; nothing else may be extra.
    const answered = new Set([...created.map((o) => o.id), ...preExisting.map((row) => row.id)])
    const extra = rows.filter((row) => !answered.has(row.id))
    const inFlightAtCut = new Set(unavailable.filter((o) => o.started <= outageStarted && o.ended >= outageStarted).map((o) => o.name))
    t.same(
      extra.filter((row) => !inFlightAtCut.has(row.name)).map((row) => row.name),
      [],
      'no row exists for a create that was refused outright'
    )
    if (extra.length > 0) t.comment(`rows of creates cut while committing (answered 503): ${extra.map((row) => row.name).join(', ')}`)
    t.equal(rows.length, preExisting.length + created.length + extra.length)
    t.ok(extra.length <= WORKERS)

    // Each stored row has exactly its one create event, and no event lacks its row.
    const events = await admin.query<{ entity_id: string; n: number }>(
      `select entity_id, count(*)::int as n from audit_events where organisation_id = $1 and entity_type = 'data_category' and action = 'create' group by entity_id`,
      [orgId]
    )
    t.same(new Set(events.rows.map((row) => row.entity_id)), new Set(rows.map((row) => row.id)), 'the audit trail has a create for exactly the stored rows')
    t.ok(
      events.rows.every((row) => row.n === 1),
      'one create event per row'
    )
  })
  t.test('a partition while transactions wait for their answers: 503 within the query timeout, nothing leaks, nothing commits late', async (t) => {
    const admin = new pg.Client({ connectionString: databaseUrl })
    await admin.connect()
    t.teardown(() => admin.end())
    await admin.query('create table if not exists outage_probe (marker text not null)')
    const write = (marker: string, slow = false) => app.inject({ method: 'POST', url: '/test/slow-write', payload: { marker, slow } })
    // Open a few pooled connections, so requests during the partition find idle ones to use.
    t.same(
      (await Promise.all(['warm-1', 'warm-2', 'warm-3', 'warm-4'].map((marker) => write(marker)))).map((res) => res.statusCode),
      [200, 200, 200, 200]
    )

    const timed = async (answer: ReturnType<typeof write>) => {
      const started = Date.now()
      const res = await answer
      return [res, Date.now() - started] as const
    }
    const cut = timed(write('cut', true))
    await sleep(300)
    proxy.setMode('stall')
    const [[cutAnswer, cutTook], [duringAnswer, duringTook]] = await Promise.all([cut, timed(write('during'))])
    t.equal(cutAnswer.statusCode, 503, 'the write whose answer the partition held answers 503')
    t.equal(duringAnswer.statusCode, 503, 'a write begun on a partitioned connection answers 503')
    t.ok(duringTook < QUERY_TIMEOUT_MS + 2000, `the write begun during the partition answered within DB_QUERY_TIMEOUT_MS + 2 s (${duringTook} ms)`)
    t.ok(cutTook < QUERY_TIMEOUT_MS + 2000, `the write cut mid-transaction answered within DB_QUERY_TIMEOUT_MS + 2 s (${cutTook} ms)`)

    // The partition heals: what the held connections hold flows again.
    proxy.setMode('pass')
    t.ok(await waitUntilReady())
    t.same(await fullPool(), Array(POOL_MAX).fill(200), `all ${POOL_MAX} pooled connections serve again: none leaked`)
    // Writes that go through every pooled connection again.
    t.same(
      (await Promise.all(Array.from({ length: POOL_MAX }, (_, i) => write(`after-${i}`)))).map((res) => res.statusCode),
      Array(POOL_MAX).fill(200)
    )
    const markers = (await admin.query<{ marker: string }>('select marker from outage_probe')).rows.map((row) => row.marker)
    t.equal(markers.filter((marker) => marker.startsWith('after-')).length, POOL_MAX)
    t.notOk(markers.includes('during'), 'the write that never began is not stored')
    t.notOk(markers.includes('cut'), 'the write answered 503 was rolled back, not committed later by another request')
    const open = await admin.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and state like 'idle in transaction%'`)
    t.equal(open.rows[0].n, 0, 'no connection is left inside a transaction')
  })
}

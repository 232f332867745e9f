import { randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t, { type Test } from 'tap'
import { buildApp } from '../../src/app.ts'
import { bearer, testConfig } from '../helper.ts'
import { type CutMoment, proxiedTestDatabase } from '../support/tcp-proxy.ts'

if (!process.env.DATABASE_URL) {
  t.plan(0, 'cutting the connection at COMMIT needs a TCP proxy in front of PostgreSQL: run with DATABASE_URL')
} else {
  const { proxy, url: proxiedUrl, directUrl: databaseUrl } = await proxiedTestDatabase(t)
  const app = buildApp(testConfig({ DATABASE_URL: proxiedUrl, DB_CONNECT_TIMEOUT_MS: '1000', DB_QUERY_TIMEOUT_MS: '3000' }))
  t.teardown(() => app.close())
  await app.ready()

  const admin = new pg.Client({ connectionString: databaseUrl })
  await admin.connect()
  t.teardown(() => admin.end())

  const org = await app.inject({
    method: 'POST',
    url: '/v1/organisations',
    headers: await bearer({ scopes: ['ropa:platform'] }),
    payload: { name: 'Cut AS', country: 'NO' }
  })
  const orgId: string = org.json().id
  const writer = await bearer({ sub: 'retrying-script', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
  const categories = `/v1/organisations/${orgId}/data-categories`
  const create = (key: string, name: string) =>
    app.inject({ method: 'POST', url: categories, headers: { ...writer, 'idempotency-key': key }, payload: { name } })

  const waitUntilReady = async () => {
    for (let i = 0; i < 100; i++) {
      if ((await app.inject('/health/ready')).statusCode === 200) return true
      await sleep(100)
    }
    return false
  }
  const storedRows = async (name: string) =>
    (await admin.query<{ id: string }>('select id from data_categories where organisation_id = $1 and name = $2', [orgId, name])).rows
  const createEvents = async (id: string) =>
    (await admin.query<{ n: number }>(`select count(*)::int as n from audit_events where entity_id = $1 and action = 'create'`, [id])).rows[0]!.n

  /** Sends a keyed create whose COMMIT meets the cut at `moment`, as an outage begins (connections refused until it ends). */
  async function createCutAtCommit(t: Test, key: string, name: string, moment: CutMoment) {
    let cut = false
    void proxy.cutOn((chunk) => chunk.includes('commit\0'), moment, 'refuse').then(() => (cut = true))
    const res = await create(key, name)
    t.ok(cut, 'the proxy cut the connection at COMMIT')
    t.equal(res.statusCode, 503, 'the create whose COMMIT was cut answers 503')
    t.equal(res.json().code, 'ROPA_DATABASE_UNAVAILABLE')
    proxy.setMode('pass')
    t.ok(await waitUntilReady(), 'the outage is over')
  }

  t.test('COMMIT reached the server but its answer was lost: the retry replays the stored 201', async (t) => {
    const key = randomUUID()
    await createCutAtCommit(t, key, 'Committed unseen', 'after-server-answers')
    const rows = await storedRows('Committed unseen')
    t.equal(rows.length, 1, 'the write was committed')

    const retry = await create(key, 'Committed unseen')
    t.equal(retry.statusCode, 201)
    t.equal(retry.headers['idempotent-replayed'], 'true', 'answered from the record kept with the write')
    t.equal(retry.json().id, rows[0]!.id, 'the retry names the stored entry')
    t.equal(retry.headers.location, `${categories}/${rows[0]!.id}`)
    const read = await app.inject({ url: `${categories}/${rows[0]!.id}`, headers: writer })
    t.same(retry.json(), read.json(), 'the replayed body is the stored entry')
    t.equal(retry.headers.etag, read.headers.etag)
    t.equal((await storedRows('Committed unseen')).length, 1, 'still exactly one row')
    t.equal(await createEvents(rows[0]!.id), 1, 'one audit event')

    const again = await create(key, 'Committed unseen')
    t.equal(again.body, retry.body, 'every later retry answers the same bytes')
  })

  t.test('COMMIT never reached the server: the retry runs once, at once', async (t) => {
    const key = randomUUID()
    await createCutAtCommit(t, key, 'Rolled back', 'before-server')
    t.same(await storedRows('Rolled back'), [], 'nothing was committed')

    const retry = await create(key, 'Rolled back')
    t.equal(retry.statusCode, 201, 'no key is left claimed by the cut request')
    t.not(retry.headers['idempotent-replayed'], 'true', 'the retry did the write')
    const rows = await storedRows('Rolled back')
    t.same(
      rows.map((row) => row.id),
      [retry.json().id],
      'exactly one row, the one the retry answered'
    )

    const again = await create(key, 'Rolled back')
    t.equal(again.headers['idempotent-replayed'], 'true')
    t.equal(again.body, retry.body)
  })
}

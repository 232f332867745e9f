import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { bearer, createTestDatabase, TEST_SECRET, testConfig } from '../helper.ts'
import { generateRecord as generateActivities } from '../support/generated-record.ts'
import { type ApiProcess, buildDist, startApiProcess } from '../support/production.ts'

const skip = process.env.DATABASE_URL ? false : 'replicas share one PostgreSQL; PGlite is one process by construction'
const redisSkip = process.env.TEST_REDIS_URL || process.env.REDIS_REQUIRED === '1' ? false : 'TEST_REDIS_URL is not set (CI sets it and REDIS_REQUIRED=1)'

const PER_TOKEN = 10
const replicaEnv = (databaseUrl: string, env: Record<string, string> = {}) => ({
  NODE_ENV: 'test',
  DATABASE_URL: databaseUrl,
  JWT_SECRET: TEST_SECRET,
  RATE_LIMIT_PER_TOKEN_PER_MINUTE: String(PER_TOKEN),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000',
  EXPORTS_PER_ORGANISATION: '2',
  EXPORTS_IN_TOTAL: '3',
  MAX_EVENT_LOOP_DELAY_MS: '0',
  WEBHOOK_WORKER: 'false',
  ...env
})

/** Sends `count` requests with one token, alternating between the replicas, one after another; returns the statuses. */
async function alternate(replicas: ApiProcess[], org: { id: string }, count: number) {
  const headers = await bearer({ sub: `limited-${randomBytes(4).toString('hex')}`, orgs: [org.id] })
  const url = `/v1/organisations/${org.id}`
  const statuses: number[] = []
  for (let i = 0; i < count; i++) statuses.push((await fetch(`${replicas[i % replicas.length]!.address}${url}`, { headers })).status)
  return statuses
}

const expected = [...Array(PER_TOKEN).fill(200), ...Array(2 * PER_TOKEN).fill(429)]

t.test('two API processes on one PostgreSQL', { skip }, async (t) => {
  const databaseUrl = (await createTestDatabase(t, { migrated: true }))!
  const seeder = buildApp(testConfig({ DATABASE_URL: databaseUrl }))
  t.teardown(() => seeder.close())
  await seeder.ready()
  const first = await generateActivities(seeder, 2000)
  const second = await generateActivities(seeder, 2000)

  await buildDist()
  const replicas = await Promise.all([startApiProcess(t, replicaEnv(databaseUrl)), startApiProcess(t, replicaEnv(databaseUrl))])

  t.test(`a per-token limit of ${PER_TOKEN} a minute allows ${PER_TOKEN} requests across both, not ${2 * PER_TOKEN}`, async (t) => {
    const statuses = await alternate(replicas, first.org, 3 * PER_TOKEN)
    t.same(statuses, expected)
  })

  t.test(`counted in each process (RATE_LIMIT_STORE=process), the same requests get ${2 * PER_TOKEN} through: what sharing prevents`, async (t) => {
    const alone = await Promise.all([
      startApiProcess(t, replicaEnv(databaseUrl, { RATE_LIMIT_STORE: 'process' })),
      startApiProcess(t, replicaEnv(databaseUrl, { RATE_LIMIT_STORE: 'process' }))
    ])
    const statuses = await alternate(alone, first.org, 3 * PER_TOKEN)
    t.equal(statuses.filter((status) => status === 200).length, 2 * PER_TOKEN)
  })

  t.test('export caps hold across both: per organisation, then in all, and a finished export frees its slot', async (t) => {
    const exportOf = (replica: ApiProcess, org: { id: string }, headers: Record<string, string>) =>
      fetch(`${replica.address}/v1/organisations/${org.id}/ropa`, { headers })
    const [a, b] = replicas as [ApiProcess, ApiProcess]
    // Each export with a token of its own: the per-token limit is not what is tested here.
    const firstHeaders = async () => bearer({ sub: `exporter-${randomBytes(4).toString('hex')}`, orgs: [first.org.id] })
    const secondHeaders = async () => bearer({ sub: `exporter-${randomBytes(4).toString('hex')}`, orgs: [second.org.id] })

    const held = [await exportOf(a, first.org, await firstHeaders()), await exportOf(b, first.org, await firstHeaders())]
    t.same(
      held.map((res) => res.status),
      [200, 200],
      'one export of the organisation streams on each replica (bodies not read yet)'
    )
    const third = await exportOf(a, first.org, await firstHeaders())
    t.equal(third.status, 429, 'a third on the replica that runs only one of them is refused: the cap of 2 counts both')
    t.equal(third.headers.get('retry-after'), '5')
    t.match(await third.json(), { code: 'ROPA_RATE_LIMITED', detail: /for this organisation/ })

    const other = await exportOf(b, second.org, await secondHeaders())
    t.equal(other.status, 200, 'another organisation still has room: 3 in all')
    const fourth = await exportOf(a, second.org, await secondHeaders())
    t.equal(fourth.status, 429, 'a fourth export is refused by the cap of 3 in all, which replica A alone would not reach')
    t.match(await fourth.json(), { detail: 'Too many exports are running; retry shortly.' })

    await held[1]!.body!.cancel()
    let again = 0
    for (let i = 0; i < 100 && again !== 200; i++) {
      await sleep(50)
      const res = await exportOf(a, first.org, await firstHeaders())
      again = res.status
      await res.body?.cancel()
    }
    t.equal(again, 200, 'the slot the cancelled download held on replica B is free on replica A')
    await held[0]!.body!.cancel()
    await other.body!.cancel()
  })

  t.test('with Redis (REDIS_URL) the limit holds across both as well', { skip: redisSkip }, async (t) => {
    const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'
    const onRedis = await Promise.all([
      startApiProcess(t, replicaEnv(databaseUrl, { REDIS_URL: redisUrl })),
      startApiProcess(t, replicaEnv(databaseUrl, { REDIS_URL: redisUrl }))
    ])
    t.same(await alternate(onRedis, first.org, 3 * PER_TOKEN), expected)
  })
})

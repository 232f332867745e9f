import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import t from 'tap'
import { postgresCounters } from '../../src/rate-limits/counters.repository.ts'
import { LeaseStore, leaseSize, type SharedCounters } from '../../src/rate-limits/lease-store.ts'
import { redisCounters } from '../../src/rate-limits/redis-counters.ts'
import { buildTestApp } from '../helper.ts'

/** A logger that keeps what was logged at warn and info. */
function recordingLog() {
  const lines: { level: string; msg: string }[] = []
  const log = {
    warn: (_object: unknown, msg: string) => lines.push({ level: 'warn', msg }),
    info: (_object: unknown, msg: string) => lines.push({ level: 'info', msg })
  } as unknown as FastifyBaseLogger
  return { log, lines }
}

/** Counts the round trips to the shared counter. */
function counted(counters: SharedCounters) {
  const calls = { count: 0 }
  return {
    calls,
    counters: {
      ...counters,
      take: (key: string, max: number, windowMs: number) => {
        calls.count++
        return counters.take(key, max, windowMs)
      }
    } satisfies SharedCounters
  }
}

/** A hit as @fastify/rate-limit makes it (the store prefixes its namespace to the key). */
const hit = (store: LeaseStore, key: string, max: number, windowMs: number) =>
  new Promise<{ current: number; ttl: number }>((resolve, reject) =>
    store.incr(key, (error, result) => (error || !result ? reject(error) : resolve(result)), windowMs, max)
  )

const exceeded = (result: { current: number }, max: number) => result.current > max

t.test('a lease is a sixteenth of what is left, at least one, never more than is left', async (t) => {
  t.equal(leaseSize(1200, 0), 75)
  t.equal(leaseSize(1200, 1190), 1)
  t.equal(leaseSize(10, 0), 1, 'small limits lease one hit at a time')
  t.equal(leaseSize(32, 0), 2)
  t.equal(leaseSize(10, 9), 1)
  t.equal(leaseSize(10, 10), 0)
  t.equal(leaseSize(10, 12), 0)
})

const app = await buildTestApp(t)
const backends: [string, () => SharedCounters, string | false][] = [
  ['the database table', () => postgresCounters(async (query) => (await app.database.db.execute(query)).rows), false],
  [
    'Redis',
    () => redisCounters(process.env.TEST_REDIS_URL ?? ''),
    process.env.TEST_REDIS_URL || process.env.REDIS_REQUIRED === '1' ? false : 'TEST_REDIS_URL is not set (CI sets it and REDIS_REQUIRED=1)'
  ]
]

for (const [name, open, skip] of backends) {
  t.test(`shared counters in ${name}`, { skip }, async (t) => {
    const counters = open()
    t.teardown(() => counters.close())
    const key = () => `test:${randomBytes(6).toString('hex')}`

    t.test('one round trip per lease: 1,200 a minute costs one for the first 75 hits', async (t) => {
      const { counters: tracked, calls } = counted(counters)
      const store = new LeaseStore(tracked, 'token', recordingLog().log)
      const k = key()
      for (let i = 1; i <= 75; i++) t.equal((await hit(store, k, 1200, 60_000)).current, i)
      t.equal(calls.count, 1)
      t.equal((await hit(store, k, 1200, 60_000)).current, 76)
      t.equal(calls.count, 2, 'the 76th hit takes the next lease')
      const next = await counters.take(`token:${k}`, 1200, 60_000)
      t.equal(next.used - next.granted, 75 + leaseSize(1200, 75), 'the shared counter holds both leases')
    })

    t.test('two replicas hitting in parallel allow exactly the limit in total, never more', async (t) => {
      const log = recordingLog()
      const replicas = [new LeaseStore(counters, 'token', log.log), new LeaseStore(counters, 'token', log.log)]
      const k = key()
      const max = 100
      const results = await Promise.all(Array.from({ length: 300 }, (_, i) => hit(replicas[i % 2]!, k, max, 60_000)))
      t.equal(results.filter((result) => !exceeded(result, max)).length, max)
      t.same(log.lines, [], 'nothing failed on the way')
      t.ok(
        results.every((result) => result.ttl > 0 && result.ttl <= 60_000),
        'every answer says when the window ends'
      )
    })

    t.test('a window that ends starts a new one at zero', async (t) => {
      const store = new LeaseStore(counters, 'token', recordingLog().log)
      const k = key()
      for (let i = 0; i < 3; i++) t.notOk(exceeded(await hit(store, k, 3, 2000), 3))
      t.ok(exceeded(await hit(store, k, 3, 2000), 3), 'the fourth hit of three is refused')
      let again = await hit(store, k, 3, 2000)
      for (let i = 0; i < 200 && exceeded(again, 3); i++) {
        await sleep(20)
        again = await hit(store, k, 3, 2000)
      }
      t.equal(again.current, 1, 'the first hit of the next window')
    })

    t.test('namespaces keep the limits apart', async (t) => {
      const k = key()
      const token = new LeaseStore(counters, 'token', recordingLog().log)
      const address = new LeaseStore(counters, 'address', recordingLog().log)
      t.equal((await hit(token, k, 1, 60_000)).current, 1)
      t.equal((await hit(address, k, 1, 60_000)).current, 1, 'the same key under another limit has a budget of its own')
      t.ok(exceeded(await hit(token, k, 1, 60_000), 1))
    })
  })
}

t.test('when the shared counter fails, the store counts in this process and says so once', async (t) => {
  let down = true
  const working = postgresCounters(async (query) => (await app.database.db.execute(query)).rows)
  const flaky: SharedCounters = {
    name: 'flaky',
    take: (key, max, windowMs) => (down ? Promise.reject(new Error('connection refused')) : working.take(key, max, windowMs)),
    close: async () => {}
  }
  const { log, lines } = recordingLog()
  const store = new LeaseStore(flaky, 'token', log)
  const k = `test:${randomBytes(6).toString('hex')}`
  t.equal((await hit(store, k, 2, 60_000)).current, 1)
  t.equal((await hit(store, k, 2, 60_000)).current, 2)
  t.ok(exceeded(await hit(store, k, 2, 60_000), 2), 'the limit still holds, in this process')
  t.same(
    lines.map((line) => line.level),
    ['warn'],
    'one warning for the outage'
  )
  down = false
  let back = await hit(store, `${k}:after`, 2, 60_000)
  for (let i = 0; i < 100 && !lines.some((line) => line.level === 'info'); i++) {
    await sleep(20)
    back = await hit(store, `${k}:after`, 2, 60_000)
  }
  t.match(lines.at(-1), { level: 'info', msg: /answer again/ })
  const [row] = (await app.database.db.execute(sql`select used from rate_limit_counters where key = ${`token:${k}:after`}`)).rows
  t.equal(Number(row?.used), 1, 'once it answers, the shared counter counts again')
  t.equal(back.current, 1)
})

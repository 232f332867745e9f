import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createTestDatabase, TEST_SECRET, token } from '../helper.ts'
import { buildDist, startApiProcess } from '../support/production.ts'
import { startReceiver } from './receiver.ts'

// Real API processes on one PostgreSQL database: one killed (SIGKILL) after its write committed and
// before any delivery, then two delivering the outbox at once. PGlite is one process's database:
// there is nothing to share, so on PGlite the file has nothing to run.
t.setTimeout(600_000)
const databaseUrl = await createTestDatabase(t, { migrated: true })
if (!databaseUrl) {
  t.pass('PostgreSQL only: API processes share a database server')
  t.end()
} else {
  await buildDist()
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-webhook-processes-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))

  async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
    for (const started = Date.now(); !(await condition()); await sleep(50)) {
      if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`)
    }
  }

  /** `node dist/server.js` as production runs it, on the shared database; resolves once it listens. */
  const server = (worker: boolean) =>
    startApiProcess(t, {
      DATA_DIR: dataDir,
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_SECRET,
      MAX_EVENT_LOOP_DELAY_MS: '0',
      RATE_LIMIT_PER_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '0',
      WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true',
      WEBHOOK_WORKER: String(worker),
      WEBHOOK_POLL_INTERVAL_MS: '50'
    })

  const call = async (address: string, method: string, path: string, bearer: string, body?: unknown) => {
    const res = await fetch(`${address}${path}`, {
      method,
      headers: { authorization: `Bearer ${bearer}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) })
    })
    const text = await res.text()
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
    return JSON.parse(text)
  }

  t.test('an event committed by a process killed before delivering is delivered once by two others', async (t) => {
    const receiver = await startReceiver(t)
    const writer = await server(false)
    const organisation = await call(writer.address, 'POST', '/v1/organisations', await token({ scopes: ['ropa:platform'] }), {
      name: 'Two replicas AS',
      country: 'NO'
    })
    const admin = await token({ sub: 'admin', scopes: ['ropa:admin', 'ropa:read', 'ropa:write'], orgs: [organisation.id] })
    const base = `/v1/organisations/${organisation.id}`
    const webhook = await call(writer.address, 'POST', `${base}/webhooks`, admin, { url: receiver.url, events: ['activity.created'] })
    receiver.useSecret(webhook.secret)
    await call(writer.address, 'POST', `${base}/activities`, admin, { name: 'Written before the kill' })
    writer.child.kill('SIGKILL') // the write committed; this process never delivers (its worker is off)
    await eventually(() => writer.child.exitCode !== null || writer.child.signalCode !== null, 'the writer is dead')
    t.equal(receiver.received.length, 0, 'nothing was delivered before the kill')

    const [first, second] = await Promise.all([server(true), server(true)])
    for (let n = 1; n <= 10; n++)
      await call(n % 2 ? first.address : second.address, 'POST', `${base}/activities`, admin, { name: `Written with two workers ${n}` })
    const delivered = async () => {
      const { items } = await call(first.address, 'GET', `${base}/webhooks/${webhook.id}/deliveries?limit=100`, admin)
      return items as { status: string; attempts: unknown[] }[]
    }
    await eventually(async () => (await delivered()).filter((delivery) => delivery.status === 'succeeded').length === 11, 'all 11 events are delivered')
    const deliveries = await delivered()
    t.equal(deliveries.length, 11, 'one delivery per event')
    t.ok(
      deliveries.every((delivery) => delivery.attempts.length === 1),
      'each delivered in one attempt, by one of the two workers'
    )
    t.equal(receiver.received.length, 11, 'the receiver got each event once')
    t.equal(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size, 11, 'eleven different events')
    t.ok(
      receiver.received.every((request) => request.verified),
      'every signature verifies'
    )
    t.ok(
      receiver.received.some((request) => JSON.parse(request.body).data.changedFields.includes('name') && request.body.includes(organisation.id)),
      'the bodies carry the event'
    )
  })
}

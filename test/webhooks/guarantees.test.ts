import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import type { App } from '../../src/app.ts'
import { bearer, buildTestApp, createOrganisationViaApi, createTestDatabase, expectedDatabaseKind } from '../helper.ts'
import { startReceiver } from './receiver.ts'

// biome-ignore lint/suspicious/noExplicitAny: answers are read as loosely as JSON; the assertions check their shape
type Json = Record<string, any>
const allowPrivate = { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' }

/**
 * The environment of apps that share one database and can be closed and started again: on PostgreSQL
 * a database of this test, on PGlite a data folder of this test (only one app may hold it at a time).
 */
async function durableDatabase(t: Test): Promise<Record<string, string>> {
  const url = await createTestDatabase(t, { migrated: true })
  if (url) return { DATABASE_URL: url }
  const folder = mkdtempSync(join(tmpdir(), 'ropa-webhooks-'))
  t.teardown(() => rmSync(folder, { recursive: true, force: true }))
  return { DATA_DIR: folder }
}

async function setUp(app: App, url: string, events = ['activity.created']) {
  const org = await createOrganisationViaApi(app)
  const admin = await bearer({ scopes: ['ropa:admin', 'ropa:write'], orgs: [org.id] })
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/webhooks`, headers: admin, payload: { url, events } })
  if (res.statusCode !== 201) throw new Error(`creating a webhook: ${res.statusCode} ${res.body}`)
  const webhook = res.json()
  const base = `/v1/organisations/${org.id}`
  return {
    org,
    webhook,
    async createActivity(name: string, on = app) {
      const created = await on.inject({ method: 'POST', url: `${base}/activities`, headers: admin, payload: { name } })
      if (created.statusCode !== 201) throw new Error(`creating an activity: ${created.statusCode} ${created.body}`)
      return created.json()
    },
    async deliveries(on = app): Promise<Json[]> {
      return (await on.inject({ url: `${base}/webhooks/${webhook.id}/deliveries`, headers: admin })).json().items
    }
  }
}

t.test('two instances on one database deliver each event once', async (t) => {
  const env = { ...allowPrivate, ...(expectedDatabaseKind === 'postgres' ? await durableDatabase(t) : {}) }
  const first = await buildTestApp(t, { env })
  // On PostgreSQL each instance has its own connection pool; PGlite has one connection, which they share.
  const second = await buildTestApp(t, { env, ...(expectedDatabaseKind === 'pglite' ? { database: first.database } : {}) })
  const receiver = await startReceiver(t)
  const { webhook, createActivity } = await setUp(first, receiver.url)
  receiver.useSecret(webhook.secret)
  const events = 12
  for (let i = 0; i < events; i++) await createActivity(`Activity ${i}`, i % 2 === 0 ? first : second)

  const [a, b] = await Promise.all([first.webhooks.deliverDue(), second.webhooks.deliverDue()])
  t.equal(a + b, events, `${a} and ${b} attempts: ${events} in all`)
  t.equal(receiver.received.length, events, 'each event was received once')
  t.equal(new Set(receiver.received.map((request) => request.headers['webhook-id'])).size, events, 'no event twice')
  t.ok(
    receiver.received.every((request) => request.verified),
    'all signed'
  )
  t.same(await Promise.all([first.webhooks.deliverDue(), second.webhooks.deliverDue()]), [0, 0], 'nothing left')
})

t.test('an event committed but not delivered when its process stopped is delivered by the next one', async (t) => {
  const env = { ...allowPrivate, ...(await durableDatabase(t)) }
  const receiver = await startReceiver(t)
  const before = await buildTestApp(t, { env })
  const { webhook, createActivity, deliveries } = await setUp(before, receiver.url)
  receiver.useSecret(webhook.secret)
  const activity = await createActivity('Committed, then the process stopped')
  t.match(await deliveries(), [{ status: 'pending', attempts: [] }], 'queued with the write')
  await before.close()
  t.equal(receiver.received.length, 0, 'not delivered before the process stopped')

  const after = await buildTestApp(t, { env })
  t.equal(await after.webhooks.deliverDue(), 1)
  t.equal(receiver.received.length, 1)
  t.ok(receiver.received[0]!.verified)
  t.match(JSON.parse(receiver.received[0]!.body), { type: 'activity.created', data: { entity: { id: activity.id } } })
})

t.test('the worker runs in the background when enabled, and stops with the app', async (t) => {
  const app = await buildTestApp(t, { env: { ...allowPrivate, WEBHOOK_WORKER: 'true', WEBHOOK_POLL_INTERVAL_MS: '50' } })
  const receiver = await startReceiver(t)
  const { webhook, createActivity } = await setUp(app, receiver.url)
  receiver.useSecret(webhook.secret)
  await createActivity('Delivered by the loop')
  const deadline = Date.now() + 20_000
  while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20))
  t.equal(receiver.received.length, 1, 'delivered without a pass being called')
  t.ok(receiver.received[0]!.verified)
  await app.close()
  t.pass('closing waits for the loop and ends it')
})

t.test('URLs on private networks are refused unless WEBHOOK_ALLOW_PRIVATE_NETWORKS is set', async (t) => {
  const app = await buildTestApp(t)
  const org = await createOrganisationViaApi(app)
  const admin = await bearer({ scopes: ['ropa:admin'], orgs: [org.id] })
  const refused = [
    'http://hooks.example.com/plain-http',
    'https://127.0.0.1/hook',
    'https://10.1.2.3/hook',
    'https://172.16.0.1/hook',
    'https://192.168.1.1/hook',
    'https://169.254.169.254/latest/meta-data',
    'https://100.64.0.1/hook',
    'https://0.0.0.0/hook',
    'https://[::1]/hook',
    'https://[::ffff:127.0.0.1]/hook',
    'https://[::ffff:a9fe:a9fe]/hook',
    'https://[fd00::1]/hook',
    'https://[fe80::1]/hook',
    'https://localhost/hook',
    'https://api.localhost/hook',
    'https://2130706433/hook'
  ]
  for (const url of refused) {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/organisations/${org.id}/webhooks`,
      headers: admin,
      payload: { url, events: ['activity.created'] }
    })
    t.equal(res.statusCode, 400, url)
    t.equal(res.json().errors?.[0]?.path, '/body/url', `${url}: ${res.json().detail}`)
  }
  const publicUrl = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/webhooks`,
    headers: admin,
    payload: { url: 'https://93.184.215.14/hook', events: ['activity.created'] }
  })
  t.equal(publicUrl.statusCode, 201, 'a public address is accepted')
  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${org.id}/webhooks/${publicUrl.json().id}`,
    headers: admin,
    payload: { url: 'https://192.168.0.10/hook' }
  })
  t.equal(patched.statusCode, 400, 'nor can a webhook be moved to a private address')
})

t.test('a delivery to a private address is refused at delivery time when the setting is off', async (t) => {
  const receiver = await startReceiver(t)
  // Stored while an instance allowed private networks (or before an address changed)…
  const permissive = await buildTestApp(t, { env: allowPrivate })
  const { createActivity, deliveries } = await setUp(permissive, `https://127.0.0.1:${receiver.port}/hook`)
  await createActivity('Behind the firewall')
  // …and delivered by one that does not.
  const strict = await buildTestApp(t, { database: permissive.database })
  t.equal(await strict.webhooks.deliverDue(), 1)
  t.equal(receiver.received.length, 0, 'nothing reached the private address')
  const [delivery] = await deliveries(strict)
  t.match(delivery, { status: 'pending', attempts: [{ statusCode: null, succeeded: false, error: /^refused: .*127\.0\.0\.1/ }] })
})

t.test('redirects are not followed', async (t) => {
  const app = await buildTestApp(t, { env: allowPrivate })
  const target = await startReceiver(t)
  const redirecting = await startReceiver(t, [{ status: 307, headers: { location: target.url } }])
  const { createActivity, deliveries } = await setUp(app, redirecting.url)
  await createActivity('Redirected')
  await app.webhooks.deliverDue()
  t.equal(redirecting.received.length, 1)
  t.equal(target.received.length, 0, 'the redirect target got nothing')
  const [delivery] = await deliveries()
  t.match(delivery, { status: 'pending', attempts: [{ statusCode: 307, succeeded: false, error: 'redirect not followed' }] })
})

t.test('a receiver that does not answer in time fails the attempt', async (t) => {
  const app = await buildTestApp(t, { env: { ...allowPrivate, WEBHOOK_TIMEOUT_MS: '200' } })
  const hanging = createServer(() => {
    // never answers
  })
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
  t.teardown(() => {
    hanging.closeAllConnections()
    return new Promise((resolve) => hanging.close(resolve))
  })
  const { createActivity, deliveries } = await setUp(app, `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/hook`)
  await createActivity('Slow receiver')
  t.equal(await app.webhooks.deliverDue(), 1)
  const [delivery] = await deliveries()
  t.match(delivery, { status: 'pending', attempts: [{ statusCode: null, succeeded: false, error: 'no answer within 200 ms' }] })
})

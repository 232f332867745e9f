import t, { type Test } from 'tap'
import { enqueueEvent } from '../../src/modules/webhooks/outbox.repository.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'
import { startReceiver } from './receiver.ts'

// biome-ignore lint/suspicious/noExplicitAny: answers are read as loosely as JSON; the assertions check their shape
type Json = Record<string, any>

// Receivers in these tests listen on 127.0.0.1 over plain http, which only this setting admits.
const app = await buildTestApp(t, { env: { WEBHOOK_ALLOW_PRIVATE_NETWORKS: 'true' } })
const org = await createOrganisationViaApi(app)
const other = await createOrganisationViaApi(app)
const admin = await bearer({ sub: 'admin@example.no', scopes: ['ropa:admin', 'ropa:read', 'ropa:write'], orgs: [org.id] })
const writer = await bearer({ sub: 'dpo@example.no', scopes: ['ropa:read', 'ropa:write'], orgs: [org.id] })
const otherAdmin = await bearer({ sub: 'other-admin', scopes: ['ropa:admin'], orgs: [other.id] })
const base = `/v1/organisations/${org.id}`

const createWebhook = async (body: Json, headers = admin, orgId = org.id) =>
  app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/webhooks`, headers, payload: body })

/** A receiver and a webhook of the organisation pointing to it, the receiver checking signatures with its secret. */
async function subscribe(t: Test, events: string[], answers?: Parameters<typeof startReceiver>[1]) {
  const receiver = await startReceiver(t, answers)
  const res = await createWebhook({ url: receiver.url, events })
  t.equal(res.statusCode, 201, 'the webhook is created')
  const webhook = res.json()
  receiver.useSecret(webhook.secret)
  // Each test's webhook stops when the test ends, so later tests' events do not reach it.
  t.teardown(() => app.inject({ method: 'PATCH', url: `${base}/webhooks/${webhook.id}`, headers: admin, payload: { enabled: false } }))
  return { receiver, webhook }
}

const write = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json) => {
  const res = await app.inject({ method, url, headers: writer, ...(payload ? { payload } : {}) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.statusCode === 204 ? undefined : res.json()
}
const deliveries = async (webhookId: string, query = '') => {
  const res = await app.inject({ url: `${base}/webhooks/${webhookId}/deliveries${query}`, headers: admin })
  if (res.statusCode !== 200) throw new Error(`listing deliveries: ${res.statusCode} ${res.body}`)
  return res.json().items as Json[]
}
let names = 0
const newActivity = () => write('POST', `${base}/activities`, { name: `Activity ${++names}` })

t.test('a webhook is created with its secret once, then read, listed, changed and deleted without it', async (t) => {
  const res = await createWebhook({ url: 'https://hooks.example.com/ropa', events: ['activity.created', 'processor.deleted'], description: 'Chat' })
  t.equal(res.statusCode, 201, res.body)
  const created = res.json()
  t.match(created.secret, /^whsec_[A-Za-z0-9+/]+=*$/)
  t.ok(Buffer.from(created.secret.slice('whsec_'.length), 'base64').length >= 24, 'at least 24 random bytes')
  t.match(created, {
    url: 'https://hooks.example.com/ropa',
    events: ['activity.created', 'processor.deleted'],
    description: 'Chat',
    enabled: true,
    version: 1,
    createdBy: 'admin@example.no'
  })
  t.equal(res.headers.location, `${base}/webhooks/${created.id}`)
  t.equal(res.headers.etag, '"1"')

  const read = await app.inject({ url: `${base}/webhooks/${created.id}`, headers: admin })
  t.equal(read.statusCode, 200)
  const { secret: _, ...withoutSecret } = created
  t.same(read.json(), withoutSecret, 'the same webhook, without its secret')
  t.notOk(read.body.includes(created.secret))
  const list = await app.inject({ url: `${base}/webhooks`, headers: admin })
  t.same(
    list.json().items.find((item: Json) => item.id === created.id),
    withoutSecret
  )
  t.notOk(list.body.includes('whsec_'), 'no secret in the list')

  const stale = await app.inject({
    method: 'PATCH',
    url: `${base}/webhooks/${created.id}`,
    headers: { ...admin, 'if-match': '"7"' },
    payload: { enabled: false }
  })
  t.equal(stale.statusCode, 412)
  const patched = await app.inject({
    method: 'PATCH',
    url: `${base}/webhooks/${created.id}`,
    headers: { ...admin, 'if-match': '"1"' },
    payload: { events: ['review.due'], description: null }
  })
  t.equal(patched.statusCode, 200, patched.body)
  t.match(patched.json(), { events: ['review.due'], description: null, version: 2, url: 'https://hooks.example.com/ropa' })
  t.equal(patched.headers.etag, '"2"')
  t.notOk('secret' in patched.json())

  const audit = await app.inject({ url: `${base}/audit-events?entityId=${created.id}`, headers: await bearer({ orgs: [org.id] }) })
  t.same(
    audit.json().items.map((event: Json) => event.action),
    ['update', 'create'],
    'changes to webhooks are audited'
  )
  t.notOk(audit.body.includes(created.secret), 'without the secret')

  t.equal((await app.inject({ method: 'DELETE', url: `${base}/webhooks/${created.id}`, headers: admin })).statusCode, 204)
  t.equal((await app.inject({ url: `${base}/webhooks/${created.id}`, headers: admin })).statusCode, 404)
})

t.test('a webhook is refused for invalid settings', async (t) => {
  const valid = { url: 'https://hooks.example.com/x', events: ['activity.created'] }
  const cases: [string, Json, string][] = [
    ['no events', { ...valid, events: [] }, '/body/events'],
    ['an unknown event type', { ...valid, events: ['activity.exploded'] }, '/body/events/0'],
    ['an event type twice', { ...valid, events: ['activity.created', 'activity.created'] }, '/body/events'],
    ['another scheme', { ...valid, url: 'ftp://hooks.example.com/x' }, '/body/url'],
    ['credentials in the URL', { ...valid, url: 'https://user:secret@hooks.example.com/x' }, '/body/url'],
    ['no URL', { events: valid.events }, '/body'],
    ['an unknown field', { ...valid, secret: 'whsec_mine' }, '/body']
  ]
  for (const [what, body, path] of cases) {
    const res = await createWebhook(body)
    t.equal(res.statusCode, 400, what)
    t.ok(
      res.json().errors.some((error: Json) => error.path.startsWith(path)),
      `${what}: ${res.body}`
    )
  }
  const empty = await app.inject({ method: 'PATCH', url: `${base}/webhooks/${org.id}`, headers: admin, payload: {} })
  t.equal(empty.statusCode, 400, 'a patch changing nothing')
})

t.test('webhooks need ropa:admin and stay in their organisation', async (t) => {
  const res = await createWebhook({ url: 'https://hooks.example.com/x', events: ['activity.created'] }, writer)
  t.equal(res.statusCode, 403, 'a writer cannot create one')
  t.equal((await app.inject({ url: `${base}/webhooks`, headers: writer })).statusCode, 403, 'nor list them')
  t.equal(
    (await createWebhook({ url: 'https://hooks.example.com/x', events: ['activity.created'] }, otherAdmin)).statusCode,
    404,
    "another organisation's admin"
  )

  const theirs = (await createWebhook({ url: 'https://hooks.example.com/theirs', events: ['activity.created'] }, otherAdmin, other.id)).json()
  t.equal((await app.inject({ url: `${base}/webhooks/${theirs.id}`, headers: admin })).statusCode, 404, "another organisation's webhook is not found")
  t.equal((await app.inject({ method: 'PATCH', url: `${base}/webhooks/${theirs.id}`, headers: admin, payload: { enabled: false } })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/webhooks/${theirs.id}`, headers: admin })).statusCode, 404)
  t.equal((await app.inject({ url: `${base}/webhooks/${theirs.id}/deliveries`, headers: admin })).statusCode, 404)
  t.notOk(
    (await app.inject({ url: `${base}/webhooks`, headers: admin })).json().items.some((item: Json) => item.id === theirs.id),
    'nor listed'
  )
})

t.test('events are delivered signed, with the entity, the actor and the changed fields', async (t) => {
  const { receiver, webhook } = await subscribe(t, ['activity.created', 'activity.updated', 'activity.deleted'])
  const activity = await newActivity()
  await write('PATCH', `${base}/activities/${activity.id}`, { description: 'Pays salaries' })
  await write('DELETE', `${base}/activities/${activity.id}`)
  // Not subscribed: no delivery.
  await write('POST', `${base}/data-categories`, { name: 'Contact details' })
  t.equal(receiver.received.length, 0, 'nothing is sent before the worker runs')

  t.equal(await app.webhooks.deliverDue(), 3, 'three attempts')
  t.equal(receiver.received.length, 3)
  t.ok(
    receiver.received.every((request) => request.verified),
    'every signature verifies with the secret'
  )
  const bodies = receiver.received.map((request) => JSON.parse(request.body))
  t.same(
    bodies.map((body) => body.type),
    ['activity.created', 'activity.updated', 'activity.deleted'],
    'in the order of the writes'
  )
  t.match(bodies[1], {
    type: 'activity.updated',
    timestamp: /^\d{4}-\d{2}-\d{2}T.*Z$/,
    data: {
      organisationId: org.id,
      entity: { type: 'activity', id: activity.id },
      action: 'update',
      actor: 'dpo@example.no',
      reason: null,
      changedFields: ['description']
    }
  })
  t.ok(bodies[0].data.changedFields.includes('name'), 'a create lists the fields it set')
  t.notOk(bodies[0].data.changedFields.includes('version'), 'not the bookkeeping ones')
  t.same(bodies[2].data.changedFields, [], 'a delete lists none')
  t.same(
    receiver.received.map((request) => request.headers['webhook-id']),
    bodies.map((body) => body.data.eventId),
    'webhook-id is the event id'
  )
  t.equal(receiver.received[0]!.headers['content-type'], 'application/json')

  const listed = await deliveries(webhook.id)
  t.same(
    listed.map((delivery) => [delivery.event.type, delivery.status, delivery.attempts.map((attempt: Json) => attempt.statusCode)]),
    [
      ['activity.deleted', 'succeeded', [204]],
      ['activity.updated', 'succeeded', [204]],
      ['activity.created', 'succeeded', [204]]
    ],
    'every delivery and its attempt, newest first'
  )
  t.same(listed[1]!.event, bodies[1], 'the body as sent')
  t.equal(listed[0]!.nextAttemptAt, null)
  t.equal(await app.webhooks.deliverDue(), 0, 'nothing is sent twice')
})

t.test('catalogue entries have their events too', async (t) => {
  const { receiver } = await subscribe(t, ['data_category.created', 'processor.updated', 'security_measure.deleted'])
  const category = await write('POST', `${base}/data-categories`, { name: 'Salary' })
  await write('PATCH', `${base}/data-categories/${category.id}`, { description: 'Monthly pay' })
  const processor = await write('POST', `${base}/processors`, { name: 'Payroll Ltd', country: 'NO' })
  await write('PATCH', `${base}/processors/${processor.id}`, { name: 'Payroll AS' })
  const measure = await write('POST', `${base}/security-measures`, { name: 'Encryption at rest' })
  await write('DELETE', `${base}/security-measures/${measure.id}`)
  await app.webhooks.deliverDue()
  t.same(
    receiver.received.map((request) => {
      const { type, data } = JSON.parse(request.body)
      return [type, data.entity.id, data.changedFields.includes('name')]
    }),
    [
      ['data_category.created', category.id, true],
      ['processor.updated', processor.id, true],
      ['security_measure.deleted', measure.id, false]
    ]
  )
})

t.test('a failed attempt is retried later with backoff, and every attempt is recorded', async (t) => {
  const { receiver, webhook } = await subscribe(t, ['activity.created'], [500, 200])
  await newActivity()
  t.equal(await app.webhooks.deliverDue(), 1)
  let [delivery] = await deliveries(webhook.id)
  t.match(delivery, { status: 'pending', attempts: [{ statusCode: 500, succeeded: false }] })
  const failedAt = Date.parse(delivery!.attempts[0].at)
  const retryAt = Date.parse(delivery!.nextAttemptAt)
  t.ok(retryAt - failedAt >= 20_000, `the retry waits (${retryAt - failedAt} ms)`)
  t.ok(Date.parse(delivery!.giveUpAfter) - Date.parse(delivery!.createdAt) >= 24 * 3600_000, 'retries go on for 24 hours')
  t.equal(await app.webhooks.deliverDue(), 0, 'not before it is due')

  t.equal(await app.webhooks.deliverDue(new Date(retryAt)), 1, 'retried once due')
  ;[delivery] = await deliveries(webhook.id)
  t.match(delivery, { status: 'succeeded', nextAttemptAt: null, attempts: [{ statusCode: 500 }, { statusCode: 200, succeeded: true }] })
  t.equal(receiver.received.length, 2)
  t.equal(receiver.received[0]!.headers['webhook-id'], receiver.received[1]!.headers['webhook-id'], 'the same webhook-id')
  t.ok(
    receiver.received.every((request) => request.verified),
    'each attempt signed'
  )
})

t.test("an entity's later event waits for the earlier one, until it succeeds or is given up", async (t) => {
  const { receiver, webhook } = await subscribe(t, ['activity.created', 'activity.updated'], [503])
  const activity = await newActivity()
  await write('PATCH', `${base}/activities/${activity.id}`, { description: 'Later' })
  const unrelated = await newActivity()
  t.equal(await app.webhooks.deliverDue(), 2, 'the first event of each activity')
  t.same(
    receiver.received.map((request) => JSON.parse(request.body).data.entity.id),
    [activity.id, unrelated.id],
    "the update waits: its activity's create has not succeeded"
  )
  // A day and more later every retry has failed: the creates are given up, and then the update goes.
  const muchLater = new Date(Date.now() + 25 * 3600_000)
  t.equal(await app.webhooks.deliverDue(muchLater), 3)
  const states = (await deliveries(webhook.id)).map((delivery) => [delivery.event.type, delivery.event.data.entity.id, delivery.status])
  t.same(
    states.filter(([type]) => type === 'activity.created'),
    [
      ['activity.created', unrelated.id, 'failed'],
      ['activity.created', activity.id, 'failed']
    ]
  )
  t.same(
    states.filter(([type]) => type === 'activity.updated'),
    [['activity.updated', activity.id, 'failed']],
    'tried after the create was given up, and given up in its turn: its 24 hours had passed too'
  )
  t.same(
    receiver.received.map((request) => JSON.parse(request.body).type),
    ['activity.created', 'activity.created', 'activity.created', 'activity.created', 'activity.updated']
  )
})

t.test('a delivery can be sent again by hand', async (t) => {
  const { receiver, webhook } = await subscribe(t, ['activity.created'], [500, 204])
  await newActivity()
  await app.webhooks.deliverDue()
  const [pending] = await deliveries(webhook.id)
  const url = `${base}/webhooks/${webhook.id}/deliveries/${pending!.id}/redeliver`
  t.equal((await app.inject({ method: 'POST', url, headers: admin })).statusCode, 409, 'not while it is pending')
  await app.webhooks.deliverDue(new Date(pending!.nextAttemptAt))
  t.equal((await deliveries(webhook.id))[0]!.status, 'succeeded')

  const res = await app.inject({ method: 'POST', url, headers: admin })
  t.equal(res.statusCode, 202)
  t.match(res.json(), { status: 'pending', attempts: [], redeliveryOf: pending!.id, event: pending!.event })
  t.equal(await app.webhooks.deliverDue(), 1)
  t.equal(receiver.received.length, 3)
  t.equal(receiver.received[2]!.headers['webhook-id'], pending!.event.data.eventId, 'the same event id')
  t.same(
    (await deliveries(webhook.id)).map((delivery) => delivery.status),
    ['succeeded', 'succeeded']
  )
  t.equal((await deliveries(webhook.id, '?status=pending')).length, 0)
  t.equal((await app.inject({ method: 'POST', url: `${base}/webhooks/${webhook.id}/deliveries/${org.id}/redeliver`, headers: admin })).statusCode, 404)
})

t.test('a disabled webhook gets no events; a deleted one loses its deliveries', async (t) => {
  const { receiver, webhook } = await subscribe(t, ['activity.created'])
  await app.inject({ method: 'PATCH', url: `${base}/webhooks/${webhook.id}`, headers: admin, payload: { enabled: false } })
  await newActivity()
  await app.webhooks.deliverDue()
  t.equal(receiver.received.length, 0)
  t.same(await deliveries(webhook.id), [], 'no event was queued for it')

  await app.inject({ method: 'PATCH', url: `${base}/webhooks/${webhook.id}`, headers: admin, payload: { enabled: true } })
  await newActivity()
  t.equal((await deliveries(webhook.id)).length, 1)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/webhooks/${webhook.id}`, headers: admin })).statusCode, 204)
  t.equal(await app.webhooks.deliverDue(), 0, 'its pending delivery went with it')
})

t.test('pages of webhooks and deliveries', async (t) => {
  const { webhook } = await subscribe(t, ['activity.created'])
  for (let i = 0; i < 3; i++) await newActivity()
  const first = await app.inject({ url: `${base}/webhooks/${webhook.id}/deliveries?limit=2`, headers: admin })
  t.equal(first.json().items.length, 2)
  const second = await app.inject({ url: `${base}/webhooks/${webhook.id}/deliveries?limit=2&cursor=${first.json().nextCursor}`, headers: admin })
  t.equal(second.json().items.length, 1)
  t.equal(second.json().nextCursor, null)
  const all = [...first.json().items, ...second.json().items].map((delivery: Json) => delivery.id)
  t.equal(new Set(all).size, 3)

  const hooks = await app.inject({ url: `${base}/webhooks?limit=1`, headers: admin })
  const next = await app.inject({ url: `${base}/webhooks?limit=1&cursor=${hooks.json().nextCursor}`, headers: admin })
  t.equal(next.statusCode, 200)
  t.not(next.json().items[0].id, hooks.json().items[0].id)
  t.equal((await app.inject({ url: `${base}/webhooks?cursor=bm9wZQ`, headers: admin })).statusCode, 400)
})

t.test('findings.changed reports an activity whose findings summary changed', async (t) => {
  const existing = await newActivity()
  const { receiver, webhook } = await subscribe(t, ['findings.changed', 'activity.created'])
  t.equal(await app.webhooks.deliverDue(), 0, 'the first pass only records the summaries')

  await write('PATCH', `${base}/activities/${existing.id}`, { purposes: [{ description: 'Pay salaries', legalBasis: '6.1.b' }] })
  await write('PATCH', `${base}/activities/${existing.id}`, { description: 'Changes no finding' })
  const added = await newActivity()
  await app.webhooks.deliverDue()
  const bodies = receiver.received.map((request) => JSON.parse(request.body))
  const summaryOf = async (id: string) => (await app.inject({ url: `${base}/activities/${id}/findings`, headers: writer })).json().summary
  const changes = bodies.filter((body) => body.type === 'findings.changed')
  t.same(changes.map((body) => body.data.entity.id).sort(), [existing.id, added.id].sort(), 'one event per activity whose summary changed, however many writes')
  const ofExisting = changes.find((body) => body.data.entity.id === existing.id)
  t.same(ofExisting.data.summary, await summaryOf(existing.id), 'the summary the findings endpoint answers')
  t.not(JSON.stringify(ofExisting.data.previousSummary), JSON.stringify(ofExisting.data.summary))
  t.equal(changes.find((body) => body.data.entity.id === added.id).data.previousSummary, null, 'a new activity had none')
  t.ok(
    receiver.received.every((request) => request.verified),
    'signed'
  )
  const types = bodies.filter((body) => body.data.entity.id === added.id).map((body) => body.type)
  t.same(types, ['activity.created', 'findings.changed'], "in order with the activity's own events")

  await write('PATCH', `${base}/activities/${existing.id}`, { description: 'Still no finding' })
  const before = receiver.received.length
  await app.webhooks.deliverDue()
  t.equal(receiver.received.length, before, 'no event when no summary changed')
  t.ok((await deliveries(webhook.id)).length >= 3)
})

t.test('other parts queue their events with enqueueEvent, in their own transaction', async (t) => {
  const { receiver } = await subscribe(t, ['snapshot.created', 'review.due'])
  const snapshotId = '3f1f0c57-0a8e-4d7e-9b53-2b1f6d1c8e01'
  await app.database.db.transaction((tx) =>
    enqueueEvent(tx, org.id, 'snapshot.created', { entity: { type: 'snapshot', id: snapshotId }, actor: 'auditor', digest: 'sha256:abc' })
  )
  await app.database.db
    .transaction(async (tx) => {
      await enqueueEvent(tx, org.id, 'review.due', { entity: { type: 'activity', id: snapshotId } })
      throw new Error('the write fails')
    })
    .catch(() => {})
  // Nobody subscribes to activity.deleted here: nothing is stored for it.
  await app.database.db.transaction((tx) => enqueueEvent(tx, org.id, 'activity.deleted', {}))
  t.equal(await app.webhooks.deliverDue(), 1, 'only the committed event')
  t.match(JSON.parse(receiver.received[0]!.body), {
    type: 'snapshot.created',
    data: { organisationId: org.id, entity: { type: 'snapshot', id: snapshotId }, actor: 'auditor', reason: null, changedFields: [], digest: 'sha256:abc' }
  })
  t.ok(receiver.received[0]!.verified)
})

t.test('a snapshot taken through the API is one snapshot.created event (its audit event)', async (t) => {
  const { receiver } = await subscribe(t, ['snapshot.created'])
  const taken = await app.inject({
    method: 'POST',
    url: `${base}/snapshots`,
    headers: admin,
    payload: { note: 'For the auditor', submittedTo: 'Datatilsynet' }
  })
  t.equal(taken.statusCode, 201, taken.statusCode === 201 ? 'taken' : taken.body.slice(0, 300))
  t.ok((await app.webhooks.deliverDue()) >= 1, 'delivered (also to webhooks earlier tests left subscribed)')
  t.equal(receiver.received.length, 1, 'once')
  t.match(JSON.parse(receiver.received[0]!.body), {
    type: 'snapshot.created',
    data: { organisationId: org.id, entity: { type: 'snapshot', id: taken.json().id }, actor: 'admin@example.no', action: 'create' }
  })
  t.ok(JSON.parse(receiver.received[0]!.body).data.changedFields.includes('sha256'))
  t.ok(receiver.received[0]!.verified)
})

t.test('the Change-Reason of a write travels with its event', async (t) => {
  const { receiver } = await subscribe(t, ['data_category.created'])
  const res = await app.inject({
    method: 'POST',
    url: `${base}/data-categories`,
    headers: { ...writer, 'change-reason': 'New payroll provider (ticket 42)' },
    payload: { name: 'Pension details' }
  })
  t.equal(res.statusCode, 201)
  await app.webhooks.deliverDue()
  t.equal(receiver.received.length, 1)
  t.match(JSON.parse(receiver.received[0]!.body), {
    type: 'data_category.created',
    data: { reason: 'New payroll provider (ticket 42)', actor: 'dpo@example.no' }
  })
})

t.test('review.due: once for each activity whose review has fallen due, until it is reviewed', async (t) => {
  const { receiver } = await subscribe(t, ['review.due'])
  const overdue = await write('POST', `${base}/activities`, { name: 'Old CCTV', status: 'active', owner: 'Facilities', lastReviewedAt: '2020-01-15' })
  t.ok(overdue.id, 'created')
  await write('POST', `${base}/activities`, { name: 'Fresh one', lastReviewedAt: new Date().toISOString().slice(0, 10) })
  await app.webhooks.deliverDue()
  const events = receiver.received.map((delivery) => JSON.parse(delivery.body))
  const mine = events.filter((event) => event.data.entity.id === overdue.id)
  t.equal(mine.length, 1, 'the overdue activity')
  t.match(mine[0], { type: 'review.due', data: { name: 'Old CCTV', owner: 'Facilities', nextReviewDue: '2021-01-15' } })
  t.notOk(
    events.some((event) => event.data.name === 'Fresh one'),
    'not one reviewed today'
  )
  const before = receiver.received.length
  await app.webhooks.deliverDue()
  t.equal(receiver.received.length, before, 'not again on the next pass')
  const reviewed = await app.inject({ method: 'POST', url: `${base}/activities/${overdue.id}/reviews`, headers: writer, payload: { outcome: 'confirmed' } })
  t.equal(reviewed.statusCode, 201)
  await app.webhooks.deliverDue()
  t.equal(receiver.received.length, before, 'reviewed: no longer due')
})

import { randomBytes } from 'node:crypto'
import t, { type Test } from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

// Races on one entity, on both databases: optimistic locking (If-Match) lets exactly one of many
// simultaneous writers through, unique names let exactly one of many simultaneous creators through,
// and the audit trail records exactly the one change that happened. Each race runs twice: through
// app.inject, and over a real listening socket with fetch, where requests truly overlap (on
// PostgreSQL each one holds its own pooled connection).

type Json = Record<string, unknown> & { id: string; name: string; version: number }

interface Answer {
  status: number
  headers: Record<string, string | undefined>
  body: Record<string, unknown>
}

type Send = (method: string, url: string, payload?: unknown, extraHeaders?: Record<string, string>) => Promise<Answer>

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app, { name: 'Racing AS' })
const base = `/v1/organisations/${org.id}`
const headers = await bearer({ sub: 'racer', scopes: ['ropa:read', 'ropa:write'], orgs: [org.id] })

await app.listen({ port: 0, host: '127.0.0.1' })
const address = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`

const viaInject: Send = async (method, url, payload, extraHeaders = {}) => {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...headers, ...extraHeaders },
    ...(payload === undefined ? {} : { payload: payload as object })
  })
  return { status: res.statusCode, headers: res.headers as Record<string, string | undefined>, body: res.body ? res.json() : {} }
}

const viaSocket: Send = async (method, url, payload, extraHeaders = {}) => {
  const res = await fetch(`${address}${url}`, {
    method,
    headers: { ...headers, ...extraHeaders, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(payload === undefined ? {} : { body: JSON.stringify(payload) })
  })
  const text = await res.text()
  return { status: res.status, headers: Object.fromEntries(res.headers), body: text ? JSON.parse(text) : {} }
}

const unique = (prefix: string) => `${prefix} ${randomBytes(4).toString('hex')}`

interface AuditEvent {
  action: string
  entityType: string
  entityId: string
  actor: string
  requestId: string | null
  snapshot: Record<string, unknown>
}

async function auditEventsOf(send: Send, query: string): Promise<AuditEvent[]> {
  const res = await send('GET', `${base}/audit-events?limit=200&${query}`)
  if (res.status !== 200) throw new Error(`audit feed: ${res.status} ${JSON.stringify(res.body)}`)
  if (res.body.nextCursor !== null) throw new Error('audit feed: more than one page, the test expects one')
  return res.body.items as AuditEvent[]
}

function expectProblem(t: Test, answer: Answer, status: number, code: string, what: string) {
  t.equal(answer.status, status, what)
  t.equal(answer.headers['content-type'], 'application/problem+json; charset=utf-8', `${what}: problem+json`)
  t.equal(answer.body.code, code, `${what}: ${code}`)
}

/** Counts answers by status, so one failed assertion says what all the racers got. */
const tally = (answers: Answer[]) =>
  answers.reduce<Record<number, number>>((counts, answer) => ({ ...counts, [answer.status]: (counts[answer.status] ?? 0) + 1 }), {})

/**
 * Creates an entry at `collection`, then sends `racers` PATCHes of it at once, all with If-Match "1",
 * each renaming it differently. Exactly one must win; the stored entry and the audit trail must be
 * the winner's.
 */
async function raceUpdates(t: Test, send: Send, collection: string, entityType: string, body: Record<string, unknown>, racers: number) {
  const created = await send('POST', `${base}/${collection}`, body)
  t.equal(created.status, 201, 'the entry to race on is created')
  const id = (created.body as Json).id
  const url = `${base}/${collection}/${id}`
  const names = Array.from({ length: racers }, (_, i) => `${String(body.name)} renamed by racer ${i}`)

  const answers = await Promise.all(names.map((name) => send('PATCH', url, { name }, { 'if-match': '"1"' })))

  t.same(tally(answers), { 200: 1, 412: racers - 1 }, `exactly one PATCH answers 200, the other ${racers - 1} answer 412`)
  const winners = answers.flatMap((answer, i) => (answer.status === 200 ? [{ answer, name: names[i]! }] : []))
  const losers = answers.filter((answer) => answer.status !== 200)
  for (const loser of losers) expectProblem(t, loser, 412, 'ROPA_PRECONDITION_FAILED', 'a losing PATCH')
  t.equal(winners.length, 1)
  const winner = winners[0]
  if (!winner) return
  t.match(winner.answer.body, { id, name: winner.name, version: 2 }, "the winner's answer carries its change and version 2")
  t.equal(winner.answer.headers.etag, '"2"')

  const stored = await send('GET', url)
  t.equal(stored.status, 200)
  t.equal(stored.headers.etag, '"2"', 'the stored entry is at version 2: no lost or doubled update')
  t.match(stored.body, { id, version: 2, name: winner.name, updatedBy: 'racer' }, "the stored entry holds the winner's name")
  t.same(stored.body, winner.answer.body, "the stored entry is exactly the winner's answer")

  const events = await auditEventsOf(send, `entityId=${id}`)
  t.same(
    events.map((event) => event.action),
    ['update', 'create'],
    'the audit trail holds one create and exactly one update'
  )
  const update = events.find((event) => event.action === 'update')
  t.match(update, { entityType, entityId: id, actor: 'racer', requestId: winner.answer.headers['x-request-id'] }, 'the update event is the winning request')
  t.same(update?.snapshot, stored.body, 'its snapshot agrees with the stored document')
}

/**
 * Sends `racers` creates of one name at once (in varying case: names are unique regardless of case).
 * Exactly one must win; the list and the audit trail must hold exactly that one entry.
 */
async function raceCreates(t: Test, send: Send, racers: number) {
  const name = unique('Race category')
  const spellings = Array.from({ length: racers }, (_, i) => (i % 3 === 0 ? name : i % 3 === 1 ? name.toUpperCase() : name.toLowerCase()))

  const answers = await Promise.all(spellings.map((spelling) => send('POST', `${base}/data-categories`, { name: spelling, description: 'raced' })))

  t.same(tally(answers), { 201: 1, 409: racers - 1 }, `exactly one create answers 201, the other ${racers - 1} answer 409`)
  const winnerIndex = answers.findIndex((answer) => answer.status === 201)
  const winner = answers[winnerIndex]
  for (const loser of answers.filter((answer) => answer.status !== 201)) {
    expectProblem(t, loser, 409, 'ROPA_CONFLICT', 'a losing create')
    t.match(loser.body.errors, [{ path: '/body/name' }], 'the conflict names the field')
  }
  if (!winner) return t.fail('no create won')
  const created = winner.body as Json
  t.equal(created.name, spellings[winnerIndex], "the winner's spelling is stored")
  t.equal(winner.headers.location, `${base}/data-categories/${created.id}`)

  const list = await send('GET', `${base}/data-categories?limit=200&q=${encodeURIComponent(name.toLowerCase())}`)
  t.equal(list.status, 200)
  const items = list.body.items as Json[]
  t.same(
    items.filter((item) => item.name.toLowerCase() === name.toLowerCase()).map((item) => item.id),
    [created.id],
    'the list holds exactly one entry of that name, the winner'
  )
  t.same(
    items.find((item) => item.id === created.id),
    created,
    'and it reads back as created'
  )

  const creates = (await auditEventsOf(send, 'entityType=data_category')).filter(
    (event) => event.action === 'create' && String(event.snapshot.name).toLowerCase() === name.toLowerCase()
  )
  t.equal(creates.length, 1, 'the audit trail holds exactly one create of that name')
  t.match(creates[0], { entityId: created.id, requestId: winner.headers['x-request-id'], snapshot: created })
}

const minimalActivity = (name: string) => ({ name, purposes: [{ description: 'Something' }] })

for (const [transport, send] of [
  ['app.inject', viaInject],
  ['a listening socket', viaSocket]
] as const) {
  t.test(`${transport}: 50 PATCHes of one activity with If-Match "1" at once: exactly one wins`, (t) =>
    raceUpdates(t, send, 'activities', 'activity', minimalActivity(unique('Raced activity')), 50)
  )

  t.test(`${transport}: 50 PATCHes of one data category with If-Match "1" at once: exactly one wins`, (t) =>
    raceUpdates(t, send, 'data-categories', 'data_category', { name: unique('Raced category'), criminal: true }, 50)
  )

  t.test(`${transport}: 20 creates of one name at once: exactly one 201, the rest 409`, (t) => raceCreates(t, send, 20))
}

/**
 * Sends `racers` PATCHes of one entry at once without If-Match: a write with no precondition has
 * nothing to fail on, so every one must win, one after the other.
 */
async function raceUnconditionalUpdates(t: Test, send: Send, url: string, entityType: string, racers: number, extraHeaders: Record<string, string> = {}) {
  const before = await send('GET', url)
  const initial = (before.body as Json).version
  const answers = await Promise.all(
    Array.from({ length: racers }, (_, i) => send('PATCH', url, { name: `${(before.body as Json).name.split(' #')[0]} #${i}` }, extraHeaders))
  )
  t.same(tally(answers), { 200: racers }, `all ${racers} PATCHes answer 200`)
  t.same(
    answers.map((answer) => (answer.body as Json).version).sort((a, b) => a - b),
    Array.from({ length: racers }, (_, i) => initial + i + 1),
    'each got a version of its own'
  )
  const stored = await send('GET', url)
  t.equal(stored.body.version, initial + racers, `the stored version is ${initial} + ${racers}`)
  const id = (stored.body as Json).id
  const updates = (await auditEventsOf(send, `entityId=${id}`)).filter((event) => event.action === 'update' && event.entityType === entityType)
  t.ok(updates.length >= racers, `the audit trail has an update event for each of the ${racers}`)
  t.equal(
    updates.filter((event) => event.actor === 'racer' && answers.some((answer) => answer.headers['x-request-id'] === event.requestId)).length,
    racers,
    'one per request'
  )
}

for (const [transport, send] of [
  ['app.inject', viaInject],
  ['a listening socket', viaSocket]
] as const) {
  t.test(`${transport}: 20 PATCHes of one data category without If-Match at once: all win`, async (t) => {
    const created = await send('POST', `${base}/data-categories`, { name: unique('Unconditional') })
    await raceUnconditionalUpdates(t, send, `${base}/data-categories/${(created.body as Json).id}`, 'data_category', 20)
  })
  t.test(`${transport}: 20 PATCHes of one activity without If-Match at once: all win`, async (t) => {
    const created = await send('POST', `${base}/activities`, minimalActivity(unique('Unconditional')))
    await raceUnconditionalUpdates(t, send, `${base}/activities/${(created.body as Json).id}`, 'activity', 20)
  })
  t.test(`${transport}: 20 PATCHes of the organisation without If-Match at once: all win`, async (t) =>
    raceUnconditionalUpdates(t, send, base, 'organisation', 20, await bearer({ sub: 'racer', scopes: ['ropa:read', 'ropa:admin'], orgs: [org.id] }))
  )
}

t.test('losers of a race change nothing: the entry still accepts a PATCH with the current version', async (t) => {
  const created = await viaSocket('POST', `${base}/data-categories`, { name: unique('After the race') })
  const url = `${base}/data-categories/${(created.body as Json).id}`
  await Promise.all(Array.from({ length: 10 }, (_, i) => viaSocket('PATCH', url, { description: `racer ${i}` }, { 'if-match': '"1"' })))
  const next = await viaInject('PATCH', url, { description: 'after' }, { 'if-match': '"2"' })
  t.equal(next.status, 200, 'version 2 is the current one, exactly one racer having advanced it')
  t.match(next.body, { version: 3, description: 'after' })
  const stale = await viaInject('PATCH', url, { description: 'stale' }, { 'if-match': '"2"' })
  expectProblem(t, stale, 412, 'ROPA_PRECONDITION_FAILED', 'the old version is refused')
})

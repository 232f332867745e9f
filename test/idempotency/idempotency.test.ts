import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const writer = await bearer({ sub: 'script-1', orgs: [org.id] })
const categories = `/v1/organisations/${org.id}/data-categories`

const post = (url: string, key: string | undefined, payload: unknown, headers: Record<string, string> = writer) =>
  app.inject({ method: 'POST', url, headers: { ...headers, ...(key === undefined ? {} : { 'idempotency-key': key }) }, payload: payload as object })

async function namesInCatalogue(q: string): Promise<string[]> {
  const res = await app.inject({ url: `${categories}?q=${encodeURIComponent(q)}&limit=200`, headers: writer })
  return (res.json().items as { name: string }[]).map((item) => item.name)
}

const storedKey = async (key: string) =>
  (await app.database.db.execute(sql`select status, extract(epoch from expires_at - created_at)::int as ttl from idempotency_keys where key = ${key}`)).rows[0]

t.test('a replay answers the first result and writes nothing', async (t) => {
  const key = randomUUID()
  const body = { name: 'Replay me', description: 'first', criminal: false }
  const first = await post(categories, key, body)
  t.equal(first.statusCode, 201)
  t.notOk(first.headers['idempotent-replayed'], 'the first answer is not a replay')
  const again = await post(categories, `"${key}"`, { criminal: false, description: 'first', name: 'Replay me' })
  t.equal(again.statusCode, 201, 'the quoted form of the key and a reordered body are the same request')
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body, 'the same bytes')
  t.equal(again.headers.location, first.headers.location)
  t.equal(again.headers.etag, first.headers.etag)
  t.equal(again.headers['content-type'], first.headers['content-type'])
  t.not(again.headers['x-request-id'], first.headers['x-request-id'], 'the replay has its own request id')
  t.same(await namesInCatalogue('Replay me'), ['Replay me'], 'one entry')
  const audit = await app.inject({ url: `/v1/organisations/${org.id}/audit-events?entityId=${first.json().id}`, headers: writer })
  t.same(
    audit.json().items.map((event: { action: string }) => event.action),
    ['create'],
    'one audit event'
  )
  t.match(await storedKey(key), { status: 201, ttl: 24 * 3600 }, 'kept for 24 hours')
})

t.test('the same key with another request answers 422 and writes nothing', async (t) => {
  const key = randomUUID()
  t.equal((await post(categories, key, { name: 'Original' })).statusCode, 201)
  for (const [url, body, what] of [
    [categories, { name: 'Different' }, 'another body'],
    [`/v1/organisations/${org.id}/recipients`, { name: 'Original' }, 'another URL']
  ] as const) {
    const res = await post(url, key, body)
    t.equal(res.statusCode, 422, what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), {
      code: 'ROPA_UNPROCESSABLE',
      errors: [{ path: '/headers/idempotency-key', message: 'was used with a different method, URL or body' }]
    })
  }
  t.same(await namesInCatalogue('Different'), [])
  t.same((await app.inject({ url: `/v1/organisations/${org.id}/recipients?q=Original`, headers: writer })).json().items, [])
})

t.test('an error answer is replayed too, as the draft asks', async (t) => {
  t.equal((await post(categories, undefined, { name: 'Taken' })).statusCode, 201)
  const key = randomUUID()
  const refused = await post(categories, key, { name: 'TAKEN' })
  t.equal(refused.statusCode, 409)
  const again = await post(categories, key, { name: 'TAKEN' })
  t.equal(again.statusCode, 409)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.same(again.json(), refused.json())
})

t.test('an expired key is free for a new request', async (t) => {
  const key = randomUUID()
  t.equal((await post(categories, key, { name: 'Before expiry' })).statusCode, 201)
  await app.database.db.execute(sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = ${key}`)
  const reused = await post(categories, key, { name: 'After expiry' })
  t.equal(reused.statusCode, 201, 'after 24 hours the key is free for a new request')
  t.not(reused.headers['idempotent-replayed'], 'true')
  t.same(await namesInCatalogue('After expiry'), ['After expiry'])
  t.equal((await post(categories, key, { name: 'After expiry' })).headers['idempotent-replayed'], 'true', 'and holds the new answer')
})

t.test('concurrent duplicates: one write, every request answers its 201', async (t) => {
  const platform = await bearer({ sub: 'platform-admin', scopes: ['ropa:platform'] })
  const burst = `Burst ${randomUUID()}`
  for (const [url, body, headers, count] of [
    [categories, { name: burst }, writer, async () => (await namesInCatalogue(burst)).length],
    [
      `/v1/organisations/${org.id}/activities`,
      { name: burst },
      writer,
      async () =>
        (await app.inject({ url: `/v1/organisations/${org.id}/activities?limit=200`, headers: writer }))
          .json()
          .items.filter((item: { name: string }) => item.name === burst).length
    ],
    [
      '/v1/organisations',
      { name: burst, country: 'SE' },
      platform,
      async () =>
        (await app.inject({ url: '/v1/organisations?limit=200', headers: platform })).json().items.filter((item: { name: string }) => item.name === burst)
          .length
    ]
  ] as const) {
    const key = randomUUID()
    const answers = await Promise.all(Array.from({ length: 10 }, () => post(url, key, body, headers)))
    t.same(
      answers.map((res) => res.statusCode),
      Array(10).fill(201),
      `${url}: every request answers 201`
    )
    t.equal(answers.filter((res) => res.headers['idempotent-replayed'] !== 'true').length, 1, `${url}: one did the write, the others replay it`)
    t.equal(new Set(answers.map((res) => res.body)).size, 1, `${url}: all with the same body (so the same id)`)
    t.equal(new Set(answers.map((res) => res.headers.location)).size, 1)
    t.equal(await count(), 1, `${url}: exactly one stored`)
  }
})

t.test("keys are the token subject's own", async (t) => {
  const key = randomUUID()
  const mine = await post(categories, key, { name: 'Subject A' })
  const other = await post(categories, key, { name: 'Subject B' }, await bearer({ sub: 'script-2', orgs: [org.id] }))
  t.equal(mine.statusCode, 201)
  t.equal(other.statusCode, 201, 'another subject with the same key is a new request')
  t.not(other.headers['idempotent-replayed'], 'true')
})

t.test('works on organisation creation, and an organisation takes its keys with it', async (t) => {
  const platform = await bearer({ sub: 'platform-admin', scopes: ['ropa:platform'] })
  const key = randomUUID()
  const first = await post('/v1/organisations', key, { name: `Idem ${key}`, country: 'SE' }, platform)
  const again = await post('/v1/organisations', key, { name: `Idem ${key}`, country: 'SE' }, platform)
  t.equal(first.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.json().id, first.json().id)

  const owned = await createOrganisationViaApi(app)
  const ownedKey = randomUUID()
  const admin = await bearer({ orgs: [owned.id] })
  t.equal((await post(`/v1/organisations/${owned.id}/data-categories`, ownedKey, { name: 'Goes with it' }, admin)).statusCode, 201)
  t.ok(await storedKey(ownedKey))
  t.equal((await app.inject({ method: 'DELETE', url: `/v1/organisations/${owned.id}`, headers: admin })).statusCode, 204)
  t.notOk(await storedKey(ownedKey), 'deleting the organisation deleted the stored answer')
})

t.test('an unknown organisation answers 404 and stores nothing', async (t) => {
  const key = randomUUID()
  const missing = randomUUID()
  const res = await post(`/v1/organisations/${missing}/data-categories`, key, { name: 'Nowhere' }, await bearer({ scopes: ['ropa:platform', 'ropa:write'] }))
  t.equal(res.statusCode, 404)
  t.notOk(await storedKey(key))
})

t.test('a malformed key answers 400 naming the header', async (t) => {
  for (const key of ['', 'x'.repeat(256), 'has space', '"unterminated', 'tab\there', 'ümlaut']) {
    const res = await post(categories, key, { name: 'Never' })
    t.equal(res.statusCode, 400, JSON.stringify(key))
    t.match(res.json(), { code: 'ROPA_VALIDATION_FAILED', errors: [{ path: '/headers/idempotency-key' }] })
  }
  t.same(await namesInCatalogue('Never'), [])
})

t.test('every POST documents the header and its 422 answer', async (t) => {
  const spec = app.swagger() as unknown as {
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; responses: Record<string, unknown> }>>
  }
  const posts = Object.entries(spec.paths).flatMap(([path, operations]) => (operations.post ? [[path, operations.post] as const] : []))
  t.ok(posts.length >= 7)
  for (const [path, operation] of posts) {
    t.ok(
      operation.parameters?.some((parameter) => parameter.in === 'header' && parameter.name === 'idempotency-key'),
      `${path} documents Idempotency-Key`
    )
    t.ok(operation.responses['422'], `${path} documents 422`)
  }
})

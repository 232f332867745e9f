// OWASP API Security Top 10 (2023), one test (or sweep) per risk that applies to this API. Risks
// covered elsewhere are named where they are: API2 in test/auth/jwt.test.ts, API5's scope sweep in
// test/auth/authorisation.test.ts, API6's export limits in test/exports/ropa.test.ts.
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import { exportJWK, SignJWT } from 'jose'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

interface Operation {
  parameters?: { name: string; in: string; schema: Record<string, unknown> }[]
  requestBody?: { content: Record<string, { schema: JsonSchema }> }
  responses: Record<string, unknown>
}
interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  maxLength?: number
  maxItems?: number
  enum?: unknown[]
  format?: string
  pattern?: string
  const?: unknown
  $ref?: string
}

const served = new Set<string>()
const app = await buildTestApp(t, {
  extend: (app) => {
    app.addHook('onRoute', (route) => {
      for (const method of ([] as string[]).concat(route.method)) if (method !== 'HEAD' && !route.url.startsWith('/test/')) served.add(`${method} ${route.url}`)
    })
    app.get('/test/ip', { schema: { hide: true } }, async (request) => request.ip)
  }
})
const spec = app.swagger() as unknown as { paths: Record<string, Record<string, Operation>> }
const operations = Object.entries(spec.paths).flatMap(([path, byMethod]) =>
  Object.entries(byMethod).map(([method, operation]) => ({ path, method: method.toUpperCase(), operation }))
)

const mine = await createOrganisationViaApi(app)
const theirs = await createOrganisationViaApi(app)
const me = await bearer({ orgs: [mine.id] })
const them = await bearer({ orgs: [theirs.id] })

/** One entity of every kind in an organisation, keyed by the path segment its routes use. */
async function seed(orgId: string, headers: Record<string, string>, tag: string) {
  const ids: Record<string, string> = {}
  // First a webhook, so the writes below queue deliveries of their events for it.
  const webhook = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${orgId}/webhooks`,
    headers,
    payload: { url: 'https://hooks.example.com/ropa', events: ['activity.created'] }
  })
  if (webhook.statusCode !== 201) throw new Error(`seeding a webhook: ${webhook.statusCode} ${webhook.body}`)
  const webhookId: string = webhook.json().id
  ids.webhooks = webhookId
  for (const segment of ['data-categories', 'data-subject-categories', 'recipients', 'processors', 'security-measures', 'activities']) {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/${segment}`, headers, payload: { name: `${tag} ${segment}` } })
    if (res.statusCode !== 201) throw new Error(`seeding ${segment}: ${res.statusCode} ${res.body}`)
    ids[segment] = res.json().id
  }
  // An acknowledgement needs a finding of a heuristic rule: consent (6.1.a) from job applicants (L-25).
  const post = async (path: string, payload: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/${path}`, headers, payload })
    if (res.statusCode !== 201) throw new Error(`seeding ${path}: ${res.statusCode} ${res.body}`)
    return res.json().id as string
  }
  const applicants = await post('data-subject-categories', { name: `${tag} job applicants` })
  const recruitment = await post('activities', {
    name: `${tag} talent pool`,
    dataSubjectCategoryIds: [applicants],
    purposes: [{ description: 'Keep applicants who opt in for later openings', legalBasis: '6.1.a' }]
  })
  ids.acknowledgements = await post('findings/acknowledgements', {
    rule: 'consent-in-imbalance-of-power',
    entityId: recruitment,
    path: '/purposes/0/legalBasis',
    reason: 'The talent pool is optional and separate from the application.'
  })
  ids.snapshots = await post('snapshots', { note: `${tag} record as sent to the auditor` })
  const deliveries = await app.inject({ url: `/v1/organisations/${orgId}/webhooks/${webhookId}/deliveries`, headers })
  deliveryIds.set(webhookId, deliveries.json().items[0].id)
  ids.reviews = await post(`activities/${ids.activities}/reviews`, { outcome: 'confirmed' })
  return ids
}
/** A delivery of each organisation's webhook, by the webhook's id, for the routes on one delivery. */
const deliveryIds = new Map<string, string>()
const myIds = await seed(mine.id, me, 'Mine')
const theirIds = await seed(theirs.id, them, 'Theirs')

/** The concrete URL of a spec path, with `{id}` taken from `ids` by the segment before it. */
function concrete(path: string, orgId: string, ids: Record<string, string>): string {
  return path
    .replace('{orgId}', orgId)
    .replace(/\/([a-z-]+)\/\{id\}/, (_, segment: string) => `/${segment}/${ids[segment] ?? 'no-such-segment'}`)
    .replace('{deliveryId}', deliveryIds.get(ids.webhooks ?? '') ?? 'no-such-delivery')
    .replace('{reviewId}', ids.reviews ?? 'no-such-review')
}
/** A body the operation accepts, so that what is answered is about the object, not the body (webhooks have no name). */
const bodyFor = (method: string, path = '') =>
  method === 'POST' && path.endsWith('/reviews')
    ? { outcome: 'confirmed' }
    : method === 'POST' || method === 'PATCH'
      ? path.includes('/webhooks')
        ? { description: 'Probe' }
        : { name: 'Probe' }
      : undefined

t.test('API1 object level authorisation: every operation on an id answers 404 for another organisation’s object', async (t) => {
  const withId = operations.filter(({ path }) => path.includes('{id}'))
  t.ok(withId.length >= 20, `${withId.length} operations take an entity id`)
  const parent = (segment: string) => (segment === 'acknowledgements' ? 'findings/' : segment === 'reviews' ? `activities/${theirIds.activities}/` : '')
  const read = (segment: string, id: string) => app.inject({ url: `/v1/organisations/${theirs.id}/${parent(segment)}${segment}/${id}`, headers: them })
  const before = new Map<string, string>()
  for (const [segment, id] of Object.entries(theirIds)) {
    const res = await read(segment, id)
    t.equal(res.statusCode, 200, `their ${segment} reads`)
    before.set(segment, res.body)
  }
  for (const { path, method } of withId) {
    // Their object under my organisation's URL, with my token: it must look exactly like a missing one.
    const res = await app.inject({ method: method as 'GET', url: concrete(path, mine.id, theirIds), headers: me, payload: bodyFor(method, path) })
    t.equal(res.statusCode, 404, `${method} ${path}`)
    t.equal(res.json().code, 'ROPA_NOT_FOUND')
  }
  // Nothing of theirs changed: every object still reads back as it was.
  for (const [segment, id] of Object.entries(theirIds)) {
    const res = await read(segment, id)
    t.equal(res.statusCode, 200)
    t.equal(res.body, before.get(segment), `their ${segment} is untouched`)
  }
})

t.test('API1: lists, feeds and exports of one organisation contain nothing of another', async (t) => {
  const theirMarkers = [theirs.id, ...Object.values(theirIds), 'Theirs ']
  const reads = operations.filter(({ path, method }) => method === 'GET' && path.includes('{orgId}') && !path.includes('{id}'))
  t.ok(reads.length >= 10)
  for (const { path } of reads) {
    const queries = path.endsWith('/ropa') ? ['?format=json', '?format=csv', '?format=xlsx'] : path.endsWith('/changes') ? ['?from=2000-01-01T00:00:00Z'] : ['']
    for (const query of queries) {
      const url = `${concrete(path, mine.id, myIds)}${query}`
      const res = await app.inject({ url, headers: me })
      t.equal(res.statusCode, 200, url)
      const text = query.endsWith('xlsx') ? res.rawPayload.toString('latin1') : res.body
      t.notOk(
        theirMarkers.some((marker) => text.includes(marker)),
        `${url} holds nothing of the other organisation`
      )
    }
  }
})

t.test('API3 property level authorisation: server-owned fields cannot be written', async (t) => {
  const serverOwned = {
    id: '00000000-0000-4000-8000-000000000000',
    organisationId: theirs.id,
    version: 99,
    createdAt: '2020-01-01T00:00:00Z',
    updatedAt: '2020-01-01T00:00:00Z',
    createdBy: 'mallory',
    updatedBy: 'mallory'
  }
  // Bodies of JSON objects: a spreadsheet import takes a file, whose cells name no server-owned field.
  const writes = operations.filter(
    ({ method, operation }) =>
      (method === 'POST' || method === 'PATCH') && Object.keys(operation.requestBody?.content ?? {}).some((type) => type.endsWith('json'))
  )
  t.ok(writes.length >= 13)
  for (const { path, method } of writes) {
    const url = path === '/v1/organisations' ? '/v1/organisations' : concrete(path, mine.id, myIds)
    const headers = path === '/v1/organisations' ? await bearer({ scopes: ['ropa:platform'] }) : me
    const before = method === 'PATCH' ? (await app.inject({ url, headers })).body : undefined
    for (const [field, value] of Object.entries(serverOwned)) {
      const res = await app.inject({
        method: method as 'POST',
        url,
        headers,
        payload: { name: 'Mass assignment', ...(path === '/v1/organisations' ? { country: 'NO' } : {}), [field]: value }
      })
      t.equal(res.statusCode, 400, `${method} ${path} with ${field}`)
      t.ok(
        (res.json().errors as { path: string; message: string }[]).some(
          (error) => error.path === `/body/${field}` && error.message === 'is not a known property'
        ),
        `${method} ${path}: /body/${field} is not a known property`
      )
    }
    if (before !== undefined) t.equal((await app.inject({ url, headers })).body, before, `${path} is unchanged`)
  }
})

t.test('API3: answers carry only documented properties (the response schemas filter the rest)', async (t) => {
  // A snapshot's frozen record (…/snapshots/{id}/ropa) is a stored document served as stored, not an
  // entity the response schema serialises; test/snapshots/snapshots.test.ts checks it against the record's schema.
  const reads = operations.filter(
    ({ path, method }) =>
      method === 'GET' &&
      path.includes('{id}') &&
      !path.endsWith('/history') &&
      !path.endsWith('/findings') &&
      !path.endsWith('/rights') &&
      !path.endsWith('/ropa') &&
      !path.endsWith('/deliveries') &&
      !path.endsWith('/reviews')
  )
  for (const { path, operation } of reads) {
    const res = await app.inject({ url: concrete(path, mine.id, myIds), headers: me })
    const schema = (operation.responses['200'] as { content: Record<string, { schema: JsonSchema }> }).content['application/json']?.schema
    const documented = Object.keys(schema?.properties ?? {})
    t.ok(documented.length > 3, `${path} documents its properties`)
    t.same(
      Object.keys(res.json()).filter((key) => !documented.includes(key)),
      [],
      `${path} answers nothing undocumented`
    )
    t.notOk('organisationId' in res.json() && !documented.includes('organisationId'))
  }
})

/** Every string a client can send has a maximum length (or a closed form) and every array a maximum size. */
function unbounded(schema: JsonSchema, at: string): string[] {
  const types = ([] as (string | undefined)[]).concat(schema.type)
  const found: string[] = []
  if (types.includes('string') && schema.maxLength === undefined && !schema.enum && !schema.format && !schema.pattern && schema.const === undefined)
    found.push(at)
  if (types.includes('array') && schema.maxItems === undefined) found.push(`${at}[]`)
  for (const [name, property] of Object.entries(schema.properties ?? {})) found.push(...unbounded(property, `${at}/${name}`))
  if (schema.items) found.push(...unbounded(schema.items, `${at}/*`))
  for (const branch of schema.anyOf ?? []) found.push(...unbounded(branch, at))
  return found
}

t.test('API4 resource consumption: every input is bounded, and the bounds hold', async (t) => {
  const gaps = operations.flatMap(({ path, method, operation }) => [
    ...(operation.parameters ?? []).flatMap((parameter) => unbounded(parameter.schema as JsonSchema, `${method} ${path} ${parameter.in}:${parameter.name}`)),
    ...Object.values(operation.requestBody?.content ?? {}).flatMap((content) => unbounded(content.schema, `${method} ${path} body`))
  ])
  t.same(gaps, [], 'no unbounded string or array in any request')

  const url = `/v1/organisations/${mine.id}/activities`
  const cases: [string, unknown, string][] = [
    ['a string over its maximum', { name: 'x'.repeat(100_000) }, '/body/name'],
    ['an array over its maximum', { name: 'Many', purposes: Array.from({ length: 10_000 }, (_, i) => ({ description: `p${i}` })) }, '/body/purposes'],
    ['an unknown enum value', { name: 'Enum', status: 'deleted' }, '/body/status']
  ]
  for (const [what, payload, field] of cases) {
    const res = await app.inject({ method: 'POST', url, headers: me, payload: payload as object })
    t.equal(res.statusCode, 400, what)
    t.ok(
      res.json().errors.some((error: { path: string }) => error.path.startsWith(field)),
      `${what} names ${field}`
    )
  }
  for (const limit of ['0', '201', '100000', '-1', '1.5']) {
    const res = await app.inject({ url: `${url}?limit=${limit}`, headers: me })
    t.equal(res.statusCode, 400, `limit=${limit}`)
    t.match(res.json().errors, [{ path: '/query/limit' }])
  }
  const huge = await app.inject({
    method: 'POST',
    url,
    headers: { ...me, 'content-type': 'application/json' },
    payload: JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024) })
  })
  t.equal(huge.statusCode, 413, 'a body over BODY_LIMIT_BYTES')
  t.equal(huge.json().code, 'ROPA_PAYLOAD_TOO_LARGE')
  t.ok(app.server.requestTimeout > 0, `a slow client cannot hold a request open forever (requestTimeout ${app.server.requestTimeout} ms)`)
  t.ok(app.server.timeout > 0, `nor an idle socket (connectionTimeout ${app.server.timeout} ms)`)
})

t.test('API5 function level authorisation: no method override, no undeclared methods', async (t) => {
  const url = `/v1/organisations/${mine.id}/data-categories/${myIds['data-categories']}`
  const overridden = await app.inject({ method: 'GET', url, headers: { ...me, 'x-http-method-override': 'DELETE' } })
  t.equal(overridden.statusCode, 200, 'X-HTTP-Method-Override is ignored')
  t.equal((await app.inject({ url, headers: me })).statusCode, 200, 'the entry is still there')
  for (const method of ['TRACE', 'PUT', 'OPTIONS'] as const) {
    const res = await app.inject({ method, url, headers: me })
    t.equal(res.statusCode, 404, `${method} is not an operation`)
    t.equal(res.json().code, 'ROPA_ROUTE_NOT_FOUND')
  }
  const readOnly = await bearer({ scopes: ['ropa:read'], orgs: [mine.id] })
  const writes = operations.filter(({ method, path }) => method !== 'GET' && path.includes('{orgId}'))
  for (const { path, method } of writes) {
    const res = await app.inject({ method: method as 'POST', url: concrete(path, mine.id, myIds), headers: readOnly, payload: bodyFor(method) })
    t.equal(res.statusCode, 403, `a read-only token cannot ${method} ${path}`)
  }
})

t.test('API7 server-side request forgery: the token cannot make the server fetch a URL', async (t) => {
  let fetched = 0
  const trap = createServer((_req, res) => {
    fetched++
    res.end('{}')
  })
  await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve))
  t.teardown(() => trap.close())
  const url = `http://127.0.0.1:${(trap.address() as { port: number }).port}/jwks.json`
  const forged = await new SignJWT({ scope: 'ropa:read', orgs: [mine.id] })
    .setProtectedHeader({ alg: 'HS256', jku: url, x5u: url })
    .setSubject('mallory')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode('a-different-secret-that-is-32-bytes-long'))
  const res = await app.inject({ url: `/v1/organisations/${mine.id}`, headers: { authorization: `Bearer ${forged}` } })
  t.equal(res.statusCode, 401)
  t.equal(fetched, 0, 'jku and x5u header URLs are never fetched')
})

t.test('API8 security misconfiguration: errors disclose nothing, content is never sniffed, no CORS by default', async (t) => {
  const proto = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${mine.id}/data-categories`,
    headers: { ...me, 'content-type': 'application/json' },
    payload: '{"name":"P","__proto__":{"admin":true}}'
  })
  t.equal(proto.statusCode, 400, 'a __proto__ key is refused')
  const constructorKey = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${mine.id}/data-categories`,
    headers: { ...me, 'content-type': 'application/json' },
    payload: '{"name":"P","constructor":{"prototype":{"admin":true}}}'
  })
  t.equal(constructorKey.statusCode, 400, 'a constructor.prototype key is refused')
  t.equal(({} as Record<string, unknown>).admin, undefined, 'no prototype was polluted')

  const exported = await app.inject({ url: `/v1/organisations/${mine.id}/ropa?format=csv`, headers: { ...me, origin: 'https://evil.example' } })
  t.equal(exported.statusCode, 200)
  t.equal(exported.headers['x-content-type-options'], 'nosniff')
  t.match(exported.headers['content-disposition'], /^attachment; filename=/)
  t.notOk(exported.headers['access-control-allow-origin'], 'no CORS header for an unknown origin')
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: `/v1/organisations/${mine.id}`,
    headers: { origin: 'https://evil.example', 'access-control-request-method': 'DELETE' }
  })
  t.notOk(preflight.headers['access-control-allow-origin'], 'no preflight grants')
  const spoofed = await app.inject({ url: '/test/ip', remoteAddress: '192.0.2.1', headers: { 'x-forwarded-for': '203.0.113.9' } })
  t.equal(spoofed.body, '192.0.2.1', 'X-Forwarded-For is not trusted: rate limits key on the real peer')

  const failing = await app.inject({ url: `/v1/organisations/${mine.id}/activities?cursor=${'%FF'.repeat(10)}`, headers: me })
  t.ok(failing.statusCode < 500)
  t.notMatch(failing.body, /at .*\.ts:\d+|node_modules|select |insert /i, 'no stack trace or SQL in an error')
})

t.test('API9 inventory: the documented operations are exactly the served routes', async (t) => {
  const documented = new Set(operations.map(({ path, method }) => `${method} ${path.replace(/\{(\w+)\}/g, ':$1')}`))
  const hiddenOnPurpose = [/^GET \/docs/, /^GET \/openapi\.json$/]
  t.same(
    [...served].filter((route) => !documented.has(route) && !hiddenOnPurpose.some((pattern) => pattern.test(route))),
    [],
    'no undocumented route'
  )
  t.same(
    [...documented].filter((route) => !served.has(route)),
    [],
    'no documented route that is not served'
  )
})

t.test('API10 unsafe consumption: a broken identity provider answers 503 with Retry-After, never 401 or 500, and is recovered from', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk = { ...(await exportJWK(publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' }
  let mode: 'malformed' | 'failing' | 'redirect' | 'not-a-key-set' | 'healthy' = 'malformed'
  const idp = createServer((_request, response) => {
    if (mode === 'malformed') return response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys": [')
    if (mode === 'failing') return response.writeHead(500).end('oops')
    if (mode === 'redirect') return response.writeHead(301, { location: 'http://169.254.169.254/latest/meta-data' }).end()
    if (mode === 'not-a-key-set') return response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: 'none', admin: true }))
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => idp.close(() => resolve())))
  const jwksApp = await buildTestApp(t, {
    env: { JWT_SECRET: '', JWT_JWKS_URL: `http://127.0.0.1:${(idp.address() as { port: number }).port}/jwks.json` },
    database: app.database
  })
  const token = await new SignJWT({ scope: 'ropa:read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'idp-1' })
    .setSubject('carol')
    .setExpirationTime('5m')
    .sign(privateKey)
  const attempt = () => jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${token}` } })
  for (const broken of ['malformed', 'failing', 'redirect', 'not-a-key-set'] as const) {
    mode = broken
    const res = await attempt()
    // The token may well be valid: a 401 would make the client throw it away.
    t.equal(res.statusCode, 503, `an identity provider answering ${broken}`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.equal(res.headers['retry-after'], '5')
    t.notOk(res.headers['www-authenticate'], 'the token is not called invalid')
    t.match(res.json(), { code: 'ROPA_TOKEN_KEYS_UNAVAILABLE' })
  }
  mode = 'healthy'
  t.equal((await attempt()).statusCode, 200, 'once the key set is served again, tokens verify')
})

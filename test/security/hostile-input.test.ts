// The inputs the fuzzer (fuzz.test.ts) once turned into 5xx answers, kept as plain regression cases.
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const cursorOf = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url')

const activity = (await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Target' } })).json()
const category = (await app.inject({ method: 'POST', url: `${base}/data-categories`, headers, payload: { name: 'Target' } })).json()

async function auditCount() {
  const res = await app.inject({ url: `${base}/audit-events?limit=200`, headers })
  return res.json().items.length as number
}

interface Case {
  what: string
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  payload?: unknown
  extraHeaders?: Record<string, string>
  status: number
  code: string
  path?: string
}

const cases: Case[] = [
  { what: 'invalid percent-encoding in a path', url: '/v1/organisations/%FF', status: 400, code: 'ROPA_MALFORMED_URL' },
  { what: 'invalid percent-encoding on a public route', url: '/v1/reference/countries/%zz', status: 400, code: 'ROPA_MALFORMED_URL' },
  { what: 'a path segment over 100 characters', url: `/v1/organisations/${'a'.repeat(101)}`, status: 414, code: 'ROPA_URI_TOO_LONG' },
  {
    what: 'NUL in a body string',
    method: 'POST',
    url: `${base}/data-categories`,
    payload: { name: 'a\u0000b' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/name'
  },
  {
    what: 'NUL in an organisation name',
    method: 'PATCH',
    url: base,
    payload: { name: '\u0000' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/name'
  },
  {
    what: 'NUL in a string inside a list',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'ab', systems: ['x\u0000'] },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/systems/0'
  },
  {
    what: 'a lone low surrogate in a purpose',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'ab', purposes: [{ description: 'x\udfff' }] },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/purposes/0/description'
  },
  {
    what: 'a lone high surrogate in a list',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'ab', systems: ['\ud800'] },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/systems/0'
  },
  {
    what: 'a lone surrogate in a catalogue name',
    method: 'POST',
    url: `${base}/data-categories`,
    payload: { name: 'a\ud800b' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/name'
  },
  {
    what: 'a lone surrogate in an organisation name',
    method: 'PATCH',
    url: base,
    payload: { name: '\udc00' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/name'
  },
  {
    what: 'a lone surrogate in a property name',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'ab', dpia: { '\ud800': 1 } },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/dpia'
  },
  {
    what: 'a lone surrogate in a cursor',
    url: `${base}/data-categories?cursor=${cursorOf({ name: '\ud800', id: '00000000-0000-4000-8000-000000000000' })}`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/cursor'
  },
  { what: 'NUL in a search', url: `${base}/activities?q=%00`, status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/q' },
  { what: 'NUL in a filter', url: `${base}/audit-events?actor=a%00b`, status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/actor' },
  {
    what: 'NUL inside a cursor',
    url: `${base}/data-categories?cursor=${cursorOf({ name: '\u0000', id: '00000000-0000-4000-8000-000000000000' })}`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/cursor'
  },
  {
    what: 'a leap second in asOf',
    url: `${base}/activities/${activity.id}?asOf=2016-12-31T23:59:60Z`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/asOf'
  },
  { what: 'a leap second in a record asOf', url: `${base}/ropa?asOf=2016-12-31T23:59:60Z`, status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/asOf' },
  { what: 'a leap second in changes', url: `${base}/ropa/changes?from=2016-12-31T23:59:60Z`, status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/from' },
  {
    what: 'the year 0000 in a filter',
    url: `${base}/audit-events?since=0000-01-01T00:00:00Z`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/since'
  },
  {
    what: 'the year 0000 in a catalogue asOf',
    url: `${base}/data-categories/${category.id}?asOf=0000-01-01T00:00:00Z`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/asOf'
  },
  {
    what: 'the year 0000 in a body date',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'a1', lastReviewedAt: '0000-01-01' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/lastReviewedAt'
  },
  {
    what: 'the year 0000 in a DPIA date',
    method: 'POST',
    url: `${base}/activities`,
    payload: { name: 'a2', dpia: { status: 'completed', completedAt: '0000-01-01' } },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/dpia/completedAt'
  },
  {
    what: 'the year 0000 in a processor date',
    method: 'POST',
    url: `${base}/processors`,
    payload: { name: 'p1', dpaSignedAt: '0000-01-01' },
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/body/dpaSignedAt'
  },
  {
    what: 'an If-Match without a parsable tag on an activity delete',
    method: 'DELETE',
    url: `${base}/activities/${activity.id}`,
    extraHeaders: { 'if-match': '"abc"' },
    status: 412,
    code: 'ROPA_PRECONDITION_FAILED'
  },
  { what: 'limit=Infinity', url: '/v1/organisations?limit=Infinity', status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/limit' },
  { what: 'limit=-Infinity', url: `${base}/processors?limit=-Infinity`, status: 400, code: 'ROPA_VALIDATION_FAILED', path: '/query/limit' },
  {
    what: 'a cursor number beyond any sequence',
    url: `${base}/audit-events?cursor=${cursorOf({ seq: 1e20 })}`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/cursor'
  },
  {
    what: 'a cursor index beyond any list',
    url: `${base}/transfers?cursor=${cursorOf({ name: 'a', id: '00000000-0000-4000-8000-000000000000', index: 1e308 })}`,
    status: 400,
    code: 'ROPA_VALIDATION_FAILED',
    path: '/query/cursor'
  }
]

t.test('each once-fatal input answers a precise problem and writes nothing', async (t) => {
  const before = await auditCount()
  for (const c of cases) {
    const res = await app.inject({
      method: c.method ?? 'GET',
      url: c.url,
      headers: { ...headers, ...c.extraHeaders },
      ...(c.payload === undefined ? {} : { payload: c.payload as object })
    })
    t.equal(res.statusCode, c.status, c.what)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8', `${c.what}: problem+json`)
    t.match(res.json(), { status: c.status, code: c.code, requestId: res.headers['x-request-id'] }, `${c.what}: ${res.body.slice(0, 160)}`)
    if (c.path)
      t.ok(
        res.json().errors?.some((error: { path: string }) => error.path === c.path),
        `${c.what}: names ${c.path}`
      )
  }
  t.equal(await auditCount(), before, 'no write got through')
  t.equal((await app.inject({ url: `${base}/activities/${activity.id}`, headers })).statusCode, 200, 'the activity is still there')
})

t.test('paired surrogates (emoji) are well-formed and stored as sent', async (t) => {
  const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Emoji \ud83d\ude00', systems: ['\u{1F600} CRM'] } })
  t.equal(res.statusCode, 201)
  t.match(res.json(), { name: 'Emoji 😀', systems: ['😀 CRM'] })
})

t.test('instants and dates still accept what they should', async (t) => {
  for (const asOf of ['2099-01-31T12:00:00Z', '2099-01-31t12:00:00.123+02:00', '0001-01-01T00:00:00Z']) {
    t.equal(
      (await app.inject({ url: `${base}/data-categories/${category.id}?asOf=${encodeURIComponent(asOf)}`, headers })).statusCode,
      asOf.startsWith('0001') ? 404 : 200,
      asOf
    )
  }
  const dated = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Dated', lastReviewedAt: '2025-02-28' } })
  t.equal(dated.statusCode, 201)
  t.equal(dated.json().lastReviewedAt, '2025-02-28')
})

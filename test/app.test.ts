import t from 'tap'
import { Type } from 'typebox'
import { buildTestApp, expectedDatabaseKind } from './helper.ts'

const EchoBody = Type.Object(
  { name: Type.String({ minLength: 1 }), count: Type.Integer(), tags: Type.Optional(Type.Array(Type.String())) },
  { additionalProperties: false }
)

const app = await buildTestApp(t, {
  env: { BODY_LIMIT_BYTES: '2048' },
  extend(app) {
    app.post('/test/echo', { schema: { hide: true, body: EchoBody } }, async (request) => request.body)
    app.get('/test/boom', { schema: { hide: true } }, async () => {
      throw new Error('secret internals: password=hunter2')
    })
    app.get('/test/db-down', { schema: { hide: true } }, async () => {
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })
    })
  }
})

const problemType = 'application/problem+json; charset=utf-8'

t.test('liveness and readiness', async (t) => {
  const live = await app.inject('/health/live')
  t.equal(live.statusCode, 200)
  t.same(live.json(), { status: 'ok' })
  const ready = await app.inject('/health/ready')
  t.equal(ready.statusCode, 200)
  t.same(ready.json(), { status: 'ok', database: expectedDatabaseKind })
})

t.test('an unknown route answers a 404 problem', async (t) => {
  const res = await app.inject('/v1/nothing-here?x=1')
  t.equal(res.statusCode, 404)
  t.equal(res.headers['content-type'], problemType)
  const body = res.json()
  t.match(body, {
    type: '/problems/route-not-found',
    title: 'No such route',
    status: 404,
    code: 'ROPA_ROUTE_NOT_FOUND',
    instance: '/v1/nothing-here',
    detail: 'No operation answers GET /v1/nothing-here.'
  })
  t.equal(body.requestId, res.headers['x-request-id'])
})

t.test('request ids: a safe supplied one is kept, anything else is replaced', async (t) => {
  const kept = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'client-42.a:b' } })
  t.equal(kept.headers['x-request-id'], 'client-42.a:b')
  const replaced = await app.inject({ url: '/health/live', headers: { 'x-request-id': 'bad id\u0001<script>' } })
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/)
})

t.test('bodies are validated strictly and every offending field is named', async (t) => {
  const ok = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'a', count: 2 } })
  t.equal(ok.statusCode, 200)
  t.same(ok.json(), { name: 'a', count: 2 })

  const bad = await app.inject({ method: 'POST', url: '/test/echo', payload: { count: '5', extra: true, tags: ['x', 3] } })
  t.equal(bad.statusCode, 400)
  t.equal(bad.headers['content-type'], problemType)
  const body = bad.json()
  t.equal(body.code, 'ROPA_VALIDATION_FAILED')
  t.equal(body.type, '/problems/validation-failed')
  t.same(
    [...body.errors].sort((a: { path: string }, b: { path: string }) => a.path.localeCompare(b.path)),
    [
      { path: '/body/count', message: 'must be integer' },
      { path: '/body/extra', message: 'is not a known property' },
      { path: '/body/name', message: 'is required' },
      { path: '/body/tags/1', message: 'must be string' }
    ],
    'no coercion of "5", no silent stripping of `extra`, all errors at once'
  )
  t.match(body.detail, /\/body\/extra is not a known property/)
})

t.test('malformed, empty, oversized and non-JSON bodies', async (t) => {
  const malformed = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '{"name": ' })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json(), { code: 'ROPA_MALFORMED_BODY', type: '/problems/malformed-body', status: 400 })

  const empty = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'application/json' }, payload: '' })
  t.equal(empty.statusCode, 400)
  t.equal(empty.json().code, 'ROPA_MALFORMED_BODY')

  const poisoned = await app.inject({
    method: 'POST',
    url: '/test/echo',
    headers: { 'content-type': 'application/json' },
    payload: '{"name":"a","count":1,"__proto__":{"admin":true}}'
  })
  t.equal(poisoned.statusCode, 400)
  t.equal(poisoned.headers['content-type'], problemType)

  const huge = await app.inject({ method: 'POST', url: '/test/echo', payload: { name: 'x'.repeat(4096), count: 1 } })
  t.equal(huge.statusCode, 413)
  t.match(huge.json(), { code: 'ROPA_PAYLOAD_TOO_LARGE', status: 413, type: '/problems/payload-too-large' })

  const text = await app.inject({ method: 'POST', url: '/test/echo', headers: { 'content-type': 'text/plain' }, payload: 'name=a' })
  t.equal(text.statusCode, 415)
  t.match(text.json(), { code: 'ROPA_UNSUPPORTED_MEDIA_TYPE', status: 415 })
})

t.test('an unexpected error is masked as a 500 problem', async (t) => {
  const res = await app.inject('/test/boom')
  t.equal(res.statusCode, 500)
  t.equal(res.headers['content-type'], problemType)
  const body = res.json()
  t.match(body, { code: 'ROPA_INTERNAL', type: '/problems/internal-error', status: 500 })
  t.notMatch(res.body, /hunter2|secret internals|at .*\.ts/, 'no message or stack leaks')
  t.equal(body.requestId, res.headers['x-request-id'])
})

t.test('a database outage is a 503 with Retry-After, not a 500', async (t) => {
  const res = await app.inject('/test/db-down')
  t.equal(res.statusCode, 503)
  t.equal(res.headers['retry-after'], '5')
  t.match(res.json(), { code: 'ROPA_DATABASE_UNAVAILABLE', type: '/problems/database-unavailable', status: 503 })
  t.notMatch(res.body, /5432|ECONNREFUSED/)
})

t.test('problem types are described where their type URIs point', async (t) => {
  const list = await app.inject('/problems')
  t.equal(list.statusCode, 200)
  const items = list.json().items as { type: string; code: string; status: number }[]
  t.ok(items.length >= 15)
  t.match(
    items.find((item) => item.code === 'ROPA_PRECONDITION_FAILED'),
    {
      type: '/problems/precondition-failed',
      status: 412,
      title: 'The resource has changed',
      description: /If-Match/
    }
  )
  for (const item of items) {
    const one = await app.inject(item.type)
    t.equal(one.statusCode, 200, item.type)
    t.equal(one.json().status, item.status)
  }
  const missing = await app.inject('/problems/no-such-problem')
  t.equal(missing.statusCode, 404)
  t.match(missing.json(), { code: 'ROPA_NOT_FOUND', detail: "There is no problem type 'no-such-problem'." })
})

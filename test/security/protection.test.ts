import { setTimeout as sleep } from 'node:timers/promises'
import t, { type Test } from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const TOKEN_LIMIT = 5
const ADDRESS_LIMIT = 40
const limited = await buildTestApp(t, {
  env: { RATE_LIMIT_PER_TOKEN_PER_MINUTE: String(TOKEN_LIMIT), RATE_LIMIT_PER_ADDRESS_PER_MINUTE: String(ADDRESS_LIMIT) }
})
const org = await createOrganisationViaApi(limited)

const expectRateLimited = (t: Test, res: Awaited<ReturnType<typeof limited.inject>>, who: RegExp) => {
  t.equal(res.statusCode, 429)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.json(), { status: 429, code: 'ROPA_RATE_LIMITED', type: '/problems/rate-limited', detail: who })
  const retryAfter = Number(res.headers['retry-after'])
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${res.headers['retry-after']} is within the minute`)
}

t.test('each token subject has its own budget per minute; beyond it, 429 with Retry-After', async (t) => {
  const first = await bearer({ sub: 'busy-script', orgs: [org.id] })
  const url = `/v1/organisations/${org.id}/data-categories`
  for (let i = 0; i < TOKEN_LIMIT; i++) {
    const res = await limited.inject({ url, headers: first })
    t.equal(res.statusCode, 200, `request ${i + 1} of ${TOKEN_LIMIT}`)
    t.equal(res.headers['x-ratelimit-limit'], String(TOKEN_LIMIT))
  }
  expectRateLimited(t, await limited.inject({ url, headers: first }), /this token/)
  const sameSubjectNewToken = await bearer({ sub: 'busy-script', orgs: [org.id] })
  t.equal((await limited.inject({ url, headers: sameSubjectNewToken })).statusCode, 429, 'a fresh token of the same subject shares the budget')
  const refusedWrite = await limited.inject({ method: 'POST', url, headers: first, payload: { name: 'Not written' } })
  t.equal(refusedWrite.statusCode, 429, 'writes count too, and are refused before the body is read')
  const other = await limited.inject({ url: `${url}?q=Not%20written`, headers: await bearer({ sub: 'quiet-script', orgs: [org.id] }) })
  t.equal(other.statusCode, 200, 'another subject is unaffected')
  t.same(other.json().items, [], 'the refused write wrote nothing')
})

t.test('each client address has a budget too, spent also by requests without a valid token', async (t) => {
  // The address budget is shared with the subtest above; spend what is left with failed logins.
  let answered = 0
  for (; answered < ADDRESS_LIMIT; answered++) {
    const res = await limited.inject({ url: '/v1/organisations', headers: { authorization: 'Bearer not-a-token' } })
    if (res.statusCode === 429) break
    t.equal(res.statusCode, 401)
  }
  t.ok(answered < ADDRESS_LIMIT, `cut off after ${answered} more requests`)
  expectRateLimited(t, await limited.inject('/v1/reference/countries'), /this address/)
  const otherAddress = await limited.inject({ url: '/v1/reference/countries/NO', remoteAddress: '192.0.2.7' })
  t.equal(otherAddress.statusCode, 200, 'another address is unaffected')
  t.equal((await limited.inject('/health/live')).statusCode, 200, 'liveness always answers')
  t.equal((await limited.inject('/health/ready')).statusCode, 200, 'readiness is not rate limited either')
})

t.test('health probes neither count against the address budget nor are refused by it', async (t) => {
  const prober = '192.0.2.50'
  for (let i = 0; i < ADDRESS_LIMIT + 5; i++) {
    const url = i % 2 === 0 ? '/health/live' : '/health/ready'
    const res = await limited.inject({ url, remoteAddress: prober })
    t.equal(res.statusCode, 200, `${url} probe ${i + 1}`)
    t.notOk(res.headers['x-ratelimit-limit'], 'no rate-limit headers on a probe')
  }
  const api = await limited.inject({ url: '/v1/reference/countries/NO', remoteAddress: prober })
  t.equal(api.statusCode, 200, 'the probes left the budget of their address untouched')
  t.equal(api.headers['x-ratelimit-remaining'], String(ADDRESS_LIMIT - 1))
})

t.test('security headers on every answer, and a policy that lets the docs page run', async (t) => {
  const api = await limited.inject({ url: '/v1/reference/countries/DE', remoteAddress: '192.0.2.8' })
  t.equal(api.headers['x-content-type-options'], 'nosniff')
  t.match(api.headers['strict-transport-security'], /max-age=\d+/)
  t.equal(api.headers['x-frame-options'], 'SAMEORIGIN')
  t.match(api.headers['content-security-policy'], /default-src 'self'/)
  t.notOk(api.headers['x-powered-by'])
  t.equal(api.headers['referrer-policy'], 'no-referrer')
  t.equal(api.headers['cross-origin-opener-policy'], 'same-origin')
  t.equal(api.headers['cross-origin-resource-policy'], 'same-origin')
  t.equal(api.headers['x-xss-protection'], '0', 'the legacy XSS auditor stays off')
  t.match(api.headers['content-security-policy'], /object-src 'none'/)
  const problem = await limited.inject({ url: '/nowhere', remoteAddress: '192.0.2.8' })
  t.equal(problem.headers['x-content-type-options'], 'nosniff', 'errors carry them too')

  const docs = await limited.inject({ url: '/docs/', remoteAddress: '192.0.2.8' })
  t.equal(docs.statusCode, 200)
  t.match(docs.body, /swagger-ui/)
  const policy = String(docs.headers['content-security-policy'])
  const inlineScripts = [...docs.body.matchAll(/<script>([\s\S]*?)<\/script>/g)].length
  t.match(policy, /script-src 'self'/)
  if (inlineScripts > 0) t.match(policy, /'sha256-/, 'the inline scripts of the page are allowed by hash')
})

t.test('work between ready and listen (the first run loading the example) does not get the first requests shed', async (t) => {
  const app = await buildTestApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '200', LOAD_SAMPLE_INTERVAL_MS: '100' }, database: limited.database })
  // As server.ts does: ready, then the first run's synchronous work blocks the loop, then listen.
  const until = Date.now() + 1500
  while (Date.now() < until);
  await app.listen({ port: 0, host: '127.0.0.1' })
  const first = await app.inject('/v1/reference/countries/NO')
  t.equal(first.statusCode, 200, 'the loop delay of start-up is not taken for load')
})

t.test('load shedding: 503 problem with Retry-After while the event loop is overloaded, then recovery', async (t) => {
  const app = await buildTestApp(t, { env: { MAX_EVENT_LOOP_DELAY_MS: '200', LOAD_SAMPLE_INTERVAL_MS: '100' }, database: limited.database })
  // A busy test machine can stall the loop by itself: wait until the service serves (bounded).
  let served = false
  for (let i = 0; i < 100 && !served; i++) {
    await sleep(50)
    served = (await app.inject('/v1/reference/countries/NO')).statusCode === 200
  }
  t.ok(served, 'the service serves while the loop is idle')
  // Something hogs the event loop: 400 ms of work in every 405 ms.
  const hog = setInterval(() => {
    const until = Date.now() + 400
    while (Date.now() < until);
  }, 5)
  let shed: Awaited<ReturnType<typeof app.inject>> | undefined
  for (let i = 0; i < 40 && !shed; i++) {
    await sleep(50)
    const res = await app.inject('/v1/reference/countries/NO')
    if (res.statusCode !== 200) shed = res
  }
  const alive = await app.inject('/health/live')
  const ready = await app.inject('/health/ready')
  clearInterval(hog)
  t.ok(shed, 'a request is shed while the loop is overloaded')
  t.equal(shed?.statusCode, 503)
  t.equal(shed?.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(shed?.headers['retry-after'], '5')
  t.match(shed?.json(), { code: 'ROPA_SERVICE_UNAVAILABLE', detail: /overloaded \(eventLoopDelay\)/ })
  t.equal(alive.statusCode, 200, 'liveness still answers: the process is alive')
  t.equal(ready.statusCode, 503, 'readiness is shed: an overloaded instance is not ready for more traffic')
  t.match(ready.json(), { code: 'ROPA_SERVICE_UNAVAILABLE', detail: /overloaded/ })
  let recovered = false
  for (let i = 0; i < 100 && !recovered; i++) {
    await sleep(50)
    recovered = (await app.inject('/v1/reference/countries/NO')).statusCode === 200
  }
  t.ok(recovered, 'requests are served again once the loop is idle')
})

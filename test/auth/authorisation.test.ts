import { randomUUID } from 'node:crypto'
import Fastify from 'fastify'
import t from 'tap'
import { resolveVerificationKey } from '../../src/auth/keys.ts'
import { allScopes, type Scope } from '../../src/auth/scopes.ts'
import authPlugin from '../../src/plugins/auth.ts'
import { bearer, buildTestApp, createOrganisationViaApi, testConfig } from '../helper.ts'

interface AuthenticatedRoute {
  method: string
  url: string
  scope: Scope[]
}

const routes: AuthenticatedRoute[] = []
const app = await buildTestApp(t, {
  extend: (app) =>
    app.addHook('onRoute', (route) => {
      const scope = route.config?.scope
      if (scope && route.method !== 'HEAD') routes.push({ method: String(route.method), url: route.url, scope: Array.isArray(scope) ? scope : [scope] })
    })
})

const mine = await createOrganisationViaApi(app)
const theirs = await createOrganisationViaApi(app)
const concrete = (url: string, orgId: string) => url.replace(':orgId', orgId).replace(/:id\b/, randomUUID())
const bodyFor = (method: string) => (method === 'POST' || method === 'PATCH' ? { name: 'Sweep', country: 'NO' } : undefined)

t.test('the sweep covers every authenticated route', async (t) => {
  t.ok(routes.length >= 6, `${routes.length} authenticated routes`)
  t.ok(routes.some((route) => route.url === '/v1/organisations/:orgId/audit-events'))
})

t.test('every authenticated route answers 401 without a token', async (t) => {
  for (const route of routes) {
    const res = await app.inject({ method: route.method as 'GET', url: concrete(route.url, mine.id), payload: bodyFor(route.method) })
    t.equal(res.statusCode, 401, `${route.method} ${route.url}`)
    t.match(res.headers['www-authenticate'], /error="invalid_token"/)
  }
})

t.test('every authenticated route answers 403 to a token with every scope but the ones it needs', async (t) => {
  for (const route of routes) {
    const others = allScopes.filter((scope) => !route.scope.includes(scope))
    const res = await app.inject({
      method: route.method as 'GET',
      url: concrete(route.url, mine.id),
      headers: await bearer({ scopes: others, orgs: [mine.id] }),
      payload: bodyFor(route.method)
    })
    t.equal(res.statusCode, 403, `${route.method} ${route.url} without ${route.scope.join('|')}`)
    t.match(res.json(), { code: 'ROPA_FORBIDDEN' })
    t.match(res.headers['www-authenticate'], new RegExp(`error="insufficient_scope", scope="${route.scope.join(' ')}"`))
  }
})

t.test("every organisation route answers 404 for another organisation's id, exactly as for a missing one", async (t) => {
  const scoped = routes.filter((route) => route.url.includes(':orgId'))
  t.ok(scoped.length >= 4)
  const nonPlatform = allScopes.filter((scope) => scope !== 'ropa:platform')
  for (const route of scoped.filter((candidate) => !candidate.scope.includes('ropa:platform') || candidate.scope.length > 1)) {
    for (const orgId of [theirs.id, randomUUID()]) {
      const res = await app.inject({
        method: route.method as 'GET',
        url: concrete(route.url, orgId),
        headers: await bearer({ scopes: nonPlatform, orgs: [mine.id] }),
        payload: bodyFor(route.method)
      })
      t.equal(res.statusCode, 404, `${route.method} ${route.url} for ${orgId === theirs.id ? 'another organisation' : 'no organisation'}`)
      t.match(res.json(), { code: 'ROPA_NOT_FOUND', detail: `There is no organisation ${orgId}.` })
    }
  }
  const stillThere = await app.inject({ url: `/v1/organisations/${theirs.id}`, headers: await bearer({ orgs: [theirs.id] }) })
  t.equal(stillThere.json().name, theirs.name, 'the other organisation was not touched')
})

t.test('a route registered in the authenticated scope without a scope makes start-up fail', async (t) => {
  const bare = Fastify()
  bare.register(async (api) => {
    await api.register(authPlugin, { config: testConfig(), key: resolveVerificationKey(testConfig()) })
    api.get('/declared', { config: { scope: 'ropa:read' } }, async () => 'fine')
    api.get('/forgotten', async () => 'oops')
  })
  await t.rejects(async () => bare.ready(), /GET \/forgotten declares no scope/)
})

t.test('a platform token naming an organisation that does not exist gets 404 on every organisation route', async (t) => {
  const missing = randomUUID()
  for (const route of routes.filter((candidate) => candidate.url.includes(':orgId'))) {
    const res = await app.inject({
      method: route.method as 'GET',
      url: concrete(route.url, missing),
      headers: await bearer({ scopes: allScopes }),
      payload: route.method === 'POST' || route.method === 'PATCH' ? { name: 'Valid body' } : undefined
    })
    t.equal(res.statusCode, 404, `${route.method} ${route.url}`)
    t.match(res.json(), { code: 'ROPA_NOT_FOUND' })
  }
})

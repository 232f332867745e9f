import { readFileSync } from 'node:fs'
import { Validator } from '@seriousme/openapi-schema-validator'
import t from 'tap'
import { bundleSchemaPath, openapiPath, renderBundleSchema, renderOpenApi } from '../scripts/generate-openapi.ts'
import type { App } from '../src/app.ts'
import { buildTestApp } from './helper.ts'

interface RouteSeen {
  method: string | string[]
  url: string
  schema?: Record<string, unknown>
}

const routes: RouteSeen[] = []
const app: App = await buildTestApp(t, {
  extend: (app) =>
    app.addHook('onRoute', (route) => void routes.push({ method: route.method, url: route.url, schema: route.schema as Record<string, unknown> | undefined }))
})

t.test('the committed openapi/openapi.json is current (run `npm run openapi` after changing routes)', async (t) => {
  const committed = readFileSync(openapiPath, 'utf8')
  const fresh = await renderOpenApi()
  t.equal(committed, fresh)
})

t.test('the committed openapi/bundle.schema.json is the schema /v1/schemas/bundle.json serves', async (t) => {
  t.equal(readFileSync(bundleSchemaPath, 'utf8'), renderBundleSchema())
})

t.test('the document is valid OpenAPI 3.1', async (t) => {
  const validator = new Validator()
  const result = await validator.validate(JSON.parse(readFileSync(openapiPath, 'utf8')))
  t.same(result.errors, undefined)
  t.equal(result.valid, true)
  t.equal(validator.version, '3.1')
})

t.test('the served document is the committed one, and /docs renders it', async (t) => {
  const served = await app.inject('/openapi.json')
  t.equal(served.statusCode, 200)
  t.same(served.json(), JSON.parse(readFileSync(openapiPath, 'utf8')))
  const docs = await app.inject('/docs/')
  t.equal(docs.statusCode, 200)
  t.match(docs.headers['content-type'], /text\/html/)
  t.match(docs.body, /swagger-ui/i)
})

t.test('every documented operation has tags, a summary, a unique operationId and problem responses', async (t) => {
  const spec = JSON.parse(readFileSync(openapiPath, 'utf8'))
  const ids = new Set<string>()
  let operations = 0
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      operations++
      const where = `${method.toUpperCase()} ${path}`
      t.ok(Array.isArray(operation.tags) && (operation.tags as unknown[]).length > 0, `${where} has tags`)
      t.type(operation.summary, 'string', `${where} has a summary`)
      t.type(operation.operationId, 'string', `${where} has an operationId`)
      t.notOk(ids.has(operation.operationId as string), `${where} operationId is unique`)
      ids.add(operation.operationId as string)
      const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400) t.ok(response.content?.['application/problem+json'], `${where} ${status} is documented as problem+json`)
      }
    }
  }
  t.ok(operations >= 16, `${operations} operations checked`)
})

t.test('authenticated operations document their bearer scheme, scope and auth problems; public ones declare no security', async (t) => {
  const spec = JSON.parse(readFileSync(openapiPath, 'utf8'))
  t.same(spec.components.securitySchemes.bearerAuth, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A JWT with `sub`, `scope` and `orgs` claims.'
  })
  let authenticated = 0
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`
      const responses = operation.responses as Record<string, unknown>
      if (path.startsWith('/v1/organisations')) {
        authenticated++
        t.same(operation.security, [{ bearerAuth: [] }], `${where} security`)
        t.match(operation.description, /\*\*Scope:\*\* `ropa:(read|write|admin|platform)`/, `${where} names its scope`)
        t.ok(responses['401'] && responses['403'], `${where} documents 401 and 403`)
        if (path.includes('{orgId}')) t.ok(responses['404'], `${where} documents 404`)
      } else {
        t.same(operation.security, [], `${where} declares itself public`)
        t.notOk(responses['401'], `${where} has no 401`)
      }
    }
  }
  t.ok(authenticated >= 6)
})

t.test('the problems every route can answer are documented: 400 everywhere, 429 everywhere but on the health probes', async (t) => {
  const spec = JSON.parse(readFileSync(openapiPath, 'utf8'))
  for (const [path, item] of Object.entries<Record<string, Record<string, unknown>>>(spec.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      const where = `${method.toUpperCase()} ${path}`
      const responses = operation.responses as Record<string, unknown>
      t.ok(responses['400'], `${where} documents 400`)
      if (path.startsWith('/health/')) t.notOk(responses['429'], `${where} is never rate limited`)
      else t.ok(responses['429'], `${where} documents 429`)
    }
  }
  t.same(spec.servers, [{ url: '/', description: 'The server this document was read from.' }])
  const probe = await app.inject('/health/live?x=%00')
  t.equal(probe.statusCode, 400, 'even a probe checks its query string')
  t.match(probe.json(), { type: '/problems/validation-failed', errors: [{ path: '/query/x' }] })
})

t.test('every route rejects unknown properties: object schemas of bodies, queries and params are closed', async (t) => {
  const open: string[] = []
  const visit = (schema: unknown, where: string) => {
    if (!schema || typeof schema !== 'object') return
    const node = schema as Record<string, unknown>
    if (node.type === 'object' && node.additionalProperties !== false) open.push(where)
    for (const [key, value] of Object.entries(node)) {
      if (Array.isArray(value)) {
        for (const [i, entry] of value.entries()) visit(entry, `${where}/${key}/${i}`)
      } else if (typeof value === 'object') visit(value, `${where}/${key}`)
    }
  }
  let checked = 0
  for (const route of routes) {
    for (const part of ['body', 'querystring', 'params']) {
      if (route.schema?.[part]) {
        checked++
        visit(route.schema[part], `${route.method} ${route.url} ${part}`)
      }
    }
  }
  t.ok(checked >= 12, `${checked} request schemas checked`)
  t.same(open, [], 'no open object schema')
})

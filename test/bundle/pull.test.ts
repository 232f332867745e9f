import t from 'tap'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>

const app = await buildTestApp(t)
const loaded = await loadBundleViaApi(app, readExampleBundle())
const headers = await bearer({ scopes: ['ropa:read'], orgs: [loaded.organisationId] })
const pull = async (orgId: string, query = '', as = headers) => app.inject({ url: `/v1/organisations/${orgId}/bundle${query}`, headers: as })

t.test('pull: the record as a bundle, linked by keys, without ids or metadata', async (t) => {
  const res = await pull(loaded.organisationId)
  t.equal(res.statusCode, 200)
  const bundle = res.json()
  t.same(Object.keys(bundle), ['organisation', 'dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures', 'activities'])
  t.equal(bundle.organisation.name, 'Example Consulting AS')
  t.notOk('id' in bundle.organisation)
  t.equal(bundle.activities.length, 11)
  const keysOf = (list: Json[]) => list.map((entry) => entry.key as string)
  t.same(keysOf(bundle.dataCategories), [...keysOf(bundle.dataCategories)].sort(), 'in key order')
  const personnel = bundle.activities.find((activity: Json) => activity.key === 'personnel')
  t.ok(personnel, 'the example keys are kept')
  t.notOk(JSON.stringify(bundle).match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/), 'no id anywhere')
  t.ok((personnel.dataCategoryKeys as string[]).includes('salary-and-bank'))
  for (const field of ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'dataCategoryIds']) t.notOk(field in personnel, field)
})

t.test('a pulled bundle loaded into an empty organisation pulls back the same', async (t) => {
  const first = (await pull(loaded.organisationId)).json()
  const copy = await loadBundleViaApi(app, first)
  const second = (await pull(copy.organisationId, '', await bearer({ scopes: ['ropa:read'], orgs: [copy.organisationId] }))).json()
  t.same(second, first)
})

t.test('asOf: the bundle as it stood, before an entry was renamed and another created', async (t) => {
  const writer = await bearer({ orgs: [loaded.organisationId] })
  const before = new Date().toISOString()
  const pulled = (await pull(loaded.organisationId)).json()
  const category = (await app.inject({ url: `/v1/organisations/${loaded.organisationId}/data-categories?limit=100`, headers })).json().items[0]
  t.equal(
    (
      await app.inject({
        method: 'PATCH',
        url: `/v1/organisations/${loaded.organisationId}/data-categories/${category.id}`,
        headers: writer,
        payload: { name: 'Renamed', key: 'renamed' }
      })
    ).statusCode,
    200
  )
  t.equal(
    (
      await app.inject({
        method: 'POST',
        url: `/v1/organisations/${loaded.organisationId}/recipients`,
        headers: writer,
        payload: { name: 'New one', type: 'other' }
      })
    ).statusCode,
    201
  )
  t.same((await pull(loaded.organisationId, `?asOf=${encodeURIComponent(before)}`)).json(), pulled)
  const now = (await pull(loaded.organisationId)).json()
  t.ok(now.dataCategories.some((entry: Json) => entry.key === 'renamed'))
  t.ok(now.recipients.some((entry: Json) => entry.key === 'new-one'))
})

t.test('pull needs a token for the organisation, and a valid asOf', async (t) => {
  t.equal((await app.inject({ url: `/v1/organisations/${loaded.organisationId}/bundle` })).statusCode, 401)
  t.equal((await pull(loaded.organisationId, '', await bearer({ scopes: ['ropa:write'], orgs: [loaded.organisationId] }))).statusCode, 403)
  const other = await createOrganisationViaApi(app)
  t.equal((await pull(loaded.organisationId, '', await bearer({ scopes: ['ropa:read'], orgs: [other.id] }))).statusCode, 404)
  const bad = await pull(loaded.organisationId, '?asOf=yesterday')
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/query/asOf' }])
})

t.test('the bundle schema is public JSON Schema', async (t) => {
  const res = await app.inject({ url: '/v1/schemas/bundle.json' })
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /application\/json/)
  t.match(res.json(), { $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'ROPA bundle', required: ['organisation', 'dataCategories'] })
})

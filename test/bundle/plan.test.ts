import t from 'tap'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
type Bundle = Json & { dataCategories: Json[]; processors: Json[]; activities: Json[]; recipients: Json[] }

const app = await buildTestApp(t)
const loaded = await loadBundleViaApi(app, readExampleBundle())
const org = loaded.organisationId
const writer = await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [org] })
const pull = async (): Promise<Bundle> => (await app.inject({ url: `/v1/organisations/${org}/bundle`, headers: writer })).json()
const plan = (bundle: unknown, query = '', headers = writer) =>
  app.inject({ method: 'POST', url: `/v1/organisations/${org}/bundle/plan${query}`, headers, payload: bundle as Json })
const copy = (bundle: Bundle): Bundle => JSON.parse(JSON.stringify(bundle))

t.test('a pulled bundle plans no change, and its hash is stable', async (t) => {
  const bundle = await pull()
  const res = await plan(bundle)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.same(body.changes, [])
  t.same(body.findings, { added: [], resolved: [] })
  t.same(body.summary, { creates: 0, updates: 0, deletes: 0, errorsAdded: 0 })
  t.match(body.planHash, /^[0-9a-f]{64}$/)
  t.equal((await plan(bundle)).json().planHash, body.planHash, 'the same record and bundle: the same hash')
})

t.test('creates, updates with each field, and the findings they add or resolve', async (t) => {
  const bundle = copy(await pull())
  const category = bundle.dataCategories[0]!
  category.description = 'Changed in the repository'
  const processor = bundle.processors.find((entry) => entry.key === 'hotjar')!
  processor.dpaReference = 'contracts/hotjar-dpa.pdf'
  processor.dpaSignedAt = '2026-01-15'
  bundle.activities.push({ key: 'new-activity', name: 'New activity', status: 'active' })
  const body = (await plan(bundle)).json()
  t.same(body.summary, { creates: 1, updates: 2, deletes: 0, errorsAdded: body.findings.added.filter((f: Json) => f.severity === 'error').length })
  t.match(body.changes, [
    { op: 'update', entityType: 'dataCategories', key: category.key, fields: [{ path: '/description', to: 'Changed in the repository' }] },
    {
      op: 'update',
      entityType: 'processors',
      key: 'hotjar',
      fields: [
        { path: '/dpaReference', from: null, to: 'contracts/hotjar-dpa.pdf' },
        { path: '/dpaSignedAt', from: null, to: '2026-01-15' }
      ]
    },
    { op: 'create', entityType: 'activities', key: 'new-activity' }
  ])
  t.ok(body.summary.errorsAdded > 0, 'an empty activity has errors')
  t.ok(
    body.findings.added.some((f: Json) => f.entityKey === 'new-activity' && f.rule === 'purpose-missing'),
    'the new activity lacks purposes'
  )
  t.match(body.findings.resolved, [{ rule: 'processor-contract-incomplete', entityType: 'processor', entityKey: 'hotjar', path: '/dpaReference' }])
  t.same(await pull(), JSON.parse(JSON.stringify(await pull())), 'nothing was written')
  t.equal((await pull()).dataCategories[0]!.description === 'Changed in the repository', false)
})

t.test('a field left out is its default: the bundle says the whole entry', async (t) => {
  const bundle = copy(await pull())
  const { description: _, ...withoutDescription } = bundle.dataCategories[0]!
  bundle.dataCategories[0] = withoutDescription
  t.match((await plan(bundle)).json().changes, [{ op: 'update', entityType: 'dataCategories', fields: [{ path: '/description', to: null }] }])
})

t.test('links to unknown keys and keys given twice answer 422 naming each', async (t) => {
  const bundle = copy(await pull())
  ;(bundle.activities[0]!.dataCategoryKeys as string[]).push('no-such-category')
  bundle.activities[1]!.processorKeys = ['ghost']
  bundle.recipients.push({ ...bundle.recipients[0]! })
  const res = await plan(bundle)
  t.equal(res.statusCode, 422)
  const paths = (res.json().errors as Json[]).map((error) => error.path)
  t.ok(paths.includes(`/body/activities/0/dataCategoryKeys/${(bundle.activities[0]!.dataCategoryKeys as string[]).length - 1}`))
  t.ok(paths.includes('/body/activities/1/processorKeys/0'))
  t.ok(paths.includes(`/body/recipients/${bundle.recipients.length - 1}/key`))
})

t.test('malformed bundles answer 400 naming the bundle path', async (t) => {
  const bundle = copy(await pull())
  ;(bundle.activities[3]!.purposes as Json[])[0]!.legalBasis = '6.1.z'
  const res = await plan(bundle)
  t.equal(res.statusCode, 400)
  t.match(res.json().errors, [{ path: '/body/activities/3/purposes/0/legalBasis' }])
  const unknownField = await plan({ ...bundle, extra: true })
  t.equal(unknownField.statusCode, 400)
  t.match(unknownField.json().errors, [{ path: '/body/extra' }])
})

t.test('prune deletes only what the named owner manages, never entries kept by hand, and not what stays linked', async (t) => {
  const post = async (path: string, payload: Json) => {
    const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org}/${path}`, headers: writer, payload })
    t.equal(res.statusCode, 201)
    return res.json()
  }
  await post('recipients', { name: 'Owned by the shop', type: 'other', managedBy: 'repo:acme/shop' })
  await post('recipients', { name: 'Owned by HR', type: 'other', managedBy: 'repo:acme/hr' })
  await post('recipients', { name: 'Kept by hand', type: 'other' })
  const bundle = copy(await pull())
  const without = (names: string[]) => ({ ...bundle, recipients: bundle.recipients.filter((entry) => !names.includes(String(entry.name))) })
  const pruned = (await plan(without(['Owned by the shop', 'Owned by HR', 'Kept by hand']), '?prune=true&managedBy=repo:acme/shop')).json()
  t.same(
    pruned.changes.map((change: Json) => [change.op, change.key]),
    [['delete', 'owned-by-the-shop']]
  )
  t.same((await plan(without(['Owned by the shop']))).json().changes, [], 'without prune, leaving an entry out changes nothing')
  const noOwner = await plan(bundle, '?prune=true')
  t.equal(noOwner.statusCode, 400)
  t.match(noOwner.json().errors, [{ path: '/query/managedBy' }])

  const linked = await post('data-categories', { name: 'Linked and owned', managedBy: 'repo:acme/shop' })
  await post('activities', { name: 'Uses it', dataCategoryIds: [linked.id] })
  const again = copy(await pull())
  const res = await plan({ ...again, dataCategories: again.dataCategories.filter((entry) => entry.key !== linked.key) }, '?prune=true&managedBy=repo:acme/shop')
  t.equal(res.statusCode, 409)
  t.match(res.json().detail, /dataCategories\/linked-and-owned from activities\/uses-it/)
})

t.test('plan needs ropa:write for the organisation', async (t) => {
  const bundle = await pull()
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/bundle/plan`, payload: bundle })).statusCode, 401)
  t.equal((await plan(bundle, '', await bearer({ scopes: ['ropa:read'], orgs: [org] }))).statusCode, 403)
  const other = await createOrganisationViaApi(app)
  t.equal((await plan(bundle, '', await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [other.id] }))).statusCode, 404)
})

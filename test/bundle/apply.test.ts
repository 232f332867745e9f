import t from 'tap'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
type Bundle = Json & { organisation: Json; dataCategories: Json[]; processors: Json[]; activities: Json[]; recipients: Json[] }

const app = await buildTestApp(t)
const loaded = await loadBundleViaApi(app, readExampleBundle())
const org = loaded.organisationId
const writer = await bearer({ sub: 'ci-pipeline', scopes: ['ropa:read', 'ropa:write'], orgs: [org] })
const pull = async (orgId = org, headers = writer): Promise<Bundle> => (await app.inject({ url: `/v1/organisations/${orgId}/bundle`, headers })).json()
const post = (what: 'plan' | 'apply', bundle: unknown, query = '', headers: Record<string, string> = writer, orgId = org) =>
  app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/bundle/${what}${query}`, headers, payload: bundle as Json })
const copy = (bundle: Bundle): Bundle => JSON.parse(JSON.stringify(bundle))

t.test('applying a pulled bundle changes nothing', async (t) => {
  const before = await pull()
  const res = await post('apply', before)
  t.equal(res.statusCode, 200)
  t.same(res.json().changes, [])
  t.same(await pull(), before)
})

t.test('apply carries out the plan: creates linked by keys, updates, one audit event each with the request id', async (t) => {
  const bundle = copy(await pull())
  bundle.organisation.phone = '+47 22 00 00 00'
  bundle.processors.push({ key: 'mail-sub', name: 'Mail relay GmbH', country: 'DE', dpaReference: 'via mailer', dpaSignedAt: '2026-01-01' })
  const hotjar = bundle.processors.find((entry) => entry.key === 'hotjar')!
  hotjar.subProcessorKeys = ['mail-sub']
  bundle.dataCategories.push({ key: 'loyalty-points', name: 'Loyalty points' })
  bundle.activities.push({
    key: 'loyalty',
    name: 'Loyalty programme',
    status: 'active',
    dataCategoryKeys: ['loyalty-points'],
    processorKeys: ['mail-sub'],
    purposes: [{ description: 'Reward customers who join the programme', legalBasis: '6.1.b' }],
    transfers: [{ country: 'US', importer: 'Mail Inc', processorKey: 'mail-sub', mechanism: '46.2.c', sccModule: 2 }],
    retention: [{ dataCategoryKeys: ['loyalty-points'], period: 'P2Y', kind: 'fixed_period', trigger: 'Membership ends' }]
  })
  const planned = (await post('plan', bundle)).json()
  const res = await post('apply', bundle, '', { ...writer, 'if-match': `"${planned.planHash}"` })
  t.equal(res.statusCode, 200)
  t.same(res.json().changes, planned.changes, 'what the plan said')
  t.same(res.json().summary, { ...planned.summary })
  const after = await pull()
  t.equal(after.organisation.phone, '+47 22 00 00 00')
  t.same(after.processors.find((entry) => entry.key === 'hotjar')!.subProcessorKeys, ['mail-sub'])
  const loyalty = after.activities.find((entry) => entry.key === 'loyalty')!
  t.same(loyalty.dataCategoryKeys, ['loyalty-points'])
  t.match(loyalty.transfers, [{ processorKey: 'mail-sub', country: 'US' }])
  t.match(loyalty.retention, [{ dataCategoryKeys: ['loyalty-points'], period: 'P2Y' }])
  t.same((await post('plan', bundle)).json().changes, [], 'applied: the same bundle plans nothing more')
  const events = (await app.inject({ url: `/v1/organisations/${org}/audit-events?limit=100`, headers: writer })).json().items as Json[]
  const ours = events.filter((event) => event.requestId === res.headers['x-request-id'] || event.actor === 'ci-pipeline')
  t.ok(ours.length >= planned.changes.length, `${ours.length} audit events for ${planned.changes.length} changes`)
  t.equal(new Set(ours.map((event) => event.requestId)).size, 1, 'all with one request id')
})

t.test('a stale plan answers 412 and writes nothing', async (t) => {
  const bundle = copy(await pull())
  bundle.dataCategories[0]!.description = 'Planned description'
  const planned = (await post('plan', bundle)).json()
  const category = (await app.inject({ url: `/v1/organisations/${org}/data-categories?limit=1`, headers: writer })).json().items[0]
  t.equal(
    (
      await app.inject({
        method: 'PATCH',
        url: `/v1/organisations/${org}/data-categories/${category.id}`,
        headers: writer,
        payload: { description: 'Someone else' }
      })
    ).statusCode,
    200
  )
  const before = await pull()
  const res = await post('apply', bundle, '', { ...writer, 'if-match': `"${planned.planHash}"` })
  t.equal(res.statusCode, 412)
  t.same(await pull(), before)
})

t.test('all or nothing: an entry the API refuses undoes the whole apply', async (t) => {
  const before = await pull()
  const bundle = copy(before)
  bundle.dataCategories.push({ key: 'fine-entry', name: 'A fine new entry' })
  bundle.recipients.push({ key: 'bad-country', name: 'Recipient abroad', type: 'other', country: 'XX' })
  const res = await post('apply', bundle)
  t.equal(res.statusCode, 400, res.json().detail)
  t.match(res.json().errors, [{ path: `/body/recipients/${bundle.recipients.length - 1}/country` }], 'the field is named where it is in the bundle')
  t.same(await pull(), before, 'not even the fine entry was written')
  const activities = copy(before)
  const index = activities.activities.length - 1
  ;(activities.activities[index] as Json).transfers = [{ country: 'ZZ', importer: 'Nowhere' }]
  const refused = await post('apply', activities)
  t.equal(refused.statusCode, 400, refused.json().detail)
  t.match(refused.json().errors, [{ path: `/body/activities/${index}/transfers/0/country` }])
  t.same(await pull(), before)
})

t.test('prune with ownership: deletes only the owner’s entries; 409 when one stays linked; never entries kept by hand', async (t) => {
  const create = async (path: string, payload: Json) =>
    (await app.inject({ method: 'POST', url: `/v1/organisations/${org}/${path}`, headers: writer, payload })).json()
  await create('recipients', { name: 'Shop partner', type: 'other', managedBy: 'repo:acme/shop' })
  await create('recipients', { name: 'Hand-kept partner', type: 'other' })
  const bundle = copy(await pull())
  const leftOut = { ...bundle, recipients: bundle.recipients.filter((entry) => !['shop-partner', 'hand-kept-partner'].includes(String(entry.key))) }
  const res = await post('apply', leftOut, '?prune=true&managedBy=repo:acme/shop')
  t.equal(res.statusCode, 200)
  t.same(
    res.json().changes.map((change: Json) => [change.op, change.key]),
    [['delete', 'shop-partner']]
  )
  const keys = (await pull()).recipients.map((entry) => entry.key)
  t.notOk(keys.includes('shop-partner'))
  t.ok(keys.includes('hand-kept-partner'))

  const owned = await create('data-categories', { name: 'Owned and used', managedBy: 'repo:acme/shop' })
  await create('activities', { name: 'Uses the owned category', dataCategoryIds: [owned.id] })
  const again = copy(await pull())
  const conflict = await post(
    'apply',
    { ...again, dataCategories: again.dataCategories.filter((entry) => entry.key !== 'owned-and-used') },
    '?prune=true&managedBy=repo:acme/shop'
  )
  t.equal(conflict.statusCode, 409)
  t.ok((await pull()).dataCategories.some((entry) => entry.key === 'owned-and-used'))
})

t.test('a bundle applied to an empty organisation builds the record; another organisation’s token gets 404', async (t) => {
  const empty = await createOrganisationViaApi(app, { name: 'Copy AS', country: 'NO' })
  const headers = await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [empty.id] })
  const source = await pull()
  const res = await post('apply', source, '', headers, empty.id)
  t.equal(res.statusCode, 200)
  t.ok(res.json().summary.creates > 20)
  t.same(await pull(empty.id, headers), source, 'pulls back the bundle applied')
  t.equal((await post('apply', source, '', headers)).statusCode, 404, 'not this token’s organisation')
  t.equal((await post('apply', source, '', await bearer({ scopes: ['ropa:read'], orgs: [org] }))).statusCode, 403)
  t.equal((await app.inject({ method: 'POST', url: `/v1/organisations/${org}/bundle/apply`, payload: source })).statusCode, 401)
  const malformed = await post('apply', { ...source, activities: [{ key: 'Not A Key', name: 'Bad' }] })
  t.equal(malformed.statusCode, 400)
  t.match(malformed.json().errors, [{ path: '/body/activities/0/key' }])
})

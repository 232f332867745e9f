import { setTimeout as sleep } from 'node:timers/promises'
import { parse } from 'csv-parse/sync'
import t from 'tap'
import { bearer, buildTestApp } from '../helper.ts'

const app = await buildTestApp(t)
const platform = await bearer({ sub: 'platform', scopes: ['ropa:platform', 'ropa:read'] })
const instant = async () => {
  await sleep(15)
  const now = new Date().toISOString()
  await sleep(15)
  return now
}

// A scripted history, with an instant taken between each step.
const t0 = await instant()
const org = (
  await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'Before Rename AS', country: 'NO', email: 'a@b.example' } })
).json()
const base = `/v1/organisations/${org.id}`
const alice = await bearer({ sub: 'alice', orgs: [org.id] })
const bob = await bearer({ sub: 'bob', orgs: [org.id] })
const call = async (method: 'POST' | 'PATCH' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) => {
  const res = await app.inject({ method, url: `${base}${url}`, headers, ...(payload ? { payload } : {}) })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return res.statusCode === 204 ? undefined : res.json()
}
const category = await call('POST', '/data-categories', alice, { name: 'Contact details' })
const payroll = await call('POST', '/activities', alice, {
  name: 'Payroll',
  status: 'active',
  dataCategoryIds: [category.id],
  purposes: [{ description: 'Pay the salaries of employees', legalBasis: '6.1.b' }]
})
const t1 = await instant()
await call('PATCH', `/data-categories/${category.id}`, bob, { name: 'Contact information' })
await call('PATCH', `/activities/${payroll.id}`, bob, { description: 'Monthly salaries', owner: 'Finance' })
const t2 = await instant()
const hiring = await call('POST', '/activities', alice, { name: 'Hiring', status: 'active', dataCategoryIds: [category.id] })
await call('DELETE', `/activities/${payroll.id}`, bob)
const t3 = await instant()
await app.inject({
  method: 'PATCH',
  url: base,
  headers: await bearer({ sub: 'admin', scopes: ['ropa:admin'], orgs: [org.id] }),
  payload: { name: 'After Rename AS' }
})
const t4 = await instant()

const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [org.id] })
const get = (url: string) => app.inject({ url: `${base}${url}`, headers: reader })
const future = new Date(Date.now() + 86_400_000).toISOString()

t.test('an activity as of each instant', async (t) => {
  const at = async (id: string, asOf: string) => get(`/activities/${id}?asOf=${encodeURIComponent(asOf)}`)
  t.equal((await at(payroll.id, t0)).statusCode, 404, 'before it existed')
  const v1 = await at(payroll.id, t1)
  t.equal(v1.statusCode, 200)
  t.match(v1.json(), { name: 'Payroll', description: null, version: 1, updatedBy: 'alice' })
  t.equal(v1.headers.etag, '"1"')
  t.match((await at(payroll.id, t2)).json(), { description: 'Monthly salaries', owner: 'Finance', version: 2, updatedBy: 'bob' })
  const gone = await at(payroll.id, t3)
  t.equal(gone.statusCode, 404, 'after it was deleted')
  t.match(gone.json(), { code: 'ROPA_NOT_FOUND', detail: new RegExp(`There was no processing activity ${payroll.id} at`) })
  t.equal((await get(`/activities/${payroll.id}`)).statusCode, 404, 'and now')
  t.equal((await at(hiring.id, t2)).statusCode, 404)
  t.match((await at(hiring.id, t3)).json(), { name: 'Hiring', version: 1 })
  t.same((await at(hiring.id, future)).json(), (await get(`/activities/${hiring.id}`)).json(), 'a future instant reads as now')
  t.equal((await get(`/activities/${hiring.id}?asOf=yesterday`)).statusCode, 400)
})

t.test('a catalogue entry as of each instant', async (t) => {
  t.match((await get(`/data-categories/${category.id}?asOf=${t1}`)).json(), { name: 'Contact details', version: 1 })
  t.match((await get(`/data-categories/${category.id}?asOf=${t2}`)).json(), { name: 'Contact information', version: 2 })
  t.equal((await get(`/data-categories/${category.id}?asOf=${t0}`)).statusCode, 404)
})

t.test('the whole record as of each instant, in every format', async (t) => {
  const record = async (asOf: string, query = '') => (await get(`/ropa?asOf=${encodeURIComponent(asOf)}${query}`)).json()
  const before = await record(t0)
  t.same(before.activities, [], 'before anything existed: empty')
  t.equal(before.asOf, t0)
  const first = await record(t1)
  t.match(first, { asOf: t1, organisation: { name: 'Before Rename AS' } })
  t.same(
    first.activities.map((a: { name: string }) => a.name),
    ['Payroll']
  )
  t.same(
    first.activities[0].dataCategories.map((c: { name: string }) => c.name),
    ['Contact details'],
    'the name the category had then'
  )
  const second = await record(t2)
  t.match(second.activities, [
    { name: 'Payroll', description: 'Monthly salaries', businessFunction: 'Finance', version: 2, dataCategories: [{ name: 'Contact information' }] }
  ])
  const third = await record(t3)
  t.same(
    third.activities.map((a: { name: string }) => a.name),
    ['Hiring'],
    'the deleted activity is gone, the new one there'
  )
  t.equal(third.organisation.name, 'Before Rename AS', 'the organisation profile as it was')
  t.equal((await record(t4)).organisation.name, 'After Rename AS')
  const now = (await get('/ropa')).json()
  const later = await record(future)
  t.same({ ...later, generatedAt: 0, asOf: 0 }, { ...now, generatedAt: 0, asOf: 0 }, 'a future instant reads as now')
  const csv: string[][] = parse((await get(`/ropa?format=csv&asOf=${encodeURIComponent(t1)}`)).body, { bom: true })
  t.same(
    csv.slice(1).map((row) => [row[0], row[5]]),
    [['Payroll', 'Contact details']]
  )
  t.equal((await get(`/ropa?format=xlsx&asOf=${encodeURIComponent(t2)}`)).statusCode, 200)
  const old = await get(`/ropa?asOf=${encodeURIComponent(t1)}`)
  t.match(old.headers['content-disposition'], new RegExp(`controller-${t1.slice(0, 10)}\\.json`))
  t.equal((await get('/ropa?asOf=not-a-time')).statusCode, 400)
})

t.test('what changed between two instants', async (t) => {
  const res = await get(`/ropa/changes?from=${t1}&to=${t2}`)
  t.equal(res.statusCode, 200)
  const body = res.json()
  t.match(body, { from: t1, to: t2 })
  t.same(
    body.items.map((c: { action: string; entityType: string; actor: string }) => [c.action, c.entityType, c.actor]),
    [
      ['update', 'data_category', 'bob'],
      ['update', 'activity', 'bob']
    ]
  )
  t.same(body.items[0].changes, [{ field: 'name', old: 'Contact details', new: 'Contact information' }])
  t.same(body.items[1].changes, [
    { field: 'description', old: null, new: 'Monthly salaries' },
    { field: 'owner', old: null, new: 'Finance' }
  ])
  t.ok(body.items.every((c: { at: string }) => c.at > t1 && c.at <= t2))
  const next = (await get(`/ropa/changes?from=${t2}&to=${t3}`)).json()
  t.same(
    next.items.map((c: { action: string; name: string }) => [c.action, c.name]),
    [
      ['create', 'Hiring'],
      ['delete', 'Payroll']
    ]
  )
  const all = (await get(`/ropa/changes?from=${t0}`)).json()
  t.equal(all.items.length, 8, 'everything since the start, to now')
  t.same((await get(`/ropa/changes?from=${t4}&to=${future}`)).json().items, [])
  const csv: string[][] = parse((await get(`/ropa/changes?from=${t1}&to=${t2}&format=csv`)).body, { bom: true })
  t.same(csv[0], ['At', 'Actor', 'Action', 'Entity type', 'Entity id', 'Name', 'Field', 'Old value', 'New value', 'Reason'])
  t.same(
    csv.slice(1).map((row) => [row[2], row[3], row[6], row[7], row[8]]),
    [
      ['update', 'data_category', 'name', 'Contact details', 'Contact information'],
      ['update', 'activity', 'description', '', 'Monthly salaries'],
      ['update', 'activity', 'owner', '', 'Finance']
    ]
  )
  const backwards = await get(`/ropa/changes?from=${t2}&to=${t1}`)
  t.equal(backwards.statusCode, 400)
  t.same(backwards.json().errors, [{ path: '/query/from', message: 'must not be after to' }])
  t.equal((await get('/ropa/changes?from=last-week')).statusCode, 400)
  t.equal((await get('/ropa/changes')).statusCode, 400, 'from is required')
})

t.test('the versions of one activity', async (t) => {
  const res = await get(`/activities/${payroll.id}/history`)
  t.equal(res.statusCode, 200)
  const versions = res.json().items
  t.same(
    versions.map((v: { action: string; actor: string; version: number; changedFields: string[] }) => [v.action, v.actor, v.version, v.changedFields]),
    [
      ['create', 'alice', 1, []],
      ['update', 'bob', 2, ['description', 'owner']],
      ['delete', 'bob', 2, []]
    ]
  )
  t.match(versions[1].snapshot, { name: 'Payroll', description: 'Monthly salaries' })
  t.ok(versions[0].at <= t1 && versions[1].at > t1 && versions[1].at <= t2)
  t.equal((await get(`/activities/00000000-0000-4000-8000-000000000000/history`)).statusCode, 404)
})

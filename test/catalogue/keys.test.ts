import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'
import { rerunDataMigration } from '../support/migrations.ts'

type Json = Record<string, unknown>

// Keys and owners: what a bundle (the record as code) links entries by and prunes by.
const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const post = (path: string, payload: Json) => app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload })
const patch = (path: string, payload: Json) => app.inject({ method: 'PATCH', url: `${base}/${path}`, headers, payload })

for (const path of ['data-categories', 'data-subject-categories', 'recipients', 'processors', 'security-measures', 'activities']) {
  const extra: Json = path === 'recipients' ? { type: 'other' } : path === 'security-measures' ? { type: 'technical' } : {}
  t.test(`${path}: a key from the name when none is given, unique, editable; an owner`, async (t) => {
    const first = await post(path, { name: 'Lønn og ærend', ...extra })
    t.equal(first.statusCode, 201)
    t.match(first.json(), { key: 'lonn-og-arend', managedBy: null })
    const second = await post(path, { name: 'LØNN OG ÆREND!', ...extra })
    t.equal(second.statusCode, 201)
    t.equal(second.json().key, 'lonn-og-arend-2', 'the next free key')
    const owned = await post(path, { name: 'Owned entry', key: 'owned', managedBy: 'repo:acme/shop', ...extra })
    t.match(owned.json(), { key: 'owned', managedBy: 'repo:acme/shop' })

    const taken = await post(path, { name: 'Another entry', key: 'owned', ...extra })
    t.equal(taken.statusCode, 409)
    t.match(taken.json().errors, [{ path: '/body/key' }])
    const renamed = await patch(`${path}/${owned.json().id}`, { key: 'owned-elsewhere', managedBy: null })
    t.equal(renamed.statusCode, 200)
    t.match(renamed.json(), { key: 'owned-elsewhere', managedBy: null })
    const clash = await patch(`${path}/${owned.json().id}`, { key: 'lonn-og-arend' })
    t.equal(clash.statusCode, 409)
    t.match(clash.json().errors, [{ path: '/body/key' }])

    for (const [payload, field] of [
      [{ key: 'Not A Key' }, '/body/key'],
      [{ key: '-leading' }, '/body/key'],
      [{ key: 'x'.repeat(101) }, '/body/key'],
      [{ managedBy: 'has space' }, '/body/managedBy'],
      [{ managedBy: '' }, '/body/managedBy']
    ] as const) {
      const bad = await post(path, { name: `Invalid ${field}`, ...extra, ...payload })
      t.equal(bad.statusCode, 400, JSON.stringify(payload))
      t.ok(
        (bad.json().errors as Json[]).some((error) => String(error.path).startsWith(field)),
        field
      )
    }
  })
}

t.test('creates at once with the same name each get their own key', async (t) => {
  const created = await Promise.all(Array.from({ length: 20 }, () => post('activities', { name: 'Same name' })))
  t.same(
    created.map((res) => res.statusCode),
    Array(20).fill(201)
  )
  t.same(new Set(created.map((res) => res.json().key)).size, 20, 'twenty different keys')
})

t.test('the same key in another organisation is no clash', async (t) => {
  const other = await createOrganisationViaApi(app)
  const otherHeaders = await bearer({ orgs: [other.id] })
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${other.id}/data-categories`,
    headers: otherHeaders,
    payload: { name: 'Owned', key: 'owned' }
  })
  t.equal(res.statusCode, 201)
  t.equal(res.json().key, 'owned')
})

t.test('migration 0015 gives stored entries the key a create assigns, and a hash suffix where two would clash', async (t) => {
  const first = (await post('data-categories', { name: 'Kunde data' })).json()
  const second = (await post('data-categories', { name: 'Kunde-data' })).json()
  t.same([first.key, second.key], ['kunde-data', 'kunde-data-2'])
  await app.database.db.execute(sql`alter table data_categories alter column key drop not null`)
  await app.database.db.execute(sql`update data_categories set key = null where organisation_id = ${org.id}`)
  await rerunDataMigration(app.database.db, '0015_bundle_keys.sql')
  await app.database.db.execute(sql`alter table data_categories alter column key set not null`)
  const keys = (await app.inject({ url: `${base}/data-categories?limit=100`, headers })).json().items as { name: string; key: string }[]
  const keyOf = (name: string) => keys.find((entry) => entry.name === name)?.key
  t.equal(keyOf('Kunde data'), 'kunde-data', 'the first keeps the plain key')
  t.match(keyOf('Kunde-data'), /^kunde-data-[0-9a-f]{8}$/, 'the later one adds part of a hash of its id')
  t.equal(keyOf('Lønn og ærend'), 'lonn-og-arend', 'accents dropped as a create drops them')
})

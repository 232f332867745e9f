import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app, { name: 'Audited AS' }, 'creator')
const other = await createOrganisationViaApi(app, { name: 'Other AS' }, 'creator')
const url = `/v1/organisations/${org.id}`

const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [org.id] })
for (const [i, sub] of ['alice', 'bob', 'alice', 'carol'].entries()) {
  const res = await app.inject({
    method: 'PATCH',
    url,
    headers: await bearer({ sub, scopes: ['ropa:admin'], orgs: [org.id] }),
    payload: { employeeCount: i + 1 }
  })
  if (res.statusCode !== 200) throw new Error(res.body)
}
await app.inject({
  method: 'PATCH',
  url: `/v1/organisations/${other.id}`,
  headers: await bearer({ sub: 'eve', scopes: ['ropa:admin'], orgs: [other.id] }),
  payload: { employeeCount: 9 }
})

t.test('the feed lists the changes of this organisation only, newest first, with snapshots', async (t) => {
  const res = await app.inject({ url: `${url}/audit-events`, headers: reader })
  t.equal(res.statusCode, 200)
  const { items, nextCursor } = res.json()
  t.equal(nextCursor, null)
  t.same(
    items.map((e: { actor: string; action: string }) => [e.action, e.actor]),
    [
      ['update', 'carol'],
      ['update', 'alice'],
      ['update', 'bob'],
      ['update', 'alice'],
      ['create', 'creator']
    ]
  )
  t.match(items[0], { entityType: 'organisation', entityId: org.id, snapshot: { employeeCount: 4, version: 5, name: 'Audited AS' } })
  t.match(items[0].at, /Z$/)
  t.match(items[0].requestId, /^[0-9a-f-]{36}$/)
  t.notOk(
    items.some((e: { actor: string }) => e.actor === 'eve'),
    "another organisation's events never appear"
  )
})

t.test('filters combine', async (t) => {
  const byActor = (await app.inject({ url: `${url}/audit-events?actor=alice`, headers: reader })).json()
  t.same(
    byActor.items.map((e: { snapshot: { employeeCount: number } }) => e.snapshot.employeeCount),
    [3, 1]
  )
  const creates = (await app.inject({ url: `${url}/audit-events?entityType=organisation&entityId=${org.id}&actor=creator`, headers: reader })).json()
  t.equal(creates.items.length, 1)
  t.equal((await app.inject({ url: `${url}/audit-events?entityType=activity`, headers: reader })).json().items.length, 0)
  const all = (await app.inject({ url: `${url}/audit-events`, headers: reader })).json().items
  const middle = all[2].at
  const since = (await app.inject({ url: `${url}/audit-events?since=${encodeURIComponent(middle)}`, headers: reader })).json().items
  t.ok(since.length >= 3 && since.every((e: { at: string }) => e.at >= middle))
  const until = (await app.inject({ url: `${url}/audit-events?until=${encodeURIComponent(all.at(-1).at)}`, headers: reader })).json().items
  t.ok(until.length >= 1 && until.every((e: { at: string }) => e.at <= all.at(-1).at))
  const future = (await app.inject({ url: `${url}/audit-events?since=2999-01-01T00:00:00Z`, headers: reader })).json()
  t.same(future, { items: [], nextCursor: null })
})

t.test('pages through the feed with no event repeated or missed', async (t) => {
  const ids: string[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({
      url: `${url}/audit-events?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      headers: reader
    })
    const page: { items: { id: string }[]; nextCursor: string | null } = res.json()
    ids.push(...page.items.map((e) => e.id))
    cursor = page.nextCursor
  } while (cursor)
  const whole = (await app.inject({ url: `${url}/audit-events`, headers: reader })).json().items.map((e: { id: string }) => e.id)
  t.same(ids, whole)
})

t.test('invalid filters answer 400 naming the parameter', async (t) => {
  const cases: [string, string][] = [
    ['since=yesterday', '/query/since'],
    ['entityId=42', '/query/entityId'],
    ['limit=0', '/query/limit'],
    ['colour=red', '/query/colour'],
    [`cursor=${Buffer.from('{"seq":-1}').toString('base64url')}`, '/query/cursor']
  ]
  for (const [query, path] of cases) {
    const res = await app.inject({ url: `${url}/audit-events?${query}`, headers: reader })
    t.equal(res.statusCode, 400, query)
    t.match(res.json().errors, [{ path }], query)
  }
})

import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp } from '../helper.ts'

const app = await buildTestApp(t)
const platform = await bearer({ sub: 'platform-admin', scopes: ['ropa:platform'] })
const problemType = 'application/problem+json; charset=utf-8'

async function auditOf(entityId: string) {
  const result = await app.database.db.execute(
    sql`select actor, action, entity_type, snapshot, request_id from audit_events where entity_id = ${entityId} order by seq`
  )
  return result.rows as { actor: string; action: string; entity_type: string; snapshot: Record<string, unknown>; request_id: string }[]
}
const auditCount = async () => Number((await app.database.db.execute(sql`select count(*)::int as n from audit_events`)).rows[0]?.n)

const fullProfile = {
  name: 'Example Consulting AS',
  country: 'NO',
  registrationNumber: '923456783',
  address: 'Storgata 1, 0155 Oslo',
  email: 'privacy@example.no',
  phone: '+47 22 00 00 00',
  website: 'https://example.no',
  supervisoryAuthority: 'Datatilsynet',
  isPublicAuthority: false,
  employeeCount: 42,
  dpo: { designated: true, name: 'Kari Nordmann', email: 'dpo@example.no', phone: null, address: null },
  representative: null
}

t.test('create: 201, Location, ETag, the stored values, defaults, one audit event', async (t) => {
  const res = await app.inject({ method: 'POST', url: '/v1/organisations', headers: { ...platform, 'x-request-id': 'create-1' }, payload: fullProfile })
  t.equal(res.statusCode, 201)
  const body = res.json()
  t.equal(res.headers.location, `/v1/organisations/${body.id}`)
  t.equal(res.headers.etag, '"1"')
  t.match(body, { ...fullProfile, version: 1, createdBy: 'platform-admin', updatedBy: 'platform-admin' })
  t.match(body.createdAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/)

  const read = await app.inject({ url: res.headers.location as string, headers: await bearer({ scopes: ['ropa:read'], orgs: [body.id] }) })
  t.equal(read.statusCode, 200)
  t.same(read.json(), body, 'a read returns exactly what was stored')
  t.equal(read.headers.etag, '"1"')

  const minimal = await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'Minimal Ltd', country: 'GB' } })
  t.equal(minimal.statusCode, 201)
  t.match(minimal.json(), {
    name: 'Minimal Ltd',
    country: 'GB',
    registrationNumber: null,
    email: null,
    isPublicAuthority: false,
    employeeCount: null,
    dpo: null,
    representative: null
  })

  const events = await auditOf(body.id)
  t.equal(events.length, 1)
  t.match(events[0], { actor: 'platform-admin', action: 'create', entity_type: 'organisation', request_id: 'create-1' })
  t.same(events[0]!.snapshot, body, 'the snapshot is the entity as the API serialises it')
})

t.test('invalid bodies are refused with every offending field named, and write nothing', async (t) => {
  const before = await auditCount()
  const cases: [Record<string, unknown>, { path: string; message: RegExp }[]][] = [
    [{ country: 'NO' }, [{ path: '/body/name', message: /is required/ }]],
    [{ name: 'X', country: 'NO', colour: 'blue' }, [{ path: '/body/colour', message: /not a known property/ }]],
    [{ name: 'X', country: 'no' }, [{ path: '/body/country', message: /for 'no' use 'NO'/ }]],
    [
      { name: '', country: 'NO', employeeCount: -1, email: 'not-an-email', website: 'ftp://example.no' },
      [
        { path: '/body/email', message: /format "email"/ },
        { path: '/body/employeeCount', message: /must be >= 0/ },
        { path: '/body/name', message: /fewer than 1/ },
        { path: '/body/website', message: /pattern/ }
      ]
    ],
    [{ name: 'X', country: 'NO', employeeCount: '42' }, [{ path: '/body/employeeCount', message: /must be integer/ }]],
    [{ name: 'X', country: 'NO', dpo: 'Kari' }, [{ path: '/body/dpo', message: /must be object/ }]],
    [
      { name: 'X', country: 'NO', dpo: { designated: 'yes', name: 'A', email: null, phone: null, address: null, extra: 1 } },
      [
        { path: '/body/dpo/designated', message: /boolean/ },
        { path: '/body/dpo/extra', message: /not a known property/ }
      ]
    ]
  ]
  for (const [payload, expected] of cases) {
    const res = await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
    t.equal(res.headers['content-type'], problemType)
    const errors = (res.json().errors as { path: string; message: string }[]).sort((a, b) => a.path.localeCompare(b.path))
    t.match(errors, expected, JSON.stringify(payload))
    t.equal(errors.length, expected.length)
  }
  const unknownCountry = await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'X', country: 'XX' } })
  t.equal(unknownCountry.statusCode, 400)
  t.same(unknownCountry.json().errors, [{ path: '/body/country', message: "'XX' is not an ISO 3166-1 alpha-2 country code (see /v1/reference/countries)" }])
  t.equal(await auditCount(), before, 'no audit event for a refused write')
})

t.test('list: only the organisations of the token, all for platform, pages with no repeats or gaps', async (t) => {
  const created: string[] = []
  for (const name of ['Delta', 'Alpha', 'Charlie', 'Bravo', 'Echo']) {
    const res = await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: `${name} list test`, country: 'SE' } })
    created.push(res.json().id)
  }
  const reader = await bearer({ scopes: ['ropa:read'], orgs: [created[0]!, created[2]!] })
  const mineOnly = await app.inject({ url: '/v1/organisations', headers: reader })
  t.equal(mineOnly.statusCode, 200)
  t.same(
    mineOnly.json().items.map((o: { name: string }) => o.name),
    ['Charlie list test', 'Delta list test']
  )
  t.equal(mineOnly.json().nextCursor, null)

  const none = await app.inject({ url: '/v1/organisations', headers: await bearer({ scopes: ['ropa:read'], orgs: [] }) })
  t.same(none.json(), { items: [], nextCursor: null })

  const seen: string[] = []
  let cursor: string | null = null
  let pages = 0
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({
      url: `/v1/organisations?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
      headers: platform
    })
    t.equal(res.statusCode, 200)
    const page: { items: { name: string }[]; nextCursor: string | null } = res.json()
    t.ok(page.items.length <= 2)
    seen.push(...page.items.map((o: { name: string }) => o.name))
    cursor = page.nextCursor
    pages++
  } while (cursor && pages < 20)
  const all = await app.inject({ url: '/v1/organisations?limit=200', headers: platform })
  const names = all.json().items.map((o: { name: string }) => o.name)
  t.same(seen, names, 'pages of 2 give exactly the full list, in order')
  t.equal(new Set(seen).size, seen.length, 'no organisation repeated')
  t.same(
    names,
    [...names].sort((a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)),
    'ordered by name'
  )
  t.ok(pages >= 4)

  const badCursor = await app.inject({ url: '/v1/organisations?cursor=garbage', headers: platform })
  t.equal(badCursor.statusCode, 400)
  t.same(badCursor.json().errors, [{ path: '/query/cursor', message: 'is not a cursor this list issued; pass the nextCursor of the previous page' }])
  const badLimit = await app.inject({ url: '/v1/organisations?limit=500', headers: platform })
  t.equal(badLimit.statusCode, 400)
  t.match(badLimit.json().errors, [{ path: '/query/limit' }])
})

t.test('patch: replaces the given fields, honours If-Match, audits each change once', async (t) => {
  const created = (await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: fullProfile })).json()
  const admin = await bearer({ sub: 'org-admin', scopes: ['ropa:admin', 'ropa:read'], orgs: [created.id] })
  const url = `/v1/organisations/${created.id}`

  const res = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '"1"' },
    payload: { employeeCount: 300, dpo: null, representative: { name: 'EU Rep GmbH', email: 'rep@example.de', phone: null, address: 'Berlin' } }
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.etag, '"2"')
  const updated = res.json()
  t.match(updated, {
    ...fullProfile,
    employeeCount: 300,
    dpo: null,
    representative: { name: 'EU Rep GmbH', address: 'Berlin' },
    version: 2,
    updatedBy: 'org-admin',
    createdBy: 'platform-admin'
  })
  t.same((await app.inject({ url, headers: admin })).json(), updated)

  const stale = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"1"' }, payload: { name: 'Lost update' } })
  t.equal(stale.statusCode, 412)
  t.match(stale.json(), { code: 'ROPA_PRECONDITION_FAILED', detail: /"2"/ })
  const garbage = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': 'W/"2"' }, payload: { name: 'Weak tag' } })
  t.equal(garbage.statusCode, 412, 'a weak tag never matches (strong comparison)')

  const listed = await app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"7", "2"' }, payload: { name: 'Renamed AS' } })
  t.equal(listed.statusCode, 200, 'one of several tags matching is enough')
  const star = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...admin, 'if-match': '*', 'content-type': 'application/merge-patch+json' },
    payload: JSON.stringify({ isPublicAuthority: true })
  })
  t.equal(star.statusCode, 200)
  t.match(star.json(), { name: 'Renamed AS', isPublicAuthority: true, version: 4 })
  const unconditional = await app.inject({ method: 'PATCH', url, headers: admin, payload: { phone: null } })
  t.match(unconditional.json(), { phone: null, version: 5 })

  const empty = await app.inject({ method: 'PATCH', url, headers: admin, payload: {} })
  t.equal(empty.statusCode, 400, 'an empty patch changes nothing and is refused')
  const badCountry = await app.inject({ method: 'PATCH', url, headers: admin, payload: { country: 'ZZ' } })
  t.equal(badCountry.statusCode, 400)
  t.same(badCountry.json().errors, [{ path: '/body/country', message: "'ZZ' is not an ISO 3166-1 alpha-2 country code (see /v1/reference/countries)" }])
  const readOnly = await app.inject({ method: 'PATCH', url, headers: admin, payload: { version: 9 } })
  t.equal(readOnly.statusCode, 400)
  t.match(readOnly.json().errors, [{ path: '/body/version', message: 'is not a known property' }])

  const events = await auditOf(created.id)
  t.same(
    events.map((e) => e.action),
    ['create', 'update', 'update', 'update', 'update'],
    'one event per successful write, none for refused ones'
  )
  t.same(
    events.map((e) => e.actor),
    ['platform-admin', 'org-admin', 'org-admin', 'org-admin', 'org-admin']
  )
  t.match(events[1]!.snapshot, { employeeCount: 300, version: 2 })
  t.same(events.at(-1)!.snapshot, unconditional.json())
})

t.test('delete: 204, then 404; If-Match honoured; the audit events stay', async (t) => {
  const created = (await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'Short-lived AS', country: 'DK' } })).json()
  const url = `/v1/organisations/${created.id}`
  const stale = await app.inject({ method: 'DELETE', url, headers: { ...platform, 'if-match': '"5"' } })
  t.equal(stale.statusCode, 412)
  const gone = await app.inject({ method: 'DELETE', url, headers: { ...platform, 'if-match': '"1"', 'x-request-id': 'delete-1' } })
  t.equal(gone.statusCode, 204)
  t.equal(gone.body, '')
  t.equal((await app.inject({ url, headers: await bearer({ scopes: ['ropa:read', 'ropa:platform'] }) })).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url, headers: platform })).statusCode, 404)
  t.equal(
    (await app.inject({ method: 'PATCH', url, headers: platform, payload: { name: 'Zombie' } })).statusCode,
    403,
    'PATCH needs ropa:admin, checked before existence'
  )
  const events = await auditOf(created.id)
  t.same(
    events.map((e) => [e.action, e.request_id]),
    [
      ['create', null],
      ['delete', 'delete-1']
    ].map(([a, r]) => [a, r ?? events[0]!.request_id])
  )
  t.same(events[1]!.snapshot, created, 'a delete records the entity as it was before')
})

t.test('the audit trail is append-only in the database itself', async (t) => {
  const refusal = (query: Promise<unknown>) =>
    query.then(
      () => 'allowed',
      (error: Error & { cause?: Error }) => error.cause?.message ?? error.message
    )
  t.equal(await refusal(app.database.db.execute(sql`update audit_events set actor = 'mallory'`)), 'audit_events is append-only: UPDATE is not allowed')
  t.equal(await refusal(app.database.db.execute(sql`delete from audit_events`)), 'audit_events is append-only: DELETE is not allowed')
  t.equal(await refusal(app.database.db.execute(sql`truncate audit_events`)), 'audit_events is append-only: TRUNCATE is not allowed')
  t.ok((await auditCount()) > 0)
})

t.test('parallel changes with the same If-Match: exactly one wins, the others get 412', async (t) => {
  const created = (await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'Contended AS', country: 'FI' } })).json()
  const admin = await bearer({ sub: 'racer', scopes: ['ropa:admin', 'ropa:read'], orgs: [created.id] })
  const url = `/v1/organisations/${created.id}`
  const results = await Promise.all(
    Array.from({ length: 12 }, (_, i) => app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': '"1"' }, payload: { employeeCount: i } }))
  )
  const statuses = results.map((res) => res.statusCode).sort()
  t.same(statuses, [200, ...Array(11).fill(412)])
  const winner = results.find((res) => res.statusCode === 200)!.json()
  const stored = (await app.inject({ url, headers: admin })).json()
  t.same(stored, winner, 'the stored document is the winner')
  const events = await auditOf(created.id)
  t.same(
    events.map((e) => e.action),
    ['create', 'update'],
    'and the audit trail holds exactly that one change'
  )
  t.same(events[1]!.snapshot, winner)
})

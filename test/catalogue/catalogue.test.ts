import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)

interface ResourceCase {
  path: string
  entityType: string
  label: string
  full: Record<string, unknown>
  defaults: Record<string, unknown>
  invalid: [Record<string, unknown>, string, RegExp][]
  /** Entries to create for the filter checks, then [query, expected names in order]. */
  filterEntries: Record<string, unknown>[]
  filters: [string, string[]][]
}

const cases: ResourceCase[] = [
  {
    path: 'data-categories',
    entityType: 'data_category',
    label: 'data category',
    full: { name: 'Health data', description: 'Sick leave certificates.', specialCategory: 'health_data', criminal: false },
    defaults: { description: null, specialCategory: null, criminal: false },
    invalid: [
      [{ name: 'X', specialCategory: 'health' }, '/body/specialCategory', /must be one of: "racial_or_ethnic_origin"/],
      [{ name: 'X', criminal: 'no' }, '/body/criminal', /boolean/],
      [{ name: 'x'.repeat(301) }, '/body/name', /more than 300/]
    ],
    filterEntries: [
      { name: 'Criminal records', criminal: true },
      { name: 'Trade union membership', specialCategory: 'trade_union_membership' },
      { name: 'Contact details', description: 'Email and phone' }
    ],
    filters: [
      ['specialCategory=any', ['Health data', 'Trade union membership']],
      ['specialCategory=none', ['Contact details', 'Criminal records']],
      ['specialCategory=trade_union_membership', ['Trade union membership']],
      ['criminal=true', ['Criminal records']],
      ['q=PHONE', ['Contact details']],
      ['q=data&specialCategory=health_data', ['Health data']]
    ]
  },
  {
    path: 'data-subject-categories',
    entityType: 'data_subject_category',
    label: 'data subject category',
    full: { name: 'Pupils', description: 'School pupils aged 10 to 16.', includesChildren: true, vulnerable: true },
    defaults: { description: null, includesChildren: false, vulnerable: false },
    invalid: [
      [{ name: 'X', includesChildren: 1 }, '/body/includesChildren', /boolean/],
      [{ name: 'X', description: '' }, '/body/description', /fewer than 1/]
    ],
    filterEntries: [{ name: 'Employees', vulnerable: true }, { name: 'Customers' }],
    filters: [
      ['includesChildren=true', ['Pupils']],
      ['vulnerable=true', ['Employees', 'Pupils']],
      ['vulnerable=false', ['Customers']],
      ['q=pupil', ['Pupils']]
    ]
  },
  {
    path: 'recipients',
    entityType: 'recipient',
    label: 'recipient',
    full: { name: 'Tax authorities', type: 'public_authority', country: 'NO', description: 'Statutory reporting.' },
    defaults: { type: 'internal', country: null, description: null },
    invalid: [
      [{ name: 'X', type: 'friend' }, '/body/type', /must be one of: "internal"/],
      [{ name: 'X', country: 'XX' }, '/body/country', /'XX' is not an ISO 3166-1 alpha-2 country code/],
      [{ name: 'X', country: 'UK' }, '/body/country', /'UK' is not an ISO 3166-1 alpha-2/],
      [{ name: 'X', country: 'gb' }, '/body/country', /for 'gb' use 'GB'/]
    ],
    filterEntries: [
      { name: 'US analytics vendor', type: 'processor', country: 'US' },
      { name: 'HR department', type: 'internal' }
    ],
    filters: [
      ['type=processor', ['US analytics vendor']],
      ['country=NO', ['Tax authorities']],
      ['type=internal', ['HR department']],
      ['q=vendor&country=US', ['US analytics vendor']]
    ]
  },
  {
    path: 'processors',
    entityType: 'processor',
    label: 'processor',
    full: {
      name: 'Mailer Inc.',
      description: 'Newsletter platform',
      country: 'US',
      email: 'privacy@mailer.example',
      phone: '+1 555 0100',
      address: '1 Main St, Springfield',
      service: 'Sends the newsletter.',
      dpaReference: 'contracts/mailer-dpa.pdf',
      dpaSignedAt: '2025-03-01',
      subprocessorAuthorisation: 'general',
      subProcessorIds: [],
      dpfCertified: true
    },
    defaults: {
      description: null,
      country: null,
      email: null,
      phone: null,
      address: null,
      service: null,
      dpaReference: null,
      dpaSignedAt: null,
      subprocessorAuthorisation: 'unknown',
      subProcessorIds: [],
      dpfCertified: null
    },
    invalid: [
      [{ name: 'X', dpaSignedAt: '01.03.2025' }, '/body/dpaSignedAt', /must be a date YYYY-MM-DD such as 2026-01-31/],
      [{ name: 'X', dpaSignedAt: '2025-02-30' }, '/body/dpaSignedAt', /must be a date YYYY-MM-DD such as 2026-01-31/],
      [{ name: 'X', subprocessorAuthorisation: 'yes' }, '/body/subprocessorAuthorisation', /must be one of/],
      [{ name: 'X', country: 'IE', dpfCertified: true }, '/body/dpfCertified', /only to processors in the United States/],
      [{ name: 'X', subProcessorIds: ['not-a-uuid'] }, '/body/subProcessorIds/0', /format "uuid"/],
      [{ name: 'X', email: 'nobody' }, '/body/email', /format "email"/],
      [{ name: 'X', country: 'ZZ' }, '/body/country', /'ZZ' is not an ISO 3166-1/]
    ],
    filterEntries: [
      { name: 'Hosting GmbH', country: 'DE', subprocessorAuthorisation: 'specific' },
      { name: 'Analytics LLC', country: 'US', dpfCertified: false }
    ],
    filters: [
      ['country=US', ['Analytics LLC', 'Mailer Inc.']],
      ['dpfCertified=true', ['Mailer Inc.']],
      ['dpfCertified=false', ['Analytics LLC']],
      ['subprocessorAuthorisation=specific', ['Hosting GmbH']],
      ['q=newsletter', ['Mailer Inc.']]
    ]
  },
  {
    path: 'security-measures',
    entityType: 'security_measure',
    label: 'security measure',
    full: { name: 'Two-factor authentication', code: 'T.MFA', type: 'technical', description: 'On every system.', appliesToAllActivities: true },
    defaults: { code: null, type: 'technical', description: null, appliesToAllActivities: false },
    invalid: [
      [{ name: 'X', code: 'T.NOPE' }, '/body/code', /'T.NOPE' is not a code of the security measure vocabulary/],
      [{ name: 'X', code: 'mfa' }, '/body/code', /pattern/],
      [{ name: 'X', code: 'O.TRAINING', type: 'technical' }, '/body/type', /must be 'organisational', the type of the code O.TRAINING/],
      [{ name: 'X', type: 'physical' }, '/body/type', /must be one of: "technical", "organisational"/]
    ],
    filterEntries: [
      { name: 'Staff training', code: 'O.TRAINING' },
      { name: 'Locked server room', type: 'technical' }
    ],
    filters: [
      ['type=organisational', ['Staff training']],
      ['code=T.MFA', ['Two-factor authentication']],
      ['appliesToAllActivities=true', ['Two-factor authentication']],
      ['appliesToAllActivities=false&type=technical', ['Locked server room']],
      ['q=TRAIN', ['Staff training']]
    ]
  }
]

const auditOf = async (entityId: string) =>
  (await app.database.db.execute(sql`select actor, action, entity_type, snapshot from audit_events where entity_id = ${entityId} order by seq`)).rows as {
    actor: string
    action: string
    entity_type: string
    snapshot: Record<string, unknown>
  }[]

for (const resource of cases) {
  t.test(resource.path, async (t) => {
    const org = await createOrganisationViaApi(app)
    const other = await createOrganisationViaApi(app)
    const writer = await bearer({ sub: 'catalogue-writer', scopes: ['ropa:read', 'ropa:write'], orgs: [org.id] })
    const base = `/v1/organisations/${org.id}/${resource.path}`
    const create = (payload: Record<string, unknown>, headers = writer) => app.inject({ method: 'POST', url: base, headers, payload })

    // Every field, the key and owner too.
    const full = { ...resource.full, key: `${resource.path}-entry`, managedBy: 'repo:acme/privacy' }
    const created = await create(full)
    t.equal(created.statusCode, 201, 'create')
    const entry = created.json()
    t.equal(created.headers.location, `${base}/${entry.id}`)
    t.equal(created.headers.etag, '"1"')
    t.same(entry, {
      ...full,
      id: entry.id,
      version: 1,
      createdAt: entry.createdAt,
      updatedAt: entry.createdAt,
      createdBy: 'catalogue-writer',
      updatedBy: 'catalogue-writer'
    })
    const read = await app.inject({ url: `${base}/${entry.id}`, headers: writer })
    t.equal(read.statusCode, 200)
    t.equal(read.headers.etag, '"1"')
    t.same(read.json(), entry, 'a read returns exactly what the write stored')

    const minimal = await create({ name: `Minimal ${resource.label}` })
    t.equal(minimal.statusCode, 201)
    t.match(minimal.json(), { ...resource.defaults, name: `Minimal ${resource.label}` }, 'left-out fields take their defaults')

    await t.test('invalid input is refused, naming the field, and writes nothing', async (t) => {
      const before = (await auditOf(org.id)).length
      for (const [payload, path, message] of [
        ...resource.invalid,
        [{ name: 'X', colour: 'red' }, '/body/colour', /not a known property/] as const,
        [{ description: 'no name' }, '/body/name', /is required/] as const
      ]) {
        const res = await create(payload)
        t.equal(res.statusCode, 400, JSON.stringify(payload))
        t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
        t.match(res.json().errors, [{ path, message }], JSON.stringify(payload))
      }
      t.equal((await auditOf(org.id)).length, before)
      const names = (await app.inject({ url: `${base}?limit=200`, headers: writer })).json().items.map((e: { name: string }) => e.name)
      t.notOk(names.includes('X'), 'nothing half-written')
    })

    await t.test('names are unique in the organisation, regardless of case', async (t) => {
      const duplicate = await create({ name: String(resource.full.name).toUpperCase() })
      t.equal(duplicate.statusCode, 409)
      t.match(duplicate.json(), { code: 'ROPA_CONFLICT', errors: [{ path: '/body/name' }] })
      const rename = await app.inject({
        method: 'PATCH',
        url: `${base}/${minimal.json().id}`,
        headers: writer,
        payload: { name: ` ${resource.full.name}`.trim().toLowerCase() }
      })
      t.equal(rename.statusCode, 409)
      const elsewhere = await app.inject({
        method: 'POST',
        url: `/v1/organisations/${other.id}/${resource.path}`,
        headers: await bearer({ orgs: [other.id] }),
        payload: { name: resource.full.name }
      })
      t.equal(elsewhere.statusCode, 201, 'another organisation may use the same name')
    })

    await t.test('patch: fields replaced, If-Match honoured, rules applied to the result', async (t) => {
      const url = `${base}/${minimal.json().id}`
      const stale = await app.inject({ method: 'PATCH', url, headers: { ...writer, 'if-match': '"9"' }, payload: { description: 'Changed' } })
      t.equal(stale.statusCode, 412)
      const res = await app.inject({ method: 'PATCH', url, headers: { ...writer, 'if-match': '"1"' }, payload: { description: 'Changed' } })
      t.equal(res.statusCode, 200)
      t.equal(res.headers.etag, '"2"')
      t.match(res.json(), { ...resource.defaults, description: 'Changed', version: 2 })
      t.same((await app.inject({ url, headers: writer })).json(), res.json())
      const [badPayload, path] = resource.invalid[0]!
      const { name: _, ...invalidFields } = badPayload
      const bad = await app.inject({ method: 'PATCH', url, headers: writer, payload: invalidFields })
      t.equal(bad.statusCode, 400)
      t.match(bad.json().errors, [{ path }])
      t.equal((await app.inject({ method: 'PATCH', url, headers: writer, payload: {} })).statusCode, 400)
    })

    await t.test('list: filters, text search, pages with nothing repeated or missed', async (t) => {
      for (const extra of resource.filterEntries) t.equal((await create(extra)).statusCode, 201, `create ${String(extra.name)}`)
      for (const [query, expected] of resource.filters) {
        const res = await app.inject({ url: `${base}?${query}&limit=200`, headers: writer })
        t.equal(res.statusCode, 200, query)
        t.same(
          res
            .json()
            .items.map((e: { name: string }) => e.name)
            .filter((name: string) => !name.startsWith('Minimal')),
          expected,
          query
        )
      }
      const all = (await app.inject({ url: `${base}?limit=200`, headers: writer })).json().items.map((e: { id: string }) => e.id)
      const paged: string[] = []
      let cursor: string | null = null
      do {
        const res: Awaited<ReturnType<typeof app.inject>> = await app.inject({ url: `${base}?limit=2${cursor ? `&cursor=${cursor}` : ''}`, headers: writer })
        const page: { items: { id: string }[]; nextCursor: string | null } = res.json()
        paged.push(...page.items.map((e) => e.id))
        cursor = page.nextCursor
      } while (cursor)
      t.same(paged, all)
      t.ok(all.length >= 4)
      t.equal((await app.inject({ url: `${base}?unknown=1`, headers: writer })).statusCode, 400)
    })

    await t.test("another organisation's entries answer 404", async (t) => {
      const theirs = await app.inject({
        method: 'POST',
        url: `/v1/organisations/${other.id}/${resource.path}`,
        headers: await bearer({ orgs: [other.id] }),
        payload: { name: 'Theirs only' }
      })
      const theirId = theirs.json().id
      for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
        const res = await app.inject({
          method,
          url: `${base}/${theirId}`,
          headers: writer,
          ...(method === 'PATCH' ? { payload: { description: 'mine now' } } : {})
        })
        t.equal(res.statusCode, 404, method)
        t.match(res.json(), { code: 'ROPA_NOT_FOUND', detail: `There is no ${resource.label} ${theirId}.` })
      }
      const list = (await app.inject({ url: `${base}?limit=200`, headers: writer })).json().items
      t.notOk(list.some((e: { id: string }) => e.id === theirId))
    })

    await t.test('delete: 204, then 404; If-Match honoured', async (t) => {
      const url = `${base}/${minimal.json().id}`
      t.equal((await app.inject({ method: 'DELETE', url, headers: { ...writer, 'if-match': '"1"' } })).statusCode, 412)
      t.equal((await app.inject({ method: 'DELETE', url, headers: writer })).statusCode, 204)
      t.equal((await app.inject({ url, headers: writer })).statusCode, 404)
      t.equal((await app.inject({ method: 'DELETE', url, headers: writer })).statusCode, 404)
    })

    await t.test('every write left exactly one audit event with the actor and snapshot', async (t) => {
      const events = await auditOf(minimal.json().id)
      t.same(
        events.map((e) => [e.action, e.entity_type, e.actor]),
        [
          ['create', resource.entityType, 'catalogue-writer'],
          ['update', resource.entityType, 'catalogue-writer'],
          ['delete', resource.entityType, 'catalogue-writer']
        ]
      )
      t.same(events[0]!.snapshot, minimal.json())
      t.match(events[2]!.snapshot, { description: 'Changed', version: 2 })
      t.same(
        (await auditOf(entry.id)).map((e) => e.action),
        ['create']
      )
    })

    await t.test('scopes: reading needs ropa:read, writing ropa:write', async (t) => {
      const reader = await bearer({ scopes: ['ropa:read'], orgs: [org.id] })
      t.equal((await app.inject({ url: base, headers: reader })).statusCode, 200)
      t.equal((await create({ name: 'Read-only attempt' }, reader)).statusCode, 403)
      t.equal((await app.inject({ url: base, headers: await bearer({ scopes: ['ropa:write'], orgs: [org.id] }) })).statusCode, 403)
    })
  })
}

import { randomUUID } from 'node:crypto'
import t from 'tap'
import { type Bundle, loadBundle, readExampleBundle } from '../../src/example/bundle.ts'
import { type ActivityFields, type ActivityInput, activityDefaults, normaliseActivity } from '../../src/modules/activities/activities.schemas.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)
const platform = await bearer({ sub: 'loader' })
const bundle: Bundle = readExampleBundle()

// Load the example organisation through the API, keeping what was written for each activity.
const written = new Map<string, Json>()
const loaded = await loadBundle(async (method, url, payload) => {
  const res = await app.inject({ method, url, headers: platform, payload })
  if (url.endsWith('/activities') && res.statusCode === 201) written.set(res.json().id, payload)
  return { status: res.statusCode, body: res.json() }
}, bundle)
const orgId = loaded.organisationId
const base = `/v1/organisations/${orgId}`
const headers = await bearer({ sub: 'recorder', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
const idOf = (list: string, key: string) => loaded.ids.get(`${list}:${key}`)!
const get = (url: string) => app.inject({ url, headers })
const names = async (query: string) => (await get(`${base}/activities?limit=200&${query}`)).json().items.map((a: { name: string }) => a.name)
const sorted = (list: string[]) => [...list].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0))

t.test('the example bundle round-trips: every field of every activity reads back as written', async (t) => {
  t.equal(written.size, bundle.activities.length)
  for (const [id, payload] of written) {
    const res = await get(`${base}/activities/${id}`)
    t.equal(res.statusCode, 200)
    t.equal(res.headers.etag, '"1"')
    const read = res.json()
    // Nested entries read back with the fields added since the bundle was written, at their defaults: as a write fills them.
    const filled = normaliseActivity({ ...activityDefaults, ...payload } as ActivityInput)
    for (const field of Object.keys(payload)) t.same(read[field], filled[field as keyof ActivityFields], `${String(payload.name)}: ${field}`)
    t.match(read, { id, version: 1, createdBy: 'loader', updatedBy: 'loader' })
  }
})

const fullActivity = (): Json => ({
  name: 'Payroll',
  description: 'Monthly salaries and statutory reporting.',
  owner: 'Finance',
  status: 'active',
  role: 'joint_controller',
  purposes: [
    {
      description: 'Pay salaries',
      legalBasis: '6.1.b',
      legalReference: null,
      legitimateInterest: null,
      liaReference: null,
      consent: null,
      directMarketing: false,
      objectionMechanism: null,
      informationSocietyService: false,
      publicAuthorityTask: null
    },
    {
      description: 'Report to the tax authorities',
      legalBasis: '6.1.c',
      legalReference: 'skatteforvaltningsloven § 7-2',
      legitimateInterest: null,
      liaReference: null,
      consent: null,
      directMarketing: false,
      objectionMechanism: null,
      informationSocietyService: false,
      publicAuthorityTask: null
    },
    {
      description: 'Staff newsletter',
      legalBasis: '6.1.a',
      legalReference: null,
      legitimateInterest: null,
      liaReference: null,
      consent: {
        mechanism: 'Opt-in box',
        recordReference: 'crm/consents',
        withdrawalMechanism: 'Unsubscribe link',
        ageThreshold: null,
        parentalConsentVerification: null
      },
      directMarketing: true,
      objectionMechanism: null,
      informationSocietyService: false,
      publicAuthorityTask: true
    }
  ],
  dataSubjectCategoryIds: [idOf('dataSubjectCategories', 'employees')],
  dataCategoryIds: [idOf('dataCategories', 'contact-details'), idOf('dataCategories', 'workplace-adaptation')],
  recipientIds: [idOf('recipients', 'public-authorities')],
  noRecipients: false,
  processorIds: [idOf('processors', 'accounting-provider')],
  securityMeasureIds: [idOf('securityMeasures', 'two-factor')],
  specialCategoryConditions: [
    { condition: '9.2.b', reference: 'arbeidsmiljøloven § 5-1', consent: null },
    {
      condition: '9.2.a',
      reference: null,
      consent: {
        mechanism: 'Signed form',
        recordReference: 'hr/consents',
        withdrawalMechanism: 'Email HR',
        ageThreshold: null,
        parentalConsentVerification: null
      }
    }
  ],
  criminalDataReference: 'politiregisterloven § 39',
  jointControllers: [{ name: 'Group HR AS', contact: 'hr@group.example', arrangementReference: 'contracts/joint-hr.pdf' }],
  controllers: [],
  transfers: [
    {
      country: 'US',
      internationalOrganisation: null,
      importer: 'Payroll SaaS Inc.',
      importerRole: 'processor',
      dpfCertified: false,
      dpfCheckedAt: '2026-01-05',
      processorId: idOf('processors', 'accounting-provider'),
      mechanism: '46.2.c',
      sccModule: 2,
      safeguardReference: 'SCC 2021/914 module 2',
      tiaReference: 'tia/payroll.pdf',
      derogation: null,
      consent: null
    },
    {
      country: 'IN',
      internationalOrganisation: null,
      importer: 'Consultant',
      importerRole: 'controller',
      dpfCertified: null,
      dpfCheckedAt: null,
      processorId: null,
      mechanism: '49.1.sub2',
      sccModule: null,
      safeguardReference: null,
      tiaReference: null,
      derogation: {
        compellingInterest: 'One-off audit',
        assessmentReference: 'assessments/2025-01',
        safeguards: 'Pseudonymised extract',
        supervisoryAuthorityNotifiedAt: '2025-01-15'
      },
      consent: null
    }
  ],
  retention: [
    {
      dataCategoryIds: [idOf('dataCategories', 'contact-details')],
      period: 'P5Y',
      kind: 'statutory_minimum',
      trigger: 'End of the financial year',
      description: 'Accounting material',
      legalReference: 'bokføringsloven § 13'
    },
    { dataCategoryIds: [], period: 'P6M', kind: null, trigger: null, description: null, legalReference: null }
  ],
  dpia: {
    status: 'completed',
    reference: 'dpia/payroll.pdf',
    completedAt: '2024-11-30',
    notRequiredReason: null,
    criteria: ['sensitive_data', 'vulnerable_data_subjects']
  },
  automatedDecisionMaking: true,
  automatedDecisions: [
    {
      description: 'Salary advance limit',
      legalOrSimilarEffect: true,
      exception: '22.2.a',
      lawReference: null,
      consent: null,
      safeguards: ['human_intervention', 'express_point_of_view', 'contest_decision'],
      specialCategories: false,
      logicInformation: 'intranet/payroll-privacy#advances'
    }
  ],
  profiling: false,
  dataSources: ['data_subject', 'third_party'],
  systems: ['Payroll system', 'Email'],
  lastReviewedAt: '2025-06-01',
  reviewIntervalMonths: 6,
  key: 'payroll-and-reporting',
  managedBy: 'repo:acme/hr',
  recordExemptionClaimed: false,
  occasional: true
})

t.test('create with every field: 201, Location, ETag, and a read returns exactly what was stored', async (t) => {
  const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: fullActivity() })
  t.equal(res.statusCode, 201)
  const created = res.json()
  t.equal(res.headers.location, `${base}/activities/${created.id}`)
  t.equal(res.headers.etag, '"1"')
  t.same(created, {
    ...fullActivity(),
    nextReviewDue: '2025-12-01',
    id: created.id,
    version: 1,
    createdAt: created.createdAt,
    updatedAt: created.createdAt,
    createdBy: 'recorder',
    updatedBy: 'recorder'
  })
  t.same((await get(`${base}/activities/${created.id}`)).json(), created)
})

t.test('create with only a name: every other field takes its default, nested objects are filled', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers,
    payload: {
      name: 'Draft idea',
      purposes: [{ description: 'Something' }, { description: 'With consent', legalBasis: '6.1.a', consent: {} }],
      transfers: [{}],
      retention: [{ period: 'P1Y' }],
      dpia: { criteria: ['large_scale'] }
    }
  })
  t.equal(res.statusCode, 201, 'an incomplete draft is accepted; the findings report the gaps')
  t.match(res.json(), {
    description: null,
    owner: null,
    status: 'draft',
    role: 'controller',
    purposes: [
      { description: 'Something', legalBasis: null, legalReference: null, legitimateInterest: null, liaReference: null, consent: null, directMarketing: false },
      { description: 'With consent', legalBasis: '6.1.a', consent: { mechanism: null, recordReference: null, withdrawalMechanism: null } }
    ],
    dataCategoryIds: [],
    transfers: [
      {
        country: null,
        internationalOrganisation: null,
        importer: null,
        importerRole: null,
        dpfCertified: null,
        dpfCheckedAt: null,
        processorId: null,
        mechanism: null,
        sccModule: null,
        safeguardReference: null,
        tiaReference: null,
        derogation: null
      }
    ],
    retention: [{ dataCategoryIds: [], period: 'P1Y', trigger: null, description: null, legalReference: null }],
    dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: ['large_scale'] },
    automatedDecisionMaking: false,
    dataSources: [],
    systems: [],
    lastReviewedAt: null
  })
})

t.test('malformed input answers 400 naming each field, and writes nothing', async (t) => {
  const before = (await names('')).length
  const cases: [Json, string, RegExp][] = [
    [{ purposes: [{ description: 'x', legalBasis: '6.1.g' }] }, '/body/purposes/0/legalBasis', /must be one of/],
    [{ purposes: [{ description: 'x', extra: true }] }, '/body/purposes/0/extra', /not a known property/],
    [{ purposes: [{ legalBasis: '6.1.a' }] }, '/body/purposes/0/description', /is required/],
    [{ purposes: [{ description: 'x', consent: { withdrawal: 'x' } }] }, '/body/purposes/0/consent/withdrawal', /not a known property/],
    [{ specialCategoryConditions: [{ condition: '9.3.a' }] }, '/body/specialCategoryConditions/0/condition', /must be one of/],
    [{ transfers: [{ mechanism: '46.9' }] }, '/body/transfers/0/mechanism', /must be one of/],
    [{ transfers: [{ country: 'XX' }] }, '/body/transfers/0/country', /'XX' is not an ISO 3166-1 alpha-2 country code/],
    [{ transfers: [{ country: 'us' }] }, '/body/transfers/0/country', /in upper case; for 'us' use 'US'/],
    [{ transfers: [{ mechanism: '45', sccModule: 2 }] }, '/body/transfers/0/sccModule', /applies only to mechanism 46.2.c/],
    [{ transfers: [{ mechanism: '46.2.c', sccModule: 5 }] }, '/body/transfers/0/sccModule', /must be <= 4/],
    [{ transfers: [{ mechanism: '49.1.a', derogation: {} }] }, '/body/transfers/0/derogation', /applies only to mechanism 49.1.sub2/],
    [
      { transfers: [{ mechanism: '49.1.sub2', derogation: { supervisoryAuthorityNotifiedAt: '15.01.2025' } }] },
      '/body/transfers/0/derogation/supervisoryAuthorityNotifiedAt',
      /must be a date YYYY-MM-DD such as 2026-01-31/
    ],
    [{ retention: [{ period: '5 years' }] }, '/body/retention/0/period', /'5 years' is not an ISO 8601 duration: write P6M/],
    [{ retention: [{ period: 'P' }] }, '/body/retention/0/period', /'P' is not an ISO 8601 duration/],
    [{ retention: [{ period: 'PT' }] }, '/body/retention/0/period', /'PT' is not an ISO 8601 duration/],
    [{ lastReviewedAt: '2024-13-01' }, '/body/lastReviewedAt', /must be a date YYYY-MM-DD such as 2026-01-31/],
    [{ status: 'archived' }, '/body/status', /must be one of: "draft", "active", "retired"/],
    [{ role: 'owner' }, '/body/role', /must be one of/],
    [{ dataSources: ['internet'] }, '/body/dataSources/0', /must be one of/],
    [{ dpia: { status: 'done' } }, '/body/dpia/status', /must be one of/],
    [{ dpia: { criteria: ['cross_border_transfers'] } }, '/body/dpia/criteria/0', /must be one of/],
    [{ dataCategoryIds: [idOf('dataCategories', 'contact-details'), idOf('dataCategories', 'contact-details')] }, '/body/dataCategoryIds', /duplicate/],
    [{ dataCategoryIds: ['not-an-id'] }, '/body/dataCategoryIds/0', /format "uuid"/],
    [{ automatedDecisionMaking: 'no' }, '/body/automatedDecisionMaking', /boolean/],
    [{ createdBy: 'mallory' }, '/body/createdBy', /not a known property/]
  ]
  for (const [fields, path, message] of cases) {
    const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Invalid', ...fields } })
    t.equal(res.statusCode, 400, JSON.stringify(fields))
    t.match(res.json().errors, [{ path, message }], JSON.stringify(fields))
  }
  t.equal((await names('')).length, before)
})

t.test('ids that do not exist in this organisation answer 422 naming each path', async (t) => {
  const other = await createOrganisationViaApi(app)
  const theirCategory = (
    await app.inject({ method: 'POST', url: `/v1/organisations/${other.id}/data-categories`, headers: platform, payload: { name: 'Theirs' } })
  ).json().id
  const missing = randomUUID()
  const recipientAsProcessor = idOf('recipients', 'processors')
  const res = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers,
    payload: {
      name: 'Broken links',
      dataCategoryIds: [idOf('dataCategories', 'contact-details'), theirCategory],
      processorIds: [recipientAsProcessor],
      transfers: [{ country: 'US', processorId: missing }],
      retention: [{ dataCategoryIds: [missing] }]
    }
  })
  t.equal(res.statusCode, 422)
  t.same(res.json().errors, [
    { path: '/body/dataCategoryIds/1', message: `there is no data category ${theirCategory} in this organisation` },
    { path: '/body/processorIds/0', message: `there is no processor ${recipientAsProcessor} in this organisation` },
    { path: '/body/transfers/0/processorId', message: `there is no processor ${missing} in this organisation` },
    { path: '/body/retention/0/dataCategoryIds/0', message: `there is no data category ${missing} in this organisation` }
  ])
  t.same(await names('q=Broken'), [], 'nothing was written')
})

t.test('patch replaces lists whole, honours If-Match, keeps links in step, audits each change', async (t) => {
  const created = (
    await app.inject({
      method: 'POST',
      url: `${base}/activities`,
      headers,
      payload: { name: 'Patch me', dataCategoryIds: [idOf('dataCategories', 'contact-details')] }
    })
  ).json()
  const url = `${base}/activities/${created.id}`
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...headers, 'if-match': '"2"' }, payload: { status: 'active' } })).statusCode, 412)
  const res = await app.inject({
    method: 'PATCH',
    url,
    headers: { ...headers, 'if-match': '"1"' },
    payload: { dataCategoryIds: [idOf('dataCategories', 'workplace-adaptation')], purposes: [{ description: 'New purpose', legalBasis: '6.1.f' }] }
  })
  t.equal(res.statusCode, 200)
  t.equal(res.headers.etag, '"2"')
  t.match(res.json(), {
    name: 'Patch me',
    version: 2,
    dataCategoryIds: [idOf('dataCategories', 'workplace-adaptation')],
    purposes: [{ description: 'New purpose', legalBasis: '6.1.f', consent: null }]
  })
  t.same(await names(`dataCategoryId=${idOf('dataCategories', 'contact-details')}&q=Patch`), [], 'the old link is gone')
  t.same(await names(`dataCategoryId=${idOf('dataCategories', 'workplace-adaptation')}&q=Patch`), ['Patch me'], 'the new one is there')
  const bad = await app.inject({ method: 'PATCH', url, headers, payload: { transfers: [{ mechanism: '45', sccModule: 1 }] } })
  t.equal(bad.statusCode, 400)
  const broken = await app.inject({ method: 'PATCH', url, headers, payload: { recipientIds: [randomUUID()] } })
  t.equal(broken.statusCode, 422)
  t.equal((await app.inject({ method: 'PATCH', url, headers, payload: {} })).statusCode, 400)
  const feed = (await app.inject({ url: `${base}/audit-events?entityId=${created.id}`, headers })).json().items
  t.same(
    feed.map((e: { action: string; actor: string }) => [e.action, e.actor]),
    [
      ['update', 'recorder'],
      ['create', 'recorder']
    ]
  )
  t.same(feed[0].snapshot, res.json())
})

t.test('delete: 204, then 404; If-Match honoured', async (t) => {
  const created = (
    await app.inject({
      method: 'POST',
      url: `${base}/activities`,
      headers,
      payload: { name: 'Short-lived', dataCategoryIds: [idOf('dataCategories', 'contact-details')] }
    })
  ).json()
  const url = `${base}/activities/${created.id}`
  t.equal((await app.inject({ method: 'DELETE', url, headers: { ...headers, 'if-match': '"3"' } })).statusCode, 412)
  t.equal((await app.inject({ method: 'DELETE', url, headers })).statusCode, 204)
  t.equal((await get(url)).statusCode, 404)
  t.equal((await app.inject({ method: 'DELETE', url, headers })).statusCode, 404)
  const feed = (await app.inject({ url: `${base}/audit-events?entityId=${created.id}`, headers })).json().items
  t.same(
    feed.map((e: { action: string }) => e.action),
    ['delete', 'create']
  )
})

t.test("another organisation's activities answer 404", async (t) => {
  const other = await createOrganisationViaApi(app)
  const theirs = (
    await app.inject({ method: 'POST', url: `/v1/organisations/${other.id}/activities`, headers: platform, payload: { name: 'Their secret processing' } })
  ).json()
  for (const method of ['GET', 'PATCH', 'DELETE'] as const) {
    const res = await app.inject({ method, url: `${base}/activities/${theirs.id}`, headers, ...(method === 'PATCH' ? { payload: { name: 'Mine' } } : {}) })
    t.equal(res.statusCode, 404, method)
    t.match(res.json(), { code: 'ROPA_NOT_FOUND', detail: `There is no activity ${theirs.id}.` })
  }
  t.equal((await app.inject({ url: `/v1/organisations/${other.id}/activities`, headers })).statusCode, 404, "the other organisation's list too")
  t.notOk((await names('q=secret')).length)
})

t.test('a catalogue entry an activity links to cannot be deleted: 409 names the activities', async (t) => {
  const category = (await app.inject({ method: 'POST', url: `${base}/data-categories`, headers, payload: { name: 'Only in retention' } })).json()
  const processor = (await app.inject({ method: 'POST', url: `${base}/processors`, headers, payload: { name: 'Only as importer' } })).json()
  const activity = (
    await app.inject({
      method: 'POST',
      url: `${base}/activities`,
      headers,
      payload: {
        name: 'Holds links',
        retention: [{ dataCategoryIds: [category.id], period: 'P1Y' }],
        transfers: [{ country: 'CH', processorId: processor.id, mechanism: '45' }]
      }
    })
  ).json()
  for (const [path, id] of [
    ['data-categories', category.id],
    ['processors', processor.id]
  ]) {
    const res = await app.inject({ method: 'DELETE', url: `${base}/${path}/${id}`, headers })
    t.equal(res.statusCode, 409, path)
    t.same(res.json().references, [{ entityType: 'activity', id: activity.id, name: 'Holds links' }])
  }
  const used = await app.inject({ method: 'DELETE', url: `${base}/data-subject-categories/${idOf('dataSubjectCategories', 'employees')}`, headers })
  t.equal(used.statusCode, 409)
  t.ok(used.json().references.length >= 2, 'every activity linking to it is named')
  await app.inject({ method: 'PATCH', url: `${base}/activities/${activity.id}`, headers, payload: { retention: [], transfers: [] } })
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/data-categories/${category.id}`, headers })).statusCode, 204)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/processors/${processor.id}`, headers })).statusCode, 204)
})

t.test('filters, alone and combined, match the example data', async (t) => {
  const example = bundle.activities
  const where = (predicate: (a: Json) => boolean) => sorted(example.filter(predicate).map((a) => a.name as string))
  const purposes = (a: Json) => a.purposes as Json[]
  const keysOf = (a: Json, field: string) => (a[field] as string[] | undefined) ?? []
  const specialKeys = new Set(bundle.dataCategories.filter((c) => c.specialCategory).map((c) => c.key))
  const scope = 'q=' // every query below is limited to the example's activities by its names
  const onlyExample = (list: string[]) => list.filter((name) => example.some((a) => a.name === name))
  const check = async (query: string, expected: string[]) => t.same(onlyExample(await names(`${scope}&${query}`.replace('q=&', ''))), expected, query)

  await check(
    'status=active',
    where((a) => a.status === 'active')
  )
  await check(
    'role=controller',
    where((a) => a.role === 'controller')
  )
  await check(
    'legalBasis=6.1.a',
    where((a) => purposes(a).some((p) => p.legalBasis === '6.1.a'))
  )
  await check(
    'legalBasis=6.1.c',
    where((a) => purposes(a).some((p) => p.legalBasis === '6.1.c'))
  )
  await check(
    `dataCategoryId=${idOf('dataCategories', 'contact-details')}`,
    where(
      (a) =>
        keysOf(a, 'dataCategoryKeys').includes('contact-details') ||
        (a.retention as Json[]).some((r) => keysOf(r, 'dataCategoryKeys').includes('contact-details'))
    )
  )
  await check(
    `dataSubjectCategoryId=${idOf('dataSubjectCategories', 'employees')}`,
    where((a) => keysOf(a, 'dataSubjectCategoryKeys').includes('employees'))
  )
  await check(
    `processorId=${idOf('processors', 'google-ireland')}`,
    where((a) => keysOf(a, 'processorKeys').includes('google-ireland') || (a.transfers as Json[]).some((tr) => tr.processorKey === 'google-ireland'))
  )
  await check(
    'country=US',
    where((a) => (a.transfers as Json[]).some((tr) => tr.country === 'US'))
  )
  await check(
    'specialCategory=true',
    where(
      (a) =>
        keysOf(a, 'dataCategoryKeys').some((key) => specialKeys.has(key)) ||
        (a.retention as Json[]).some((r) => keysOf(r, 'dataCategoryKeys').some((key) => specialKeys.has(key)))
    )
  )
  await check(
    'specialCategory=false&status=active',
    where(
      (a) =>
        a.status === 'active' &&
        !keysOf(a, 'dataCategoryKeys').some((key) => specialKeys.has(key)) &&
        !(a.retention as Json[]).some((r) => keysOf(r, 'dataCategoryKeys').some((key) => specialKeys.has(key)))
    )
  )
  await check(
    'q=NEWSLETTER',
    where((a) =>
      [a.name, a.description, ...purposes(a).map((p) => p.description)].some((text) =>
        String(text ?? '')
          .toLowerCase()
          .includes('newsletter')
      )
    )
  )
  await check(
    `legalBasis=6.1.f&dataSubjectCategoryId=${idOf('dataSubjectCategories', 'employees')}`,
    where((a) => purposes(a).some((p) => p.legalBasis === '6.1.f') && keysOf(a, 'dataSubjectCategoryKeys').includes('employees'))
  )
  t.same(await names('updatedSince=2999-01-01T00:00:00Z'), [])
  t.ok((await names(`updatedSince=${encodeURIComponent(new Date(Date.now() - 3_600_000).toISOString())}`)).length >= example.length)
  for (const query of ['status=gone', 'legalBasis=9.2.a', 'country=usa', 'updatedSince=yesterday', 'specialCategory=maybe', 'dataCategoryId=1']) {
    t.equal((await get(`${base}/activities?${query}`)).statusCode, 400, query)
  }
})

t.test('pages through the activities with none repeated or missed', async (t) => {
  const all = (await get(`${base}/activities?limit=200`)).json().items.map((a: { id: string }) => a.id)
  const paged: string[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await get(`${base}/activities?limit=4${cursor ? `&cursor=${cursor}` : ''}`)
    const page: { items: { id: string }[]; nextCursor: string | null } = res.json()
    paged.push(...page.items.map((a) => a.id))
    cursor = page.nextCursor
  } while (cursor)
  t.same(paged, all)
  t.ok(all.length > 8)
})

t.test('the transfers view lists every transfer with its activity', async (t) => {
  const exampleNames = new Set(bundle.activities.map((a) => a.name))
  const fromExample = (rows: { activityName: string }[]) => rows.filter((row) => exampleNames.has(row.activityName))
  const expectedCount = bundle.activities.reduce((n, a) => n + (a.transfers as Json[]).length, 0)
  const all = (await get(`${base}/transfers?limit=200&status=active`)).json().items
  t.equal(fromExample(all).length, expectedCount)
  t.equal(all.length, expectedCount + 2, 'and the two transfers of the Payroll activity made above')
  const us = (await get(`${base}/transfers?country=US`)).json()
  t.match(fromExample(us.items), [
    {
      activityName: 'Website, cookies and analytics',
      activityStatus: 'active',
      country: 'US',
      importer: 'Google LLC',
      mechanism: '45',
      processorId: idOf('processors', 'google-ireland')
    }
  ])
  t.ok(us.items.every((row: { country: string }) => row.country === 'US'))
  t.same(fromExample((await get(`${base}/transfers?mechanism=45&country=US`)).json().items).length, 1)
  t.same(
    (await get(`${base}/transfers?mechanism=46.2.c`)).json().items.map((row: { activityName: string; sccModule: number }) => [row.activityName, row.sccModule]),
    [['Payroll', 2]]
  )
  t.equal((await get(`${base}/transfers?mechanism=47`)).json().items.length, 0)
  const paged: string[] = []
  let cursor: string | null = null
  do {
    const res: Awaited<ReturnType<typeof app.inject>> = await get(`${base}/transfers?limit=3&status=active${cursor ? `&cursor=${cursor}` : ''}`)
    const page: { items: { activityId: string; index: number }[]; nextCursor: string | null } = res.json()
    paged.push(...page.items.map((row) => `${row.activityId}:${row.index}`))
    cursor = page.nextCursor
  } while (cursor)
  t.same(
    paged,
    all.map((row: { activityId: string; index: number }) => `${row.activityId}:${row.index}`)
  )
  t.equal((await get(`${base}/transfers?mechanism=99`)).statusCode, 400)
})

t.test('the SQL statements of a create, a read and a list page do not grow with the size of the activity', async (t) => {
  const categories = [...loaded.ids].filter(([key]) => key.startsWith('dataCategories:')).map(([, id]) => id)
  const small = {
    name: 'Small',
    purposes: [{ description: 'One', legalBasis: '6.1.b' }],
    dataCategoryIds: [categories[0]],
    transfers: [{ country: 'US', mechanism: '46.2.c', sccModule: 2 }]
  }
  const large = {
    name: 'Large',
    purposes: Array.from({ length: 20 }, (_, i) => ({ description: `Purpose ${i}`, legalBasis: '6.1.f', legitimateInterest: 'x' })),
    dataCategoryIds: categories,
    dataSubjectCategoryIds: [...loaded.ids].filter(([key]) => key.startsWith('dataSubjectCategories:')).map(([, id]) => id),
    transfers: Array.from({ length: 10 }, () => ({ country: 'US', mechanism: '46.2.c', sccModule: 2, processorId: idOf('processors', 'google-ireland') })),
    retention: categories.map((id) => ({ dataCategoryIds: [id], period: 'P1Y' }))
  }
  const cost = async (request: () => Promise<{ statusCode: number }>) => {
    const before = app.database.statements.count
    const res = await request()
    t.ok(res.statusCode < 300, `status ${res.statusCode}`)
    return app.database.statements.count - before
  }
  const create = (payload: Json) => () => app.inject({ method: 'POST', url: `${base}/activities`, headers, payload })
  const smallCreate = await cost(create(small))
  const largeCreate = await cost(create(large))
  t.equal(largeCreate, smallCreate, `a create costs ${smallCreate} statements, whatever its size`)
  t.ok(smallCreate <= 8, `${smallCreate} statements (two of them find the free key for the name)`)
  const ids = (await get(`${base}/activities?q=Small`))
    .json()
    .items.concat((await get(`${base}/activities?q=Large`)).json().items)
    .map((a: { id: string }) => a.id)
  const readSmall = await cost(() => get(`${base}/activities/${ids[0]}`))
  const readLarge = await cost(() => get(`${base}/activities/${ids[1]}`))
  t.equal(readLarge, readSmall)
  t.equal(readSmall, 1, 'a read is one statement')
  const pageOfTwo = await cost(() => get(`${base}/activities?limit=2`))
  const pageOfAll = await cost(() => get(`${base}/activities?limit=200`))
  t.equal(pageOfAll, pageOfTwo)
  t.equal(pageOfTwo, 1, 'a list page is one statement')
  const patchSmall = await cost(() => app.inject({ method: 'PATCH', url: `${base}/activities/${ids[0]}`, headers, payload: { purposes: small.purposes } }))
  const patchLarge = await cost(() =>
    app.inject({ method: 'PATCH', url: `${base}/activities/${ids[1]}`, headers, payload: { purposes: large.purposes, transfers: large.transfers } })
  )
  t.equal(patchLarge, patchSmall)
})

t.test('a list page and a read (written by the database) hold each activity exactly as the object path answers it', async (t) => {
  const created = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers,
    payload: { ...fullActivity(), key: 'listed-like-read', name: 'Listed like read' }
  })
  t.equal(created.statusCode, 201)
  const res = await get(`${base}/activities?limit=200`)
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const { items, nextCursor } = res.json() as { items: Json[]; nextCursor: string | null }
  t.equal(nextCursor, null)
  t.ok(items.length > bundle.activities.length, `${items.length} activities`)
  const listed = items.find((item) => item.id === created.json().id)
  // The create's answer is serialised from objects by the response schema: the same document.
  t.strictSame(listed, created.json(), 'the created activity, listed, is what its create answered')
  t.same(Object.keys(listed ?? {}), Object.keys(created.json()), 'in the same order')
  for (const item of items) {
    const read = (await get(`${base}/activities/${String(item.id)}`)).json() as Json
    t.strictSame(item, read, `${String(read.name)}: the same values`)
    t.same(Object.keys(item), Object.keys(read), 'in the same order')
    // A read with asOf comes from the audit snapshot, serialised from objects.
    const asOf = (await get(`${base}/activities/${String(item.id)}?asOf=${encodeURIComponent(new Date().toISOString())}`)).json() as Json
    t.strictSame(read, asOf, `${String(read.name)}: as the object path answers it`)
  }
  const second = await get(`${base}/activities?limit=1&cursor=${encodeURIComponent((await get(`${base}/activities?limit=1`)).json().nextCursor)}`)
  t.equal(second.json().items[0].id, items[1]!.id, 'the cursor of a page leads to the next activity')
})

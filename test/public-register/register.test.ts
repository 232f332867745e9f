import { readFileSync } from 'node:fs'
import t from 'tap'
import { Value } from 'typebox/value'
import { codeLabels } from '../../src/documents/labels/index.ts'
import { escapeHtml as escaped } from '../../src/documents/render-html.ts'
import { type Bundle, parseBundle, readExampleBundle } from '../../src/example/bundle.ts'
import { PublicRegisterSchema } from '../../src/modules/public-register/public-register.schemas.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
type Entry = Json & { key: string; name: string }

const app = await buildTestApp(t)
const admin = await bearer({ sub: 'platform', scopes: ['ropa:platform', 'ropa:admin', 'ropa:read', 'ropa:write'] })

const HOSTILE = '<script>alert("x")</script> Newsletter & "friends"'

/** The example with a distinctive string in every field the register must not show, and a hostile name. */
function planted(source: Bundle): Bundle {
  const bundle = structuredClone(source) as unknown as Record<string, Entry[]> & { organisation: Json }
  for (const recipient of bundle.recipients!) recipient.description = `LEAK-RECIPIENT-NOTE-${recipient.key}`
  for (const category of bundle.dataCategories!) category.description = `LEAK-CATEGORY-NOTE-${category.key}`
  for (const subjects of bundle.dataSubjectCategories!) subjects.description = `LEAK-SUBJECTS-NOTE-${subjects.key}`
  for (const processor of bundle.processors!) processor.name = `LEAK-PROCESSOR-${processor.key}`
  for (const activity of bundle.activities!) {
    activity.owner = `LEAK-OWNER-${activity.key}`
    activity.description = `LEAK-DESCRIPTION-${activity.key}`
    activity.systems = [`LEAK-SYSTEM-${activity.key}`]
    for (const purpose of activity.purposes as Json[]) if (purpose.legalBasis === '6.1.f') purpose.liaReference = 'LEAK-LIA'
    for (const transfer of (activity.transfers ?? []) as Json[])
      Object.assign(transfer, { importer: 'LEAK-IMPORTER', tiaReference: 'LEAK-TIA', safeguardReference: 'LEAK-SAFEGUARD' })
    if (activity.key === 'newsletter') activity.name = HOSTILE
  }
  const hidden = (key: string, status: string) => ({
    key,
    name: `LEAK-${status.toUpperCase()}-ACTIVITY`,
    status,
    purposes: [{ description: `LEAK-${status.toUpperCase()}-PURPOSE`, legalBasis: '6.1.b' }]
  })
  bundle.activities!.push(hidden('leak-draft', 'draft') as Entry, hidden('leak-retired', 'retired') as Entry)
  return bundle as unknown as Bundle
}

const bundle = planted(readExampleBundle())
const loaded = await loadBundleViaApi(app, bundle)
const orgId = loaded.organisationId
const hardCases = parseBundle(readFileSync(new URL('../fixtures/organisations/hard-cases.json', import.meta.url), 'utf8'))
const hardLoaded = await loadBundleViaApi(app, hardCases)

const patchOrganisation = (id: string, payload: Json) => app.inject({ method: 'PATCH', url: `/v1/organisations/${id}`, headers: admin, payload })
const register = (slug: string, headers: Record<string, string> = {}, query = '') => app.inject({ url: `/public/${slug}/register${query}`, headers })

t.test('a register is off until enabled, and needs a slug', async (t) => {
  t.equal((await register('example-consulting')).statusCode, 404, 'no organisation has the slug yet')
  const noSlug = await patchOrganisation(orgId, { publicRegister: true })
  t.equal(noSlug.statusCode, 422)
  t.match(noSlug.json(), { type: '/problems/unprocessable', errors: [{ path: '/body/slug' }] })
  const created = await app.inject({
    method: 'POST',
    url: '/v1/organisations',
    headers: admin,
    payload: { name: 'No slug', country: 'NO', publicRegister: true }
  })
  t.equal(created.statusCode, 422, 'also on create')
  t.match(created.json(), { errors: [{ path: '/body/slug' }] })
  for (const slug of ['Example', 'two--hyphens', '-leading', 'trailing-', 'a b', 'x'.repeat(61), '']) {
    const bad = await patchOrganisation(orgId, { slug })
    t.equal(bad.statusCode, 400, `'${slug.slice(0, 10)}' is not a slug`)
    t.match(bad.json(), { errors: [{ path: '/body/slug' }] })
  }
  const slugOnly = await patchOrganisation(orgId, { slug: 'example-consulting' })
  t.equal(slugOnly.statusCode, 200)
  t.match(slugOnly.json(), { slug: 'example-consulting', publicRegister: false })
  const off = await register('example-consulting')
  const unknown = await register('no-such-organisation')
  t.equal(off.statusCode, 404, 'a slug without a register reads as absent')
  t.same({ ...off.json(), detail: '', instance: '', requestId: '' }, { ...unknown.json(), detail: '', instance: '', requestId: '' }, 'as an unknown slug does')

  const enabled = await patchOrganisation(orgId, { publicRegister: true })
  t.equal(enabled.statusCode, 200)
  t.match(enabled.json(), { slug: 'example-consulting', publicRegister: true })
  t.match((await app.inject({ url: `/v1/organisations/${orgId}`, headers: admin })).json(), { slug: 'example-consulting', publicRegister: true })
})

t.test('a slug is unique among organisations (409 naming it)', async (t) => {
  const taken = await patchOrganisation(hardLoaded.organisationId, { slug: 'example-consulting' })
  t.equal(taken.statusCode, 409)
  t.match(taken.json(), { type: '/problems/conflict', errors: [{ path: '/body/slug' }] })
  const created = await createOrganisationViaApi(app, { slug: 'fresh-slug' })
  t.equal(created.slug, 'fresh-slug')
  const duplicate = await app.inject({ method: 'POST', url: '/v1/organisations', headers: admin, payload: { name: 'Twin', country: 'NO', slug: 'fresh-slug' } })
  t.equal(duplicate.statusCode, 409)
  t.match(duplicate.json(), { errors: [{ path: '/body/slug' }] })
})

const byName = (entries: readonly Entry[] | undefined) => new Map((entries ?? []).map((entry) => [entry.key, entry]))
const names = (entries: Map<string, Entry>, keys: unknown) => ((keys ?? []) as string[]).map((key) => entries.get(key)!.name).sort()

t.test('JSON: every active activity with its purposes, bases, categories, recipients, transfers and retention', async (t) => {
  const res = await register('example-consulting')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-type'], /^application\/json/)
  const body = res.json()
  t.ok(Value.Check(PublicRegisterSchema, body), 'matches the documented schema')
  t.match(body.controller, { name: 'Example Consulting AS', registrationNumber: '923456783', country: { code: 'NO' }, dpo: { name: 'Kari Nordmann' } })
  const catalogue = bundle as unknown as Record<string, Entry[]>
  const subjects = byName(catalogue.dataSubjectCategories)
  const categories = byName(catalogue.dataCategories)
  const recipients = byName(catalogue.recipients)
  const active = (bundle.activities as Entry[]).filter((activity) => activity.status === 'active')
  t.same(
    body.activities.map((activity: Json) => activity.name),
    active.map((activity) => activity.name).sort((a, b) => Buffer.compare(Buffer.from(a.toLowerCase()), Buffer.from(b.toLowerCase()))),
    'the active activities, in name order'
  )
  for (const activity of active) {
    const published = body.activities.find((candidate: Json) => candidate.name === activity.name)
    t.same(
      published.purposes.map((purpose: Json & { legalBasis: Json | null }) => [purpose.description, purpose.legalBasis?.code ?? null, purpose.legalReference]),
      (activity.purposes as Json[]).map((purpose) => [
        purpose.description,
        purpose.legalBasis ?? null,
        purpose.legalBasis === '6.1.c' || purpose.legalBasis === '6.1.e' ? (purpose.legalReference ?? null) : null
      ]),
      `${activity.name}: purposes, bases, and the law only for 6.1.c and 6.1.e`
    )
    for (const purpose of published.purposes) if (purpose.legalBasis) t.match(purpose.legalBasis, { label: /\w/, article: /^Art\. 6/ })
    t.same(
      published.dataSubjectCategories.map((entry: Json) => entry.name).sort(),
      names(subjects, activity.dataSubjectCategoryKeys),
      `${activity.name}: data subjects`
    )
    t.same(published.dataCategories.map((entry: Json) => entry.name).sort(), names(categories, activity.dataCategoryKeys), `${activity.name}: data categories`)
    for (const category of published.dataCategories) {
      const stored = [...categories.values()].find((entry) => entry.name === category.name)!
      t.equal(category.specialCategory?.code ?? null, stored.specialCategory ?? null, `${category.name}: special category`)
    }
    t.same(
      published.recipients.map((entry: Json) => `${entry.name}:${entry.type}`).sort(),
      ((activity.recipientKeys ?? []) as string[]).map((key) => `${recipients.get(key)!.name}:${recipients.get(key)!.type ?? 'internal'}`).sort(),
      `${activity.name}: recipients`
    )
    t.same(
      published.transfers.map((transfer: Json & { country: Json | null; mechanism: Json | null }) => [
        transfer.country?.code ?? null,
        transfer.mechanism?.code ?? null
      ]),
      ((activity.transfers ?? []) as Json[]).map((transfer) => [transfer.country ?? null, transfer.mechanism ?? null]),
      `${activity.name}: transfers`
    )
    t.same(
      published.retention.map((rule: Json) => [rule.period, rule.trigger, rule.description]),
      ((activity.retention ?? []) as Json[]).map((rule) => [rule.period ?? null, rule.trigger ?? null, rule.description ?? null]),
      `${activity.name}: retention`
    )
    t.same(
      published.specialCategoryConditions.map((condition: Json) => condition.code),
      ((activity.specialCategoryConditions ?? []) as Json[]).map((condition) => condition.condition),
      `${activity.name}: Art. 9(2) conditions`
    )
  }
  t.ok(
    body.activities.some((activity: Json) => activity.name === HOSTILE),
    'a hostile name is data like any other'
  )
})

const findings = (await app.inject({ url: `/v1/organisations/${orgId}/findings`, headers: admin })).json().items as { message: string }[]
const anActivity = [...loaded.ids.entries()].find(([key]) => key.startsWith('activities:'))
const reviewed = await app.inject({
  method: 'POST',
  url: `/v1/organisations/${orgId}/activities/${(await app.inject({ url: `/v1/organisations/${orgId}/activities?limit=1`, headers: admin })).json().items[0].id}/reviews`,
  headers: admin,
  payload: { outcome: 'confirmed', note: 'LEAK-REVIEW-NOTE' }
})

t.test('nothing internal leaks: owners, systems, notes, references, processors, drafts, retired activities, findings, reviews, ids', async (t) => {
  t.equal(anActivity, undefined, 'activities are not in the catalogue ids')
  t.equal(reviewed.statusCode, 201, 'a review with a note exists')
  t.ok(findings.length > 0, 'the example has findings')
  const ids = [orgId, ...loaded.ids.values()]
  const activityIds = (await app.inject({ url: `/v1/organisations/${orgId}/activities?limit=100&status=draft`, headers: admin }))
    .json()
    .items.map((a: Json) => a.id)
  const res = await register('example-consulting')
  const text = res.body
  t.notMatch(text, /LEAK-/, 'no planted string')
  for (const id of [...ids, ...activityIds]) t.notOk(text.includes(id), `no id ${id}`)
  for (const finding of findings) t.notOk(text.includes(finding.message), 'no finding text')
  t.notMatch(text, /"(id|owner|systems|description|findings|notes?|version|key)":\s*"?[^"]*LEAK/)
})

t.test('no token is needed; a token is not looked at', async (t) => {
  t.equal((await register('example-consulting')).statusCode, 200)
  t.equal((await register('example-consulting', { authorization: 'Bearer not-a-token' })).statusCode, 200)
})

t.test('cached: strong ETag, public Cache-Control, 304 on If-None-Match', async (t) => {
  const first = await register('example-consulting')
  const etag = String(first.headers.etag)
  t.match(etag, /^"[^"]+"$/, 'a strong entity tag')
  t.equal(first.headers['cache-control'], 'public, max-age=300')
  t.match(first.headers.vary, /accept/i)
  t.equal((await register('example-consulting')).headers.etag, etag, 'stable while nothing changes')
  const again = await register('example-consulting', { 'if-none-match': etag })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  t.equal((await register('example-consulting', { 'if-none-match': '"other"' })).statusCode, 200)
})

t.test('406 for a representation it cannot give', async (t) => {
  const res = await register('example-consulting', { accept: 'text/csv' })
  t.equal(res.statusCode, 406)
  t.match(res.json(), { type: '/problems/not-acceptable' })
  t.equal((await register('example-consulting', { accept: 'text/csv, application/json;q=0.5' })).statusCode, 200)
  t.equal((await register('example-consulting', { accept: 'application/json;q=0, */*' })).statusCode, 200)
})

t.test('the hard cases: its one active activity, not its draft', async (t) => {
  t.equal((await patchOrganisation(hardLoaded.organisationId, { slug: 'hard-cases', publicRegister: true })).statusCode, 200)
  const body = (await register('hard-cases')).json()
  const active = (hardCases.activities as Entry[]).filter((activity) => activity.status === 'active')
  t.same(
    body.activities.map((activity: Json) => activity.name),
    active.map((activity) => activity.name)
  )
  t.notOk(JSON.stringify(body).includes('Credit checks'), 'the draft is not there')
  const [hr] = body.activities
  t.same(
    hr.purposes.filter((purpose: Json) => purpose.legalReference !== null).map((purpose: Json) => purpose.legalReference),
    ['Taxes Consolidation Act 1997, s. 985 (PAYE)', 'Safety, Health and Welfare at Work Act 2005']
  )
  t.notOk(JSON.stringify(body).includes('LIA-12'))
  t.notOk(JSON.stringify(body).includes('hris://'))
  t.ok(Value.Check(PublicRegisterSchema, body))
})

t.test('the same SQL statements for a register of one activity as for one of eleven', async (t) => {
  const cost = async (slug: string) => {
    const before = app.database.statements.count
    const res = await register(slug)
    t.equal(res.statusCode, 200)
    return app.database.statements.count - before
  }
  const few = await cost('hard-cases')
  const many = await cost('example-consulting')
  t.equal(many, few, `${few} statements either way`)
  t.ok(few <= 3, 'the organisation, its catalogue, its activities')
})

t.test('the organisation carries slug and publicRegister through its bundle', async (t) => {
  const pulled = await app.inject({ url: `/v1/organisations/${hardLoaded.organisationId}/bundle`, headers: admin })
  t.equal(pulled.statusCode, 200)
  t.match(pulled.json().organisation, { slug: 'hard-cases', publicRegister: true })
  const plan = await app.inject({ method: 'POST', url: `/v1/organisations/${hardLoaded.organisationId}/bundle/plan`, headers: admin, payload: pulled.json() })
  t.equal(plan.statusCode, 200)
  t.notOk(
    plan.json().changes.some((change: Json) => change.entityType === 'organisation'),
    'a pulled bundle plans no change to the organisation'
  )
  const document = pulled.json() as Json & { organisation: Json }
  const { slug: _, publicRegister: __, ...withoutRegister } = document.organisation
  const off = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${hardLoaded.organisationId}/bundle/plan`,
    headers: admin,
    payload: { ...document, organisation: withoutRegister }
  })
  t.match(
    off.json().changes.find((change: Json) => change.entityType === 'organisation'),
    {
      fields: [
        { path: '/slug', from: 'hard-cases', to: null },
        { path: '/publicRegister', from: true, to: false }
      ]
    }
  )
})

t.test('disabling the register answers 404 again', async (t) => {
  t.equal((await patchOrganisation(hardLoaded.organisationId, { publicRegister: false })).statusCode, 200)
  t.equal((await register('hard-cases')).statusCode, 404)
  t.equal((await register('example-consulting')).statusCode, 200, 'others are unaffected')
})

t.test('a malformed slug is refused before any read', async (t) => {
  t.equal((await register('Not_A_Slug')).statusCode, 400)
})

t.test('per-address rate limit: 429 with Retry-After past a small limit', async (t) => {
  const limited = await buildTestApp(t, { env: { RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE: '2' }, database: app.database })
  const ask = () => limited.inject({ url: '/public/example-consulting/register', remoteAddress: '198.51.100.7' })
  t.equal((await ask()).statusCode, 200)
  t.equal((await ask()).statusCode, 200)
  const refused = await ask()
  t.equal(refused.statusCode, 429)
  t.ok(Number(refused.headers['retry-after']) > 0, 'Retry-After')
  t.match(refused.json(), { code: 'ROPA_RATE_LIMITED', type: '/problems/rate-limited', detail: /this address/ })
  t.equal(
    (await limited.inject({ url: '/public/example-consulting/register', remoteAddress: '198.51.100.8' })).statusCode,
    200,
    'another address has its own budget'
  )
  t.equal((await limited.inject({ url: '/v1/reference/legal-bases', remoteAddress: '198.51.100.7' })).statusCode, 200, 'only the registers are limited')
})

t.test('HTML: the same facts for people, escaped, without scripts or external resources', async (t) => {
  const json = await register('example-consulting')
  const res = await register('example-consulting', { accept: 'text/html' })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  t.match(res.headers['content-security-policy'], /default-src 'none'/)
  t.match(res.headers.etag, /^"[^"]+"$/)
  t.not(res.headers.etag, json.headers.etag, 'each representation has its own entity tag')
  t.equal((await register('example-consulting', { accept: 'text/html', 'if-none-match': String(res.headers.etag) })).statusCode, 304)
  const html = res.body
  t.notMatch(html, /<script/i, 'no script element, not even the hostile name')
  t.ok(html.includes(escaped(HOSTILE)), 'the hostile name, escaped')
  t.notMatch(html, /LEAK-/, 'no planted string')
  for (const id of [orgId, ...loaded.ids.values()]) t.notOk(html.includes(id), `no id ${id}`)
  for (const finding of findings) t.notOk(html.includes(escaped(finding.message)), 'no finding text')
  const external = html.match(/https?:\/\/[^\s"'<>)]+/g) ?? []
  for (const url of external) t.ok(json.body.includes(url), `${url} comes from the register's data`)
  t.notMatch(html, /\b(src|href)="(?!#)/, 'no resource or link outside the page')
  for (const activity of json.json().activities as (Json & { purposes: Json[]; dataCategories: Json[]; dataSubjectCategories: Json[]; recipients: Json[] })[]) {
    t.ok(html.includes(escaped(String(activity.name))), `${activity.name}`)
    for (const purpose of activity.purposes) {
      t.ok(html.includes(escaped(String(purpose.description))), `purpose ${purpose.description}`)
      if (purpose.legalBasis) t.ok(html.includes(escaped(String((purpose.legalBasis as Json).label))), 'its legal basis')
    }
    for (const entry of [...activity.dataCategories, ...activity.dataSubjectCategories, ...activity.recipients])
      t.ok(html.includes(escaped(String(entry.name))), `${entry.name}`)
  }
  t.match(html, /<html lang="en">/)
  t.match(html, /Processing activities/)
})

t.test('HTML in Norwegian Bokmål with ?lang=nb; another language is refused', async (t) => {
  const res = await register('example-consulting', { accept: 'text/html' }, '?lang=nb')
  t.equal(res.statusCode, 200)
  t.match(res.body, /<html lang="nb">/)
  t.match(res.body, /Behandlingsaktiviteter/)
  t.match(res.body, /Personvernombud/)
  const labels = await codeLabels('nb')
  const bases = new Set(
    ((await register('example-consulting')).json().activities as { purposes: { legalBasis: { code: string } | null }[] }[]).flatMap((activity) =>
      activity.purposes.map((purpose) => purpose.legalBasis?.code)
    )
  )
  for (const code of bases) if (code) t.ok(res.body.includes(escaped(labels.legalBasis(code))), `${code} in Bokmål`)
  t.match(res.body, /Norge/, 'countries in Bokmål')
  t.equal((await register('example-consulting', { accept: 'text/html' }, '?lang=de')).statusCode, 400)
})

t.test('an empty register says so', async (t) => {
  const empty = await createOrganisationViaApi(app, { slug: 'empty-register', publicRegister: true })
  const res = await register('empty-register', { accept: 'text/html' })
  t.equal(res.statusCode, 200)
  t.match(res.body, /No active processing activities/)
  t.notOk(res.body.includes(empty.id))
  t.same((await register('empty-register')).json().activities, [])
})

import t from 'tap'
import { Value } from 'typebox/value'
import { rightsOf } from '../../src/compliance/rights.ts'
import { type Bundle, readExampleBundle } from '../../src/example/bundle.ts'
import { rightsInput } from '../../src/exports/cells.ts'
import type { ExportActivity } from '../../src/exports/record.schemas.ts'
import { type Notice, NoticeSchema } from '../../src/modules/privacy-notice/notice.schemas.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)
const bundle: Bundle = readExampleBundle()
const loaded = await loadBundleViaApi(app, bundle)
const orgId = loaded.organisationId
const base = `/v1/organisations/${orgId}`
const reader = await bearer({ sub: 'reader', scopes: ['ropa:read'], orgs: [orgId] })
const writer = await bearer({ sub: 'writer', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
const notice = (query = '', headers: Record<string, string> = reader, at = base) => app.inject({ url: `${at}/privacy-notice${query}`, headers })
const idOf = (list: string, key: string) => loaded.ids.get(`${list}:${key}`)!
const nameOf = (list: keyof Bundle, key: unknown) => String((bundle[list] as Json[]).find((entry) => entry.key === key)!.name)
const notified = bundle.activities.filter((activity) => activity.status === 'active' && (activity.role ?? 'controller') !== 'processor')

const json = await notice()
const model = json.json() as Notice
const exported = (await app.inject({ url: `${base}/ropa`, headers: reader })).json().activities as ExportActivity[]

t.test('JSON: the notice model, valid against its documented schema', async (t) => {
  t.equal(json.statusCode, 200)
  t.match(json.headers['content-type'], /^application\/json/)
  t.equal(json.headers['cache-control'], 'no-store')
  const valid = Value.Check(NoticeSchema, model)
  if (!valid) t.comment(JSON.stringify([...Value.Errors(NoticeSchema, model)].slice(0, 5)))
  t.ok(valid)
  t.match(model, {
    lang: 'en',
    audience: null,
    controller: { name: bundle.organisation.name, registrationNumber: bundle.organisation.registrationNumber, country: { code: 'NO', name: 'Norway' } },
    supervisoryAuthority: bundle.organisation.supervisoryAuthority
  })
  t.same(model.activities.map((activity) => activity.name).sort(), notified.map((activity) => String(activity.name)).sort(), 'every active controller activity')
})

t.test('every purpose, basis, recipient, processor, transfer, retention period and right of the record is in the notice', async (t) => {
  for (const activity of notified) {
    const found = model.activities.find((entry) => entry.name === activity.name)!
    for (const [i, purpose] of (activity.purposes as Json[]).entries()) {
      t.equal(found.purposes[i]!.description, purpose.description)
      t.equal(found.purposes[i]!.legalBasis?.code ?? null, purpose.legalBasis ?? null)
      if (purpose.legalBasis) t.match(found.purposes[i]!.legalBasis, { label: /./, article: /^Art\. 6\(1\)/ })
      if (purpose.legalBasis === '6.1.f') t.equal(found.purposes[i]!.legitimateInterest, purpose.legitimateInterest ?? null)
    }
    t.same(found.recipients.map((entry) => entry.name).sort(), ((activity.recipientKeys as string[]) ?? []).map((key) => nameOf('recipients', key)).sort())
    t.same(found.processors.map((entry) => entry.name).sort(), ((activity.processorKeys as string[]) ?? []).map((key) => nameOf('processors', key)).sort())
    for (const [i, transfer] of ((activity.transfers as Json[]) ?? []).entries()) {
      t.equal(found.transfers[i]!.country?.code ?? null, transfer.country ?? null)
      t.equal(found.transfers[i]!.mechanism?.code ?? null, transfer.mechanism ?? null)
    }
    t.same(
      found.retention.map((rule) => rule.period),
      ((activity.retention as Json[]) ?? []).map((rule) => rule.period ?? null)
    )
  }
  const expected = new Map<string, Set<string>>()
  for (const activity of exported)
    for (const answer of rightsOf(rightsInput(activity)))
      if (answer.applies !== 'no') expected.set(answer.right, (expected.get(answer.right) ?? new Set()).add(activity.name))
  t.same(model.rights.map((right) => right.right).sort(), [...expected.keys()].sort(), 'every applicable right, and no other')
  for (const right of model.rights) t.same(right.activities.map((activity) => activity.name).sort(), [...expected.get(right.right)!].sort(), right.right)
  t.ok(
    model.rights.some((right) => right.right === 'withdraw_consent'),
    'the example relies on consent'
  )
  t.ok(model.rights.some((right) => right.right === 'complaint' && right.explanation.includes('supervisory authority')))
})

t.test('the example lacks what its privacy policy lacks: named as gaps, not filled in', async (t) => {
  t.match(model.dpo, { name: 'Kari Nordmann', email: null })
  t.ok(model.gaps.some((gap) => gap.field === '/dpo/email' && gap.article === 'Art. 13(1)(b)'))
  const transfer = model.activities.findIndex((activity) => activity.transfers.some((entry) => entry.mechanism === null))
  t.ok(model.gaps.some((gap) => gap.field.startsWith(`/activities/${transfer}/transfers/`) && gap.article === 'Art. 13(1)(f)'))
  const recruitment = model.activities.findIndex((activity) => activity.name === 'Recruitment')
  t.equal(model.activities[recruitment]!.notObtainedFromDataSubject, true, 'recruitment has data from third parties')
  t.same(model.articles, ['13', '14'])
})

/** The example with the DPO, the supervisory authority and the first legitimate interest removed. */
function withoutFacts(): { bundle: Bundle; activity: string; purpose: number } {
  const copy = structuredClone(bundle)
  copy.organisation.dpo = null
  copy.organisation.supervisoryAuthority = null
  copy.organisation.name = 'Gappy Consulting AS'
  for (const activity of copy.activities) {
    const index = ((activity.purposes as Json[]) ?? []).findIndex((purpose) => purpose.legalBasis === '6.1.f')
    if (index < 0) continue
    ;(activity.purposes as Json[])[index]!.legitimateInterest = null
    return { bundle: copy, activity: String(activity.name), purpose: index }
  }
  throw new Error('the example has no 6.1.f purpose')
}

t.test('what the record lacks is a gap with its field and article, and nowhere as text', async (t) => {
  const gappy = withoutFacts()
  const other = await loadBundleViaApi(app, gappy.bundle)
  const at = `/v1/organisations/${other.organisationId}`
  const headers = await bearer({ scopes: ['ropa:read'], orgs: [other.organisationId] })
  const answer = (await notice('', headers, at)).json() as Notice
  const index = answer.activities.findIndex((activity) => activity.name === gappy.activity)
  t.match(answer, { dpo: null, supervisoryAuthority: null })
  t.ok(
    answer.gaps.find((gap) => gap.field === '/dpo' && gap.article === 'Art. 13(1)(b)'),
    'no DPO'
  )
  t.ok(
    answer.gaps.find((gap) => gap.field === '/supervisoryAuthority' && gap.article === 'Art. 13(2)(d)'),
    'no supervisory authority'
  )
  const interest = `/activities/${index}/purposes/${gappy.purpose}/legitimateInterest`
  t.ok(
    answer.gaps.find((gap) => gap.field === interest && gap.article === 'Art. 13(1)(d)'),
    'no legitimate interest'
  )
  t.equal(answer.activities[index]!.purposes[gappy.purpose]!.legitimateInterest, null)
})

const markdown = await notice('?format=md')
const html = await notice('?format=html')
const rendered = (text: string) => text.replace(/<!--[\s\S]*?-->/g, '')

t.test('Markdown and HTML carry every fact of the JSON notice', async (t) => {
  t.equal(markdown.statusCode, 200)
  t.equal(markdown.headers['content-type'], 'text/markdown; charset=utf-8')
  t.equal(html.statusCode, 200)
  t.equal(html.headers['content-type'], 'text/html; charset=utf-8')
  t.match(html.headers['content-security-policy'], /default-src 'none'/)
  t.match(markdown.body, /Supervisory authority:\*\*/)
  t.match(html.body, /Supervisory authority<\//)
  const plain = (text: string) =>
    text
      .replace(/\\/g, '')
      .replace(/&amp;/g, '&')
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
  const facts = [
    model.controller.name,
    ...model.activities.flatMap((activity) => [
      activity.name,
      ...activity.purposes.flatMap((purpose) => [purpose.description, purpose.legalBasis?.label, purpose.legitimateInterest]),
      ...activity.recipients.map((recipient) => recipient.name),
      ...activity.processors.map((processor) => processor.name),
      ...activity.transfers.flatMap((transfer) => [transfer.country?.name, transfer.mechanism?.label]),
      ...activity.retention.map((rule) => rule.period)
    ]),
    ...model.rights.map((right) => right.name),
    String(model.supervisoryAuthority)
  ].filter((fact): fact is string => typeof fact === 'string')
  for (const [format, body] of [
    ['md', plain(rendered(markdown.body))],
    ['html', plain(rendered(html.body))]
  ] as const) {
    const missing = facts.filter((fact) => !body.includes(fact))
    t.same(missing, [], `${format} names every fact`)
  }
})

t.test('gaps are comments in the document, and no placeholder stands in for what is missing', async (t) => {
  const gappy = withoutFacts()
  const other = await loadBundleViaApi(app, gappy.bundle)
  const at = `/v1/organisations/${other.organisationId}`
  const headers = await bearer({ scopes: ['ropa:read'], orgs: [other.organisationId] })
  const gaps = ((await notice('', headers, at)).json() as Notice).gaps
  for (const format of ['md', 'html']) {
    const body = (await notice(`?format=${format}`, headers, at)).body
    const comments = body.match(/<!--[\s\S]*?-->/g) ?? []
    t.ok(comments.length >= gaps.length, `${format}: a comment per gap`)
    t.ok(
      comments.some((comment) => comment.includes('/supervisoryAuthority')),
      `${format}: the missing authority is a comment`
    )
    const text = rendered(body)
    for (const gap of gaps) t.notOk(text.includes(gap.message), `${format}: ${gap.field} only in a comment`)
    t.notMatch(text, /\b(null|undefined|TODO|TBD|N\/A|lorem)\b/i, `${format}: no placeholder`)
    t.notMatch(text, /Supervisory authority(:\*\*|<\/)/, `${format}: no authority field without an authority`)
  }
})

t.test('a notice addressed to one category of data subjects covers only its activities', async (t) => {
  const applicants = idOf('dataSubjectCategories', 'job-applicants')
  const answer = await notice(`?dataSubjectCategoryId=${applicants}`)
  t.equal(answer.statusCode, 200)
  const addressed = answer.json() as Notice
  t.match(addressed.audience, { id: applicants, name: nameOf('dataSubjectCategories', 'job-applicants') })
  t.same(
    addressed.activities.map((activity) => activity.name).sort(),
    notified
      .filter((activity) => ((activity.dataSubjectCategoryKeys as string[]) ?? []).includes('job-applicants'))
      .map((activity) => String(activity.name))
      .sort()
  )
  const page = await notice(`?dataSubjectCategoryId=${applicants}&format=md`)
  t.match(page.body, `For: ${nameOf('dataSubjectCategories', 'job-applicants')}`)
  const unused = await app.inject({ method: 'POST', url: `${base}/data-subject-categories`, headers: writer, payload: { name: 'Nobody processed' } })
  const none = await notice(`?dataSubjectCategoryId=${unused.json().id}`)
  t.equal(none.statusCode, 422)
  t.match(none.json(), { errors: [{ path: '/query/dataSubjectCategoryId', message: new RegExp(unused.json().id) }] })
})

t.test('activityIds narrows the notice; ids outside it answer 422 naming them', async (t) => {
  const [first, second] = model.activities
  const comma = (await notice(`?activityIds=${first!.id},${second!.id}`)).json() as Notice
  const repeated = (await notice(`?activityIds=${first!.id}&activityIds=${second!.id}`)).json() as Notice
  t.same(comma.activities.map((activity) => activity.id).sort(), [first!.id, second!.id].sort())
  t.same(repeated.activities, comma.activities)
  const draft = await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload: { name: 'A draft' } })
  const processing = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers: writer,
    payload: { name: 'Payroll for a client', status: 'active', role: 'processor', controllers: [{ name: 'Client AS' }] }
  })
  t.equal(processing.statusCode, 201, processing.body)
  const whole = (await notice()).json() as Notice
  t.notOk(
    whole.activities.some((activity) => activity.id === processing.json().id || activity.id === draft.json().id),
    'neither drafts nor processor activities'
  )
  const stranger = await createOrganisationViaApi(app)
  const theirs = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${stranger.id}/activities`,
    headers: await bearer({ scopes: ['ropa:write'], orgs: [stranger.id] }),
    payload: { name: 'Theirs', status: 'active' }
  })
  for (const id of [draft.json().id, processing.json().id, theirs.json().id, '00000000-0000-4000-8000-000000000000']) {
    const refused = await notice(`?activityIds=${first!.id},${id}`)
    t.equal(refused.statusCode, 422, id)
    t.match(refused.json(), { code: 'ROPA_UNPROCESSABLE', errors: [{ path: '/query/activityIds', message: new RegExp(id) }] })
  }
})

t.test('lang=nb: the notice in Norwegian Bokmål', async (t) => {
  const nb = (await notice('?lang=nb')).json() as Notice
  t.equal(nb.lang, 'nb')
  t.match(
    nb.rights.find((right) => right.right === 'complaint'),
    { explanation: /tilsynsmyndighet/ }
  )
  const page = await notice('?lang=nb&format=html')
  t.match(page.body, '<html lang="nb"')
  t.match(page.body, 'Personvernerklæring')
  t.match(page.body, 'Dine rettigheter')
  t.equal(page.headers['content-language'], 'nb')
  t.match((await notice('?lang=nb&format=md')).body, 'Hva vi behandler og hvorfor')
})

t.test('Accept chooses the format; 406 for none of ours', async (t) => {
  t.match((await notice('', { ...reader, accept: 'text/markdown' })).headers['content-type'], /^text\/markdown/)
  t.match((await notice('', { ...reader, accept: 'application/xml, text/html;q=0.5' })).headers['content-type'], /^text\/html/)
  t.match((await notice('', { ...reader, accept: 'text/html;q=0, */*' })).headers['content-type'], /^application\/json/)
  const refused = await notice('', { ...reader, accept: 'application/pdf' })
  t.equal(refused.statusCode, 406)
  t.equal(refused.headers['content-type'], 'application/problem+json; charset=utf-8')
})

t.test('hostile names are text: escaped in HTML, nothing runs and nothing is fetched', async (t) => {
  const hostile = '<script>alert(1)</script><img src=x onerror=alert(2)>'
  const org = await createOrganisationViaApi(app, { name: `Evil ${hostile}`, supervisoryAuthority: `Auth ${hostile}` })
  const headers = await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [org.id] })
  const created = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers,
    payload: { name: `Activity ${hostile}`, status: 'active', purposes: [{ description: `Purpose --> ${hostile}`, legalBasis: '6.1.f' }] }
  })
  t.equal(created.statusCode, 201, created.body)
  const page = (await notice('?format=html', headers, `/v1/organisations/${org.id}`)).body
  t.notMatch(page, /<script/i)
  t.notMatch(page, /<img/i)
  t.notMatch(page, /\b(src|href)\s*=\s*["']?(https?:)?\/\//i, 'no external resource')
  t.notMatch(page, /<link|@import|url\(/i)
  t.match(page, '&lt;script&gt;')
  const md = (await notice('?format=md', headers, `/v1/organisations/${org.id}`)).body
  t.notMatch(md, /<script/i)
})

t.test('authentication, tenancy and parameters', async (t) => {
  t.equal((await notice('', {})).statusCode, 401)
  const stranger = await createOrganisationViaApi(app)
  const strangers = await bearer({ scopes: ['ropa:read'], orgs: [stranger.id] })
  const foreign = await notice('', strangers)
  t.equal(foreign.statusCode, 404)
  t.equal(foreign.json().code, 'ROPA_NOT_FOUND')
  t.equal((await notice('', await bearer({ scopes: ['ropa:write'], orgs: [orgId] }))).statusCode, 403)
  for (const query of ['?lang=de', '?format=pdf', '?activityIds=nope', '?dataSubjectCategoryId=nope', '?unknown=1'])
    t.equal((await notice(query)).statusCode, 400, query)
  const many = Array.from({ length: 101 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
  const tooMany = await notice(`?activityIds=${many.slice(0, 60).join(',')}&activityIds=${many.slice(60).join(',')}`)
  t.equal(tooMany.statusCode, 400)
  t.match(tooMany.json(), { errors: [{ path: '/query/activityIds' }] })
  t.equal(
    (await notice(`?activityIds=${many.slice(0, 2).join(',')}`, await bearer({ scopes: ['ropa:read'], orgs: [orgId] }), `/v1/organisations/${stranger.id}`))
      .statusCode,
    404
  )
})

import { readFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { rightsOf } from '../../src/compliance/rights.ts'
import type { Block } from '../../src/documents/document.ts'
import { englishTexts } from '../../src/documents/report/texts.en.ts'
import { norwegianBokmalTexts } from '../../src/documents/report/texts.nb.ts'
import { type Bundle, parseBundle, readExampleBundle } from '../../src/example/bundle.ts'
import { countryByCode } from '../../src/reference/countries.ts'
import { legalBases } from '../../src/reference/legal-bases.ts'
import { transferMechanisms } from '../../src/reference/transfer-mechanisms.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'
import { pdfText, withPdf } from '../support/pdf-text.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)
const example = readExampleBundle()
const hardCases = parseBundle(readFileSync(new URL('../fixtures/organisations/hard-cases.json', import.meta.url), 'utf8'))
const exampleOrg = (await loadBundleViaApi(app, example)).organisationId
const hardOrg = (await loadBundleViaApi(app, hardCases)).organisationId

const readerOf = (orgId: string) => bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [orgId] })
const writerOf = (orgId: string) => bearer({ sub: 'dpo@example.test', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })

async function report(orgId: string, query = '', headers?: Record<string, string>) {
  return app.inject({ url: `/v1/organisations/${orgId}/ropa?format=html${query}`, headers: headers ?? (await readerOf(orgId)) })
}

/** The page's text as a reader sees it: entities decoded, so expectations are the record's own strings. */
const decoded = (html: string) =>
  html
    .replace(/&#x([0-9a-f]+);/gi, (_, hex) => String.fromCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#(\d+);/g, (_, decimal) => String.fromCodePoint(Number(decimal)))
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&nbsp;', '\u00a0')
    .replaceAll('&amp;', '&')

async function create(orgId: string, path: string, payload: Json, headers?: Record<string, string>) {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/${path}`, headers: headers ?? (await writerOf(orgId)), payload })
  if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${res.body}`)
  return res.json() as Json & { id: string }
}

/** Every fact of a bundle's activities an auditor must find: names, purposes, bases, categories, recipients, processors, transfers, retention, measures. */
function factsOf(bundle: Bundle, includeDrafts: boolean): Map<string, string[]> {
  const lists = bundle as unknown as Record<string, Json[]>
  const name = (list: string, key: unknown) => String(lists[list]!.find((entry) => entry.key === key)!.name)
  const names = (list: string, keys: unknown) => ((keys as string[] | undefined) ?? []).map((key) => name(list, key))
  const wide = (bundle.securityMeasures as Json[]).filter((measure) => measure.appliesToAllActivities).map((measure) => String(measure.name))
  const facts = new Map<string, string[]>()
  for (const activity of bundle.activities as Json[]) {
    if (activity.status !== 'active' && !includeDrafts) continue
    const expected = [String(activity.name)]
    for (const purpose of activity.purposes as Json[]) {
      expected.push(String(purpose.description))
      const basis = legalBases.find((entry) => entry.code === purpose.legalBasis)
      if (basis) expected.push(basis.label, basis.article)
      if (purpose.legitimateInterest) expected.push(String(purpose.legitimateInterest))
      if (purpose.legalReference) expected.push(String(purpose.legalReference))
    }
    for (const condition of (activity.specialCategoryConditions as Json[]) ?? []) {
      const entry = legalBases.find((basis) => basis.code === condition.condition)!
      expected.push(entry.label, entry.article)
    }
    expected.push(...names('dataSubjectCategories', activity.dataSubjectCategoryKeys), ...names('dataCategories', activity.dataCategoryKeys))
    expected.push(...names('recipients', activity.recipientKeys), ...names('processors', activity.processorKeys))
    for (const transfer of (activity.transfers as Json[]) ?? []) {
      if (transfer.country) expected.push(countryByCode.get(String(transfer.country))!.name)
      const mechanism = transferMechanisms.find((entry) => entry.code === transfer.mechanism)
      if (mechanism) expected.push(mechanism.label, mechanism.article)
      if (transfer.importer) expected.push(String(transfer.importer))
    }
    for (const rule of (activity.retention as Json[]) ?? []) if (rule.period) expected.push(String(rule.period))
    expected.push(...names('securityMeasures', activity.securityMeasureKeys), ...wide)
    facts.set(String(activity.name), expected)
  }
  return facts
}

const exampleHtml = await report(exampleOrg)
const examplePage = decoded(exampleHtml.body)

t.test('the example organisation: every fact of every activity appears in the HTML report', async (t) => {
  t.equal(exampleHtml.statusCode, 200)
  t.equal(exampleHtml.headers['content-type'], 'text/html; charset=utf-8')
  t.match(exampleHtml.headers['content-security-policy'], /default-src 'none'/, 'the page may load nothing')
  t.match(exampleHtml.headers['content-disposition'], /^inline; filename="ropa-example-consulting-as-controller-\d{4}-\d{2}-\d{2}\.html"$/)
  const facts = factsOf(example, false)
  t.ok(facts.size > 0)
  for (const [activity, expected] of facts) {
    const missing = expected.filter((fact) => !examplePage.includes(fact))
    t.same(missing, [], `${activity}: every fact is in the report`)
  }
  for (const heading of [englishTexts.contents, englishTexts.sections.transfers, englishTexts.sections.retention, englishTexts.sections.findings]) {
    t.ok(examplePage.includes(heading), heading)
  }
  t.ok(examplePage.includes('Example Consulting AS') && examplePage.includes('923456783') && examplePage.includes('Kari Nordmann'), 'the controller block')
  t.ok(examplePage.includes(englishTexts.cover.draftsExcluded) && examplePage.includes(englishTexts.cover.asOfNow), 'what the record covers')
})

t.test('hard cases, drafts included: every fact, and absent values read "not recorded"', async (t) => {
  const res = await report(hardOrg, '&includeDrafts=true')
  t.equal(res.statusCode, 200)
  const page = decoded(res.body)
  for (const [activity, expected] of factsOf(hardCases, true)) {
    t.same(
      expected.filter((fact) => !page.includes(fact)),
      [],
      activity
    )
  }
  t.ok(page.includes(englishTexts.notRecorded), 'gaps are named, not filled')
  t.ok(page.includes(englishTexts.cover.draftsIncluded))
})

t.test('every right of every activity, as the rights computation gives it', async (t) => {
  const res = await app.inject({ url: `/v1/organisations/${exampleOrg}/activities?limit=100`, headers: await readerOf(exampleOrg) })
  const activities = res.json().items as Parameters<typeof rightsOf>[0][]
  t.ok(activities.length > 0)
  for (const activity of activities) {
    for (const answer of rightsOf(activity)) {
      t.ok(examplePage.includes(answer.reason), `${answer.right}: ${answer.reason.slice(0, 40)}`)
    }
  }
  t.ok(examplePage.includes('Art. 15') && examplePage.includes('Data portability'))
})

t.test('findings with an acknowledgement made through the API: who, when and why', async (t) => {
  const org = await createOrganisationViaApi(app, { name: 'Recruiting AS' })
  const applicants = await create(org.id, 'data-subject-categories', { name: 'Job applicants' })
  const activity = await create(org.id, 'activities', {
    name: 'Recruitment',
    status: 'active',
    purposes: [
      { description: 'Talent pool', legalBasis: '6.1.a', consent: { mechanism: 'Tick box', recordReference: 'ATS log', withdrawalMechanism: 'Link' } }
    ],
    dataSubjectCategoryIds: [applicants.id]
  })
  const reason = 'Applicants may decline the talent pool <freely>; reviewed with HR.'
  const ack = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/findings/acknowledgements`,
    headers: await writerOf(org.id),
    payload: { rule: 'consent-in-imbalance-of-power', entityId: activity.id, path: '/purposes/0/legalBasis', reason }
  })
  t.equal(ack.statusCode, 201, ack.body)
  const findings = (await app.inject({ url: `/v1/organisations/${org.id}/findings`, headers: await readerOf(org.id) })).json().items as Json[]
  t.ok(findings.length > 1)
  const page = decoded((await report(org.id)).body)
  for (const finding of findings) t.ok(page.includes(String(finding.message)), `finding ${String(finding.rule)}`)
  t.ok(page.includes('L-25'), 'the rule code')
  t.ok(page.includes(reason), 'the reason')
  t.ok(page.includes('Acknowledged by dpo@example.test'), 'who acknowledged it')
  t.ok(page.includes(englishTexts.findings.organisation), 'organisation-level findings have their own heading')
})

t.test('changesSince lists the changes after the instant, not those before; asOf shows the record as it was', async (t) => {
  const org = await createOrganisationViaApi(app, { name: 'Changes AS' })
  const writer = await writerOf(org.id)
  const activity = await create(org.id, 'activities', { name: 'Payroll', status: 'active', description: 'First description' }, writer)
  const patch = (payload: Json, reason: string) =>
    app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}/activities/${activity.id}`, headers: { ...writer, 'change-reason': reason }, payload })
  await sleep(20)
  t.equal((await patch({ description: 'Second description' }, 'Before the instant')).statusCode, 200)
  await sleep(20)
  const instant = new Date().toISOString()
  await sleep(20)
  t.equal((await patch({ name: 'Salaries' }, 'Renamed after the instant')).statusCode, 200)

  const changes = decoded((await report(org.id, `&changesSince=${instant}`)).body)
  t.ok(changes.includes('Renamed after the instant') && changes.includes('Payroll → Salaries'), 'the change after the instant, old → new, with its reason')
  t.notOk(changes.includes('Before the instant'), 'not the one before')
  t.ok(changes.includes(englishTexts.sections.changes('')), 'the changes section')

  const past = decoded((await report(org.id, `&asOf=${instant}`)).body)
  t.ok(past.includes('Payroll') && past.includes('Second description'), 'the activity as it was')
  t.notOk(past.includes('Salaries'), 'not as it is now')
  t.notOk(past.includes(englishTexts.cover.asOfNow))

  const after = await report(org.id, `&asOf=${instant}&changesSince=${new Date().toISOString()}`)
  t.equal(after.statusCode, 400)
  t.match(after.json(), { errors: [{ path: '/query/changesSince', message: 'must not be after asOf' }] })
  const future = await report(org.id, `&changesSince=${new Date(Date.now() + 86_400_000).toISOString()}`)
  t.equal(future.statusCode, 400)
  t.match(future.json(), { errors: [{ path: '/query/changesSince', message: 'must not be after now' }] })
})

t.test('the processor record: grouped per client controller, with its own fields', async (t) => {
  const org = await createOrganisationViaApi(app, { name: 'Payroll Bureau AS' })
  await create(org.id, 'activities', {
    name: 'Payroll processing for clients',
    status: 'active',
    role: 'processor',
    controllers: [
      { name: 'Client One AS', contact: 'one@client.example', processing: 'Monthly payroll runs', contractReference: 'DPA-1' },
      { name: 'Client Two AS', contact: 'two@client.example' }
    ],
    transfers: [{ country: 'US', importer: 'Cloud host', mechanism: '46.2.c', sccModule: 3 }]
  })
  const res = await report(org.id, '&record=processor')
  t.equal(res.statusCode, 200)
  t.match(res.headers['content-disposition'], /-processor-/)
  const page = decoded(res.body)
  for (const text of [
    englishTexts.title.processor,
    `${englishTexts.activity.clientController}: Client One AS`,
    `${englishTexts.activity.clientController}: Client Two AS`,
    'Monthly payroll runs',
    'DPA-1',
    englishTexts.activity.processing,
    'United States',
    'Payroll processing for clients'
  ])
    t.ok(page.includes(text), text)
  t.ok(page.includes('Assistance to the controller') || page.includes('assistance'), 'the processor role answers the rights')
})

t.test('lang=nb: Norwegian headings, and none of the English ones', async (t) => {
  const res = await report(exampleOrg, `&lang=nb&changesSince=${new Date(Date.now() - 3_600_000).toISOString()}`)
  t.equal(res.statusCode, 200)
  const page = decoded(res.body)
  t.match(res.body, /<html[^>]*lang="nb"/)
  const headings = (texts: typeof englishTexts) => [
    texts.contents,
    texts.title.controller,
    texts.sections.activities,
    texts.sections.transfers,
    texts.sections.retention,
    texts.sections.findings,
    texts.sections.rights,
    texts.sections.changes(''),
    texts.activity.purposes,
    texts.activity.security,
    texts.cover.registrationNumber
  ]
  for (const heading of headings(norwegianBokmalTexts)) t.ok(page.includes(heading), heading)
  for (const heading of headings(englishTexts)) t.notOk(page.includes(heading), `no "${heading}"`)
  t.equal((await report(exampleOrg, '&lang=de')).statusCode, 400, 'an unknown language is refused')
})

t.test('hostile names are escaped; no scripts and no external resources', async (t) => {
  const org = await createOrganisationViaApi(app, { name: '<script>alert(1)</script> AS', website: 'https://hostile.example' })
  const category = await create(org.id, 'data-categories', { name: '"><img src=x onerror=alert(2)>' })
  await create(org.id, 'activities', {
    name: '<script>alert(1)</script>',
    status: 'active',
    description: "'><svg onload=alert(3)>",
    dataCategoryIds: [category.id],
    purposes: [{ description: '</td></tr></table><script src="https://evil.example/x.js"></script>', legalBasis: '6.1.b' }]
  })
  const res = await report(org.id)
  t.equal(res.statusCode, 200)
  t.notOk(/<script/i.test(res.body), 'no <script')
  t.notOk(/<img|<svg/i.test(res.body), 'no injected elements')
  const external = [...res.body.matchAll(/(?:src|href)\s*=\s*["']?(https?:[^"'\s>]*)/gi)].map((match) => match[1])
  t.same(external, [], 'no external resource or link')
  const page = decoded(res.body)
  t.ok(page.includes('<script>alert(1)</script>'), 'the name is shown as text')
  t.ok(page.includes('"><img src=x onerror=alert(2)>'))
})

t.test('tenant isolation and authentication', async (t) => {
  const outsider = await bearer({ sub: 'outsider', scopes: ['ropa:read'], orgs: [hardOrg] })
  const other = await report(exampleOrg, '', outsider)
  t.equal(other.statusCode, 404)
  t.notOk(other.body.includes('Example Consulting'))
  const anonymous = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa?format=html` })
  t.equal(anonymous.statusCode, 401)
})

t.test('Accept: text/html negotiates the report; an unknown type is refused naming it', async (t) => {
  const headers = { ...(await readerOf(exampleOrg)), accept: 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.8' }
  const res = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa`, headers })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'text/html; charset=utf-8')
  const refused = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa`, headers: { ...headers, accept: 'image/png' } })
  t.equal(refused.statusCode, 406)
  t.match(refused.json().detail, /text\/html/)
  const json = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa`, headers: { ...headers, accept: 'application/json, text/html' } })
  t.equal(json.headers['content-type'], 'application/json; charset=utf-8', 'the first acceptable type wins')
})

t.test('the SQL statements of a report do not grow with the record', async (t) => {
  const cost = async (orgId: string, query: string) => {
    const headers = await readerOf(orgId)
    const before = app.database.statements.count
    const res = await report(orgId, query, headers)
    t.equal(res.statusCode, 200)
    return app.database.statements.count - before
  }
  const since = `&changesSince=${new Date(Date.now() - 3_600_000).toISOString()}`
  for (const query of ['', since, `&asOf=${new Date().toISOString()}${since}`, '&record=processor']) {
    const small = await cost(hardOrg, query)
    const large = await cost(exampleOrg, query)
    t.equal(large, small, `${query || 'no options'}: ${small} statements for the small record and for the large one`)
    t.ok(small <= 10)
  }
})

t.test('the blocks: one contents entry and one heading per activity, and a pass per section', async (t) => {
  const { reportDocument, wordsOf } = await import('../../src/documents/report/report.ts')
  const { exportRecord } = await import('../../src/exports/record.ts')
  const blocks: Block[] = []
  for await (const block of exportRecord(app.database, exampleOrg, { record: 'controller', includeDrafts: false }, async function* (record, compliance) {
    const document = reportDocument({ record, compliance, acknowledgements: [], changes: null, words: await wordsOf('en') })
    t.equal(document.lang, 'en')
    t.match(document.running, /Example Consulting AS/)
    yield* document.blocks
  }))
    blocks.push(block)
  const names = [...factsOf(example, false).keys()].sort()
  const contents = blocks.find((block) => block.kind === 'contents')
  t.ok(contents && contents.kind === 'contents')
  if (contents?.kind !== 'contents') return
  const activityEntries = contents.entries.filter((entry) => entry.level === 2)
  t.same(activityEntries.map((entry) => entry.text).sort(), names)
  const headings = blocks.filter((block) => block.kind === 'heading' && block.level === 2 && block.id?.startsWith('activity-'))
  t.same(
    headings.map((heading) => heading.kind === 'heading' && heading.id),
    activityEntries.map((entry) => entry.target),
    'every contents entry points at its heading'
  )
  t.equal(blocks[0]?.kind, 'cover')
})

t.test('a record read back from an exported document: the findings and rights it cannot check are named as gaps', async (t) => {
  const { reportDocument, wordsOf } = await import('../../src/documents/report/report.ts')
  const { assembledFrom, exportRecord } = await import('../../src/exports/record.ts')
  const exported = (await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa`, headers: await readerOf(exampleOrg) })).json()
  const blocks: Block[] = []
  for await (const block of exportRecord(app.database, exampleOrg, { record: 'controller', includeDrafts: false }, async function* (_, compliance) {
    const record = assembledFrom(exported)
    yield* reportDocument({ record, compliance, acknowledgements: [], changes: null, words: await wordsOf('nb') }).blocks
  }))
    blocks.push(block)
  const gaps = blocks.filter((block) => block.kind === 'gap')
  t.equal(gaps.length, exported.activities.length * 2, 'one for the findings and one for the rights of each activity')
  t.ok(blocks.some((block) => block.kind === 'heading' && block.text === exported.activities[0].name))
})

t.test('format=pdf: the same report on A4 pages, every fact of the example readable in the text', async (t) => {
  const res = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa?format=pdf`, headers: await readerOf(exampleOrg) })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/pdf')
  t.match(res.headers['content-disposition'], /^inline; filename="ropa-example-consulting-as-controller-\d{4}-\d{2}-\d{2}\.pdf"$/)
  const pages = await pdfText(res.rawPayload)
  t.ok(pages.length > 3, `${pages.length} pages`)
  const text = pages.join(' ').replace(/\s+/g, ' ')
  const flat = (fact: string) => fact.replace(/\s+/g, ' ')
  for (const [activity, expected] of factsOf(example, false)) {
    t.same(
      expected.filter((fact) => !text.includes(flat(fact))),
      [],
      `${activity}: every fact is in the PDF`
    )
  }
  pages.forEach((page, index) => {
    t.ok(page.includes(`Page ${index + 1}`), `page ${index + 1} is numbered`)
  })
  await withPdf(res.rawPayload, async (pdf) => {
    const page = await pdf.getPage(1)
    t.same(
      page.view.map((value) => Math.round(value * 100) / 100),
      [0, 0, 595.28, 841.89],
      'A4'
    )
  })
})

t.test('format=pdf: Bokmål, Accept negotiation, isolation', async (t) => {
  const headers = await readerOf(exampleOrg)
  const nb = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa?format=pdf&lang=nb`, headers })
  t.equal(nb.statusCode, 200)
  const text = (await pdfText(nb.rawPayload)).join(' ')
  t.ok(text.includes(norwegianBokmalTexts.contents) && text.includes('Side 1'), 'Norwegian headings and page label')
  const negotiated = await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa`, headers: { ...headers, accept: 'application/pdf' } })
  t.equal(negotiated.statusCode, 200)
  t.equal(negotiated.headers['content-type'], 'application/pdf')
  const outsider = await bearer({ sub: 'outsider', scopes: ['ropa:read'], orgs: [hardOrg] })
  t.equal((await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa?format=pdf`, headers: outsider })).statusCode, 404)
  t.equal((await app.inject({ url: `/v1/organisations/${exampleOrg}/ropa?format=pdf` })).statusCode, 401)
})

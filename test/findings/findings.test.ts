import t from 'tap'
import { rules } from '../../src/compliance/index.ts'
import { type Bundle, readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
interface Finding {
  rule: string
  severity: string
  article: string
  entityType: string
  entityId: string
  path: string
  message: string
}

const app = await buildTestApp(t)
const bundle = readExampleBundle() as Bundle & { expected: { findings: Json[]; noFindingsFor: Json[] } }
const platform = await bearer({ sub: 'loader' })
const loaded = await loadBundleViaApi(app, bundle)
const base = `/v1/organisations/${loaded.organisationId}`
const headers = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [loaded.organisationId] })
const get = (url: string) => app.inject({ url, headers })
const activities: { id: string; name: string }[] = (await get(`${base}/activities?limit=200`)).json().items
const keyOf = new Map(activities.map((a) => [a.id, String(bundle.activities.find((b) => b.name === a.name)!.key)]))
const idOf = (key: string) => activities.find((a) => keyOf.get(a.id) === key)!.id
const all = (await get(`${base}/findings`)).json()

const matches = (finding: Finding, expected: Json) =>
  finding.article.includes(String(expected.articleContains)) &&
  (expected.activityKey === null ? finding.entityType !== 'activity' : keyOf.get(finding.entityId) === expected.activityKey)

t.test("the example organisation's expected block holds", async (t) => {
  for (const expected of bundle.expected.findings) {
    t.ok(
      all.items.some((finding: Finding) => finding.severity === expected.severity && matches(finding, expected)),
      `${String(expected.why).slice(0, 100)}`
    )
  }
  for (const absent of bundle.expected.noFindingsFor) {
    const wrong = all.items.filter((finding: Finding) => matches(finding, absent))
    t.same(wrong, [], `no finding: ${String(absent.why).slice(0, 100)}`)
  }
})

t.test('findings are well formed and counted', async (t) => {
  const ruleIds = new Set(rules.map((rule) => rule.id))
  for (const finding of all.items as Finding[]) {
    t.ok(ruleIds.has(finding.rule), finding.rule)
    t.match(finding, {
      severity: /^(error|warning|info)$/,
      article: /^Art\. \d+/,
      entityType: /^(organisation|activity|processor)$/,
      path: /^\//,
      message: /\w/,
      acknowledged: null
    })
  }
  t.same(all.summary, {
    errors: all.items.filter((f: Finding) => f.severity === 'error').length,
    warnings: all.items.filter((f: Finding) => f.severity === 'warning').length,
    infos: all.items.filter((f: Finding) => f.severity === 'info').length,
    acknowledged: 0
  })
  t.equal(all.items[0].entityType !== 'activity', true, 'organisation-wide findings come first')
})

t.test('filters narrow the findings and keep the summary in step', async (t) => {
  const errors = (await get(`${base}/findings?severity=error`)).json()
  t.ok(errors.items.length > 0 && errors.items.every((f: Finding) => f.severity === 'error'))
  t.same(errors.summary, { errors: errors.items.length, warnings: 0, infos: 0, acknowledged: 0 })
  const rule = (await get(`${base}/findings?rule=purpose-without-legal-basis`)).json()
  t.same([...new Set(rule.items.map((f: Finding) => keyOf.get(f.entityId)))].sort(), ['newsletter', 'personnel', 'prospects'])
  const newsletter = (await get(`${base}/findings?activityId=${idOf('newsletter')}`)).json()
  t.ok(newsletter.items.every((f: Finding) => f.entityId === idOf('newsletter')))
  t.same((await get(`${base}/activities/${idOf('newsletter')}/findings`)).json(), newsletter, 'the activity endpoint agrees with the filter')
  const processors = (await get(`${base}/findings?entityType=processor`)).json()
  t.equal(processors.items.filter((f: Finding) => f.severity === 'error').length, 5, 'L-34: five processors without a contract')
  t.same((await get(`${base}/findings?rule=no-such-rule`)).json(), { items: [], summary: { errors: 0, warnings: 0, infos: 0, acknowledged: 0 } })
  t.equal((await get(`${base}/findings?severity=fatal`)).statusCode, 400)
})

t.test('fixing the record makes its findings go away', async (t) => {
  const writer = await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [loaded.organisationId] })
  const id = idOf('newsletter')
  const before = (await get(`${base}/activities/${id}/findings`)).json()
  t.ok(before.items.some((f: Finding) => f.rule === 'purpose-without-legal-basis'))
  const current = (await get(`${base}/activities/${id}`)).json()
  const purposes = current.purposes.map((p: Json) => ({
    ...p,
    legalBasis: '6.1.a',
    consent: { mechanism: 'Opt-in box', recordReference: 'crm/consents', withdrawalMechanism: 'Unsubscribe link' }
  }))
  const res = await app.inject({ method: 'PATCH', url: `${base}/activities/${id}`, headers: writer, payload: { purposes } })
  t.equal(res.statusCode, 200)
  const after = (await get(`${base}/activities/${id}/findings`)).json()
  for (const rule of ['purpose-without-legal-basis', 'direct-marketing-without-opt-out', 'consent-undocumented']) {
    t.notOk(
      after.items.some((f: Finding) => f.rule === rule),
      `${rule} gone`
    )
  }
  t.ok(after.summary.errors < before.summary.errors)
})

t.test('rights of an example activity', async (t) => {
  const res = await get(`${base}/activities/${idOf('website-analytics')}/rights`)
  t.equal(res.statusCode, 200)
  const rights = Object.fromEntries(res.json().items.map((r: { right: string; applies: string }) => [r.right, r.applies]))
  t.match(rights, { access: 'full', withdraw_consent: 'full', object: 'partial', complaint: 'full' }, 'consent and legitimate interests side by side')
})

t.test('the rules catalogue is public and complete', async (t) => {
  const res = await app.inject('/v1/reference/rules')
  t.equal(res.statusCode, 200)
  const items = res.json().items
  t.equal(items.length, rules.length)
  t.match(
    items.find((r: { id: string }) => r.id === 'purpose-without-legal-basis'),
    { code: 'L-19', severity: 'error', article: 'Art. 6(1)', scope: 'activity' }
  )
  const codes = new Set(items.map((r: { code: string }) => r.code))
  for (const code of [
    'L-01',
    'L-02',
    'L-03',
    'L-04',
    'L-05',
    'L-06',
    'L-07',
    'L-08',
    'L-09',
    'L-10',
    'L-13',
    'L-14',
    'L-15',
    'L-16',
    'L-17',
    'L-18',
    'L-19',
    'L-21',
    'L-22',
    'L-23',
    'L-24',
    'L-25',
    'L-27',
    'L-28',
    'L-29',
    'L-32',
    'L-34',
    'L-35',
    'L-36',
    'L-40'
  ]) {
    t.ok(codes.has(code), code)
  }
})

t.test('findings cost the same SQL statements for a few activities as for many', async (t) => {
  const cost = async (url: string) => {
    const before = app.database.statements.count
    t.equal((await get(url)).statusCode, 200)
    return app.database.statements.count - before
  }
  const org = (await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: 'Tiny AS', country: 'SE' } })).json()
  const tiny = await bearer({ scopes: ['ropa:read'], orgs: [org.id] })
  const before = app.database.statements.count
  await app.inject({ url: `/v1/organisations/${org.id}/findings`, headers: tiny })
  const few = app.database.statements.count - before
  const many = await cost(`${base}/findings`)
  t.equal(many, few, `${few} statements for 0 or ${activities.length} activities`)
  t.equal(await cost(`${base}/activities/${idOf('inquiries')}/findings`), 4, 'the organisation, its catalogue, the activity and its acknowledgements')
  t.equal(await cost(`${base}/activities/${idOf('inquiries')}/rights`), 3)
})

t.test("the JSON export carries each activity's findings summary", async (t) => {
  const record = (await get(`${base}/ropa`)).json()
  const prospects = record.activities.find((a: { id: string }) => a.id === idOf('prospects'))
  const direct = (await get(`${base}/activities/${idOf('prospects')}/findings`)).json()
  const { acknowledged, ...counts } = direct.summary
  t.equal(acknowledged, 0, 'nothing acknowledged: the export counts the same findings')
  t.same(prospects.findings, { ...counts, rules: [...new Set(direct.items.map((f: Finding) => f.rule))] })
  t.ok(prospects.findings.rules.includes('purpose-without-legal-basis'))
})

t.test('missing activities answer 404', async (t) => {
  for (const path of ['findings', 'rights']) {
    const res = await get(`${base}/activities/00000000-0000-4000-8000-000000000000/${path}`)
    t.equal(res.statusCode, 404, path)
    t.match(res.json(), { code: 'ROPA_NOT_FOUND' })
  }
})

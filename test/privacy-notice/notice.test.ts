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

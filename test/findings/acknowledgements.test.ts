import { sql } from 'drizzle-orm'
import t from 'tap'
import { acknowledgedValue, entityOf, fingerprintOf, summariseAcknowledged, withAcknowledgements } from '../../src/compliance/acknowledgements.ts'
import { rules } from '../../src/compliance/index.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, unknown>
interface Finding {
  rule: string
  severity: string
  entityType: string
  entityId: string
  path: string
  acknowledged: { id: string; by: string; at: string; reason: string; expiresAt: string | null } | null
}
interface Findings {
  items: Finding[]
  summary: { errors: number; warnings: number; infos: number; acknowledged: number }
}

// L-25 (consent-in-imbalance-of-power) is a heuristic: consent can be freely given by job applicants
// in some settings (a talent pool they may decline), so a DPO may acknowledge its finding.
const RULE = 'consent-in-imbalance-of-power'
const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app, { name: 'Recruiting AS' })
const other = await createOrganisationViaApi(app, { name: 'Other AS' })
const dpo = await bearer({ sub: 'dpo@recruiting.example', scopes: ['ropa:read', 'ropa:write'], orgs: [org.id] })
const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [org.id] })
const outsider = await bearer({ sub: 'outsider', scopes: ['ropa:read', 'ropa:write'], orgs: [other.id] })
const base = `/v1/organisations/${org.id}`
const acknowledgements = `${base}/findings/acknowledgements`

async function create(path: string, payload: Json) {
  const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers: dpo, payload })
  if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${res.body}`)
  return res.json() as Json & { id: string }
}

const applicants = await create('data-subject-categories', { name: 'Job applicants' })
const talentPool = {
  description: 'Keeping applicants in the talent pool for later vacancies',
  legalBasis: '6.1.a',
  consent: { mechanism: 'Separate tick box after the application', recordReference: 'ATS consent log', withdrawalMechanism: 'Link in every email' }
}
const newsletter = {
  description: 'Sending the careers newsletter',
  legalBasis: '6.1.a',
  consent: { mechanism: 'Sign-up form', recordReference: 'Mailing list log', withdrawalMechanism: 'Unsubscribe link' }
}
const activity = await create('activities', {
  name: 'Recruitment',
  status: 'active',
  purposes: [talentPool, newsletter],
  dataSubjectCategoryIds: [applicants.id]
})
const activityUrl = `${base}/activities/${activity.id}`

const findingsOf = async (url: string, headers = reader): Promise<Findings> => {
  const res = await app.inject({ url, headers })
  if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`)
  return res.json()
}
const l25 = (findings: Findings, path = '/purposes/0/legalBasis') =>
  findings.items.find((finding) => finding.rule === RULE && finding.entityId === activity.id && finding.path === path)
const acknowledge = (payload: Json, headers = dpo, url = acknowledgements) => app.inject({ method: 'POST', url, headers, payload })
const reason = 'Applicants may decline the talent pool without any effect on their application; reviewed with HR.'

const before = await findingsOf(`${activityUrl}/findings`)
const beforeAll = await findingsOf(`${base}/findings`)

t.test('before any acknowledgement, findings carry acknowledged: null and a zero count', async (t) => {
  t.match(l25(before), { severity: 'warning', entityType: 'activity', acknowledged: null })
  t.match(l25(before, '/purposes/1/legalBasis'), { acknowledged: null })
  t.equal(before.summary.acknowledged, 0)
  t.ok(
    before.items.every((finding) => finding.acknowledged === null),
    'none acknowledged'
  )
  t.equal(rules.find((rule) => rule.id === RULE)?.kind, 'heuristic', 'L-25 is a heuristic in the catalogue')
  const catalogue = (await app.inject('/v1/reference/rules')).json().items as { id: string; kind: string }[]
  t.ok(
    catalogue.every((rule) => rule.kind === 'requirement' || rule.kind === 'heuristic'),
    'the catalogue states the kind of every rule'
  )
})

t.test('acknowledging a heuristic finding: listed, acknowledged, out of the counts, audited', async (t) => {
  const res = await acknowledge({ rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason })
  t.equal(res.statusCode, 201, res.body)
  const created = res.json()
  t.match(created, {
    rule: RULE,
    entityType: 'activity',
    entityId: activity.id,
    path: '/purposes/0/legalBasis',
    reason,
    expiresAt: null,
    expired: false,
    createdBy: 'dpo@recruiting.example',
    createdAt: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/
  })
  t.notOk('fingerprint' in created, 'the fingerprint stays inside')
  t.equal(res.headers.location, `${acknowledgements}/${created.id}`)

  const one = await app.inject({ url: res.headers.location as string, headers: reader })
  t.equal(one.statusCode, 200)
  t.same(one.json(), created, 'the Location answers the acknowledgement')

  const after = await findingsOf(`${activityUrl}/findings`)
  t.equal(after.items.length, before.items.length, 'the acknowledged finding stays listed')
  t.same(l25(after)?.acknowledged, { id: created.id, by: 'dpo@recruiting.example', at: created.createdAt, reason, expiresAt: null })
  t.same(l25(after, '/purposes/1/legalBasis')?.acknowledged, null, 'the other purpose is not acknowledged')
  t.same(after.summary, { ...before.summary, warnings: before.summary.warnings - 1, acknowledged: 1 })

  const afterAll = await findingsOf(`${base}/findings`)
  t.same(afterAll.summary, { ...beforeAll.summary, warnings: beforeAll.summary.warnings - 1, acknowledged: 1 }, 'the organisation-wide list agrees')
  t.same(l25(afterAll)?.acknowledged, l25(after)?.acknowledged)
  const filtered = await findingsOf(`${base}/findings?rule=${RULE}`)
  t.same(filtered.summary, { errors: 0, warnings: 1, infos: 0, acknowledged: 1 }, 'filters count acknowledged findings apart')

  const feed = await app.inject({ url: `${base}/audit-events?entityType=finding_acknowledgement`, headers: reader })
  t.equal(feed.statusCode, 200)
  const [event] = feed.json().items
  t.match(event, { action: 'create', actor: 'dpo@recruiting.example', entityType: 'finding_acknowledgement', entityId: created.id })
  const { expired: _, ...stored } = created
  t.same(event.snapshot, stored, 'the snapshot is the acknowledgement as stored')
  t.equal(event.requestId, res.headers['x-request-id'])

  const list = await app.inject({ url: acknowledgements, headers: reader })
  t.equal(list.statusCode, 200)
  t.same(list.json(), { items: [created], nextCursor: null })

  const deleted = await app.inject({ method: 'DELETE', url: `${acknowledgements}/${created.id}`, headers: dpo })
  t.equal(deleted.statusCode, 204)
})

t.test('a withdrawn acknowledgement: its finding counts again, and the withdrawal is audited', async (t) => {
  const created = (await acknowledge({ rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason })).json()
  t.equal((await findingsOf(`${activityUrl}/findings`)).summary.acknowledged, 1)
  const res = await app.inject({ method: 'DELETE', url: `${acknowledgements}/${created.id}`, headers: dpo })
  t.equal(res.statusCode, 204)
  t.equal(res.body, '')
  const after = await findingsOf(`${activityUrl}/findings`)
  t.same(after.summary, before.summary)
  t.same(l25(after)?.acknowledged, null)
  t.equal((await app.inject({ url: `${acknowledgements}/${created.id}`, headers: reader })).statusCode, 404)
  const again = await app.inject({ method: 'DELETE', url: `${acknowledgements}/${created.id}`, headers: dpo })
  t.equal(again.statusCode, 404)
  t.match(again.json(), { code: 'ROPA_NOT_FOUND', detail: `There is no finding acknowledgement ${created.id}.` })
  const [event] = (await app.inject({ url: `${base}/audit-events?entityId=${created.id}`, headers: reader })).json().items
  t.match(event, { action: 'delete', entityType: 'finding_acknowledgement', actor: 'dpo@recruiting.example', snapshot: { id: created.id, reason } })
})

t.test('an acknowledgement stops applying when the entity changes in what the finding is about', async (t) => {
  const created = (await acknowledge({ rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason })).json()
  const patch = async (purposes: Json[]) => {
    const res = await app.inject({ method: 'PATCH', url: activityUrl, headers: dpo, payload: { purposes } })
    t.equal(res.statusCode, 200, res.body)
  }

  await patch([talentPool, { ...newsletter, description: 'Sending the careers newsletter monthly' }])
  t.same(l25(await findingsOf(`${activityUrl}/findings`))?.acknowledged?.id, created.id, 'a change elsewhere keeps it')

  await patch([{ ...talentPool, consent: { ...talentPool.consent, mechanism: 'Pre-ticked box' } }, newsletter])
  const changed = await findingsOf(`${activityUrl}/findings`)
  t.same(l25(changed)?.acknowledged, null, 'the purpose it was made on changed: the finding returns')
  t.same(changed.summary, before.summary, 'and counts again')
  const listed = (await app.inject({ url: acknowledgements, headers: reader })).json().items
  t.same(
    listed.map((item: Json) => item.id),
    [created.id],
    'the acknowledgement is still stored'
  )

  await patch([talentPool, newsletter])
  t.same(l25(await findingsOf(`${activityUrl}/findings`))?.acknowledged?.id, created.id, 'back to the acknowledged value, it applies again')

  await patch([newsletter, talentPool])
  const swapped = await findingsOf(`${activityUrl}/findings`)
  t.same(l25(swapped)?.acknowledged, null, 'another purpose moved into its place does not inherit it')
  t.same(l25(swapped, '/purposes/1/legalBasis')?.acknowledged, null)

  await patch([talentPool, newsletter])
  t.equal(l25(await findingsOf(`${activityUrl}/findings`))?.acknowledged?.id, created.id)
})

t.test('acknowledging the same finding again replaces the acknowledgement', async (t) => {
  const [current] = (await app.inject({ url: acknowledgements, headers: reader })).json().items
  const expiresAt = new Date(Date.now() + 86_400_000).toISOString()
  const res = await acknowledge({ rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason: '  Renewed after the HR review.  ', expiresAt })
  t.equal(res.statusCode, 201, res.body)
  const renewed = res.json()
  t.not(renewed.id, current.id, 'a new acknowledgement')
  t.match(renewed, { reason: 'Renewed after the HR review.', expiresAt, expired: false })
  t.same(
    (await app.inject({ url: acknowledgements, headers: reader })).json().items.map((item: Json) => item.id),
    [renewed.id],
    'one per finding'
  )
  const events = (await app.inject({ url: `${base}/audit-events?entityType=finding_acknowledgement&limit=2`, headers: reader })).json().items
  t.match(events, [
    { action: 'create', entityId: renewed.id },
    { action: 'delete', entityId: current.id }
  ])
  t.equal(events[0].requestId, events[1].requestId, 'both in the request that replaced it')
  t.match(l25(await findingsOf(`${activityUrl}/findings`))?.acknowledged, { id: renewed.id, reason: 'Renewed after the HR review.', expiresAt })
})

t.test('an acknowledgement stops applying when it expires', async (t) => {
  const [current] = (await app.inject({ url: acknowledgements, headers: reader })).json().items
  await app.database.db.execute(sql`update finding_acknowledgements set expires_at = now() - interval '1 minute' where id = ${current.id}`)
  const after = await findingsOf(`${activityUrl}/findings`)
  t.same(l25(after)?.acknowledged, null)
  t.same(after.summary, before.summary)
  const listed = await app.inject({ url: `${acknowledgements}?expired=true`, headers: reader })
  t.match(listed.json().items, [{ id: current.id, expired: true }], 'listed, marked expired')
  t.same((await app.inject({ url: `${acknowledgements}?expired=false`, headers: reader })).json().items, [], 'and filtered out of the unexpired')
  t.match((await app.inject({ url: `${acknowledgements}/${current.id}`, headers: reader })).json(), { expired: true })
})

t.test('the list pages newest first and filters by rule and entity', async (t) => {
  const second = await acknowledge({ rule: RULE, entityId: activity.id, path: '/purposes/1/legalBasis', reason: 'The newsletter is optional.' })
  t.equal(second.statusCode, 201, second.body)
  const first = await app.inject({ url: `${acknowledgements}?limit=1`, headers: reader })
  t.equal(first.statusCode, 200)
  t.same(
    first.json().items.map((item: Json) => item.id),
    [second.json().id]
  )
  t.type(first.json().nextCursor, 'string')
  const rest = await app.inject({ url: `${acknowledgements}?limit=1&cursor=${first.json().nextCursor}`, headers: reader })
  t.equal(rest.json().items.length, 1)
  t.equal(rest.json().nextCursor, null)
  t.not(rest.json().items[0].id, second.json().id)
  t.equal((await app.inject({ url: `${acknowledgements}?rule=review-overdue`, headers: reader })).json().items.length, 0)
  t.equal((await app.inject({ url: `${acknowledgements}?entityId=${activity.id}`, headers: reader })).json().items.length, 2)
  t.equal((await app.inject({ url: `${acknowledgements}?cursor=nonsense`, headers: reader })).statusCode, 400)
  t.equal((await app.inject({ url: `${acknowledgements}?unknown=1`, headers: reader })).statusCode, 400)
})

t.test('only current findings of heuristic rules can be acknowledged: 422 names the field', async (t) => {
  const valid = { rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason }
  const refused = async (payload: Json, path: string, message: RegExp) => {
    const res = await acknowledge(payload)
    t.equal(res.statusCode, 422, `${path}: ${res.body}`)
    t.match(res.json(), { type: '/problems/unprocessable', code: 'ROPA_UNPROCESSABLE', errors: [{ path, message }] })
  }
  const requirement = rules.find((rule) => rule.kind === 'requirement' && rule.scope === 'activity')!
  await refused({ ...valid, rule: requirement.id }, '/body/rule', /states a legal requirement/)
  await refused({ ...valid, rule: 'no-such-rule' }, '/body/rule', /is not a rule/)
  await refused({ ...valid, path: '/purposes/0/description' }, '/body/path', /finds nothing at '\/purposes\/0\/description'.*'\/purposes\/0\/legalBasis'/)
  await refused({ ...valid, path: '/purposes/7/legalBasis' }, '/body/path', /only a current finding/)
  await refused({ ...valid, rule: 'retention-open-ended' }, '/body/path', /finds nothing/)
  await refused({ ...valid, entityId: '00000000-0000-4000-8000-000000000000' }, '/body/entityId', /is not an activity of this organisation/)
  await refused({ ...valid, expiresAt: new Date(Date.now() - 60_000).toISOString() }, '/body/expiresAt', /must be in the future/)
})

t.test('the body is validated strictly: 400', async (t) => {
  const valid = { rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason }
  for (const [payload, path] of [
    [{ ...valid, severity: 'info' }, '/body/severity'],
    [{ rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis' }, '/body/reason'],
    [{ ...valid, reason: '' }, '/body/reason'],
    [{ ...valid, reason: '   ' }, '/body/reason'],
    [{ ...valid, reason: 'x'.repeat(2001) }, '/body/reason'],
    [{ ...valid, expiresAt: 'next week' }, '/body/expiresAt'],
    [{ ...valid, entityId: 'recruitment' }, '/body/entityId'],
    [{ ...valid, path: 'purposes/0' }, '/body/path']
  ] as const) {
    const res = await acknowledge(payload)
    t.equal(res.statusCode, 400, `${path}: ${res.body}`)
    t.match(res.json(), { code: 'ROPA_VALIDATION_FAILED' })
    t.ok(
      (res.json().errors as { path: string }[]).some((error) => error.path === path),
      `names ${path}`
    )
  }
  const longest = await acknowledge({ ...valid, reason: 'x'.repeat(2000) })
  t.equal(longest.statusCode, 201, 'a reason of 2000 characters is accepted')
})

t.test('tokens: 401 without, 403 without write scope, 404 for another organisation', async (t) => {
  const valid = { rule: RULE, entityId: activity.id, path: '/purposes/0/legalBasis', reason }
  const [stored] = (await app.inject({ url: acknowledgements, headers: reader })).json().items
  const anonymous = await app.inject({ method: 'POST', url: acknowledgements, payload: valid })
  t.equal(anonymous.statusCode, 401)
  t.match(anonymous.headers['www-authenticate'], /^Bearer/)
  t.equal((await app.inject({ url: acknowledgements })).statusCode, 401)
  const readOnly = await acknowledge(valid, reader)
  t.equal(readOnly.statusCode, 403)
  t.match(readOnly.json(), { code: 'ROPA_FORBIDDEN' })
  t.equal((await app.inject({ method: 'DELETE', url: `${acknowledgements}/${stored.id}`, headers: reader })).statusCode, 403)

  for (const [method, url, payload] of [
    ['POST', acknowledgements, valid],
    ['GET', acknowledgements, undefined],
    ['GET', `${acknowledgements}/${stored.id}`, undefined],
    ['DELETE', `${acknowledgements}/${stored.id}`, undefined]
  ] as const) {
    const res = await app.inject({ method, url, headers: outsider, ...(payload ? { payload } : {}) })
    t.equal(res.statusCode, 404, `${method} ${url}`)
  }
  const theirs = `/v1/organisations/${other.id}/findings/acknowledgements`
  const across = await acknowledge(valid, outsider, theirs)
  t.equal(across.statusCode, 422, "another organisation's activity is not the organisation's")
  t.match(across.json(), { errors: [{ path: '/body/entityId', message: /is not an activity of this organisation/ }] })
  t.equal((await app.inject({ url: `${theirs}/${stored.id}`, headers: outsider })).statusCode, 404, 'nor is its acknowledgement')
  t.equal((await app.inject({ method: 'DELETE', url: `${theirs}/${stored.id}`, headers: outsider })).statusCode, 404)
  t.same((await app.inject({ url: theirs, headers: outsider })).json(), { items: [], nextCursor: null })
  t.equal((await app.inject({ url: `${acknowledgements}/${stored.id}`, headers: reader })).statusCode, 200, 'still there')
})

t.test('an Idempotency-Key makes a retried acknowledgement answer the first one', async (t) => {
  const headers = { ...dpo, 'idempotency-key': 'ack-retry-1' }
  const payload = { rule: RULE, entityId: activity.id, path: '/purposes/1/legalBasis', reason: 'Retried.' }
  const first = await app.inject({ method: 'POST', url: acknowledgements, headers, payload })
  t.equal(first.statusCode, 201, first.body)
  const second = await app.inject({ method: 'POST', url: acknowledgements, headers, payload })
  t.equal(second.statusCode, 201)
  t.equal(second.headers['idempotent-replayed'], 'true')
  t.same(second.json(), first.json())
  t.equal(second.headers.location, first.headers.location)
})

t.test('an acknowledgement goes with its entity', async (t) => {
  const temporary = await create('activities', { name: 'Temporary', purposes: [talentPool], dataSubjectCategoryIds: [applicants.id] })
  const res = await acknowledge({ rule: RULE, entityId: temporary.id, path: '/purposes/0/legalBasis', reason })
  t.equal(res.statusCode, 201, res.body)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/activities/${temporary.id}`, headers: dpo })).statusCode, 204)
  t.equal((await app.inject({ url: `${acknowledgements}/${res.json().id}`, headers: reader })).statusCode, 404)
})

t.test('the findings endpoints read the acknowledgements in one more statement, whatever their number', async (t) => {
  const cost = async (url: string, headers = reader) => {
    const start = app.database.statements.count
    t.equal((await app.inject({ url, headers })).statusCode, 200)
    return app.database.statements.count - start
  }
  t.equal(await cost(`${activityUrl}/findings`), 4)
  t.equal(await cost(`${base}/findings`), await cost(`/v1/organisations/${other.id}/findings`, outsider), 'as for an organisation without any')
})

t.test('the fingerprint: what a finding is about, whatever the order of keys or fields added later', async (t) => {
  const entity = {
    purposes: [{ description: 'A', legalBasis: '6.1.a', consent: { mechanism: 'form', recordReference: null } }],
    dpia: { status: 'not_assessed' }
  }
  t.same(acknowledgedValue(entity, '/purposes/0/legalBasis'), entity.purposes[0], 'a field of a list item: the whole item')
  t.same(acknowledgedValue(entity, '/purposes/0'), entity.purposes[0])
  t.same(acknowledgedValue(entity, '/dpia/status'), 'not_assessed', 'a field outside lists: its value')
  t.equal(acknowledgedValue(entity, '/purposes/3/legalBasis'), undefined)
  t.equal(acknowledgedValue({ 'a/b': { '~': 1 } }, '/a~1b/~0'), 1, 'RFC 6901 escapes')
  const reordered = { purposes: [{ consent: { recordReference: null, mechanism: 'form' }, legalBasis: '6.1.a', description: 'A' }] }
  t.equal(fingerprintOf(reordered, '/purposes/0/legalBasis'), fingerprintOf(entity, '/purposes/0/legalBasis'), 'key order does not count')
  const extended = { purposes: [{ ...entity.purposes[0], addedLater: null }] }
  t.equal(fingerprintOf(extended, '/purposes/0/legalBasis'), fingerprintOf(entity, '/purposes/0/legalBasis'), 'a null field added later does not count')
  t.not(fingerprintOf({ purposes: [{ ...entity.purposes[0], description: 'B' }] }, '/purposes/0/legalBasis'), fingerprintOf(entity, '/purposes/0/legalBasis'))
  t.match(fingerprintOf(entity, '/nothing'), /^[0-9a-f]{64}$/)
})

t.test('findings on the organisation and on processors find their entity too', async (t) => {
  const organisation = { id: org.id, dpo: null }
  const processor = { name: 'Mailer', dpaReference: null }
  const context = {
    organisation,
    catalogue: { processors: new Map([['p1', processor]]) },
    now: new Date('2026-01-01T00:00:00Z')
  } as unknown as Parameters<typeof withAcknowledgements>[3]
  const finding = (entityType: 'organisation' | 'processor', entityId: string, path: string) => ({
    rule: 'some-heuristic',
    severity: 'warning' as const,
    article: 'Art. 1',
    entityType,
    entityId,
    path,
    message: 'm'
  })
  const stored = (entityType: 'organisation' | 'processor', entityId: string, path: string, entity: unknown, expiresAt: string | null = null) => ({
    id: `${entityType}-ack`,
    rule: 'some-heuristic',
    entityType,
    entityId,
    path,
    reason: 'r',
    expiresAt,
    createdAt: '2025-12-01T00:00:00.000Z',
    createdBy: 'dpo',
    fingerprint: fingerprintOf(entity, path)
  })
  t.equal(entityOf({ entityType: 'organisation', entityId: org.id }, new Map(), context), organisation)
  t.equal(entityOf({ entityType: 'processor', entityId: 'p1' }, new Map(), context), processor)
  const items = withAcknowledgements(
    [finding('organisation', org.id, '/dpo'), finding('processor', 'p1', '/dpaReference'), finding('processor', 'p2', '/dpaReference')],
    [stored('organisation', org.id, '/dpo', organisation), stored('processor', 'p1', '/dpaReference', processor, '2025-12-31T23:59:59.999Z')],
    [],
    context
  )
  t.match(items, [{ acknowledged: { id: 'organisation-ack', by: 'dpo' } }, { acknowledged: null }, { acknowledged: null }], 'the expired one does not apply')
  t.same(summariseAcknowledged(items), { errors: 0, warnings: 2, infos: 0, acknowledged: 1 })
})

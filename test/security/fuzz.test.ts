/**
 * Property-based fuzzing of every operation of the OpenAPI document the running app serves.
 *
 * For each operation, fast-check generates hostile requests from the operation's own description:
 * path parameters (valid ids of the first organisation, the other organisation's ids, random uuids,
 * garbage), query parameters (valid, out of range, wrong type, duplicated, unknown, bad cursors and
 * instants), header parameters (If-Match, Idempotency-Key when listed), and bodies generated from the
 * request schema with one mutation (wrong type, missing required field, unknown or prototype-polluting
 * field, over maxLength / maxItems, unicode edge cases), whole hostile documents, non-JSON and wrong
 * content types. Every answer is checked against invariants (see `checkExchange`): never a 5xx, a
 * documented status, RFC 9457 problem details on every error, validation errors naming the field,
 * a superficially valid body on success, and an untouched database after every rejected write.
 *
 * Besides, a schema oracle: a request the document itself forbids (a parameter or body field that
 * breaks its schema, a duplicated or missing required parameter) must not succeed.
 *
 * The generators, the invariants and the schema oracle are in test/support/fuzz/; this file holds the
 * app, its fixtures and the properties.
 *
 * Environment (`npm test` and CI run the defaults: a fixed seed and a moderate number of cases; for a
 * long local run, e.g. `FUZZ_RUNS=30000 FUZZ_BUDGET_SECONDS=3600 npx tap test/security/fuzz.test.ts`):
 *   FUZZ_RUNS            total cases, shared among the operations (default 1000; writes count double)
 *   FUZZ_SEED            the seed (default fixed, so CI runs the same cases every time)
 *   FUZZ_BUDGET_SECONDS  time for the fuzzing loop (default 90); a slow machine runs fewer cases
 *   FUZZ_KEEP_GOING=1    do not stop an operation at its first failure: report every distinct kind
 *   FUZZ_SHRINK=1        let fast-check shrink a failure to a smaller request (slower)
 *   FUZZ_VERBOSE=1       print the statuses answered per operation
 * A failure prints the concrete request, the answer, and fast-check's seed and path to replay it.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import fc from 'fast-check'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi, token } from '../helper.ts'
import { encode } from '../support/fuzz/hostile-values.ts'
import { ENTITIES, type Entity, IdRef } from '../support/fuzz/ids.ts'
import { checkExchange, type Exchange, PROBLEM_CONTENT_TYPE } from '../support/fuzz/invariants.ts'
import { defineKey, mutate, mutationArb } from '../support/fuzz/mutations.ts'
import { type OpenApiDocument, type Operation, operationsOf, type Schema } from '../support/fuzz/openapi.ts'
import { bodyForbiddenBy, forbiddenBy, schemaViolation } from '../support/fuzz/oracle.ts'
import { type ConcreteRequest, type GeneratedRequest, requestArb } from '../support/fuzz/requests.ts'
import { type Vocabulary, validArb } from '../support/fuzz/valid-values.ts'

// ---------------------------------------------------------------------------------------------
// The app, its fixtures and the fuzz run
// ---------------------------------------------------------------------------------------------

const app = await buildTestApp(t)
const spec = app.swagger() as unknown as OpenApiDocument
const components = spec.components?.schemas ?? {}
const operations = operationsOf(spec)

const platform = await bearer({ sub: 'fuzz-setup', scopes: ['ropa:platform', 'ropa:read', 'ropa:write', 'ropa:admin'] })

const entityUrl: Record<Entity, string> = {
  dataCategory: 'data-categories',
  dataSubjectCategory: 'data-subject-categories',
  recipient: 'recipients',
  processor: 'processors',
  securityMeasure: 'security-measures',
  activity: 'activities'
}
const entityTable: Record<Entity, string> = {
  dataCategory: 'data_categories',
  dataSubjectCategory: 'data_subject_categories',
  recipient: 'recipients',
  processor: 'processors',
  securityMeasure: 'security_measures',
  activity: 'activities'
}

interface OrganisationFixture {
  id: string
  /** Per kind: the entry the fixture activity links to, and one nothing links to. */
  ids: Record<Entity, [string, string]>
}

async function post(url: string, payload: unknown): Promise<{ id: string }> {
  const res = await app.inject({ method: 'POST', url, headers: platform, payload: payload as object })
  if (res.statusCode !== 201) throw new Error(`fixture POST ${url} failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

const suffix = () => randomBytes(4).toString('hex')

/** Creates one entry; an activity links to the given (first) entries of each catalogue kind. */
async function createEntity(orgId: string, entity: Entity, links: Partial<Record<Entity, string>>): Promise<string> {
  const base = `/v1/organisations/${orgId}/${entityUrl[entity]}`
  const name = `Fixture ${entity} ${suffix()}`
  switch (entity) {
    case 'dataCategory':
      return (await post(base, { name, specialCategory: 'health_data' })).id
    case 'dataSubjectCategory':
      return (await post(base, { name })).id
    case 'recipient':
      return (await post(base, { name, type: 'processor', country: 'NO' })).id
    case 'processor':
      return (await post(base, { name, country: 'US', subprocessorAuthorisation: 'general' })).id
    case 'securityMeasure':
      return (await post(base, { name, type: 'technical' })).id
    case 'activity':
      return (
        await post(base, {
          name,
          status: 'active',
          purposes: [{ description: 'Pay salaries', legalBasis: '6.1.b' }],
          dataSubjectCategoryIds: [links.dataSubjectCategory],
          dataCategoryIds: [links.dataCategory],
          recipientIds: [links.recipient],
          processorIds: [links.processor],
          securityMeasureIds: [links.securityMeasure],
          specialCategoryConditions: [{ condition: '9.2.b', reference: 'arbeidsmiljøloven § 5-1' }],
          transfers: [{ country: 'US', importer: 'Payroll SaaS Inc.', processorId: links.processor, mechanism: '46.2.c', sccModule: 2 }],
          retention: [{ dataCategoryIds: [links.dataCategory], period: 'P5Y' }]
        })
      ).id
  }
}

const linksOf = (ids: Partial<Record<Entity, [string, string]>>) =>
  Object.fromEntries(Object.entries(ids).map(([entity, pair]) => [entity, pair[0]])) as Partial<Record<Entity, string>>

/** An organisation with two entries of every kind: lists have a second page, so a real cursor. */
async function createOrganisationFixture(): Promise<OrganisationFixture> {
  const organisation = await createOrganisationViaApi(app, { email: 'privacy@example.com' }, 'fuzz-setup')
  const ids: Partial<Record<Entity, [string, string]>> = {}
  for (const entity of ENTITIES) {
    const links = linksOf(ids)
    ids[entity] = [await createEntity(organisation.id, entity, links), await createEntity(organisation.id, entity, links)]
  }
  return { id: organisation.id, ids: ids as Record<Entity, [string, string]> }
}

const fixtures = { mine: await createOrganisationFixture(), theirs: await createOrganisationFixture() }
let fuzzHeaders = await bearer({ sub: 'fuzzer', orgs: [fixtures.mine.id] })
const readOnlyHeaders = async () => bearer({ sub: 'fuzzer', scopes: ['ropa:read'], orgs: [fixtures.mine.id] })

/** Recreates the fixtures an accepted DELETE removed, so later cases still have valid ids. */
async function repairFixtures(): Promise<void> {
  for (const side of ['mine', 'theirs'] as const) {
    const fixture = fixtures[side]
    const org = await app.database.db.execute(sql`select 1 from organisations where id = ${fixture.id}`)
    if (org.rows.length === 0) {
      fixtures[side] = await createOrganisationFixture()
      if (side === 'mine') fuzzHeaders = await bearer({ sub: 'fuzzer', orgs: [fixtures.mine.id] })
      continue
    }
    const lookups = ENTITIES.map(
      (entity) => sql`select id::text as id from ${sql.identifier(entityTable[entity])} where id in (${fixture.ids[entity][0]}, ${fixture.ids[entity][1]})`
    )
    const present = new Set((await app.database.db.execute(sql.join(lookups, sql` union all `))).rows.map((row) => String(row.id)))
    for (const entity of ENTITIES) {
      for (const index of [0, 1] as const) {
        if (!present.has(fixture.ids[entity][index])) fixture.ids[entity][index] = await createEntity(fixture.id, entity, linksOf(fixture.ids))
      }
    }
  }
}

function resolveId(ref: IdRef): string {
  const fixture = ref.mode === 'foreign' ? fixtures.theirs : fixtures.mine
  if (ref.target === 'org') return ref.mode === 'otherKind' ? fixtures.mine.ids.activity[0] : fixture.id
  const entity: Entity = ref.target === 'any' ? 'processor' : ref.target
  if (ref.mode === 'otherKind') return fixture.ids[entity === 'processor' ? 'recipient' : 'processor'][ref.index]
  return fixture.ids[entity][ref.index]
}

function resolve(value: unknown): unknown {
  if (value instanceof IdRef) return resolveId(value)
  if (Array.isArray(value)) return value.map(resolve)
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {}
    for (const [key, child] of Object.entries(value)) defineKey(copy, key, resolve(child))
    return copy
  }
  return value
}

async function concrete(operation: Operation, generated: GeneratedRequest): Promise<ConcreteRequest> {
  let url = operation.path
  for (const [name, value] of Object.entries(generated.path)) {
    const text = value instanceof IdRef ? encode(resolveId(value)) : typeof value === 'string' ? encode(value) : value.raw
    url = url.replace(`{${name}}`, text)
  }
  const query = generated.query.map(([name, value]) => `${encode(name)}=${encode(value instanceof IdRef ? resolveId(value) : value)}`)
  if (generated.rawQuery !== null) query.push(generated.rawQuery)
  if (query.length > 0) url += `?${query.join('&')}`
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(generated.headers)) headers[name] = value instanceof IdRef ? resolveId(value) : value
  if (generated.auth === 'valid') Object.assign(headers, fuzzHeaders)
  else if (generated.auth === 'readOnly') Object.assign(headers, await readOnlyHeaders())
  else if (generated.auth === 'garbage') headers.authorization = `Bearer ${(await token({ orgs: [fixtures.mine.id] })).slice(0, -4)}AAAA`
  const body = generated.body
  let payload: string | undefined
  if (body.kind === 'json') payload = JSON.stringify(resolve(body.value)) ?? 'null'
  if (body.kind === 'raw') payload = body.payload
  if (body.kind !== 'none' && body.contentType !== null) headers['content-type'] = body.contentType
  return { method: operation.method, url, headers, ...(payload !== undefined ? { payload } : {}) }
}

const mainTables = [
  'organisations',
  'data_categories',
  'data_subject_categories',
  'recipients',
  'processors',
  'processor_subprocessors',
  'security_measures',
  'activities',
  'activity_links',
  'webhooks'
]

interface Fingerprint {
  text: string
  seq: number
}

const nextXid = async () => String((await app.database.db.execute(sql`select pg_snapshot_xmax(pg_current_snapshot())::text as xid`)).rows[0]!.xid)
let lastFingerprint: { xid: string; fingerprint: Fingerprint } | undefined

/**
 * The state of the record in one statement: audit events by count and last seq, every other table
 * by its row count and the sum of its rows' xmin. Any row a committed transaction inserted, updated
 * (even to the same values) or deleted changes that sum; a rolled-back one changes nothing.
 * While no transaction has been given an id since the last fingerprint (every write needs one, and
 * the next id is cluster-wide), nothing can have changed, so the last one is reused.
 */
async function fingerprint(): Promise<Fingerprint> {
  if (lastFingerprint && lastFingerprint.xid === (await nextXid())) return lastFingerprint.fingerprint
  timing.fullFingerprints++
  const tables = mainTables.map(
    (table) => sql`(select count(*) || ':' || coalesce(sum(t.xmin::text::bigint), 0) from ${sql.identifier(table)} t) as ${sql.identifier(table)}`
  )
  const result = await app.database.db.execute(
    sql`select pg_snapshot_xmax(pg_current_snapshot())::text as xid, (select coalesce(max(seq), 0) from audit_events) as seq, (select count(*) from audit_events) as audit_events, ${sql.join(tables, sql`, `)}`
  )
  const { xid, ...row } = result.rows[0] as Record<string, unknown>
  const fingerprint = {
    text: Object.entries(row)
      .map(([name, value]) => `${name}=${String(value)}`)
      .join(' '),
    seq: Number(row.seq)
  }
  lastFingerprint = { xid: String(xid), fingerprint }
  return fingerprint
}

const short = (text: string | undefined, limit = 600) =>
  text === undefined ? '' : text.length > limit ? `${text.slice(0, limit)}… (${text.length} chars)` : text

function describe(request: ConcreteRequest, status: number, headers: Record<string, unknown>, body: string): string {
  const shownHeaders = Object.fromEntries(
    Object.entries(request.headers).map(([name, value]) => [name, name === 'authorization' ? `${value.slice(0, 16)}…` : short(value, 120)])
  )
  return [
    `  request: ${request.method} ${short(request.url, 400)}`,
    `  headers: ${JSON.stringify(shownHeaders)}`,
    `  body:    ${short(request.payload)}`,
    `  answer:  ${status} ${String(headers['content-type'])}`,
    `  ${short(body)}`
  ].join('\n')
}

interface Tally {
  cases: Map<string, number>
  statuses: Map<string, Map<number, number>>
  codes: Map<string, number>
  acceptedWrites: number
  rejectedWrites: number
  repeats: number
  replays: number
}
const timing = { inject: 0, fingerprint: 0, repair: 0, concrete: 0, between: 0, caseEnded: 0, fullFingerprints: 0 }
const tally: Tally = { cases: new Map(), statuses: new Map(), codes: new Map(), acceptedWrites: 0, rejectedWrites: 0, repeats: 0, replays: 0 }

/**
 * The case under way. fast-check's time limit abandons a running case without stopping it, so its
 * write could land while the next operation's case compares the database before and after: the
 * loop waits for it before going on.
 */
let caseUnderWay: Promise<unknown> = Promise.resolve()

async function runCase(operation: Operation, generated: GeneratedRequest): Promise<void> {
  if (timing.caseEnded !== 0) timing.between += performance.now() - timing.caseEnded
  const checks = runChecks(operation, generated)
  caseUnderWay = checks.catch(() => undefined)
  try {
    await checks
  } finally {
    timing.caseEnded = performance.now()
  }
}

async function runChecks(operation: Operation, generated: GeneratedRequest): Promise<void> {
  let started = performance.now()
  const request = await concrete(operation, generated)
  timing.concrete += performance.now() - started
  const write = request.method !== 'GET'
  started = performance.now()
  const before = write ? await fingerprint() : undefined
  timing.fingerprint += performance.now() - started
  started = performance.now()
  const res = await app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {})
  })
  timing.inject += performance.now() - started
  const accepted = res.statusCode >= 200 && res.statusCode < 300
  // A replay (Idempotency-Key) must write nothing either, so it is checked like a rejected write.
  const replayed = res.headers['idempotent-replayed'] === 'true'
  started = performance.now()
  const after = write ? await fingerprint() : undefined
  timing.fingerprint += performance.now() - started
  tally.cases.set(operation.id, (tally.cases.get(operation.id) ?? 0) + 1)
  const statuses = tally.statuses.get(operation.id) ?? new Map<number, number>()
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1)
  tally.statuses.set(operation.id, statuses)
  if (!accepted && res.headers['content-type'] === PROBLEM_CONTENT_TYPE) {
    const code = String((JSON.parse(res.body) as { code?: unknown }).code)
    tally.codes.set(code, (tally.codes.get(code) ?? 0) + 1)
  }
  const unchangedExpected = write && (!accepted || replayed)
  const forbidden =
    generated.auth === 'valid'
      ? (forbiddenBy(operation, generated, resolveId) ?? bodyForbiddenBy(operation, request.headers['content-type'], request.payload))
      : undefined
  const violations = checkExchange(
    {
      operation,
      request,
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      ...(unchangedExpected ? { before: before!.text, after: after!.text } : {}),
      ...(forbidden ? { forbidden } : {}),
      replayed
    },
    components
  )
  if (replayed) tally.replays++
  if (generated.repeat && request.headers['idempotency-key'] !== undefined && res.statusCode < 500)
    violations.push(...(await repeatChecks(operation, request, res, after!)))
  if (write && accepted) {
    tally.acceptedWrites++
    // One audit event per successful write, unless it replayed an earlier answer.
    // Planning a bundle is a POST that writes nothing.
    if (!replayed && operation.id !== 'planBundle' && after!.seq <= before!.seq) violations.push('an accepted write appended no audit event')
    started = performance.now()
    if (request.method === 'DELETE') await repairFixtures()
    timing.repair += performance.now() - started
  } else if (write) tally.rejectedWrites++
  if (violations.length === 0) return
  const report = `${operation.id}: ${violations.join('; ')}\n${describe(request, res.statusCode, res.headers, res.body)}`
  if (!keepGoing) throw new Error(report)
  // FUZZ_KEEP_GOING: note each distinct kind of violation once, with its first request, and go on.
  // A server error is one kind per operation (each may have its own cause); other kinds group across operations.
  const kinds = violations.map((violation) =>
    violation
      .split('\n')[0]!
      .replace(operation.id, '<op>')
      .replace(/ \(documented: .*\)$/, '')
      .replace(/"[^"]*"/g, '…')
  )
  const signature = `${res.statusCode >= 500 ? `${operation.id}: ` : ''}${res.statusCode}: ${kinds.join('; ')}`
  const seen = found.get(signature)
  if (seen) seen.operations.add(operation.id)
  else found.set(signature, { report, operations: new Set([operation.id]) })
}

/**
 * Sends a request with an Idempotency-Key again: the same status, and nothing written. An accepted
 * first answer must come back as a replay (`Idempotent-Replayed: true`) with the same body; a
 * refused one may be refused again by the same check before the key is even looked at.
 */
async function repeatChecks(
  operation: Operation,
  request: ConcreteRequest,
  first: { statusCode: number; body: string },
  before: Fingerprint
): Promise<string[]> {
  const res = await app.inject({
    method: request.method,
    url: request.url,
    headers: request.headers,
    ...(request.payload !== undefined ? { payload: request.payload } : {})
  })
  const after = await fingerprint()
  const replayed = res.headers['idempotent-replayed'] === 'true'
  tally.repeats++
  if (replayed) tally.replays++
  const violations = checkExchange(
    { operation, request, status: res.statusCode, headers: res.headers, body: res.body, before: before.text, after: after.text, replayed },
    components
  ).map((violation) => `the repeat: ${violation}`)
  if (res.statusCode !== first.statusCode) violations.push(`the repeat with the same Idempotency-Key answered ${res.statusCode}, the first ${first.statusCode}`)
  if (first.statusCode < 300 && !replayed) violations.push('the repeat of an accepted request was not a replay')
  if (first.statusCode < 300 && res.body !== first.body) violations.push(`the replay answered another body: ${short(res.body, 300)}`)
  return violations
}

const keepGoing = process.env.FUZZ_KEEP_GOING !== undefined
const found = new Map<string, { report: string; operations: Set<string> }>()

// ---------------------------------------------------------------------------------------------
// Vocabulary, codes and cursors the generators draw valid values from
// ---------------------------------------------------------------------------------------------

const collect = (value: unknown, key: string, out: Set<string>) => {
  if (Array.isArray(value)) {
    for (const item of value) collect(item, key, out)
  } else if (value !== null && typeof value === 'object') {
    for (const [name, child] of Object.entries(value)) {
      if (name === key && typeof child === 'string') out.add(child)
      else collect(child, key, out)
    }
  }
}

async function codesOf(url: string, key: string): Promise<string[]> {
  const out = new Set<string>()
  collect((await app.inject({ url })).json(), key, out)
  return [...out]
}

const vocabulary: Vocabulary = {
  countries: await codesOf('/v1/reference/countries', 'code'),
  securityMeasureCodes: await codesOf('/v1/reference/security-measures', 'code')
}

const codes = new Map<string, string[]>()
for (const operation of operations) {
  const parameter = operation.params.find((candidate) => candidate.in === 'path' && candidate.schema?.format !== 'uuid')
  if (!parameter) continue
  const list = operation.path.replace(`/{${parameter.name}}`, '')
  // Problem types are listed by their `type` URI, whose last segment is the slug.
  const found = parameter.name === 'slug' ? (await codesOf(list, 'type')).map((type) => type.split('/').pop()!) : await codesOf(list, 'code')
  codes.set(operation.id, found)
}

/** The cursor each list issues for its second page (the fixtures give every list two entries). */
const cursors = new Map<string, string>()
for (const operation of operations.filter((candidate) => candidate.method === 'GET' && candidate.params.some((parameter) => parameter.name === 'cursor'))) {
  const url = `${operation.path.replace('{orgId}', fixtures.mine.id)}?limit=1`
  const next = (await app.inject({ url, headers: fuzzHeaders })).json().nextCursor
  if (typeof next === 'string') cursors.set(operation.id, next)
}

// ---------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------

/** The violation with the concrete request and answer, then how to replay it; long values are cut. */
function failureReport(details: fc.RunDetails<[GeneratedRequest]>): string {
  const error = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)
  return [
    error,
    `  generated: ${short(fc.stringify(details.counterexample?.[0]), 1500)}`,
    `  replay: FUZZ_SEED=${seed} (this operation: fast-check seed ${details.seed}, path "${details.counterexamplePath}"), FUZZ_SHRINK=1 to shrink`
  ].join('\n')
}

const totalRuns = Number(process.env.FUZZ_RUNS ?? 1000)
const seed = Number(process.env.FUZZ_SEED ?? 20250130)
const budgetSeconds = Number(process.env.FUZZ_BUDGET_SECONDS ?? 90)
const weightOf = (operation: Operation) => (operation.body ? 2 : 1)
const totalWeight = operations.reduce((sum, operation) => sum + weightOf(operation), 0)
const runsOf = (operation: Operation) => Math.max(1, Math.round((totalRuns * weightOf(operation)) / totalWeight))

t.test('fuzzing every operation of the OpenAPI document keeps every invariant', async (t) => {
  const started = Date.now()
  const planned = operations.reduce((sum, operation) => sum + runsOf(operation), 0)
  t.comment(
    `fuzz seed ${seed} (FUZZ_SEED), ${planned} cases (FUZZ_RUNS=${totalRuns}) over ${operations.length} operations, ${cursors.size} issued cursors, time budget ${budgetSeconds} s (FUZZ_BUDGET_SECONDS)`
  )
  const deadline = started + budgetSeconds * 1000
  for (const [index, operation] of operations.entries()) {
    // A slow machine runs fewer cases rather than hit the file's timeout: each operation may use four
    // times its share of the time left, and always gets two seconds.
    const share = Math.max(2000, (4 * (deadline - Date.now())) / (operations.length - index))
    const details = await fc.check(
      fc.asyncProperty(requestArb(operation, vocabulary, codes, [...cursors.values()], cursors.get(operation.id)), async (generated) =>
        runCase(operation, generated)
      ),
      { seed: seed + index, numRuns: runsOf(operation), endOnFailure: process.env.FUZZ_SHRINK === undefined, interruptAfterTimeLimit: share }
    )
    await caseUnderWay
    if (details.failed) t.fail(`${operation.method} ${operation.path} (${operation.id}) breaks an invariant`, { found: failureReport(details) })
    else t.pass(`${operation.id}: ${details.numRuns} cases${details.interrupted ? ` (of ${runsOf(operation)}; out of time)` : ''}`)
  }
  for (const [signature, { report, operations }] of found) t.fail(`${signature} (in ${[...operations].join(', ')})`, { found: report })
  const seconds = ((Date.now() - started) / 1000).toFixed(1)
  t.comment(
    `fuzzed ${[...tally.cases.values()].reduce((a, b) => a + b, 0)} cases in ${seconds} s: ${tally.acceptedWrites} accepted writes, ${tally.rejectedWrites} rejected writes (database unchanged after each), ${tally.repeats} repeats with an Idempotency-Key (${tally.replays} replayed)`
  )
  t.comment(
    `time in requests ${(timing.inject / 1000).toFixed(1)} s, database fingerprints ${(timing.fingerprint / 1000).toFixed(1)} s (${timing.fullFingerprints} computed), fixture repairs ${(timing.repair / 1000).toFixed(1)} s, building requests ${(timing.concrete / 1000).toFixed(1)} s, generating ${(timing.between / 1000).toFixed(1)} s`
  )
  t.comment(
    `problem codes: ${[...tally.codes]
      .sort((a, b) => b[1] - a[1])
      .map(([code, count]) => `${code} ${count}`)
      .join(', ')}`
  )
  if (process.env.FUZZ_VERBOSE)
    for (const [id, statuses] of tally.statuses)
      t.comment(
        `${id}: ${[...statuses]
          .sort((a, b) => a[0] - b[0])
          .map(([status, count]) => `${status}×${count}`)
          .join(' ')}`
      )
})

t.test('the fuzzer is effective', async (t) => {
  t.test('it generated cases for every operation of the document', async (t) => {
    t.ok(operations.length >= 50, `${operations.length} operations in the document`)
    const missing = operations.filter((operation) => (tally.cases.get(operation.id) ?? 0) === 0).map((operation) => operation.id)
    t.same(missing, [], 'no operation went unfuzzed')
    t.equal(new Set(operations.map((operation) => operation.id)).size, operations.length, 'operationIds are unique, so the count per operation is meaningful')
  })

  t.test(
    'its requests reach the handlers: writes are both accepted and rejected, with several kinds of problem',
    { skip: totalRuns < 1000 ? 'needs FUZZ_RUNS of 1000 or more' : false },
    async (t) => {
      t.ok(tally.acceptedWrites > 0, `${tally.acceptedWrites} accepted writes`)
      t.ok(tally.rejectedWrites > 0, `${tally.rejectedWrites} rejected writes`)
      const bodies = operations.filter((operation) => operation.body)
      const reachedHandler = bodies.filter((operation) =>
        [...(tally.statuses.get(operation.id)?.keys() ?? [])].some((status) => status < 300 || [404, 409, 412, 422].includes(status))
      )
      t.ok(
        reachedHandler.length >= bodies.length * 0.8,
        `${reachedHandler.length} of ${bodies.length} operations with a body got past validation at least once`
      )
      for (const code of ['ROPA_VALIDATION_FAILED', 'ROPA_MALFORMED_BODY', 'ROPA_UNSUPPORTED_MEDIA_TYPE', 'ROPA_NOT_FOUND'])
        t.ok(tally.codes.has(code), `${code} answered`)
      const total = [...tally.cases.values()].reduce((sum, count) => sum + count, 0)
      const limited = tally.codes.get('ROPA_RATE_LIMITED') ?? 0
      t.ok(limited < total / 10, `${limited} of ${total} cases were rate limited (a limit that answers most of them would leave nothing fuzzed)`)
    }
  )

  t.test('the database fingerprint sees every committed change and no rolled-back one', async (t) => {
    const processor = fixtures.mine.ids.processor[1]
    const start = await fingerprint()
    t.equal((await fingerprint()).text, start.text, 'stable while nothing writes')
    await app.database.db.execute(sql`update processors set name = name where id = ${processor}`)
    const touched = await fingerprint()
    t.not(touched.text, start.text, 'an update to the same values is seen')
    await t.rejects(
      app.database.db.transaction(async (tx) => {
        await tx.execute(sql`update processors set version = version + 1 where id = ${processor}`)
        await tx.execute(sql`insert into audit_events (actor, action, entity_type, entity_id) values ('fuzz', 'update', 'processor', ${processor})`)
        throw new Error('roll back')
      })
    )
    t.equal((await fingerprint()).text, touched.text, 'a rolled-back write is not')
  })

  const processors = operations.find((operation) => operation.id === 'createProcessor')!
  const exchange = (status: number, body: unknown, overrides: Partial<Exchange> = {}): Exchange => ({
    operation: processors,
    request: { method: 'POST', url: '/v1/organisations/x/processors', headers: {} },
    status,
    headers: {
      'content-type': status < 300 ? 'application/json; charset=utf-8' : PROBLEM_CONTENT_TYPE,
      'x-request-id': 'r',
      ...(status === 201 ? { location: '/x' } : {})
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...overrides
  })
  const problem = (status: number, extra: object = {}) => ({
    type: '/problems/x',
    title: 'x',
    status,
    detail: 'x',
    instance: '/x',
    code: 'ROPA_X',
    requestId: 'r',
    ...extra
  })

  t.test('the invariant checker flags each broken answer', async (t) => {
    t.same(checkExchange(exchange(409, problem(409))), [], 'a documented problem passes')
    t.match(checkExchange(exchange(500, problem(500))), [/500, a server error/], 'a 500 is caught')
    t.match(checkExchange(exchange(503, problem(503))).join(), /server error/, 'a 503 is caught')
    t.match(checkExchange(exchange(412, problem(412))).join(), /does not document/, 'an undocumented status is caught')
    t.match(
      checkExchange(exchange(400, problem(400), { headers: { 'content-type': 'application/json; charset=utf-8' } })).join(),
      /content-type/,
      'an error that is not problem+json is caught'
    )
    t.match(checkExchange(exchange(400, problem(422))).join(), /not the HTTP status/, 'a problem whose status differs is caught')
    t.match(checkExchange(exchange(400, { status: 400 })).join(), /no string title/, 'a problem without its fields is caught')
    t.match(
      checkExchange(exchange(400, problem(400, { code: 'ROPA_VALIDATION_FAILED' }))).join(),
      /without errors/,
      'a validation problem that names no field is caught'
    )
    t.match(
      checkExchange(exchange(400, problem(400, { code: 'ROPA_VALIDATION_FAILED', errors: [{ path: '/name', message: 'x' }] }))).join(),
      /does not name a request part/,
      'a field path outside the request is caught'
    )
    t.match(
      checkExchange(exchange(409, problem(409), { before: '[1]', after: '[2]' })).join(),
      /changed the database/,
      'a rejected write that changed the database is caught'
    )
    t.match(checkExchange(exchange(201, { name: 'x' })).join(), /id is missing/, 'a 201 that is not the entity is caught')
    t.match(checkExchange(exchange(201, 'not json')).join(), /not JSON/, 'a 2xx that is not JSON is caught')
    t.match(
      checkExchange(exchange(201, { name: 'x' }, { forbidden: '/query/limit is above 200' })).join(),
      /accepted although \/query\/limit/,
      'a 2xx to a request the document forbids is caught'
    )
  })

  t.test('the schema oracle knows which requests the document forbids', async (t) => {
    const schema = processors.body!
    t.equal(schemaViolation(schema, { name: 'Mailer' }, '/body'), undefined, 'a valid body is allowed')
    t.equal(schemaViolation(schema, { name: 'Mailer', country: null, subProcessorIds: [] }, '/body'), undefined, 'null where a field is nullable is allowed')
    t.match(schemaViolation(schema, {}, '/body'), /\/body\/name is required/)
    t.match(schemaViolation(schema, { name: 'x', id: 'x' }, '/body'), /\/body\/id is not a known property/)
    t.match(schemaViolation(schema, { name: '😀'.repeat(301) }, '/body'), /longer than 300/, 'lengths count code points')
    t.equal(schemaViolation(schema, { name: '😀'.repeat(300) }, '/body'), undefined)
    t.match(schemaViolation(schema, { name: 'x', country: 'no' }, '/body'), /does not match/)
    t.match(schemaViolation(schema, { name: 'x', subProcessorIds: ['not-a-uuid'] }, '/body'), /subProcessorIds\/0 is not a uuid/)
    const list = operations.find((operation) => operation.id === 'listProcessors')!
    const request = (query: GeneratedRequest['query']): GeneratedRequest => ({
      path: { orgId: new IdRef('mine', 'org') },
      query,
      rawQuery: null,
      headers: {},
      auth: 'valid',
      body: { kind: 'none' },
      repeat: false,
      intent: 'test'
    })
    const ids = () => randomUUID()
    t.equal(forbiddenBy(list, request([['limit', '200']]), ids), undefined)
    t.equal(forbiddenBy(list, request([['limit', ' 1']]), ids), undefined, 'what a query-string validator converts is allowed')
    for (const limit of ['201', '0', '1.5', 'Infinity', '-Infinity', '', 'x'])
      t.ok(forbiddenBy(list, request([['limit', limit]]), ids), `limit=${limit} is forbidden`)
    t.match(
      forbiddenBy(
        list,
        request([
          ['limit', '1'],
          ['limit', '2']
        ]),
        ids
      ),
      /given 2 times/
    )
    t.match(forbiddenBy(list, request([['dpfCertified', 'yes']]), ids), /not true or false/)
  })

  t.test('the fuzzing loop reports a broken route as a failure with its request', async (t) => {
    const broken = { ...processors, id: 'brokenRoute' }
    const fake = (status: number) => async () => {
      const violations = checkExchange(exchange(status, problem(status), { operation: broken }))
      if (violations.length > 0) throw new Error(violations.join('; '))
    }
    const failing = await fc.check(fc.asyncProperty(fc.constant(0), fake(500)), { seed, numRuns: 5 })
    t.ok(failing.failed, 'a route answering 500 fails the property')
    t.match(fc.defaultReportMessage(failing), /Counterexample/)
    const passing = await fc.check(fc.asyncProperty(fc.constant(0), fake(409)), { seed, numRuns: 5 })
    t.notOk(passing.failed, 'a route answering a documented problem passes')
  })

  t.test('mutations generate the hostile bodies they promise', async (t) => {
    const schema: Schema = processors.body!
    const sample = fc.sample(
      fc.tuple(validArb(schema, vocabulary), mutationArb).map(([value, mutation]) => ({ value: mutate(value, schema, mutation), mutation })),
      { seed, numRuns: 400 }
    )
    const json = sample.map(({ value }) => JSON.stringify(resolve(value)) ?? '')
    t.ok(
      json.some((text) => text.includes('"__proto__"')),
      'an own __proto__ property is sent'
    )
    t.ok(
      json.some((text) => /"(id|version|createdBy)":/.test(text)),
      'server-owned fields are sent'
    )
    t.ok(
      json.some((text) => text.length > 100_000),
      'huge strings are sent'
    )
    t.ok(
      sample.some(({ value }) => value !== null && typeof value === 'object' && !('name' in value)),
      'the required name goes missing'
    )
    t.ok(
      json.some((text) => text.includes('\\ud800') || text.includes('\\udc00')),
      'lone surrogates are sent'
    )
  })
})

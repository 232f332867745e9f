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
 * Environment:
 *   FUZZ_RUNS            total cases, shared among the operations (default 3000; writes count double)
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

// ---------------------------------------------------------------------------------------------
// The OpenAPI subset this file reads
// ---------------------------------------------------------------------------------------------

interface Schema {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  anyOf?: Schema[]
  oneOf?: Schema[]
  properties?: Record<string, Schema>
  required?: string[]
  additionalProperties?: boolean | Schema
  minProperties?: number
  items?: Schema
  minItems?: number
  maxItems?: number
  uniqueItems?: boolean
  minLength?: number
  maxLength?: number
  pattern?: string
  format?: string
  minimum?: number
  maximum?: number
  examples?: unknown[]
  $ref?: string
}

interface Parameter {
  name: string
  in: 'path' | 'query' | 'header' | 'cookie'
  required?: boolean
  schema?: Schema
}

interface MediaType {
  schema?: Schema
}

interface OpenApiOperation {
  operationId?: string
  parameters?: Parameter[]
  requestBody?: { required?: boolean; content?: Record<string, MediaType> }
  responses?: Record<string, { content?: Record<string, MediaType> }>
  security?: unknown[]
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>
  components?: { schemas?: Record<string, Schema> }
}

interface Operation {
  id: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  params: Parameter[]
  body?: Schema
  /** Documented statuses, as numbers. */
  statuses: Set<number>
  /** Documented media types per status. */
  responses: Map<number, Map<string, Schema | undefined>>
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const

function operationsOf(spec: OpenApiDocument): Operation[] {
  const operations: Operation[] = []
  for (const [path, item] of Object.entries(spec.paths)) {
    for (const method of METHODS) {
      const operation = item[method]
      if (!operation) continue
      const responses = new Map<number, Map<string, Schema | undefined>>()
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        responses.set(Number(status), new Map(Object.entries(response.content ?? {}).map(([type, media]) => [type, media.schema])))
      }
      operations.push({
        id: operation.operationId ?? `${method} ${path}`,
        method: method.toUpperCase() as Operation['method'],
        path,
        params: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
        statuses: new Set(responses.keys()),
        responses
      })
    }
  }
  return operations
}

// ---------------------------------------------------------------------------------------------
// Symbolic ids, resolved when the request is sent (the fixtures they name can be recreated)
// ---------------------------------------------------------------------------------------------

const ENTITIES = ['dataCategory', 'dataSubjectCategory', 'recipient', 'processor', 'securityMeasure', 'activity'] as const
type Entity = (typeof ENTITIES)[number]
type Target = Entity | 'org' | 'any'

/** An id of a fixture: `mine` (the fuzzed organisation's), `foreign` (the other one's), `otherKind` (mine, of another kind). */
class IdRef {
  constructor(
    readonly mode: 'mine' | 'foreign' | 'otherKind',
    readonly target: Target,
    /** 0: the entry the fixture activity links to; 1: an entry nothing links to. */
    readonly index: 0 | 1 = 0
  ) {}
  [fc.toStringMethod]() {
    return `«${this.mode} ${this.target}${this.index === 1 ? ' (unlinked)' : ''} id»`
  }
  toJSON() {
    return this[fc.toStringMethod]()
  }
}

const segmentEntity: Record<string, Entity> = {
  'data-categories': 'dataCategory',
  'data-subject-categories': 'dataSubjectCategory',
  recipients: 'recipient',
  processors: 'processor',
  'security-measures': 'securityMeasure',
  activities: 'activity'
}

/** Which entity a uuid field names, from its name. */
function targetOf(name: string | undefined): Target {
  if (!name) return 'any'
  if (/^orgId$|organisation/i.test(name)) return 'org'
  if (/dataSubjectCategor/i.test(name)) return 'dataSubjectCategory'
  if (/dataCategor/i.test(name)) return 'dataCategory'
  if (/recipient/i.test(name)) return 'recipient'
  if (/processor/i.test(name)) return 'processor'
  if (/securityMeasure/i.test(name)) return 'securityMeasure'
  if (/activit/i.test(name)) return 'activity'
  return 'any'
}

/** A valid id: one of the fuzzed organisation's fixtures of the kind the field names. */
const mineArb = (target: Target) => fc.constantFrom(new IdRef('mine', target, 0), new IdRef('mine', target, 1))

/** An id that is well-formed but wrong: the other organisation's, another kind's, or nobody's. */
const wrongIdArb = (target: Target): fc.Arbitrary<IdRef | string> =>
  fc.oneof(fc.constant(new IdRef('foreign', target)), fc.constant(new IdRef('otherKind', target)), fc.uuid())

// ---------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------

const UNICODE_EDGES = [
  '\uD800', // lone high surrogate
  '\uDC00', // lone low surrogate
  'a\uD83Db', // half an emoji
  '\u0000',
  'a\u0000b',
  '\u202Egnp.exe\u202C', // right-to-left override
  '\u200F\u200E\u200B\u2060', // RTL/LTR marks, zero-width space and joiner
  '\uFEFFname', // byte order mark
  '😀',
  '👨‍👩‍👧‍👦',
  '🇳🇴',
  'e\u0301\u0301\u0301',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǵ̌̚o',
  'İstanbul ß ǅ ﬃ', // case mappings that change length
  '\uFFFF\uFFFE',
  '\u{10FFFF}',
  "=cmd|' /C calc'!A0",
  '+1+1',
  '-2+3',
  '@SUM(A1)',
  '\t=1',
  '\r=1',
  '',
  ' ',
  '\n',
  '  padded  ',
  "'; drop table activities; --",
  '%',
  '_',
  '\\',
  '%s%n%x',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a Log4Shell probe, sent as plain text
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '../../etc/passwd',
  'null',
  'undefined',
  '__proto__'
]

const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...UNICODE_EDGES) },
  // NUL gets its own weight: PostgreSQL refuses it in text and jsonb, a classic source of 500s.
  { weight: 2, arbitrary: fc.constantFrom('\u0000', 'a\u0000b', 'name\u0000') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.constantFrom('x'.repeat(100_000), '😀'.repeat(5_000), '\u0000'.repeat(1000)) }
)

const WRONG_TYPES: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  -0,
  2 ** 31,
  2 ** 53 + 1,
  1e308,
  -1e308,
  '',
  'x',
  '1',
  'true',
  'null',
  [],
  ['x'],
  [null],
  {},
  { a: 1 }
]
const wrongType = fc.constantFrom(...WRONG_TYPES)

const UNKNOWN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'id',
  'version',
  'createdBy',
  'updatedBy',
  'createdAt',
  'updatedAt',
  'organisationId',
  'organisation_id',
  'seq',
  '',
  ' ',
  '\u0000',
  '$where',
  'toString',
  'hasOwnProperty',
  'NAME'
]

const BAD_IDS = [
  'not-a-uuid',
  '0',
  '-1',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
  '{6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b}',
  '6f1c5a5e0f5e4c3a9a3b2a1f0e9d8c7b',
  '6F1C5A5E-0F5E-4C3A-9A3B-2A1F0E9D8C7B',
  ' 6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b',
  '6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7b\u0000',
  "6f1c5a5e-0f5e-4c3a-9a3b-2a1f0e9d8c7' or '1'='1",
  'a'.repeat(10_000)
]

/** Path or query text that is inserted as is, not percent-encoded. */
const RAW_SEGMENTS = ['%', '%zz', '%FF', '%C0%80', '%ED%A0%80', '%00', '..', '.', '%2F', 'a%2Fb', '%2e%2e', ';', '*', '~']

const BAD_INSTANTS = [
  '2024-13-01T00:00:00Z',
  '2024-02-30T00:00:00Z',
  '2023-02-29T00:00:00Z',
  '2024-01-01T24:00:00Z',
  '2016-12-31T23:59:60Z', // a leap second: valid RFC 3339, invalid for Date
  '2024-01-01T23:59:60Z',
  '0000-01-01T00:00:00Z',
  '0001-01-01T00:00:00Z',
  '9999-12-31T23:59:59.999Z',
  '+275760-09-13T00:00:00.000Z',
  '-000001-01-01T00:00:00Z',
  '1970-01-01T00:00:00+14:00',
  '1970-01-01T00:00:00-23:59',
  '2024-01-01T00:00:00.123456789Z',
  '2024-01-01',
  '2024-01-01T00:00:00',
  '2024-01-01 00:00:00Z',
  'yesterday',
  'now',
  '1700000000000',
  '',
  'NaN'
]

const BAD_DATES = [
  '0000-01-01',
  '9999-12-31',
  '2024-02-29',
  '2023-02-29',
  '2024-02-30',
  '10000-01-01',
  '-0001-01-01',
  '2024-1-1',
  '01.01.2024',
  '2024-01-01T00:00:00Z'
]

const BAD_INTEGERS = [
  '-1',
  '0',
  '1.5',
  '1e3',
  '201',
  '999999999999999999999',
  'NaN',
  'Infinity',
  '-Infinity',
  '0x10',
  '',
  ' 1',
  '١',
  '1,2',
  'true',
  '1_000',
  '00001',
  '-0'
]
const BAD_BOOLEANS = ['yes', 'no', '1', '0', 'TRUE', 'False', '', 'null', 'on', 'true ']
const BAD_IF_MATCH = [
  '*',
  '"1"',
  '"2"',
  'W/"1"',
  '1',
  '""',
  '"abc"',
  '"1", "2"',
  ' "1" ',
  '"99999999999"',
  '"999999999"',
  '"-1"',
  '"0"',
  ', ,',
  '"1",',
  'x'.repeat(8000),
  '"1"'.repeat(500),
  '*, "1"',
  '\t'
]
const BAD_IDEMPOTENCY_KEYS = ['', ' ', 'k', 'a'.repeat(300), 'a'.repeat(10_000), 'fuzz-replayed-key', 'fuzz-replayed-key', '\t', 'key with spaces', '"quoted"']
const CONTENT_TYPES = [
  'application/json; charset=utf-8',
  'application/merge-patch+json',
  'APPLICATION/JSON',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json;;',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'application/jsonx',
  'application/json-patch+json',
  '*/*',
  'application/*',
  '',
  'x'.repeat(2000)
]
const ACCEPTS = [
  'application/xml',
  'text/html',
  'image/png',
  '*/*',
  'application/json;q=0',
  'text/csv',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  ';;;',
  'x'.repeat(3000)
]

/** Percent-encodes UTF-8; a lone surrogate becomes U+FFFD first, since encodeURIComponent throws on it. */
const encode = (value: string) => encodeURIComponent((value as string & { toWellFormed(): string }).toWellFormed())

// ---------------------------------------------------------------------------------------------
// JSON Schema -> arbitrary of valid values (the subset the document uses)
// ---------------------------------------------------------------------------------------------

interface Vocabulary {
  countries: string[]
  securityMeasureCodes: string[]
}

const defaultVocabulary: Vocabulary = { countries: ['NO', 'SE', 'DE', 'US', 'IN', 'GB', 'CH', 'FR'], securityMeasureCodes: [] }

const typesOf = (schema: Schema): string[] => {
  if (Array.isArray(schema.type)) return schema.type
  if (schema.type) return [schema.type]
  if (schema.properties) return ['object']
  if (schema.items) return ['array']
  return []
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10)
const instantArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true })

const durationArb = fc
  .record({ Y: fc.nat(99), M: fc.nat(11), W: fc.nat(52), D: fc.nat(400), H: fc.nat(23), m: fc.nat(59), S: fc.nat(59) }, { requiredKeys: [] })
  .map(({ Y, M, W, D, H, m, S }) => {
    const date = `${Y !== undefined ? `${Y}Y` : ''}${M !== undefined ? `${M}M` : ''}${W !== undefined ? `${W}W` : ''}${D !== undefined ? `${D}D` : ''}`
    const time = `${H !== undefined ? `${H}H` : ''}${m !== undefined ? `${m}M` : ''}${S !== undefined ? `${S}S` : ''}`
    const duration = `P${date}${time ? `T${time}` : ''}`
    return duration === 'P' ? 'P1Y' : duration
  })

function stringArb(schema: Schema, name: string | undefined, vocabulary: Vocabulary): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? 200
  const fits = (value: string) => [...value].length >= min && [...value].length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(value))
  switch (schema.format) {
    case 'uuid':
      return mineArb(targetOf(name))
    case 'date-time':
      return instantArb.map((date) => date.toISOString())
    case 'date':
      return instantArb.map(isoDate)
    case 'email':
      return fc.oneof(fc.constantFrom('dpo@example.com', 'a.b+c@sub.example.org'), fc.emailAddress()).filter(fits)
    case 'uri':
      return fc.oneof(fc.constantFrom('https://example.com/', 'http://example.org/a?b=c'), fc.webUrl()).filter(fits)
  }
  if (schema.pattern === '^[A-Z]{2}$')
    return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...vocabulary.countries) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{2}$/) })
  if (schema.pattern?.startsWith('^[TO]\\.') && vocabulary.securityMeasureCodes.length > 0) {
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...vocabulary.securityMeasureCodes) },
      { weight: 1, arbitrary: fc.stringMatching(new RegExp(schema.pattern)) }
    )
  }
  if (schema.pattern?.startsWith('^P')) return durationArb.filter(fits)
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
    } catch {
      return fc.constantFrom(...((schema.examples as string[] | undefined) ?? ['x'])).filter(fits)
    }
  }
  const upper = Math.min(max, min + 40)
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: Math.max(min, 1), maxLength: Math.max(upper, 1) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.max(upper, 1) }) }
    )
    .filter(fits)
}

function validArb(schema: Schema, vocabulary: Vocabulary = defaultVocabulary, name?: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) return fc.oneof(...branches.map((branch) => validArb(branch, vocabulary, name)))
  const types = typesOf(schema)
  if (types.length > 1) return fc.oneof(...types.map((type) => validArb({ ...schema, type }, vocabulary, name)))
  switch (types[0]) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })
    case 'string':
      return stringArb(schema, name, vocabulary)
    case 'array': {
      const items = validArb(schema.items ?? {}, vocabulary, name)
      const minLength = schema.minItems ?? 0
      const maxLength = Math.min(schema.maxItems ?? 4, minLength + 3)
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(items, { minLength, maxLength })
    }
    case 'object': {
      const properties = schema.properties ?? {}
      const record = fc.record(Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validArb(property, vocabulary, key)])), {
        requiredKeys: (schema.required ?? []).filter((key) => key in properties)
      })
      const minProperties = schema.minProperties ?? 0
      return minProperties > 0 ? record.filter((value) => Object.keys(value).length >= minProperties) : record
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

// ---------------------------------------------------------------------------------------------
// One mutation of a valid value
// ---------------------------------------------------------------------------------------------

type PathSegment = string | number

interface Node {
  path: PathSegment[]
  schema: Schema
  value: unknown
}

/** The branch of a union schema that a value was generated from. */
function branchFor(schema: Schema, value: unknown): Schema {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) {
    const kind =
      value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'number' ? (Number.isInteger(value) ? 'integer' : 'number') : typeof value
    return (
      branches.find((branch) => typesOf(branch).includes(kind) || (kind === 'integer' && typesOf(branch).includes('number'))) ??
      branches.find((branch) => branch.enum) ??
      schema
    )
  }
  return schema
}

function nodesOf(value: unknown, schema: Schema, path: PathSegment[] = []): Node[] {
  const resolved = branchFor(schema, value)
  const nodes: Node[] = [{ path, schema: resolved, value }]
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) nodes.push(...nodesOf(item, resolved.items ?? {}, [...path, index]))
  } else if (value !== null && typeof value === 'object' && !(value instanceof IdRef)) {
    for (const [key, child] of Object.entries(value)) nodes.push(...nodesOf(child, resolved.properties?.[key] ?? {}, [...path, key]))
  }
  return nodes
}

const defineKey = (target: Record<string, unknown>, key: string, value: unknown) =>
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })

/** Returns a copy of `root` with the value at `path` replaced (`undefined` deletes it). */
function setAt(root: unknown, path: PathSegment[], replacement: unknown): unknown {
  if (path.length === 0) return replacement
  const [head, ...rest] = path
  if (Array.isArray(root)) {
    const copy = [...root]
    copy[head as number] = setAt(copy[head as number], rest, replacement)
    return copy
  }
  const copy: Record<string, unknown> = {}
  for (const [key, child] of Object.entries(root as Record<string, unknown>)) defineKey(copy, key, child)
  const next = setAt(copy[head as string], rest, replacement)
  if (next === undefined) delete copy[head as string]
  else defineKey(copy, head as string, next)
  return copy
}

type MutationKind =
  | 'none'
  | 'foreignId'
  | 'wrongType'
  | 'dropRequired'
  | 'unknownKey'
  | 'overMaxLength'
  | 'hugeString'
  | 'overMaxItems'
  | 'unicode'
  | 'enumMiss'
  | 'badFormat'
  | 'optionalWrongType'
  | 'outOfRange'

interface Mutation {
  kind: MutationKind
  pick: number
  hostile: unknown
  key: string
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom<MutationKind>(
    'none',
    'foreignId',
    'foreignId',
    'wrongType',
    'wrongType',
    'dropRequired',
    'unknownKey',
    'unknownKey',
    'overMaxLength',
    'hugeString',
    'overMaxItems',
    'unicode',
    'unicode',
    'enumMiss',
    'badFormat',
    'optionalWrongType',
    'outOfRange'
  ),
  pick: fc.nat(),
  hostile: fc.oneof(wrongType, hostileString),
  key: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...UNKNOWN_KEYS) }, { weight: 1, arbitrary: fc.string({ maxLength: 10 }) })
})

/** Applies one mutation to a valid value, at a node chosen by `pick` among the nodes it can apply to. */
function mutate(value: unknown, schema: Schema, mutation: Mutation): unknown {
  const nodes = nodesOf(value, schema)
  const choose = (candidates: Node[]) => candidates[mutation.pick % Math.max(candidates.length, 1)]
  const isObject = (node: Node) => node.value !== null && typeof node.value === 'object' && !Array.isArray(node.value) && !(node.value instanceof IdRef)
  const isString = (node: Node) => typeof node.value === 'string'
  switch (mutation.kind) {
    case 'none':
      return value
    case 'foreignId': {
      const node = choose(nodes.filter((candidate) => candidate.value instanceof IdRef))
      if (!node) return value
      const target = (node.value as IdRef).target
      const pool = [new IdRef('foreign', target), new IdRef('otherKind', target), randomUUIDFrom(mutation.pick)]
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
    case 'wrongType': {
      const node = choose(nodes)!
      return setAt(value, node.path, mutation.hostile)
    }
    case 'dropRequired': {
      const node = choose(
        nodes.filter((candidate) => isObject(candidate) && (candidate.schema.required ?? []).some((key) => key in (candidate.value as object)))
      )
      if (!node) return value
      const required = (node.schema.required ?? []).filter((key) => key in (node.value as object))
      return setAt(value, [...node.path, required[mutation.pick % required.length]!], undefined)
    }
    case 'unknownKey': {
      const node = choose(nodes.filter(isObject)) ?? nodes[0]!
      return setAt(value, [...node.path, mutation.key], mutation.hostile)
    }
    case 'optionalWrongType': {
      const node = choose(nodes.filter((candidate) => isObject(candidate) && Object.keys(candidate.schema.properties ?? {}).length > 0))
      if (!node) return value
      const keys = Object.keys(node.schema.properties ?? {})
      return setAt(value, [...node.path, keys[mutation.pick % keys.length]!], mutation.hostile)
    }
    case 'overMaxLength': {
      const node = choose(nodes.filter((candidate) => isString(candidate) && candidate.schema.maxLength !== undefined))
      if (!node) return value
      const unit = mutation.pick % 2 === 0 ? 'a' : '😀'
      return setAt(value, node.path, unit.repeat(node.schema.maxLength! + 1))
    }
    case 'hugeString': {
      const node = choose(nodes.filter((candidate) => isString(candidate) || candidate.value instanceof IdRef))
      if (!node) return value
      return setAt(value, node.path, mutation.pick % 3 === 0 ? '\u0000'.repeat(100_000) : 'x'.repeat(100_000))
    }
    case 'overMaxItems': {
      const node = choose(nodes.filter((candidate) => Array.isArray(candidate.value)))
      if (!node) return value
      const items = node.value as unknown[]
      const length = node.schema.maxItems !== undefined && mutation.pick % 2 === 0 ? node.schema.maxItems + 1 : 10_000
      const filler = items[0] ?? (node.schema.items?.format === 'uuid' ? randomUUIDFrom(mutation.pick) : 'x')
      return setAt(
        value,
        node.path,
        Array.from({ length }, (_, index) => (typeof filler === 'string' && node.schema.uniqueItems ? `${filler}${index}` : filler))
      )
    }
    case 'unicode': {
      const node = choose(nodes.filter(isString))
      if (!node) return value
      const edge = UNICODE_EDGES[mutation.pick % UNICODE_EDGES.length]!
      return setAt(value, node.path, mutation.pick % 3 === 0 ? edge : `${node.value as string}${edge}`)
    }
    case 'enumMiss': {
      const node = choose(nodes.filter((candidate) => candidate.schema.enum !== undefined))
      if (!node) return value
      const variants = [String(node.value).toUpperCase(), `${String(node.value)} `, '', 'unknown', String(node.value).replace(/\./g, '')]
      return setAt(value, node.path, variants[mutation.pick % variants.length])
    }
    case 'badFormat': {
      const node = choose(
        nodes.filter((candidate) => candidate.schema.format !== undefined || candidate.schema.pattern !== undefined || candidate.value instanceof IdRef)
      )
      if (!node) return value
      const format = node.schema.format
      const pool =
        format === 'date-time'
          ? BAD_INSTANTS
          : format === 'date'
            ? BAD_DATES
            : format === 'uuid'
              ? BAD_IDS
              : ['no', 'us', 'P', 'PT', 'P1Y2', 'mailto:x', 'javascript:alert(1)', 'a@', '@b', 'http://', 'XX', 'ZZ']
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
    case 'outOfRange': {
      const node = choose(nodes.filter((candidate) => typeof candidate.value === 'number'))
      if (!node) return value
      const pool = [(node.schema.maximum ?? 0) + 1, (node.schema.minimum ?? 0) - 1, 2 ** 31, -(2 ** 31) - 1, 2 ** 63, 1e308, 0.5, -0]
      return setAt(value, node.path, pool[mutation.pick % pool.length])
    }
  }
}

const randomUUIDFrom = (seed: number) => `00000000-0000-4000-8000-${String(seed % 1e12).padStart(12, '0')}`

// ---------------------------------------------------------------------------------------------
// Generated requests
// ---------------------------------------------------------------------------------------------

type Body = { kind: 'none' } | { kind: 'json'; value: unknown; contentType: string | null } | { kind: 'raw'; payload: string; contentType: string | null }

type Auth = 'valid' | 'none' | 'readOnly' | 'garbage'

interface GeneratedRequest {
  path: Record<string, { raw: string } | string | IdRef>
  query: Array<[string, string | IdRef]>
  rawQuery: string | null
  headers: Record<string, string | IdRef>
  auth: Auth
  body: Body
  /** Send it a second time (with its Idempotency-Key, if it has one): the repeat must change nothing. */
  repeat: boolean
  /** What the generator meant, for the report. */
  intent: string
}

interface ConcreteRequest {
  method: Operation['method']
  url: string
  headers: Record<string, string>
  payload?: string
}

const entityOfPathParameter = (operation: Operation, parameter: Parameter): Target => {
  if (parameter.name === 'orgId') return 'org'
  const segments = operation.path.split('/')
  return segmentEntity[segments[segments.indexOf(`{${parameter.name}}`) - 1] ?? ''] ?? 'any'
}

const garbageSegment: fc.Arbitrary<{ raw: string } | string> = fc.oneof(
  fc.constantFrom(...BAD_IDS),
  hostileString,
  fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw }))
)

/** A path parameter that names something that exists (or, for reference codes, a known code). */
function validPathParamArb(operation: Operation, parameter: Parameter, codes: Map<string, string[]>): fc.Arbitrary<{ raw: string } | string | IdRef> {
  if (parameter.name === 'orgId') return fc.constant(new IdRef('mine', 'org'))
  if (parameter.schema?.format === 'uuid') return mineArb(entityOfPathParameter(operation, parameter))
  const known = codes.get(operation.id) ?? []
  return known.length > 0 ? fc.constantFrom(...known) : validArb(parameter.schema ?? {}).map(String)
}

/** A path parameter that is wrong: another organisation's id, another kind's, a random uuid, garbage. */
function hostilePathParamArb(operation: Operation, parameter: Parameter, codes: Map<string, string[]>): fc.Arbitrary<{ raw: string } | string | IdRef> {
  if (parameter.schema?.format === 'uuid') {
    return fc.oneof({ weight: 2, arbitrary: wrongIdArb(entityOfPathParameter(operation, parameter)) }, { weight: 2, arbitrary: garbageSegment })
  }
  const known = codes.get(operation.id) ?? []
  return fc.oneof(
    { weight: 1, arbitrary: known.length > 0 ? fc.constantFrom(...known).map((code) => code.toLowerCase()) : fc.constant('x') },
    { weight: 1, arbitrary: validArb(parameter.schema ?? {}).map(String) },
    { weight: 3, arbitrary: garbageSegment }
  )
}

function hostileQueryValue(parameter: Parameter, cursors: string[]): fc.Arbitrary<string | IdRef> {
  const schema = parameter.schema ?? {}
  const types = typesOf(schema)
  const specific: fc.Arbitrary<string | IdRef>[] = [hostileString]
  if (types.includes('integer') || types.includes('number')) specific.push(fc.constantFrom(...BAD_INTEGERS), fc.double().map(String), fc.bigInt().map(String))
  if (types.includes('boolean')) specific.push(fc.constantFrom(...BAD_BOOLEANS))
  if (schema.enum) specific.push(fc.constantFrom(...schema.enum.map((value) => String(value).toUpperCase()), 'unknown', '', 'any,none'))
  if (schema.format === 'date-time')
    specific.push(
      fc.constantFrom(...BAD_INSTANTS),
      fc.date({ noInvalidDate: true }).map((date) => date.toISOString())
    )
  if (schema.format === 'uuid') specific.push(fc.constantFrom(...BAD_IDS), wrongIdArb(targetOf(parameter.name)))
  if (parameter.name === 'cursor') specific.push(cursorArb(cursors), cursorArb(cursors))
  if (schema.maxLength !== undefined) specific.push(fc.constant('q'.repeat(schema.maxLength + 1)))
  return fc.oneof(...specific)
}

/** Cursors: random base64url, base64url of JSON of the wrong shape, issued cursors with a changed value. */
function cursorArb(issued: string[]): fc.Arbitrary<string> {
  const b64 = (value: string) => Buffer.from(value).toString('base64url')
  const hostileField = fc.oneof(
    wrongType,
    hostileString,
    fc.constantFrom(-1, 0, 2 ** 31, 2 ** 63, 1e20, 1e308, 0.5, 'not-a-uuid', '00000000-0000-4000-8000-000000000000')
  )
  const shapes = fc.oneof(
    fc.jsonValue({ maxDepth: 2 }).map((value) => b64(JSON.stringify(value) ?? 'null')),
    fc
      .record({ name: fc.oneof(hostileString, wrongType), id: fc.oneof(fc.uuid(), wrongType, fc.constantFrom(...BAD_IDS)) }, { requiredKeys: [] })
      .map((value) => b64(JSON.stringify(value))),
    fc.record({ seq: hostileField }).map((value) => b64(JSON.stringify(value))),
    fc.record({ name: fc.string(), id: fc.uuid(), index: hostileField }).map((value) => b64(JSON.stringify(value))),
    fc.constantFrom(
      b64('{"name":"a","id":"00000000-0000-0000-0000-000000000000","__proto__":{"x":1}}'),
      b64('{'),
      b64(''),
      b64('[]'.repeat(100)),
      b64('{"seq":1}x'),
      '=',
      '====',
      'a',
      '!!!!',
      '%00'
    ),
    fc.base64String({ maxLength: 80 }),
    fc.string({ unit: 'binary-ascii', maxLength: 40 })
  )
  if (issued.length === 0) return shapes
  const tampered = fc.tuple(fc.constantFrom(...issued), fc.nat(), hostileField).map(([cursor, pick, replacement]) => {
    const position = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>
    const keys = Object.keys(position)
    position[keys[pick % keys.length]!] = replacement
    return b64(JSON.stringify(position))
  })
  return fc.oneof(
    fc.constantFrom(...issued),
    tampered,
    tampered,
    shapes,
    fc.constantFrom(...issued).map((cursor) => cursor.slice(0, -2))
  )
}

type Query = Array<[string, string | IdRef]>

const queryParameters = (operation: Operation) => operation.params.filter((parameter) => parameter.in === 'query')

/** A valid value; the only valid cursor is one the list issued. */
const validQueryValue = (parameter: Parameter, cursor?: string): fc.Arbitrary<string | IdRef> =>
  parameter.name === 'cursor'
    ? fc.constant(cursor ?? '')
    : validArb(parameter.schema ?? {}, defaultVocabulary, parameter.name).map((value) => (value instanceof IdRef ? value : String(value)))

/** Each parameter absent or valid; required ones always present. */
function validQueryArb(operation: Operation, cursor?: string): fc.Arbitrary<Query> {
  const parameters = queryParameters(operation).filter((parameter) => parameter.name !== 'cursor' || cursor !== undefined)
  return fc
    .tuple(
      ...parameters.map((parameter) =>
        parameter.required ? validQueryValue(parameter, cursor) : fc.option(validQueryValue(parameter, cursor), { freq: 2, nil: undefined })
      )
    )
    .map((values) => values.flatMap((value, index): Query => (value === undefined ? [] : [[parameters[index]!.name, value]])))
}

/** A valid query with one thing wrong: a hostile value, a duplicated parameter or unknown parameters. */
function hostileQueryArb(operation: Operation, cursors: string[], cursor?: string): fc.Arbitrary<Query> {
  const parameters = queryParameters(operation)
  const unknown = fc.array(
    fc.tuple(
      fc.oneof(fc.constantFrom('__proto__', 'constructor', 'foo', 'LIMIT', 'orgId', 'limit[]', 'filter[name]', 'a.b', ''), fc.string({ maxLength: 8 })),
      fc.oneof(fc.string({ maxLength: 10 }), hostileString)
    ),
    { minLength: 1, maxLength: 2 }
  )
  const changes: fc.Arbitrary<(query: Query) => Query>[] = [unknown.map((extra) => (query: Query) => [...query, ...extra])]
  if (parameters.length > 0) {
    const replaced = fc.oneof(
      ...parameters.map((parameter) =>
        hostileQueryValue(parameter, parameter.name === 'cursor' ? cursors : []).map((value) => ({ name: parameter.name, value }))
      )
    )
    changes.push(
      replaced.map(({ name, value }) => (query: Query) => [...query.filter(([key]) => key !== name), [name, value]])
    )
    changes.push(
      replaced.map(({ name, value }) => (query: Query) => [...query.filter(([key]) => key !== name), [name, value]])
    )
    const duplicated = fc.oneof(
      ...parameters.map((parameter) =>
        fc
          .array(fc.oneof(validQueryValue(parameter), hostileQueryValue(parameter, [])), { minLength: 2, maxLength: 3 })
          .map((values) => ({ name: parameter.name, values }))
      )
    )
    changes.push(
      duplicated.map(({ name, values }) => (query: Query) => [
        ...query.filter(([key]) => key !== name),
        ...values.map((value): [string, string | IdRef] => [name, value])
      ])
    )
  }
  return fc.tuple(validQueryArb(operation, cursor), fc.oneof(...changes)).map(([query, change]) => change(query))
}

const RAW_QUERIES = [
  'limit=%',
  'q=%E0%A4%A',
  '%FF=1',
  'limit=1&&&',
  '&',
  '=',
  '==',
  'a=%00',
  '?',
  'limit=1#frag',
  `cursor=${'%41'.repeat(600)}`,
  'limit=1;limit=2',
  'limit=+1'
]

type Headers = Record<string, string | IdRef>
const headerNames = (operation: Operation) => operation.params.filter((candidate) => candidate.in === 'header').map((parameter) => parameter.name.toLowerCase())

/** Header parameters absent or valid (If-Match `*` or the fixtures' first version, a fresh Idempotency-Key). */
function validHeadersArb(operation: Operation): fc.Arbitrary<Headers> {
  const parts = headerNames(operation).map((name): fc.Arbitrary<Headers> => {
    if (name === 'if-match') return fc.oneof(fc.constant({}), fc.constant({}), fc.constantFrom({ [name]: '*' }, { [name]: '"1"' }))
    if (name === 'idempotency-key')
      return fc.oneof(
        fc.constant({}),
        fc.uuid().map((key) => ({ [name]: key }))
      )
    return fc.constant({})
  })
  return fc.tuple(...parts).map((records) => Object.assign({}, ...records) as Headers)
}

/** Garbage in the header parameters, and in Accept and x-request-id. */
function hostileHeadersArb(operation: Operation): fc.Arbitrary<Headers> {
  const header = (name: string, values: fc.Arbitrary<string>, weight = 1) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant<Headers>({}) }, { weight, arbitrary: values.map((value) => ({ [name]: value })) })
  const parts: fc.Arbitrary<Headers>[] = []
  for (const name of headerNames(operation)) {
    if (name === 'if-match') parts.push(header(name, fc.constantFrom(...BAD_IF_MATCH), 4))
    else if (name === 'idempotency-key')
      parts.push(header(name, fc.oneof({ weight: 1, arbitrary: fc.uuid() }, { weight: 3, arbitrary: fc.constantFrom(...BAD_IDEMPOTENCY_KEYS) }), 4))
    else parts.push(header(name, fc.string({ unit: 'grapheme-ascii', maxLength: 30 }), 4))
  }
  parts.push(header('accept', fc.constantFrom(...ACCEPTS)))
  parts.push(
    header('x-request-id', fc.oneof(fc.constantFrom('x'.repeat(129), 'a b', '../x', 'req-1', ''), fc.string({ unit: 'grapheme-ascii', maxLength: 20 })))
  )
  return fc.tuple(...parts).map((records) => Object.assign({}, ...records) as Headers)
}

const RAW_BODIES = [
  '',
  ' ',
  '{',
  '{"name":',
  '{"name":"x",}',
  "{'name':'x'}",
  '{"name":"x"}{"name":"y"}',
  '{"name":"x"} trailing',
  'null',
  'NaN',
  '\uFEFF{"name":"x"}',
  '{"name":"\\ud800"}',
  '{"name":"\\u0000"}',
  '{"name":"x","name":"y"}',
  '{"__proto__":{"admin":true},"name":"x"}',
  '{"constructor":{"prototype":{"admin":true}},"name":"x"}',
  '{"name":1e999}',
  '{"employeeCount":1e400}',
  '['.repeat(100_000) + ']'.repeat(100_000),
  `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`,
  `{"name":"${'x'.repeat(1_100_000)}"}`,
  'name=x&country=NO',
  '<xml/>'
]

const hostileDocument: fc.Arbitrary<Body> = fc.oneof(
  fc
    .oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, [], [{}], 0, 'x', true, [[[]]]))
    .map((value): Body => ({ kind: 'json', value, contentType: 'application/json' })),
  fc.constantFrom(...RAW_BODIES).map((payload): Body => ({ kind: 'raw', payload, contentType: 'application/json' }))
)

function validBodyArb(operation: Operation, vocabulary: Vocabulary): fc.Arbitrary<Body> {
  if (!operation.body) return fc.constant({ kind: 'none' })
  return validArb(operation.body, vocabulary).map((value): Body => ({ kind: 'json', value, contentType: 'application/json' }))
}

/** A valid body with one mutation (often), a hostile document, another content type, or none. */
function hostileBodyArb(operation: Operation, vocabulary: Vocabulary): fc.Arbitrary<Body> {
  const otherType = fc.constantFrom(...CONTENT_TYPES)
  if (!operation.body) {
    return fc.oneof(
      hostileDocument,
      otherType.map((contentType): Body => ({ kind: 'raw', payload: '{"x":1}', contentType }))
    )
  }
  const schema = operation.body
  const mutated = fc.tuple(validArb(schema, vocabulary), mutationArb).map(([value, mutation]) => mutate(value, schema, mutation))
  return fc.oneof(
    { weight: 12, arbitrary: mutated.map((value): Body => ({ kind: 'json', value, contentType: 'application/json' })) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(validArb(schema, vocabulary), fc.option(otherType, { freq: 6, nil: null }))
        .map(([value, contentType]): Body => ({ kind: 'json', value, contentType }))
    },
    { weight: 3, arbitrary: hostileDocument },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: 'none' }) }
  )
}

/** What a case attacks; the other parts of the request are valid, so the attack reaches deep. */
type Focus = 'none' | 'path' | 'query' | 'headers' | 'body' | 'auth' | 'everything'

function requestArb(
  operation: Operation,
  vocabulary: Vocabulary,
  codes: Map<string, string[]>,
  cursors: string[],
  cursor?: string
): fc.Arbitrary<GeneratedRequest> {
  const pathParameters = operation.params.filter((parameter) => parameter.in === 'path')
  const pathArb = (hostile: boolean) =>
    fc
      .tuple(
        ...pathParameters.map((parameter) =>
          hostile
            ? fc.oneof(
                validPathParamArb(operation, parameter, codes),
                hostilePathParamArb(operation, parameter, codes),
                hostilePathParamArb(operation, parameter, codes)
              )
            : validPathParamArb(operation, parameter, codes)
        )
      )
      .map((values) => Object.fromEntries(values.map((value, index) => [pathParameters[index]!.name, value])))
  const weights: [Focus, number][] = [
    ['none', 2],
    ['path', pathParameters.length > 0 ? 3 : 0],
    ['query', queryParameters(operation).length > 0 ? 4 : 1],
    ['headers', 2],
    ['body', operation.body ? 8 : 1],
    ['auth', 1],
    ['everything', 2]
  ]
  // Built once per focus (not in a chain), so fast-check does not rebuild the schema arbitraries per case.
  const valid = {
    path: pathArb(false),
    query: validQueryArb(operation, cursor),
    headers: validHeadersArb(operation),
    body: validBodyArb(operation, vocabulary)
  }
  const hostile = {
    path: pathArb(true),
    query: hostileQueryArb(operation, cursors, cursor),
    headers: hostileHeadersArb(operation),
    body: hostileBodyArb(operation, vocabulary)
  }
  const forFocus = (focus: Focus): fc.Arbitrary<GeneratedRequest> => {
    const attacked = (part: Focus) => focus === part || focus === 'everything'
    return fc.record({
      path: attacked('path') ? hostile.path : valid.path,
      query: attacked('query') ? hostile.query : valid.query,
      rawQuery: attacked('query') ? fc.option(fc.constantFrom(...RAW_QUERIES), { freq: 4, nil: null }) : fc.constant(null),
      headers: attacked('headers') ? hostile.headers : valid.headers,
      auth: focus === 'auth' ? fc.constantFrom<Auth>('none', 'readOnly', 'garbage') : fc.constant<Auth>('valid'),
      body: attacked('body') ? hostile.body : valid.body,
      repeat: headerNames(operation).includes('idempotency-key') ? fc.boolean() : fc.constant(false),
      intent: fc.constant(`${operation.id}, attacking ${focus}`)
    })
  }
  return fc.oneof(...weights.filter(([, weight]) => weight > 0).map(([focus, weight]) => ({ weight, arbitrary: forFocus(focus) })))
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/**
 * Statuses allowed on every operation besides the documented ones, because they come from layers
 * below the operation and do not depend on it: 400 (a body or query Fastify cannot parse, before any
 * route schema applies), 404 (a path that no longer matches the route, e.g. an encoded slash in an
 * id, reaches the not-found handler), 413 (body over BODY_LIMIT_BYTES), 414 (a path parameter longer
 * than the router's maxParamLength, 100 characters), 415 (a body that is not JSON) and 429 (rate
 * limiting, which applies to every route). Each must still be a problem+json answer.
 */
const ALLOWED_EVERYWHERE = new Set([400, 404, 413, 414, 415, 429])

interface Exchange {
  operation: Operation
  request: ConcreteRequest
  status: number
  headers: Record<string, string | string[] | number | undefined>
  body: string
  /** Database fingerprints before and after, for writes. */
  before?: string
  after?: string
  /** Why the document forbids this request (the schema oracle), if it does. */
  forbidden?: string
  /** Answered from an earlier request's record (Idempotency-Key), whose requestId its body keeps. */
  replayed?: boolean
}

const mediaType = (header: unknown) =>
  String(header ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()

/** A superficial check of a value against a response schema: types, required properties, enums, items. */
function shapeErrors(schema: Schema | undefined, value: unknown, path = '', components: Record<string, Schema> = {}, depth = 0): string[] {
  if (!schema || depth > 12) return []
  if (schema.$ref) return shapeErrors(components[schema.$ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '')], value, path, components, depth + 1)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches)
    return branches.some((branch) => shapeErrors(branch, value, path, components, depth + 1).length === 0) ? [] : [`${path || '/'} matches no branch`]
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) return [`${path || '/'} is not one of the enum`]
  const types = typesOf(schema)
  if (types.length > 0) {
    const ok = types.some((type) =>
      type === 'null'
        ? value === null
        : type === 'array'
          ? Array.isArray(value)
          : type === 'object'
            ? value !== null && typeof value === 'object' && !Array.isArray(value)
            : type === 'integer'
              ? Number.isInteger(value)
              : typeof value === type
    )
    if (!ok) return [`${path || '/'} is not ${types.join('|')}: ${JSON.stringify(value)?.slice(0, 80)}`]
  }
  const errors: string[] = []
  if (Array.isArray(value) && schema.items)
    for (const [index, item] of value.slice(0, 50).entries()) errors.push(...shapeErrors(schema.items, item, `${path}/${index}`, components, depth + 1))
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>
    for (const key of schema.required ?? []) if (!(key in record)) errors.push(`${path}/${key} is missing`)
    for (const [key, property] of Object.entries(schema.properties ?? {}))
      if (key in record) errors.push(...shapeErrors(property, record[key], `${path}/${key}`, components, depth + 1))
  }
  return errors
}

/** Every invariant a fuzzed exchange must keep; returns the violations (none when it is fine). */
function checkExchange(exchange: Exchange, components: Record<string, Schema> = {}): string[] {
  const { operation, status, headers, body } = exchange
  const violations: string[] = []
  if (status >= 500) violations.push(`answered ${status}, a server error`)
  if (!operation.statuses.has(status) && !ALLOWED_EVERYWHERE.has(status))
    violations.push(`answered ${status}, which ${operation.id} does not document (documented: ${[...operation.statuses].join(', ')})`)
  if (status < 200 || status >= 300) {
    if (headers['content-type'] !== PROBLEM_CONTENT_TYPE)
      violations.push(`error answer has content-type ${JSON.stringify(headers['content-type'])}, not ${PROBLEM_CONTENT_TYPE}`)
    let problem: Record<string, unknown> | undefined
    try {
      problem = JSON.parse(body) as Record<string, unknown>
    } catch {
      violations.push('error answer is not JSON')
    }
    if (problem) {
      if (problem.status !== status) violations.push(`problem status ${JSON.stringify(problem.status)} is not the HTTP status ${status}`)
      for (const field of ['type', 'title', 'detail', 'code', 'requestId'])
        if (typeof problem[field] !== 'string') violations.push(`problem has no string ${field}`)
      if (!exchange.replayed && problem.requestId !== undefined && headers['x-request-id'] !== undefined && problem.requestId !== headers['x-request-id'])
        violations.push('problem requestId differs from the x-request-id header')
      if (problem.code === 'ROPA_VALIDATION_FAILED') {
        const errors = problem.errors
        if (!Array.isArray(errors) || errors.length === 0) violations.push('ROPA_VALIDATION_FAILED without errors[]')
        else {
          for (const error of errors as { path?: unknown }[]) {
            if (typeof error?.path !== 'string' || !/^\/(body|query|params|headers)(\/|$)/.test(error.path))
              violations.push(`validation error path ${JSON.stringify(error?.path)} does not name a request part`)
          }
        }
      }
    }
  } else {
    const documented = operation.responses.get(status)
    const type = mediaType(headers['content-type'])
    if (status === 204) {
      if (body !== '') violations.push('204 with a body')
    } else if (documented && documented.size > 0 && !documented.has(type)) {
      violations.push(`2xx content-type ${JSON.stringify(headers['content-type'])} is not documented (${[...documented.keys()].join(', ')})`)
    } else if (type === 'application/json') {
      let parsed: unknown
      try {
        parsed = JSON.parse(body)
        violations.push(
          ...shapeErrors(documented?.get(type), parsed, '', components)
            .slice(0, 5)
            .map((error) => `response body ${error}`)
        )
      } catch {
        violations.push('2xx JSON answer is not JSON')
      }
      if (operation.method === 'POST' || operation.method === 'PATCH') {
        const entity = parsed as { id?: unknown; version?: unknown } | undefined
        if (typeof entity?.id !== 'string' || !Number.isInteger(entity?.version)) violations.push('an accepted write did not answer the entity (id, version)')
      }
    }
    if (status === 201 && !headers.location) violations.push('201 without Location')
    if (exchange.forbidden) violations.push(`accepted although ${exchange.forbidden}`)
  }
  if (exchange.before !== undefined && exchange.after !== undefined && exchange.before !== exchange.after) {
    violations.push(`the rejected ${exchange.request.method} changed the database:\n      before ${exchange.before}\n      after  ${exchange.after}`)
  }
  return violations
}

// ---------------------------------------------------------------------------------------------
// The schema oracle: requests the document itself forbids must not succeed
// ---------------------------------------------------------------------------------------------

const UUID_FORMAT = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i

const matchesType = (type: string, value: unknown) =>
  type === 'null'
    ? value === null
    : type === 'array'
      ? Array.isArray(value)
      : type === 'object'
        ? value !== null && typeof value === 'object' && !Array.isArray(value)
        : type === 'integer'
          ? Number.isInteger(value)
          : typeof value === type

/**
 * The first way `value` certainly breaks `schema`, or undefined. Only checks every validator agrees
 * on (types, required and unknown properties, enums, lengths in code points, patterns, uuids, ranges,
 * item counts, duplicates); other formats are left alone, so a miss here is never a false alarm.
 */
function schemaViolation(schema: Schema, value: unknown, path: string): string | undefined {
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) return branches.every((branch) => schemaViolation(branch, value, path) !== undefined) ? `${path} matches none of its anyOf branches` : undefined
  if (schema.const !== undefined && JSON.stringify(schema.const) !== JSON.stringify(value)) return `${path} is not ${JSON.stringify(schema.const)}`
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) return `${path} is not one of its enum`
  const types = typesOf(schema)
  if (types.length > 0 && !types.some((type) => matchesType(type, value))) return `${path} is not ${types.join(' or ')}`
  if (typeof value === 'string') {
    const length = [...value].length
    if (schema.minLength !== undefined && length < schema.minLength) return `${path} is shorter than ${schema.minLength}`
    if (schema.maxLength !== undefined && length > schema.maxLength) return `${path} is longer than ${schema.maxLength}`
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value)) return `${path} does not match ${schema.pattern}`
    if (schema.format === 'uuid' && !UUID_FORMAT.test(value)) return `${path} is not a uuid`
  }
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) return `${path} is below ${schema.minimum}`
    if (schema.maximum !== undefined && value > schema.maximum) return `${path} is above ${schema.maximum}`
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) return `${path} has fewer than ${schema.minItems} items`
    if (schema.maxItems !== undefined && value.length > schema.maxItems) return `${path} has more than ${schema.maxItems} items`
    if (schema.uniqueItems && new Set(value.map((item) => JSON.stringify(item))).size < value.length) return `${path} has duplicate items`
    for (const [index, item] of value.entries()) {
      const found = schema.items ? schemaViolation(schema.items, item, `${path}/${index}`) : undefined
      if (found) return found
    }
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>
    const keys = Object.keys(record)
    for (const key of schema.required ?? []) if (!keys.includes(key)) return `${path}/${key} is required`
    if (schema.minProperties !== undefined && keys.length < schema.minProperties) return `${path} has fewer than ${schema.minProperties} properties`
    for (const key of keys) {
      const property = schema.properties?.[key]
      if (!property) {
        if (schema.additionalProperties === false) return `${path}/${key} is not a known property`
        continue
      }
      const found = schemaViolation(property, record[key], `${path}/${key}`)
      if (found) return found
    }
  }
  return undefined
}

/** How a parameter's text certainly breaks its schema (as converted by a query-string validator). */
function textViolation(schema: Schema, text: string, path: string): string | undefined {
  const types = typesOf(schema)
  if (schema.enum) return schema.enum.map(String).includes(text) ? undefined : `${path} is not one of its enum`
  if (types.includes('integer') || types.includes('number')) {
    const number = Number(text)
    if (text.trim() === '' || !Number.isFinite(number)) return `${path} ${JSON.stringify(text)} is not a finite number`
    if (types.includes('integer') && !types.includes('number') && !Number.isInteger(number)) return `${path} is not an integer`
    return schemaViolation({ minimum: schema.minimum, maximum: schema.maximum }, number, path)
  }
  if (types.includes('boolean')) return text === 'true' || text === 'false' ? undefined : `${path} is not true or false`
  return schemaViolation({ ...schema, type: 'string' }, text, path)
}

/**
 * Why the document says this request must be refused, or undefined when it may succeed. Parts with
 * text inserted raw (not percent-encoded) are skipped, since the router may read them otherwise.
 */
function forbiddenBy(operation: Operation, generated: GeneratedRequest, resolveRef: (ref: IdRef) => string): string | undefined {
  const text = (value: string | IdRef) => (value instanceof IdRef ? resolveRef(value) : (value as string & { toWellFormed(): string }).toWellFormed())
  for (const parameter of operation.params) {
    const path = `/${parameter.in === 'query' ? 'query' : parameter.in === 'path' ? 'params' : 'headers'}/${parameter.name}`
    const schema = parameter.schema ?? {}
    if (parameter.in === 'path') {
      const value = generated.path[parameter.name]
      if (value === undefined || (typeof value === 'object' && !(value instanceof IdRef))) continue
      const found = textViolation(schema, text(value), path)
      if (found) return found
    }
    if (parameter.in === 'query' && generated.rawQuery === null) {
      const values = generated.query.filter(([name]) => name === parameter.name).map(([, value]) => value)
      if (values.length === 0 && parameter.required) return `${path} is required`
      if (values.length > 1 && !typesOf(schema).includes('array')) return `${path} is given ${values.length} times`
      const found = values.length === 1 ? textViolation(schema, text(values[0]!), path) : undefined
      if (found) return found
    }
    if (parameter.in === 'header') {
      const value = generated.headers[parameter.name.toLowerCase()]
      const found = value === undefined ? (parameter.required ? `${path} is required` : undefined) : textViolation(schema, text(value), path)
      if (found) return found
    }
  }
  return undefined
}

/** Why the body certainly breaks the request schema, for a JSON body sent as application/json. */
function bodyForbiddenBy(operation: Operation, contentType: string | undefined, payload: string | undefined): string | undefined {
  if (!operation.body || contentType !== 'application/json') return undefined
  if (payload === undefined) return '/body is required'
  let value: unknown
  try {
    value = JSON.parse(payload.replace(/^\uFEFF/, '')) // a byte order mark may be ignored (RFC 8259)
  } catch {
    return '/body is not JSON'
  }
  return schemaViolation(operation.body, value, '/body')
}

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
  'activity_links'
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
    if (!replayed && after!.seq <= before!.seq) violations.push('an accepted write appended no audit event')
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

const totalRuns = Number(process.env.FUZZ_RUNS ?? 3000)
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

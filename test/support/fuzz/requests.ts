/** Generators and checks of test/security/fuzz.test.ts. Generated requests: path, query, headers, body and token of one operation, valid or hostile. */
import fc from 'fast-check'
import {
  ACCEPTS,
  BAD_BOOLEANS,
  BAD_IDEMPOTENCY_KEYS,
  BAD_IDS,
  BAD_IF_MATCH,
  BAD_INSTANTS,
  BAD_INTEGERS,
  CONTENT_TYPES,
  hostileString,
  RAW_SEGMENTS,
  wrongType
} from './hostile-values.ts'
import { IdRef, mineArb, segmentEntity, type Target, targetOf, wrongIdArb } from './ids.ts'
import { mutate, mutationArb } from './mutations.ts'
import type { Operation, Parameter } from './openapi.ts'
import { defaultVocabulary, typesOf, type Vocabulary, validArb } from './valid-values.ts'

export type Body =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown; contentType: string | null }
  | { kind: 'raw'; payload: string; contentType: string | null }

export type Auth = 'valid' | 'none' | 'readOnly' | 'garbage'

export interface GeneratedRequest {
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

export interface ConcreteRequest {
  method: Operation['method']
  url: string
  headers: Record<string, string>
  payload?: string
}

export const entityOfPathParameter = (operation: Operation, parameter: Parameter): Target => {
  if (parameter.name === 'orgId') return 'org'
  const segments = operation.path.split('/')
  return segmentEntity[segments[segments.indexOf(`{${parameter.name}}`) - 1] ?? ''] ?? 'any'
}

export const garbageSegment: fc.Arbitrary<{ raw: string } | string> = fc.oneof(
  fc.constantFrom(...BAD_IDS),
  hostileString,
  fc.constantFrom(...RAW_SEGMENTS).map((raw) => ({ raw }))
)

/** A path parameter that names something that exists (or, for reference codes, a known code). */
export function validPathParamArb(operation: Operation, parameter: Parameter, codes: Map<string, string[]>): fc.Arbitrary<{ raw: string } | string | IdRef> {
  if (parameter.name === 'orgId') return fc.constant(new IdRef('mine', 'org'))
  if (parameter.schema?.format === 'uuid') return mineArb(entityOfPathParameter(operation, parameter))
  const known = codes.get(operation.id) ?? []
  return known.length > 0 ? fc.constantFrom(...known) : validArb(parameter.schema ?? {}).map(String)
}

/** A path parameter that is wrong: another organisation's id, another kind's, a random uuid, garbage. */
export function hostilePathParamArb(operation: Operation, parameter: Parameter, codes: Map<string, string[]>): fc.Arbitrary<{ raw: string } | string | IdRef> {
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

export function hostileQueryValue(parameter: Parameter, cursors: string[]): fc.Arbitrary<string | IdRef> {
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
export function cursorArb(issued: string[]): fc.Arbitrary<string> {
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

export type Query = Array<[string, string | IdRef]>

export const queryParameters = (operation: Operation) => operation.params.filter((parameter) => parameter.in === 'query')

/** A valid value; the only valid cursor is one the list issued. */
export const validQueryValue = (parameter: Parameter, cursor?: string): fc.Arbitrary<string | IdRef> =>
  parameter.name === 'cursor'
    ? fc.constant(cursor ?? '')
    : validArb(parameter.schema ?? {}, defaultVocabulary, parameter.name).map((value) => (value instanceof IdRef ? value : String(value)))

/** Each parameter absent or valid; required ones always present. */
export function validQueryArb(operation: Operation, cursor?: string): fc.Arbitrary<Query> {
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
export function hostileQueryArb(operation: Operation, cursors: string[], cursor?: string): fc.Arbitrary<Query> {
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

export const RAW_QUERIES = [
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

export type Headers = Record<string, string | IdRef>
export const headerNames = (operation: Operation) =>
  operation.params.filter((candidate) => candidate.in === 'header').map((parameter) => parameter.name.toLowerCase())

/** Header parameters absent or valid (If-Match `*` or the fixtures' first version, a fresh Idempotency-Key). */
export function validHeadersArb(operation: Operation): fc.Arbitrary<Headers> {
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
export function hostileHeadersArb(operation: Operation): fc.Arbitrary<Headers> {
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

export const RAW_BODIES = [
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

export const hostileDocument: fc.Arbitrary<Body> = fc.oneof(
  fc
    .oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(null, [], [{}], 0, 'x', true, [[[]]]))
    .map((value): Body => ({ kind: 'json', value, contentType: 'application/json' })),
  fc.constantFrom(...RAW_BODIES).map((payload): Body => ({ kind: 'raw', payload, contentType: 'application/json' }))
)

export function validBodyArb(operation: Operation, vocabulary: Vocabulary): fc.Arbitrary<Body> {
  if (!operation.body) return fc.constant({ kind: 'none' })
  return validArb(operation.body, vocabulary).map((value): Body => ({ kind: 'json', value, contentType: 'application/json' }))
}

/** A valid body with one mutation (often), a hostile document, another content type, or none. */
export function hostileBodyArb(operation: Operation, vocabulary: Vocabulary): fc.Arbitrary<Body> {
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
export type Focus = 'none' | 'path' | 'query' | 'headers' | 'body' | 'auth' | 'everything'

export function requestArb(
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

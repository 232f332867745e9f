/** Generators and checks of test/security/fuzz.test.ts. The invariants every answer keeps (see checkExchange). */
import type { Operation, Schema } from './openapi.ts'
import { matchesType } from './oracle.ts'
import type { ConcreteRequest } from './requests.ts'
import { typesOf } from './valid-values.ts'

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8'

/**
 * Statuses allowed on every operation besides the documented ones, because they come from layers
 * below the operation and do not depend on it: 400 (a body or query Fastify cannot parse, before any
 * route schema applies), 404 (a path that no longer matches the route, e.g. an encoded slash in an
 * id, reaches the not-found handler), 413 (body over BODY_LIMIT_BYTES), 414 (a path parameter longer
 * than the router's maxParamLength, 100 characters), 415 (a body that is not JSON) and 429 (rate
 * limiting, which applies to every route). Each must still be a problem+json answer.
 */
export const ALLOWED_EVERYWHERE = new Set([400, 404, 413, 414, 415, 429])

export interface Exchange {
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

export const mediaType = (header: unknown) =>
  String(header ?? '')
    .split(';')[0]!
    .trim()
    .toLowerCase()

/** A superficial check of a value against a response schema: types, required properties, enums, items. */
export function shapeErrors(schema: Schema | undefined, value: unknown, path = '', components: Record<string, Schema> = {}, depth = 0): string[] {
  if (!schema || depth > 12) return []
  if (schema.$ref) return shapeErrors(components[schema.$ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '')], value, path, components, depth + 1)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches)
    return branches.some((branch) => shapeErrors(branch, value, path, components, depth + 1).length === 0) ? [] : [`${path || '/'} matches no branch`]
  if (schema.enum && !schema.enum.some((allowed) => JSON.stringify(allowed) === JSON.stringify(value))) return [`${path || '/'} is not one of the enum`]
  const types = typesOf(schema)
  if (types.length > 0) {
    if (!types.some((type) => matchesType(type, value))) return [`${path || '/'} is not ${types.join('|')}: ${JSON.stringify(value)?.slice(0, 80)}`]
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
const resolved = (schema: Schema | undefined, components: Record<string, Schema>): Schema | undefined =>
  schema?.$ref ? components[schema.$ref.replace(/^#\/components\/schemas\//, '').replace(/#$/, '')] : schema

export function checkExchange(exchange: Exchange, components: Record<string, Schema> = {}): string[] {
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
      // A write answers the entity its response documents: with its version when it has one (an
      // acknowledgement, a review or a snapshot is never changed, so it has none); a plan or an import answers no entity.
      const properties = resolved(documented?.get(type), components)?.properties ?? {}
      if ((operation.method === 'POST' || operation.method === 'PATCH') && 'id' in properties) {
        const entity = parsed as { id?: unknown; version?: unknown } | undefined
        if (typeof entity?.id !== 'string' || ('version' in properties && !Number.isInteger(entity?.version)))
          violations.push(`an accepted write did not answer the entity (id${'version' in properties ? ', version' : ''})`)
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

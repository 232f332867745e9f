/** Generators and checks of test/security/fuzz.test.ts. The schema oracle: requests the document itself forbids must not succeed. */
import { IdRef } from './ids.ts'
import type { Operation, Schema } from './openapi.ts'
import type { GeneratedRequest } from './requests.ts'
import { typesOf } from './valid-values.ts'

export const UUID_FORMAT = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i

export const matchesType = (type: string, value: unknown) =>
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
export function schemaViolation(schema: Schema, value: unknown, path: string): string | undefined {
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
export function textViolation(schema: Schema, text: string, path: string): string | undefined {
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
export function forbiddenBy(operation: Operation, generated: GeneratedRequest, resolveRef: (ref: IdRef) => string): string | undefined {
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
export function bodyForbiddenBy(operation: Operation, contentType: string | undefined, payload: string | undefined): string | undefined {
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

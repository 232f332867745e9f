import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { isObject } from '../shared/objects.ts'
import { ApiProblem, describeErrors, documentProblemResponses, type FieldError } from '../shared/problems.ts'
import { problemFor, sendProblem } from './problem-details.ts'

// No object or list of this API comes near these bounds; a request past them is refused before
// validation, whose cost (and list of errors) would otherwise grow with every key or item sent.
const MAX_PROPERTIES = 200
const MAX_ITEMS = 1000
const MAX_VALUES = 50_000
// Deeper than any schema of this API; validation refuses deeper bodies.
const MAX_DEPTH = 32

/** What PostgreSQL text and jsonb cannot store: U+0000, and a lone UTF-16 surrogate. */
function unstorable(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)'
  if (!text.isWellFormed()) return 'must be well-formed Unicode (it holds a lone UTF-16 surrogate)'
  return undefined
}

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1')

/**
 * One pass over a request part: every string and key the database could not store, and every object
 * or list too large for any schema, as field errors. Over MAX_VALUES values in all, it stops.
 */
function inspectInput(value: unknown, at: string, errors: FieldError[], budget: { values: number }, depth = 0): FieldError[] {
  if (--budget.values < 0) return errors
  if (typeof value === 'string') {
    const problem = unstorable(value)
    if (problem) errors.push({ path: at, message: problem })
    return errors
  }
  if (depth > MAX_DEPTH || !isObject(value)) return errors
  if (Array.isArray(value)) {
    if (value.length > MAX_ITEMS) errors.push({ path: at, message: `has ${value.length} items; no list of this API takes more than ${MAX_ITEMS}` })
    else {
      for (const [index, item] of value.entries()) inspectInput(item, `${at}/${index}`, errors, budget, depth + 1)
    }
    return errors
  }
  const keys = Object.keys(value)
  if (keys.length > MAX_PROPERTIES) {
    errors.push({ path: at, message: `has ${keys.length} properties; no object of this API has more than ${MAX_PROPERTIES}` })
    return errors
  }
  for (const key of keys) {
    const problem = unstorable(key)
    if (problem) errors.push({ path: at, message: `has a property name that ${problem}` })
    inspectInput(value[key], `${at}/${escapePointer(key)}`, errors, budget, depth + 1)
  }
  return errors
}

const invalid = (errors: FieldError[]) => new ApiProblem('validation_failed', describeErrors(errors), { errors })

/** Errors the router raises before any route runs, as problems like every other. */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id) // no hook has run to set it
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH')
    return sendProblem(reply, problemFor(request, 'uri_too_long', 'A path segment is longer than any identifier this API uses.'))
  return sendProblem(
    reply,
    problemFor(request, 'malformed_url', error.code === 'FST_ERR_BAD_URL' ? 'The path holds an invalid percent-encoding.' : error.message)
  )
}

/**
 * What JSON Schema lets through but the database cannot take: the NUL character and lone surrogates
 * in any string, and (through Ajv's query coercion, which skips its range checks for them) infinite
 * numbers; and requests too large for validation to be cheap.
 */
export default fp(
  async function inputGuards(app: FastifyInstance) {
    // Every route checks its query string and path, so every operation can answer 400.
    app.addHook('onRoute', (route) => documentProblemResponses(route, 400))
    // Before validation, so that its cost is bounded too.
    app.addHook('preValidation', (request, _reply, done) => {
      const budget = { values: MAX_VALUES }
      const errors = inspectInput(request.params, '/params', [], budget)
      inspectInput(request.query, '/query', errors, budget)
      // A body the route has no schema for (a DELETE's) is never read, so it is not checked either.
      // A file (a spreadsheet import) arrives as bytes: the route reads and checks its cells itself.
      if (request.routeOptions.schema?.body && !Buffer.isBuffer(request.body)) inspectInput(request.body, '/body', errors, budget)
      if (budget.values < 0) return done(invalid([{ path: '/body', message: `holds more than ${MAX_VALUES} values; no request of this API needs as many` }]))
      done(errors.length > 0 ? invalid(errors) : undefined)
    })
    // After validation: Ajv's query coercion skips its range checks for infinite numbers.
    app.addHook('preHandler', (request, _reply, done) => {
      const query = isObject(request.query) ? request.query : {}
      const infinite = Object.entries(query).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value))
      done(infinite.length > 0 ? invalid(infinite.map(([name]) => ({ path: `/query/${name}`, message: 'must be a finite number' }))) : undefined)
    })
  },
  { name: 'input-guards' }
)

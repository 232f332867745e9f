import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { ApiProblem, type FieldError } from '../shared/problems.ts'
import { problemFor, sendProblem } from './problem-details.ts'

/** JSON pointers to every string under `value` that holds U+0000, which PostgreSQL text and jsonb cannot store. */
function nulCharacters(value: unknown, at: string, depth = 0): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [at] : []
  if (depth > MAX_DEPTH) return []
  if (Array.isArray(value)) return value.flatMap((item, index) => nulCharacters(item, `${at}/${index}`, depth + 1))
  if (value !== null && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, item]) => [...(key.includes('\u0000') ? [at] : []), ...nulCharacters(item, `${at}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`, depth + 1)])
  }
  return []
}
// Deeper than any schema of this API; validation has refused deeper bodies by now.
const MAX_DEPTH = 32

const invalid = (errors: FieldError[]) => new ApiProblem('validation_failed', errors.map((error) => `${error.path} ${error.message}`).join('; '), errors)

/** Errors the router raises before any route runs, as problems like every other. */
export function frameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  reply.header('x-request-id', request.id) // no hook has run to set it
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return sendProblem(reply, problemFor(request, 'uri_too_long', 'A path segment is longer than any identifier this API uses.'))
  return sendProblem(reply, problemFor(request, 'malformed_url', error.code === 'FST_ERR_BAD_URL' ? 'The path holds an invalid percent-encoding.' : error.message))
}

/**
 * What JSON Schema lets through but the database cannot take: the NUL character in any string,
 * and (through Ajv's query coercion, which skips its range checks for them) infinite numbers.
 */
export default fp(
  async function inputGuards(app: FastifyInstance) {
    // After validation: the schemas bound the depth of what is walked here.
    app.addHook('preHandler', async (request) => {
      // A body the route has no schema for (a DELETE's) is never read, so it is not checked either.
      const body = request.routeOptions.schema?.body ? nulCharacters(request.body, '/body') : []
      const paths = [...nulCharacters(request.params, '/params'), ...nulCharacters(request.query, '/query'), ...body]
      if (paths.length > 0) throw invalid(paths.map((path) => ({ path, message: 'must not contain the NUL character (U+0000)' })))
      const query = (request.query ?? {}) as Record<string, unknown>
      const infinite = Object.entries(query).filter(([, value]) => typeof value === 'number' && !Number.isFinite(value))
      if (infinite.length > 0) throw invalid(infinite.map(([name]) => ({ path: `/query/${name}`, message: 'must be a finite number' })))
    })
  },
  { name: 'input-guards' }
)

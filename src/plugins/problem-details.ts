import { STATUS_CODES } from 'node:http'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify'
import fp from 'fastify-plugin'
import { databaseError, FOREIGN_KEY_VIOLATION } from '../db/errors.ts'
import { isDatabaseUnavailable } from '../db/unavailable.ts'
import { countryCodeMessage } from '../reference/country-checks.ts'
import { isObject, pathOrgId } from '../shared/objects.ts'
import {
  ApiProblem,
  describeErrors,
  type FieldError,
  MAX_LISTED_ERRORS,
  type Problem,
  type ProblemKind,
  ProblemSchema,
  problemCode,
  problemTypes,
  problemTypeUri
} from '../shared/problems.ts'
import { COUNTRY_PATTERN, DATE_PATTERN, INSTANT_PATTERN, ISO_DURATION } from '../shared/schemas.ts'

interface AjvError extends FastifySchemaValidationError {
  /** The offending value (Ajv's `verbose` option). */
  data?: unknown
}

const partPrefix: Record<string, string> = { body: '/body', querystring: '/query', params: '/params', headers: '/headers' }

/**
 * A nullable field is `anyOf: [T, null]`; when its value fails, Ajv reports the failure of each branch
 * plus the anyOf itself. The null branch and the anyOf summary say nothing useful once the real
 * branch's errors are there, so they are dropped (kept only when nothing more specific remains).
 */
function withoutNullableNoise(validation: AjvError[]): AjvError[] {
  const anyOfPaths = new Set(validation.filter((error) => error.keyword === 'anyOf').map((error) => error.instancePath))
  const isNullBranch = (error: AjvError) => anyOfPaths.has(error.instancePath) && error.keyword === 'type' && error.params.type === 'null'
  // A string that breaks its format usually breaks the pattern guarding the same format too: one error says it.
  const formatPaths = new Set(validation.filter((error) => error.keyword === 'format').map((error) => error.instancePath))
  const isFormatEcho = (error: AjvError) => error.keyword === 'pattern' && formatPaths.has(error.instancePath)
  const specific = validation.filter((error) => error.keyword !== 'anyOf' && !isNullBranch(error) && !isFormatEcho(error))
  // Every path at or above a specific error, so a body with thousands of errors is filtered in linear time.
  const coveredPaths = new Set(specific.flatMap((error) => error.instancePath.split('/').map((_, i, segments) => segments.slice(0, i + 1).join('/'))))
  const covered = (path: string) => coveredPaths.has(path)
  return [...specific, ...validation.filter((error) => error.keyword === 'anyOf' && !covered(error.instancePath))]
}

/** Turns Ajv's errors into `{ path, message }` pairs that name the offending field itself. */
export function fieldErrors(validation: AjvError[], context = 'body'): FieldError[] {
  const prefix = partPrefix[context] ?? `/${context}`
  const seen = new Set<string>()
  return withoutNullableNoise(validation)
    .map((error) => {
      switch (error.keyword) {
        case 'required':
          return { path: `${prefix}${error.instancePath}/${escapePointer(String(error.params.missingProperty))}`, message: 'is required' }
        case 'additionalProperties':
          return { path: `${prefix}${error.instancePath}/${escapePointer(String(error.params.additionalProperty))}`, message: 'is not a known property' }
        case 'enum':
          return {
            path: `${prefix}${error.instancePath}`,
            message: `must be one of: ${[error.params.allowedValues]
              .flat()
              .map((value) => JSON.stringify(value))
              .join(', ')}`
          }
        case 'pattern':
          return {
            path: `${prefix}${error.instancePath}`,
            message: patternMessages[String(error.params.pattern)]?.(error.data) ?? error.message ?? 'must match its pattern'
          }
        case 'format':
          return { path: `${prefix}${error.instancePath}`, message: formatMessages[String(error.params.format)] ?? error.message ?? 'must match its format' }
        case 'type':
          return { path: `${prefix}${error.instancePath}`, message: `must be ${String(error.params.type).split(',').join(' or ')}` }
        default:
          return { path: `${prefix}${error.instancePath}`, message: error.message ?? error.keyword }
      }
    })
    .filter((error) => {
      const key = `${error.path} ${error.message}`
      if (seen.has(key)) return false
      seen.add(key)
      return true
    })
}

const INSTANT_MESSAGE = 'must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z (year 0001 or later, seconds 00 to 59)'
const DATE_MESSAGE = 'must be a date YYYY-MM-DD such as 2026-01-31 (year 0001 or later)'

/** Messages for the patterns and formats a person gets wrong, with an example of a right value. */
const patternMessages: Record<string, (value: unknown) => string> = {
  [INSTANT_PATTERN]: () => INSTANT_MESSAGE,
  [DATE_PATTERN]: () => DATE_MESSAGE,
  [COUNTRY_PATTERN]: countryCodeMessage,
  [ISO_DURATION]: (value) => `'${String(value)}' is not an ISO 8601 duration: write P6M for six months, P10Y for ten years, P30D for thirty days`
}
const formatMessages: Record<string, string> = { date: DATE_MESSAGE, 'date-time': INSTANT_MESSAGE }

const escapePointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1')

const fastifyErrorKinds: Record<string, ProblemKind> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed_body'
}

const RETRY_AFTER_SECONDS = '5'

const unsupportedMediaType = (request: FastifyRequest) => {
  const received = request.headers['content-type']
  return `Send the body as application/json${request.method === 'PATCH' ? ' or application/merge-patch+json' : ''}; got ${received ? received : 'no Content-Type'}.`
}

export function problemFor(request: FastifyRequest, kind: ProblemKind, detail: string, errors?: FieldError[]): Problem {
  return {
    type: problemTypeUri(kind),
    title: problemTypes[kind].title,
    status: problemTypes[kind].status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    code: problemCode(kind),
    requestId: request.id,
    ...(errors ? { errors: errors.slice(0, MAX_LISTED_ERRORS) } : {}),
    ...(errors && errors.length > MAX_LISTED_ERRORS ? { errorsOmitted: errors.length - MAX_LISTED_ERRORS } : {})
  }
}

function toProblem(error: FastifyError, request: FastifyRequest): { problem: Problem; headers: Record<string, string> } {
  const make = (kind: ProblemKind, detail: string, errors?: FieldError[]) => problemFor(request, kind, detail, errors)

  if (error instanceof ApiProblem) {
    const problem = make(error.kind, error.message, error.errors)
    return { problem: error.references ? { ...problem, references: error.references } : problem, headers: error.headers }
  }
  if (error.validation) {
    const errors = fieldErrors(error.validation, error.validationContext)
    return { problem: make('validation_failed', describeErrors(errors), errors), headers: {} }
  }
  const kind = error.code ? fastifyErrorKinds[error.code] : undefined
  if (kind === 'unsupported_media_type') return { problem: make(kind, unsupportedMediaType(request)), headers: {} }
  if (kind) return { problem: make(kind, error.message), headers: {} }
  if (error instanceof SyntaxError && error.statusCode === 400) return { problem: make('malformed_body', error.message), headers: {} }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: loggableError(error) }, 'database unavailable')
    return { problem: make('database_unavailable', 'The database cannot be reached right now.'), headers: { 'retry-after': RETRY_AFTER_SECONDS } }
  }
  if (isMissingOrganisation(error)) {
    // A platform token may name any organisation id; one that does not exist fails the insert's key.
    return { problem: make('not_found', `There is no organisation ${pathOrgId(request.params)}.`), headers: {} }
  }
  const status = error.statusCode ?? 500
  if (status >= 400 && status < 500) {
    const problem = make('validation_failed', error.message)
    return { problem: { ...problem, type: 'about:blank', title: STATUS_CODES[status] ?? 'Client error', status, code: 'ROPA_CLIENT_ERROR' }, headers: {} }
  }
  if (status === 503) return { problem: make('service_unavailable', 'The service is unavailable.'), headers: { 'retry-after': RETRY_AFTER_SECONDS } }
  request.log.error({ err: loggableError(error) }, 'unhandled error')
  return { problem: make('internal', 'An unexpected error occurred. Quote the requestId when reporting it.'), headers: {} }
}

// What of a database error says where and why a statement failed, without quoting its values.
const DIAGNOSTIC_FIELDS = ['code', 'severity', 'constraint', 'schema', 'table', 'column', 'routine'] as const

const isStatementError = (error: Error) =>
  error instanceof DrizzleQueryError || 'params' in error || 'query' in error || ('severity' in error && 'code' in error)

/**
 * An error as it may be logged. A failed statement carries its parameters (user data) in drizzle's
 * message and `params`, and the database's own message or detail often quotes them; such an error
 * is logged as its SQL text, its SQLSTATE and diagnostics, and its stack frames, nothing more.
 */
export function loggableError(error: unknown): unknown {
  const chain: Error[] = []
  for (let current: unknown = error; current instanceof Error && chain.length < 5; current = current.cause) chain.push(current)
  if (!chain.some(isStatementError)) return error
  const field = (name: string) => chain.map((link) => (isObject(link) ? link[name] : undefined)).find((value) => typeof value === 'string')
  const query = field('query')
  const diagnostics = Object.fromEntries(DIAGNOSTIC_FIELDS.map((name) => [name, field(name)]).filter(([, value]) => value !== undefined))
  const safe = Object.assign(new Error(query ? `Failed query: ${query}` : 'A database statement failed'), diagnostics)
  const frames = (chain[0]?.stack ?? '').split('\n').filter((line) => line.startsWith('    at '))
  safe.stack = [`Error: ${safe.message}`, ...frames].join('\n')
  return safe
}

function isMissingOrganisation(error: unknown): boolean {
  const { code, constraint } = databaseError(error)
  return code === FOREIGN_KEY_VIOLATION && constraint !== undefined && constraint.endsWith('_organisation_id_organisations_id_fk')
}

export function sendProblem(reply: FastifyReply, problem: Problem, headers: Record<string, string> = {}) {
  return reply.code(problem.status).headers(headers).type('application/problem+json; charset=utf-8').serializer(JSON.stringify).send(problem)
}

/** RFC 9457 problem details for every error the API answers, from one place. */
export default fp(
  async function problemDetails(app: FastifyInstance) {
    app.addSchema(ProblemSchema)
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const { problem, headers } = toProblem(error, request)
      return sendProblem(reply, problem, headers)
    })
    app.setNotFoundHandler((request, reply) =>
      sendProblem(reply, problemFor(request, 'route_not_found', `No operation answers ${request.method} ${request.url.split('?')[0]}.`))
    )
  },
  { name: 'problem-details' }
)

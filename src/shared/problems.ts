import type { RouteOptions } from 'fastify'
import { type Static, Type } from 'typebox'
import { isObject } from './objects.ts'

/**
 * Every problem type the API answers with. `type` URIs are relative references to
 * `GET /problems/{slug}`, which describes each one, so they stay stable and resolvable.
 */
export const problemTypes = {
  validation_failed: {
    slug: 'validation-failed',
    status: 400,
    title: 'The request is invalid',
    description:
      'A parameter or body field breaks its schema. `errors[]` lists each offending field as a JSON pointer into the request (`/body/...`, `/query/...`, `/params/...`).'
  },
  malformed_body: {
    slug: 'malformed-body',
    status: 400,
    title: 'The request body could not be read',
    description:
      'The body is not well-formed JSON (or, for a spreadsheet import, not a readable CSV or XLSX file), is empty where one is required, or its Content-Length is wrong.'
  },
  unauthenticated: {
    slug: 'unauthenticated',
    status: 401,
    title: 'Authentication required',
    description: 'No bearer token, or one that is malformed, expired or wrongly signed.'
  },
  forbidden: { slug: 'forbidden', status: 403, title: 'Missing scope', description: 'The token is valid but lacks the scope the operation needs.' },
  not_found: {
    slug: 'not-found',
    status: 404,
    title: 'Not found',
    description: 'The resource does not exist, or belongs to an organisation the token may not see.'
  },
  route_not_found: {
    slug: 'route-not-found',
    status: 404,
    title: 'No such route',
    description: 'No operation answers this method and path; see /openapi.json.'
  },
  conflict: {
    slug: 'conflict',
    status: 409,
    title: 'Conflict',
    description: 'The change conflicts with stored data: a duplicate name, or an entry still referenced elsewhere.'
  },
  precondition_failed: {
    slug: 'precondition-failed',
    status: 412,
    title: 'The resource has changed',
    description: 'The If-Match header names a version that is no longer current. Read the resource again and reapply the change.'
  },
  precondition_required: {
    slug: 'precondition-required',
    status: 428,
    title: 'A change reason is required',
    description:
      'The organisation requires a reason for every change to an active processing activity (`requireChangeReason`): send the write again with a `Change-Reason` header saying why. Nothing was written.'
  },
  not_acceptable: {
    slug: 'not-acceptable',
    status: 406,
    title: 'Not acceptable',
    description: 'None of the media types in Accept can be produced; the operation lists the ones it can.'
  },
  malformed_url: {
    slug: 'malformed-url',
    status: 400,
    title: 'The URL could not be read',
    description: 'The path holds an invalid percent-encoding (such as `%FF` or `%zz`).'
  },
  uri_too_long: {
    slug: 'uri-too-long',
    status: 414,
    title: 'Path segment too long',
    description: 'A path segment is longer than 100 characters; no identifier of this API is.'
  },
  malformed_request: {
    slug: 'malformed-request',
    status: 400,
    title: 'The request is not valid HTTP',
    description: 'The request line or headers could not be parsed; the connection is closed.'
  },
  request_timeout: {
    slug: 'request-timeout',
    status: 408,
    title: 'Request timeout',
    description: 'The request line and headers did not arrive within HEADERS_TIMEOUT_MS (60 s by default); the connection is closed.'
  },
  request_header_fields_too_large: {
    slug: 'request-header-fields-too-large',
    status: 431,
    title: 'Request header fields too large',
    description: 'The request line and headers together exceed 16 KiB; send fewer or shorter headers (cookies are a usual cause). The connection is closed.'
  },
  payload_too_large: {
    slug: 'payload-too-large',
    status: 413,
    title: 'Request body too large',
    description: 'The body exceeds the configured limit (BODY_LIMIT_BYTES, 1 MiB by default).'
  },
  unsupported_media_type: {
    slug: 'unsupported-media-type',
    status: 415,
    title: 'Unsupported media type',
    description:
      'Request bodies must be sent as application/json (a PATCH also as application/merge-patch+json; a spreadsheet import as text/csv or the XLSX type); the detail names the media type received.'
  },
  unprocessable: {
    slug: 'unprocessable',
    status: 422,
    title: 'The request is inconsistent with stored data',
    description: 'The body is well-formed but refers to something that does not exist in this organisation; `errors[]` names each offending path.'
  },
  rate_limited: {
    slug: 'rate-limited',
    status: 429,
    title: 'Too many requests',
    description: 'Slow down and retry after the number of seconds in Retry-After.'
  },
  internal: {
    slug: 'internal-error',
    status: 500,
    title: 'Internal server error',
    description: 'An unexpected error. Nothing about it is disclosed; quote `requestId` when reporting it.'
  },
  database_unavailable: {
    slug: 'database-unavailable',
    status: 503,
    title: 'Database unavailable',
    description: 'The database cannot be reached right now. Retry after the number of seconds in Retry-After; the service recovers by itself.'
  },
  token_keys_unavailable: {
    slug: 'token-keys-unavailable',
    status: 503,
    title: 'Token keys unavailable',
    description:
      "The keys that verify bearer tokens (the identity provider's JWKS) cannot be fetched right now, so the token could not be checked; it was not found invalid. Keep it and retry after the number of seconds in Retry-After."
  },
  service_unavailable: {
    slug: 'service-unavailable',
    status: 503,
    title: 'Service unavailable',
    description: 'The service is shutting down or overloaded. Retry after the number of seconds in Retry-After.'
  }
} as const satisfies Record<string, { slug: string; status: number; title: string; description: string }>

export type ProblemKind = keyof typeof problemTypes

export const problemCode = (kind: ProblemKind) => `ROPA_${kind.toUpperCase()}`
export const problemTypeUri = (kind: ProblemKind) => `/problems/${problemTypes[kind].slug}`

/** A problem lists this many field errors at most; `errorsOmitted` counts the rest. */
export const MAX_LISTED_ERRORS = 20

export const ProblemSchema = Type.Object(
  {
    type: Type.String({
      description: 'URI reference identifying the problem type; resolve it against the API base URL for a description.',
      examples: ['/problems/validation-failed']
    }),
    title: Type.String({ description: 'Short summary of the problem type.' }),
    status: Type.Integer({ description: 'The HTTP status code.' }),
    detail: Type.String({ description: 'What went wrong in this occurrence, in plain language.' }),
    instance: Type.String({ description: 'The request path the problem occurred on.' }),
    code: Type.String({ description: 'Stable machine-readable code, e.g. `ROPA_NOT_FOUND`.', examples: ['ROPA_VALIDATION_FAILED'] }),
    requestId: Type.String({ description: 'Correlates this answer with the server log (also in the `x-request-id` header).' }),
    errors: Type.Optional(
      Type.Array(
        Type.Object(
          {
            path: Type.String({
              description: 'JSON pointer to the offending value, prefixed by the request part: `/body/...`, `/query/...`, `/params/...`, `/headers/...`.',
              examples: ['/body/name']
            }),
            message: Type.String()
          },
          { additionalProperties: false }
        ),
        { description: `One entry per offending field (validation and 422 problems), the first ${MAX_LISTED_ERRORS} at most.` }
      )
    ),
    errorsOmitted: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: `How many more offending fields there are beyond those listed in \`errors\` (which lists ${MAX_LISTED_ERRORS} at most).`
      })
    ),
    references: Type.Optional(
      Type.Array(
        Type.Object(
          {
            entityType: Type.String({ examples: ['processor'] }),
            id: Type.String({ format: 'uuid' }),
            name: Type.String()
          },
          { additionalProperties: false }
        ),
        { description: 'What still links to the entity a 409 refused to delete.' }
      )
    )
  },
  { $id: 'Problem', additionalProperties: false, description: 'An RFC 9457 problem details object.' }
)
export type Problem = Static<typeof ProblemSchema>
export type FieldError = NonNullable<Problem['errors']>[number]
export type Reference = NonNullable<Problem['references']>[number]

/** The `detail` of a problem about field errors: the listed ones, and how many more there are. */
export function describeErrors(errors: FieldError[]): string {
  const listed = errors
    .slice(0, MAX_LISTED_ERRORS)
    .map((error) => `${error.path} ${error.message}`)
    .join('; ')
  return errors.length > MAX_LISTED_ERRORS ? `${listed}; and ${errors.length - MAX_LISTED_ERRORS} more` : listed
}

/** Thrown by handlers and repositories; the problem-details plugin turns it into the response. */
export class ApiProblem extends Error {
  override name = 'ApiProblem'
  readonly errors: FieldError[] | undefined
  readonly headers: Record<string, string>
  readonly references: Reference[] | undefined
  readonly kind: ProblemKind
  constructor(
    kind: ProblemKind,
    detail: string,
    { errors, headers = {}, references }: { errors?: FieldError[] | undefined; headers?: Record<string, string>; references?: Reference[] } = {}
  ) {
    super(detail)
    this.kind = kind
    this.errors = errors
    this.headers = headers
    this.references = references
  }
  get status(): number {
    return problemTypes[this.kind].status
  }
}

const problemRef = { $ref: 'Problem#' }

/** Response schemas for the problems an operation can answer, keyed by status, for route `response` blocks. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      {
        description: Object.values(problemTypes).find((problem) => problem.status === status)?.title ?? 'Problem',
        content: { 'application/problem+json': { schema: problemRef } }
      }
    ])
  )
}

/**
 * Documents problems a plugin's hook can answer on every route of its scope (a rate limit's 429),
 * beside those the route declares itself, which take precedence. Hidden routes stay undocumented.
 */
export function documentProblemResponses(route: RouteOptions, ...statuses: number[]) {
  const schema = route.schema
  if (!schema || schema.hide) return
  route.schema = { ...schema, response: { ...problemResponses(...statuses), ...(isObject(schema.response) ? schema.response : {}) } }
}

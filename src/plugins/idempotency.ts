import { createHash } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { etagOf, type WriteContext, writeContext } from '../shared/http.ts'
import { isObject, pathOrgId } from '../shared/objects.ts'
import { ApiProblem, problemResponses } from '../shared/problems.ts'
import { type Answer, type Claim, deleteExpiredKeys, findStoredAnswer, recordAnswer, type StoredAnswer, storeKey } from './idempotency.repository.ts'
import { loggableError } from './problem-details.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an `Idempotency-Key` no answer is stored for yet. */
    idempotencyClaim: Claim | null
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
/** Response headers a replay repeats; the rest (request id, rate limits) belong to the replaying request. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const
const SWEEP_EVERY_MS = 15 * 60_000

// RFC 8941 sf-string (quoted, as the draft specifies) or the same characters bare, as most clients send.
const KEY_PATTERN = '^(?:"[ !#-\\[\\]-~]{1,255}"|[!#-~]{1,255})$'

const IdempotencyKeyHeader = Type.String({
  pattern: KEY_PATTERN,
  description:
    "Makes a retry of this POST safe: a repeat with the same key and the same request answers what the first one answered (with `Idempotent-Replayed: true`) and writes nothing; the same key with another request answers 422. The key is stored with the created entry in one transaction, so a retry after an outage (a 503, even one whose write was in fact committed) is answered from the record or runs once; a repeat sent while the first is still running waits for it and answers the same. A 5xx is not kept. Keys belong to the token's subject and are kept 24 hours (IDEMPOTENCY_KEY_TTL_SECONDS). Printable ASCII, up to 255 characters, optionally quoted as an RFC 8941 string; a UUID is a good choice.",
  examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"']
})

/** JSON with object keys sorted, so the same body sent with its fields in another order has one fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body)}`)
    .digest('hex')

const asHooks = <T>(hooks: T | T[] | undefined): T[] => (hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks])

/** Adds the header, its 422 answer and a note to the documentation of a POST. */
function documentIdempotency(route: RouteOptions) {
  const schema = route.schema ?? {}
  const headers = isObject(schema.headers) && isObject(schema.headers.properties) ? schema.headers.properties : {}
  route.schema = {
    ...schema,
    headers: Type.Object({ ...headers, [IDEMPOTENCY_HEADER]: Type.Optional(IdempotencyKeyHeader) }),
    response: { ...problemResponses(422), ...(isObject(schema.response) ? schema.response : {}) }
  }
}

/** Thrown by a create's `claim` when another request's answer holds the key: its transaction rolls back. */
class KeyAlreadyAnswered extends Error {
  readonly stored: StoredAnswer
  constructor(stored: StoredAnswer) {
    super('the Idempotency-Key already holds an answer')
    this.stored = stored
  }
}

/** The stored answer again, or 422 when the key was used for another request. */
function replay(reply: FastifyReply, claim: Claim, stored: StoredAnswer) {
  if (stored.fingerprint !== claim.fingerprint) {
    throw new ApiProblem('unprocessable', 'This Idempotency-Key was already used with a different request; use a new key for a new request.', {
      errors: [{ path: `/headers/${IDEMPOTENCY_HEADER}`, message: 'was used with a different method, URL or body' }]
    })
  }
  for (const [name, value] of Object.entries(stored.headers)) reply.header(name, value)
  return reply.code(stored.status).header('idempotent-replayed', 'true').send(stored.body)
}

/**
 * Runs a create and answers 201 with `Location`, `ETag` and the entry as the route's response schema
 * serialises it. With an `Idempotency-Key`, `write` gets a context whose transaction stores the key
 * first and this answer last; if a concurrent request with the key committed first, the write rolls
 * back and its stored answer is replayed.
 */
export async function sendCreatedOnce<T extends { id: string; version?: number }>(
  request: FastifyRequest,
  reply: FastifyReply,
  write: (context: WriteContext) => Promise<T>,
  locationOf: (created: { id: string }) => string
) {
  // An entry without a version is never changed once created: it has no ETag to compare If-Match with.
  const answerOf = (created: { id: string; version?: number }): Answer => ({
    status: 201,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      location: locationOf(created),
      ...(created.version === undefined ? {} : { etag: etagOf(created.version) })
    },
    body: (reply.getSerializationFunction('201') ?? JSON.stringify)(created)
  })
  const claim = request.idempotencyClaim
  let recorded: Answer | undefined
  let created: T
  try {
    created = await write({
      ...writeContext(request),
      ...(claim && {
        idempotency: {
          async claim(tx) {
            while (!(await storeKey(tx, claim, null))) {
              // Another request with this key committed while this one waited for it: replay its answer.
              const stored = await findStoredAnswer(tx, claim)
              if (stored) throw new KeyAlreadyAnswered(stored)
            }
          },
          record: (tx, entity) => {
            recorded = answerOf(entity)
            return recordAnswer(tx, claim, recorded)
          }
        }
      })
    })
  } catch (error) {
    if (!(claim && error instanceof KeyAlreadyAnswered)) throw error
    request.idempotencyClaim = null
    return replay(reply, claim, error.stored)
  }
  if (recorded) request.idempotencyClaim = null
  const answer = recorded ?? answerOf(created)
  return reply.code(answer.status).headers(answer.headers).send(answer.body)
}

export interface IdempotencyOptions {
  ttlSeconds: number
}

/**
 * `Idempotency-Key` on every POST of the scope it is registered in (after authentication, since keys
 * belong to the token's subject), as draft-ietf-httpapi-idempotency-key-header describes: the first
 * request runs and its answer is recorded; a repeat is answered from the record. A create records
 * its 201 in its own transaction (see `sendCreatedOnce`); any other answer below 500 (a refused
 * request, which wrote nothing) is recorded as it is sent. A 5xx is not recorded, so a retry runs again.
 */
export default fp<IdempotencyOptions>(
  async function idempotency(app: FastifyInstance, { ttlSeconds }) {
    app.decorateRequest('idempotencyClaim', null)

    const claimKey = async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers[IDEMPOTENCY_HEADER]
      if (typeof header !== 'string') return
      const orgId = pathOrgId(request.params)
      const claim: Claim = {
        subject: request.principal.sub,
        key: header.replace(/^"(.*)"$/, '$1'),
        fingerprint: requestFingerprint(request.method, request.url, request.body),
        organisationId: orgId ?? null,
        ttlSeconds
      }
      const stored = await findStoredAnswer(app.database.db, claim)
      if (stored) return replay(reply, claim, stored)
      request.idempotencyClaim = claim
    }

    const recordAnswerSent = async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const claim = request.idempotencyClaim
      if (!claim || reply.statusCode >= 500) return payload
      request.idempotencyClaim = null
      const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => (reply.hasHeader(name) ? [[name, String(reply.getHeader(name))]] : [])))
      try {
        await storeKey(app.database.db, claim, { status: reply.statusCode, headers, body: typeof payload === 'string' ? payload : null })
      } catch (error) {
        // Nothing was written (a create records its own answer), so a retry without the record runs again.
        request.log.warn({ err: loggableError(error) }, 'recording the answer of an Idempotency-Key failed')
      }
      return payload
    }

    // Only a POST can carry a key, so only a POST's route gets the hooks (first among its own,
    // which is where a hook of this scope would run): a read pays nothing for them.
    app.addHook('onRoute', (route) => {
      if (route.method !== 'POST') return
      documentIdempotency(route)
      route.preHandler = [claimKey, ...asHooks(route.preHandler)]
      route.onSend = [recordAnswerSent, ...asHooks(route.onSend)]
    })

    const sweep = setInterval(() => {
      deleteExpiredKeys(app.database.db).catch((error: unknown) => app.log.warn({ err: error }, 'sweeping expired idempotency keys failed'))
    }, SWEEP_EVERY_MS)
    sweep.unref()
    app.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'idempotency', dependencies: ['auth', 'db'] }
)

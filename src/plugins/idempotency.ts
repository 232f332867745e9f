import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import type { Database } from '../db/client.ts'
import { ApiProblem, problemResponses } from '../shared/problems.ts'
import { loggableError } from './problem-details.ts'

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an `Idempotency-Key` claim whose answer must be recorded. */
    idempotencyClaim: { subject: string; key: string; fingerprint: string } | null
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
/** Response headers a replay repeats; the rest (request id, rate limits) belong to the replaying request. */
const REPLAYED_HEADERS = ['content-type', 'location', 'etag'] as const
/**
 * A claim still `processing` after this long belongs to a request that died (the request timeout is
 * two minutes), so a retry may take it over.
 */
const ABANDONED_AFTER_SECONDS = 300
const SWEEP_EVERY_MS = 15 * 60_000

// RFC 8941 sf-string (quoted, as the draft specifies) or the same characters bare, as most clients send.
const KEY_PATTERN = '^(?:"[ !#-\\[\\]-~]{1,255}"|[!#-~]{1,255})$'

const IdempotencyKeyHeader = Type.String({
  pattern: KEY_PATTERN,
  description:
    'Makes a retry of this POST safe: a repeat with the same key and the same request answers what the first one answered (with `Idempotent-Replayed: true`) and writes nothing; the same key with another request answers 422; while the first is still running, 409. Keys belong to the token\'s subject and are kept 24 hours (IDEMPOTENCY_KEY_TTL_SECONDS). Printable ASCII, up to 255 characters, optionally quoted as an RFC 8941 string; a UUID is a good choice.',
  examples: ['"8e03978e-40d5-43e8-bc93-6894a57f9324"']
})

/** JSON with object keys sorted, so the same body sent with its fields in another order has one fingerprint. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

export const requestFingerprint = (method: string, url: string, body: unknown) =>
  createHash('sha256').update(`${method} ${url}\n${canonicalJson(body)}`).digest('hex')

/** Adds the header, its 409 and 422 answers and a note to the documentation of a POST. */
function documentIdempotency(route: RouteOptions) {
  const schema = (route.schema ?? {}) as Record<string, unknown>
  const headers = (schema.headers as { properties?: Record<string, unknown> } | undefined)?.properties ?? {}
  route.schema = {
    ...schema,
    headers: Type.Object({ ...headers, [IDEMPOTENCY_HEADER]: Type.Optional(IdempotencyKeyHeader) }),
    response: { ...problemResponses(409, 422), ...(schema.response as object) }
  }
}

interface StoredAnswer {
  claimed: boolean
  organisation_exists: boolean
  fingerprint: string | null
  state: 'processing' | 'done' | null
  status: number | null
  headers: Record<string, string> | null
  body: string | null
}

/**
 * One statement: claim the key (a new one, an expired one or an abandoned claim) or read what it
 * holds. A claim racing another for the same key waits for it, then finds it taken (or sees
 * nothing yet, since its snapshot predates the other's commit): both mean "in flight".
 */
async function claimOrRead(db: Database, claim: { subject: string; key: string; fingerprint: string }, organisationId: string | null, ttlSeconds: number) {
  const result = await db.execute(sql`
    with organisation as (
      select ${organisationId}::uuid is null or exists (select 1 from organisations where id = ${organisationId}::uuid) as present
    ),
    claimed as (
      insert into idempotency_keys as k (subject, key, fingerprint, organisation_id, state, expires_at)
      select ${claim.subject}, ${claim.key}, ${claim.fingerprint}, ${organisationId}::uuid, 'processing', now() + ${ttlSeconds} * interval '1 second'
      from organisation where present
      on conflict (subject, key) do update
        set fingerprint = excluded.fingerprint, organisation_id = excluded.organisation_id, state = 'processing',
            status = null, headers = null, body = null, created_at = now(), expires_at = excluded.expires_at
        where k.expires_at <= now() or (k.state = 'processing' and k.created_at <= now() - ${ABANDONED_AFTER_SECONDS} * interval '1 second')
      returning 1
    )
    select exists (select 1 from claimed) as claimed, organisation.present as organisation_exists,
           k.fingerprint, k.state, k.status, k.headers, k.body
    from organisation
    left join idempotency_keys k on k.subject = ${claim.subject} and k.key = ${claim.key} and k.expires_at > now()`)
  return result.rows[0] as unknown as StoredAnswer
}

function replay(reply: FastifyReply, stored: StoredAnswer) {
  for (const [name, value] of Object.entries(stored.headers ?? {})) reply.header(name, value)
  return reply.code(stored.status as number).header('idempotent-replayed', 'true').send(stored.body)
}

export interface IdempotencyOptions {
  ttlSeconds: number
}

/**
 * `Idempotency-Key` on every POST of the scope it is registered in (after authentication, since keys
 * belong to the token's subject), as draft-ietf-httpapi-idempotency-key-header describes: the first
 * request runs and its answer (success or 4xx) is recorded; a repeat is answered from the record.
 * A 5xx is not recorded, so a retry after an outage runs again.
 */
export default fp<IdempotencyOptions>(
  async function idempotency(app: FastifyInstance, { ttlSeconds }) {
    app.decorateRequest('idempotencyClaim', null)

    app.addHook('onRoute', (route) => {
      if (route.method === 'POST') documentIdempotency(route)
    })

    app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers[IDEMPOTENCY_HEADER]
      if (request.method !== 'POST' || typeof header !== 'string') return
      const claim = {
        subject: request.principal.sub,
        key: header.replace(/^"(.*)"$/, '$1'),
        fingerprint: requestFingerprint(request.method, request.url, request.body)
      }
      const { orgId } = (request.params ?? {}) as { orgId?: string }
      const stored = await claimOrRead(app.database.db, claim, orgId ?? null, ttlSeconds)
      if (stored.claimed) {
        request.idempotencyClaim = claim
        return
      }
      if (!stored.organisation_exists) return // the handler answers 404; nothing to protect
      const keyError = (message: string) => [{ path: `/headers/${IDEMPOTENCY_HEADER}`, message }]
      if (stored.fingerprint !== null && stored.fingerprint !== claim.fingerprint) {
        throw new ApiProblem('unprocessable', 'This Idempotency-Key was already used with a different request; use a new key for a new request.', keyError('was used with a different method, URL or body'))
      }
      if (stored.state !== 'done') {
        throw new ApiProblem('conflict', 'A request with this Idempotency-Key is still being processed; retry after it finishes.', keyError('belongs to a request still in flight'), { 'retry-after': '1' })
      }
      return replay(reply, stored)
    })

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotencyClaim
      if (!claim) return payload
      request.idempotencyClaim = null
      try {
        if (reply.statusCode >= 500) {
          await app.database.db.execute(sql`delete from idempotency_keys where subject = ${claim.subject} and key = ${claim.key} and fingerprint = ${claim.fingerprint}`)
        } else {
          const headers = Object.fromEntries(REPLAYED_HEADERS.flatMap((name) => (reply.hasHeader(name) ? [[name, String(reply.getHeader(name))]] : [])))
          await app.database.db.execute(sql`
            update idempotency_keys set state = 'done', status = ${reply.statusCode}, headers = ${JSON.stringify(headers)}::jsonb, body = ${typeof payload === 'string' ? payload : null}
            where subject = ${claim.subject} and key = ${claim.key} and fingerprint = ${claim.fingerprint}`)
        }
      } catch (error) {
        // The write itself is committed; only its record is missing. A retry finds the key in flight
        // (409) until the claim counts as abandoned, then runs again.
        request.log.error({ err: loggableError(error) }, 'recording the answer of an Idempotency-Key failed')
      }
      return payload
    })

    const sweep = setInterval(() => {
      app.database.db.execute(sql`delete from idempotency_keys where expires_at <= now()`).catch((error: unknown) => app.log.warn({ err: error }, 'sweeping expired idempotency keys failed'))
    }, SWEEP_EVERY_MS)
    sweep.unref()
    app.addHook('onClose', async () => clearInterval(sweep))
  },
  { name: 'idempotency', dependencies: ['auth', 'db'] }
)

import type { FastifyRequest } from 'fastify'
import type { Static, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../db/client.ts'
import { isObject } from './objects.ts'
import { ApiProblem } from './problems.ts'

/** Who is changing what, carried into every write and its audit event. */
export interface WriteContext {
  actor: string
  requestId: string
  /** Why the change is made: the `Change-Reason` header, stored on the audit event; null when none was sent. */
  reason: string | null
  /** Set on a create sent with an `Idempotency-Key`: its transaction must run `claim` first and `record` last. */
  idempotency?: KeyedCreate
}

/**
 * An `Idempotency-Key` stored in the create's own transaction, so the key is committed with its
 * answer exactly when the write is, or not at all. `claim` waits for a concurrent request holding
 * the same key; if that one committed, it throws (the caller replays the stored answer).
 */
export interface KeyedCreate {
  claim(tx: Database): Promise<void>
  record(tx: Database, created: { id: string; version?: number }): Promise<void>
}

/** A header value's Latin-1 characters read as the UTF-8 bytes they most likely were; the value as it is when they are not valid UTF-8. */
function asUtf8(value: string): string {
  if (!/[\x80-\xff]/.test(value) || /[\u0100-\uffff]/.test(value)) return value
  const decoded = Buffer.from(value, 'latin1').toString('utf8')
  return decoded.includes('\ufffd') ? value : decoded
}

export const CHANGE_REASON_HEADER = 'change-reason'
export const MAX_CHANGE_REASON_LENGTH = 500

/**
 * The `Change-Reason` of a write: trimmed, null when absent or blank, a 400 naming the header when
 * longer than 500 characters. HTTP carries header bytes as Latin-1; a reason sent as UTF-8 (`ø`,
 * `§`) is read back as UTF-8 when its bytes are valid UTF-8.
 */
export function changeReason(request: FastifyRequest): string | null {
  const header = request.headers[CHANGE_REASON_HEADER]
  const raw = Array.isArray(header) ? header.join(', ') : header
  if (raw === undefined) return null
  const reason = asUtf8(raw).trim()
  if (reason.length > MAX_CHANGE_REASON_LENGTH) {
    const message = `must be at most ${MAX_CHANGE_REASON_LENGTH} characters (it has ${reason.length})`
    throw new ApiProblem('validation_failed', `/headers/${CHANGE_REASON_HEADER} ${message}`, {
      errors: [{ path: `/headers/${CHANGE_REASON_HEADER}`, message }]
    })
  }
  return reason === '' ? null : reason
}

export const writeContext = (request: FastifyRequest): WriteContext => ({
  actor: request.principal.sub,
  requestId: request.id,
  reason: changeReason(request)
})

export const etagOf = (version: number) => `"${version}"`

/** One element of an entity-tag list: `"3"` or `W/"3"` (etagc excludes DQUOTE, controls and space), or an empty element. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 9110 etagc excludes control characters by code point
const ENTITY_TAG_ELEMENT = /^[ \t]*(?:(W\/)?"([^"\x00-\x20\x7f]*)")?[ \t]*(?:,|$)/

/** The entity tags of an `If-Match` list, or undefined when the header is not such a list. */
export function parseEntityTags(header: string): { weak: boolean; opaque: string }[] | undefined {
  const tags: { weak: boolean; opaque: string }[] = []
  for (let rest = header; rest.length > 0; ) {
    const match = ENTITY_TAG_ELEMENT.exec(rest)
    if (!match || match[0].length === 0) return undefined
    if (match[2] !== undefined) tags.push({ weak: match[1] !== undefined, opaque: match[2] })
    rest = rest.slice(match[0].length)
  }
  return tags.length > 0 ? tags : undefined
}

/**
 * The versions an `If-Match` header accepts: undefined when absent or `*` (no precondition),
 * otherwise the versions named by strong entity tags. A header that is not a list of quoted tags is
 * a 400. If-Match compares strongly (RFC 9110 section 13.1.1), so a weak tag never matches: a list of
 * weak tags only is answered 412 at once, saying why (re-reading would only give the same tag back).
 */
export function ifMatchVersions(request: FastifyRequest): number[] | undefined {
  const header = request.headers['if-match']
  if (header === undefined || header.trim() === '*') return undefined
  const tags = parseEntityTags(header)
  if (!tags) {
    throw new ApiProblem('validation_failed', '/headers/if-match must be a quoted entity tag such as "3", or *', {
      errors: [{ path: '/headers/if-match', message: 'must be a quoted entity tag such as "3", or *' }]
    })
  }
  const strong = tags.filter((tag) => !tag.weak)
  if (strong.length === 0) {
    const example = tags[0]?.opaque ?? '3'
    throw new ApiProblem(
      'precondition_failed',
      `If-Match compares entity tags strongly, so a weak entity tag such as W/"${example}" never matches; send the ETag exactly as this API gave it, such as "${example}".`
    )
  }
  return strong.filter((tag) => /^\d{1,9}$/.test(tag.opaque)).map((tag) => Number(tag.opaque))
}

export function preconditionFailed(current: number): ApiProblem {
  return new ApiProblem('precondition_failed', `If-Match does not name the current version ${etagOf(current)}; read the resource again and reapply the change.`)
}

/** Keyset cursors are opaque to clients: base64url JSON, checked against a schema when read back. */
export const encodeCursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url')

const storableStrings = (position: unknown) => isObject(position) && Object.values(position).every((value) => typeof value !== 'string' || value.isWellFormed())

export function decodeCursor<T extends TSchema>(schema: T, cursor: string | undefined): Static<T> | undefined {
  if (cursor === undefined) return undefined
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8')
    const position: unknown = JSON.parse(text)
    // A NUL character (raw or escaped) or a lone surrogate cannot reach PostgreSQL; no issued cursor holds one.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what is refused here
    if (Value.Check(schema, position) && !/\u0000|\\u0000/.test(text) && storableStrings(position)) return position
  } catch {
    // falls through to the problem below
  }
  throw new ApiProblem('validation_failed', '/query/cursor is not a cursor this list issued', {
    errors: [{ path: '/query/cursor', message: 'is not a cursor this list issued; pass the nextCursor of the previous page' }]
  })
}

import type { FastifyRequest } from 'fastify'
import { type TSchema, type Static } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../db/client.ts'
import { ApiProblem } from './problems.ts'

/** Who is changing what, carried into every write and its audit event. */
export interface WriteContext {
  actor: string
  requestId: string
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
  record(tx: Database, created: { id: string; version: number }): Promise<void>
}

export const writeContext = (request: FastifyRequest): WriteContext => ({ actor: request.principal.sub, requestId: request.id })

export const etagOf = (version: number) => `"${version}"`

/**
 * The versions an `If-Match` header accepts: undefined when absent or `*` (no precondition),
 * otherwise the versions named by strong entity tags (an unparsable tag matches nothing, so 412).
 */
export function ifMatchVersions(request: FastifyRequest): number[] | undefined {
  const header = request.headers['if-match']
  if (header === undefined || header.trim() === '*') return undefined
  return header
    .split(',')
    .map((tag) => /^\s*"(\d{1,9})"\s*$/.exec(tag)?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number)
}

export function preconditionFailed(current: number): ApiProblem {
  return new ApiProblem('precondition_failed', `If-Match does not name the current version ${etagOf(current)}; read the resource again and reapply the change.`)
}

/** Keyset cursors are opaque to clients: base64url JSON, checked against a schema when read back. */
export const encodeCursor = (position: unknown) => Buffer.from(JSON.stringify(position)).toString('base64url')

const storableStrings = (position: unknown) =>
  Object.values(position as object).every((value) => typeof value !== 'string' || (value as string & { isWellFormed(): boolean }).isWellFormed())

export function decodeCursor<T extends TSchema>(schema: T, cursor: string | undefined): Static<T> | undefined {
  if (cursor === undefined) return undefined
  try {
    const text = Buffer.from(cursor, 'base64url').toString('utf8')
    const position: unknown = JSON.parse(text)
    // A NUL character (raw or escaped) or a lone surrogate cannot reach PostgreSQL; no issued cursor holds one.
    if (Value.Check(schema, position) && !/\u0000|\\u0000/.test(text) && storableStrings(position)) return position
  } catch {
    // falls through to the problem below
  }
  throw new ApiProblem('validation_failed', '/query/cursor is not a cursor this list issued', [
    { path: '/query/cursor', message: 'is not a cursor this list issued; pass the nextCursor of the previous page' }
  ])
}

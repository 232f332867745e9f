import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { ApiProblem } from '../../shared/problems.ts'

type Json = Record<string, unknown>

/**
 * History is read from the audit trail, which holds the whole entity after every change (and
 * before a delete), written in the same transaction as the change. The state at an instant is the
 * latest snapshot at or before it; no separate history tables are kept, so nothing can drift.
 */

/** Fields that change on every write and say nothing about what changed. */
const BOOKKEEPING = new Set(['version', 'updatedAt', 'updatedBy'])

export function changedFields(before: Json | null, after: Json | null): { field: string; old: unknown; new: unknown }[] {
  if (!before || !after) return []
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((field) => !BOOKKEEPING.has(field)).sort()
  return fields
    .filter((field) => JSON.stringify(before[field] ?? null) !== JSON.stringify(after[field] ?? null))
    .map((field) => ({ field, old: before[field] ?? null, new: after[field] ?? null }))
}

/** An instant in the future reads as now. */
export const clampToNow = (instant: string) => (new Date(instant).getTime() > Date.now() ? new Date().toISOString() : new Date(instant).toISOString())

/** The entity as it stood at `asOf`: 404 if it did not exist then (not created yet, or deleted). */
export async function entityAsOf(db: Database, organisationId: string, entityType: string, entityId: string, asOf: string, label: string): Promise<Json> {
  const result = await db.execute(sql`
    select action, snapshot from audit_events
     where organisation_id = ${organisationId} and entity_type = ${entityType} and entity_id = ${entityId} and at <= ${clampToNow(asOf)}::timestamptz
     order by seq desc limit 1`)
  const [event] = result.rows
  if (!event || event.action === 'delete') throw new ApiProblem('not_found', `There was no ${label} ${entityId} at ${asOf}.`)
  return event.snapshot as Json
}

/**
 * The state of many entities at an instant, as a subquery of (entity_type, entity_id, snapshot):
 * each one's latest snapshot at or before it, unless that was its deletion.
 */
export const latestSnapshots = (organisationId: string, asOf: string, entityTypes: string[]) => sql`
  select entity_type, entity_id, snapshot from (
    select distinct on (entity_type, entity_id) entity_type, entity_id, action, snapshot
      from audit_events
     where organisation_id = ${organisationId} and at <= ${asOf}::timestamptz and entity_type in (${sql.join(
       entityTypes.map((type) => sql`${type}`),
       sql`, `
     )})
     order by entity_type, entity_id, seq desc
  ) latest where action <> 'delete'`

export interface Version {
  version: number | null
  at: string
  actor: string
  action: string
  requestId: string | null
  changedFields: string[]
  snapshot: Json
}

/** Every version of one entity, oldest first, with what each change changed. */
export async function historyOf(db: Database, organisationId: string, entityType: string, entityId: string, label: string): Promise<Version[]> {
  const result = await db.execute(sql`
    select action, actor, request_id, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at, snapshot,
           lag(snapshot) over (order by seq) as previous
      from audit_events
     where organisation_id = ${organisationId} and entity_type = ${entityType} and entity_id = ${entityId}
     order by seq`)
  if (result.rows.length === 0) throw new ApiProblem('not_found', `There is no ${label} ${entityId}.`)
  return result.rows.map((row) => {
    const snapshot = row.snapshot as Json
    return {
      version: typeof snapshot.version === 'number' ? snapshot.version : null,
      at: String(row.at),
      actor: String(row.actor),
      action: String(row.action),
      requestId: (row.request_id ?? null) as string | null,
      changedFields: row.action === 'update' ? changedFields(row.previous as Json | null, snapshot).map((change) => change.field) : [],
      snapshot
    }
  })
}

export interface Change {
  at: string
  actor: string
  action: 'create' | 'update' | 'delete'
  entityType: string
  entityId: string
  name: string | null
  requestId: string | null
  changes: { field: string; old: unknown; new: unknown }[]
}

/** What changed between two instants (from exclusive, to inclusive), oldest first. */
export async function changesBetween(db: Database, organisationId: string, from: string, to: string): Promise<Change[]> {
  const result = await db.execute(sql`
    select * from (
      select seq, action, actor, request_id, entity_type, entity_id, at, snapshot,
             lag(snapshot) over (partition by entity_type, entity_id order by seq) as previous,
             to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as at_text
        from audit_events
       where organisation_id = ${organisationId} and at <= ${to}::timestamptz
    ) events
    where at > ${from}::timestamptz
    order by seq`)
  return result.rows.map((row) => {
    const snapshot = row.snapshot as Json
    return {
      at: String(row.at_text),
      actor: String(row.actor),
      action: row.action as Change['action'],
      entityType: String(row.entity_type),
      entityId: String(row.entity_id),
      name: (snapshot?.name ?? null) as string | null,
      requestId: (row.request_id ?? null) as string | null,
      changes: row.action === 'update' ? changedFields(row.previous as Json | null, snapshot) : []
    }
  })
}

import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { auditEvents } from '../../db/schema/index.ts'
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
  const [event] = await db
    .select({ action: auditEvents.action, snapshot: auditEvents.snapshot })
    .from(auditEvents)
    .where(and(ofEntity(organisationId, entityType, entityId), sql`${auditEvents.at} <= ${clampToNow(asOf)}::timestamptz`))
    .orderBy(desc(auditEvents.seq))
    .limit(1)
  if (!event?.snapshot || event.action === 'delete') throw new ApiProblem('not_found', `There was no ${label} ${entityId} at ${asOf}.`)
  return event.snapshot
}

const ofEntity = (organisationId: string, entityType: string, entityId: string) =>
  and(eq(auditEvents.organisationId, organisationId), eq(auditEvents.entityType, entityType), eq(auditEvents.entityId, entityId))

/** An instant as the API writes it (UTC, milliseconds). */
const utcText = (at: SQL | typeof auditEvents.at) => sql<string>`to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

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
  reason: string | null
  changedFields: string[]
  snapshot: Json
}

/** Every version of one entity, oldest first, with what each change changed. */
export async function historyOf(db: Database, organisationId: string, entityType: string, entityId: string, label: string): Promise<Version[]> {
  const rows = await db
    .select({
      action: auditEvents.action,
      actor: auditEvents.actor,
      requestId: auditEvents.requestId,
      reason: auditEvents.reason,
      at: utcText(auditEvents.at),
      snapshot: auditEvents.snapshot,
      previous: sql<Json | null>`lag(${auditEvents.snapshot}) over (order by ${auditEvents.seq})`
    })
    .from(auditEvents)
    .where(ofEntity(organisationId, entityType, entityId))
    .orderBy(auditEvents.seq)
  if (rows.length === 0) throw new ApiProblem('not_found', `There is no ${label} ${entityId}.`)
  return rows.map((row) => {
    // Every write of an entity, its deletion too, records the entity.
    const snapshot = row.snapshot ?? {}
    return {
      version: typeof snapshot.version === 'number' ? snapshot.version : null,
      at: row.at,
      actor: row.actor,
      action: row.action,
      requestId: row.requestId,
      reason: row.reason,
      changedFields: row.action === 'update' ? changedFields(row.previous, snapshot).map((change) => change.field) : [],
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
  reason: string | null
  changes: { field: string; old: unknown; new: unknown }[]
}

/** What changed between two instants (from exclusive, to inclusive), oldest first. */
export async function changesBetween(db: Database, organisationId: string, from: string, to: string): Promise<Change[]> {
  // The previous snapshot is looked up among all events up to `to`, so the first change after `from` has one too.
  const events = db
    .select({
      seq: auditEvents.seq,
      at: auditEvents.at,
      atText: utcText(auditEvents.at).as('at_text'),
      action: auditEvents.action,
      actor: auditEvents.actor,
      requestId: auditEvents.requestId,
      reason: auditEvents.reason,
      entityType: auditEvents.entityType,
      entityId: auditEvents.entityId,
      snapshot: auditEvents.snapshot,
      previous:
        sql<Json | null>`lag(${auditEvents.snapshot}) over (partition by ${auditEvents.entityType}, ${auditEvents.entityId} order by ${auditEvents.seq})`.as(
          'previous'
        )
    })
    .from(auditEvents)
    .where(and(eq(auditEvents.organisationId, organisationId), sql`${auditEvents.at} <= ${to}::timestamptz`))
    .as('events')
  const rows = await db
    .select({
      at: events.atText,
      action: events.action,
      actor: events.actor,
      requestId: events.requestId,
      reason: events.reason,
      entityType: events.entityType,
      entityId: events.entityId,
      snapshot: events.snapshot,
      previous: events.previous
    })
    .from(events)
    .where(sql`${events.at} > ${from}::timestamptz`)
    .orderBy(events.seq)
  return rows.map((row) => ({
    at: row.at,
    actor: row.actor,
    action: row.action,
    entityType: row.entityType,
    entityId: row.entityId,
    name: typeof row.snapshot?.name === 'string' ? row.snapshot.name : null,
    requestId: row.requestId,
    reason: row.reason,
    changes: row.action === 'update' ? changedFields(row.previous, row.snapshot) : []
  }))
}

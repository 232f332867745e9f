import { and, desc, eq, gte, lt, lte, type SQL } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { auditEvents } from '../../db/schema/index.ts'
import type { WriteContext } from '../../shared/http.ts'
import { auditEventWithOutbox } from '../webhooks/outbox.repository.ts'
import { eventTypeOf } from '../webhooks/webhooks.schemas.ts'

export type AuditAction = 'create' | 'update' | 'delete'

export interface AuditedChange {
  organisationId: string
  action: AuditAction
  entityType: string
  entityId: string
  /** The entity after the change, or before it for a delete, as the API serialises it. */
  snapshot: Record<string, unknown>
}

/**
 * Appends one audit event. Call it with the transaction of the write it records, so the
 * event and the change commit or roll back together. Every module's writes go through here.
 */
export async function recordAuditEvent(tx: Database, change: AuditedChange, context: WriteContext): Promise<void> {
  // A write webhooks can subscribe to also queues its event, for the webhooks that do, in the same statement.
  const eventType = eventTypeOf(change.entityType, change.action)
  if (eventType) {
    await tx.execute(auditEventWithOutbox({ ...change, actor: context.actor, requestId: context.requestId, reason: context.reason }, eventType))
    return
  }
  await tx.insert(auditEvents).values({
    organisationId: change.organisationId,
    actor: context.actor,
    action: change.action,
    entityType: change.entityType,
    entityId: change.entityId,
    snapshot: change.snapshot,
    requestId: context.requestId,
    reason: context.reason
  })
}

export interface AuditEventFilters {
  entityType?: string | undefined
  entityId?: string | undefined
  actor?: string | undefined
  since?: string | undefined
  until?: string | undefined
}

/** One page of an organisation's audit events, newest first, after the event with sequence `beforeSeq`. */
export async function listAuditEvents(db: Database, organisationId: string, filters: AuditEventFilters, limit: number, beforeSeq?: number) {
  const conditions: (SQL | undefined)[] = [
    eq(auditEvents.organisationId, organisationId),
    filters.entityType === undefined ? undefined : eq(auditEvents.entityType, filters.entityType),
    filters.entityId === undefined ? undefined : eq(auditEvents.entityId, filters.entityId),
    filters.actor === undefined ? undefined : eq(auditEvents.actor, filters.actor),
    filters.since === undefined ? undefined : gte(auditEvents.at, new Date(filters.since)),
    filters.until === undefined ? undefined : lte(auditEvents.at, new Date(filters.until)),
    beforeSeq === undefined ? undefined : lt(auditEvents.seq, beforeSeq)
  ]
  const rows = await db
    .select()
    .from(auditEvents)
    .where(and(...conditions))
    .orderBy(desc(auditEvents.seq))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  return {
    items: page.map((row) => ({
      id: row.id,
      at: row.at.toISOString(),
      actor: row.actor,
      action: row.action,
      entityType: row.entityType,
      entityId: row.entityId,
      snapshot: row.snapshot,
      requestId: row.requestId,
      reason: row.reason
    })),
    lastSeq: rows.length > limit ? page.at(-1)?.seq : undefined
  }
}

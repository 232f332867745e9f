import { type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import type { WebhookEventType } from './webhooks.schemas.ts'

/** Retries of a delivery go on for at least this long after the event (a failed attempt after it is the last). */
export const RETRY_WINDOW = '24 hours'

/** Fields of every entity that change with every write: not worth an event's `changedFields`. */
const bookkeepingFields = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy']

export interface EventPayload {
  /** What the event is about; its deliveries to one webhook keep their order. */
  entity?: { type: string; id: string } | null
  actor?: string | null
  /** Why the change was made (the `Change-Reason` of the write), or null. */
  reason?: string | null
  requestId?: string | null
  changedFields?: string[]
  /** More fields of the body's `data`, for event types other than writes. */
  [field: string]: unknown
}

/**
 * The outbox rows of one event, as the tail of one statement whose earlier part `source` yields the
 * instant (`at`) and the `data` of the event: one `webhook_events` row if any enabled webhook of the
 * organisation subscribes to `type`, and one pending `webhook_deliveries` row per such webhook. Nothing
 * when none does. It runs in the caller's transaction, so the event commits with the change or not at all.
 */
function outboxTail(organisationId: string, type: WebhookEventType, entityKey: string | null, source: SQL): SQL {
  return sql`
    subscribed as (
      select id from webhooks where organisation_id = ${organisationId}::uuid and enabled and ${type}::text = any(events)
    ),
    source as (${source}),
    event as (
      insert into webhook_events (organisation_id, type, occurred_at, data)
      select ${organisationId}::uuid, ${type}::text, source.at, source.data from source where exists (select 1 from subscribed)
      returning id, occurred_at
    )
    insert into webhook_deliveries (organisation_id, webhook_id, event_id, entity_key, next_attempt_at, give_up_after)
    select ${organisationId}::uuid, subscribed.id, event.id, ${entityKey}::text, event.occurred_at, event.occurred_at + ${RETRY_WINDOW}::interval
    from event cross join subscribed`
}

const entityKeyOf = (entity: EventPayload['entity']) => (entity ? `${entity.type}:${entity.id}` : null)

/** The body's `data` of an event, as SQL: fixed fields first, then the payload's own. */
function dataOf(organisationId: string, payload: EventPayload, changedFields: SQL): SQL {
  const { entity = null, actor = null, reason = null, requestId = null, changedFields: _, ...more } = payload
  const fixed = sql`jsonb_build_object(
    'organisationId', ${organisationId}::text,
    'entity', ${entity === null ? null : JSON.stringify(entity)}::jsonb,
    'actor', ${actor}::text,
    'reason', ${reason}::text,
    'requestId', ${requestId}::text,
    'changedFields', ${changedFields}
  )`
  return sql`${JSON.stringify(more)}::jsonb || ${fixed}`
}

/**
 * Queues an event for the webhooks of the organisation that subscribe to its type, in one statement
 * in the caller's transaction `tx`: call it in the transaction of the change the event reports (the
 * event is then delivered exactly when that commits). For event types that are not writes of the
 * record: `review.due`, `snapshot.created`, `findings.changed`. The event's time is the transaction's.
 */
export async function enqueueEvent(tx: Database, organisationId: string, type: WebhookEventType, payload: EventPayload = {}): Promise<void> {
  const changedFields = sql`${JSON.stringify(payload.changedFields ?? [])}::jsonb`
  const source = sql`select now() as at, ${dataOf(organisationId, { action: null, ...payload }, changedFields)} as data`
  await tx.execute(sql`with ${outboxTail(organisationId, type, entityKeyOf(payload.entity), source)}`)
}

export interface AuditedWrite {
  organisationId: string
  action: 'create' | 'update' | 'delete'
  entityType: string
  entityId: string
  snapshot: Record<string, unknown>
  actor: string
  requestId: string
  reason: string | null
}

/**
 * The audit event of a write that is also a webhook event (`activity.updated`, …), with its outbox
 * rows, as one statement: a write costs no more statements for having webhooks. `changedFields`
 * compares the new snapshot with the entity's previous audit event (which this statement's own
 * insert does not yet see).
 */
export function auditEventWithOutbox(write: AuditedWrite, type: WebhookEventType): SQL {
  const { organisationId, action, entityType, entityId, actor, requestId, reason } = write
  const snapshot = JSON.stringify(write.snapshot)
  const previous = sql`(select p.snapshot from audit_events p
    where p.organisation_id = ${organisationId}::uuid and p.entity_type = ${entityType}::text and p.entity_id = ${entityId}::uuid
    order by p.seq desc limit 1)`
  const changedFields =
    action === 'delete'
      ? sql`'[]'::jsonb`
      : sql`coalesce((select jsonb_agg(f.key order by f.key) from (
          select coalesce(n.key, o.key) as key
          from jsonb_each(${snapshot}::jsonb) n full join jsonb_each(coalesce(${previous}, '{}'::jsonb)) o on n.key = o.key
          where n.value is distinct from o.value
        ) f where f.key not in (${sql.join(
          bookkeepingFields.map((field) => sql`${field}::text`),
          sql`, `
        )})), '[]'::jsonb)`
  const data = dataOf(organisationId, { entity: { type: entityType, id: entityId }, actor, reason, requestId, action }, changedFields)
  return sql`with audit as (
      insert into audit_events (organisation_id, actor, action, entity_type, entity_id, snapshot, request_id, reason)
      values (${organisationId}::uuid, ${actor}::text, ${action}::text, ${entityType}::text, ${entityId}::uuid, ${snapshot}::jsonb, ${requestId}::text, ${reason}::text)
      returning at
    ),
    ${outboxTail(organisationId, type, entityKeyOf({ type: entityType, id: entityId }), sql`select audit.at, ${data} as data from audit`)}`
}

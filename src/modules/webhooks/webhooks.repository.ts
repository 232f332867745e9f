import { and, asc, desc, eq, inArray, lt, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookFindingsWatch, webhooks } from '../../db/schema/index.ts'
import { preconditionFailed, type WriteContext } from '../../shared/http.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import type { DeliveryResult } from './delivery.ts'
import { RETRY_WINDOW } from './outbox.repository.ts'
import type { Delivery, Webhook, WebhookCreate, WebhookCreated, WebhookEventType, WebhookPatch } from './webhooks.schemas.ts'

type Row = typeof webhooks.$inferSelect
const ENTITY_TYPE = 'webhook'

/** The webhook as the API answers it: never its secret. */
const toWebhook = (row: Row): Webhook => ({
  id: row.id,
  url: row.url,
  // The column holds only values the schema's enum admitted.
  events: row.events as WebhookEventType[],
  description: row.description,
  enabled: row.enabled,
  version: row.version,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
  createdBy: row.createdBy,
  updatedBy: row.updatedBy
})

const notFound = (id: string) => new ApiProblem('not_found', `There is no webhook ${id}.`)
const ofOrganisation = (organisationId: string, id: string) => and(eq(webhooks.organisationId, organisationId), eq(webhooks.id, id))

export interface WebhookPosition {
  at: string
  id: string
}

/** One page of the organisation's webhooks, oldest first. */
export async function listWebhooks(db: Database, organisationId: string, limit: number, after?: WebhookPosition) {
  const rows = await db
    .select()
    .from(webhooks)
    .where(
      and(eq(webhooks.organisationId, organisationId), after && sql`(${webhooks.createdAt}, ${webhooks.id}) > (${after.at}::timestamptz, ${after.id}::uuid)`)
    )
    .orderBy(asc(webhooks.createdAt), asc(webhooks.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page.map(toWebhook), last: last && { at: last.createdAt.toISOString(), id: last.id } }
}

export async function getWebhook(db: Database, organisationId: string, id: string): Promise<Webhook> {
  const [row] = await db.select().from(webhooks).where(ofOrganisation(organisationId, id))
  if (!row) throw notFound(id)
  return toWebhook(row)
}

/** Stores a webhook with its new secret and its audit event (without the secret); answers it with the secret, this once. */
export async function createWebhook(db: Database, organisationId: string, body: WebhookCreate, secret: string, context: WriteContext): Promise<WebhookCreated> {
  return db.transaction(async (tx) => {
    await context.idempotency?.claim(tx)
    const [row] = await tx
      .insert(webhooks)
      .values({
        organisationId,
        url: body.url,
        events: body.events,
        description: body.description ?? null,
        enabled: body.enabled ?? true,
        secret,
        createdBy: context.actor,
        updatedBy: context.actor
      })
      .returning()
    if (!row) throw new Error('inserting a webhook returned no row')
    const webhook = toWebhook(row)
    await recordAuditEvent(tx, { organisationId, action: 'create', entityType: ENTITY_TYPE, entityId: row.id, snapshot: webhook }, context)
    const created = { ...webhook, secret: row.secret }
    await context.idempotency?.record(tx, created)
    return created
  })
}

async function lockedWebhook(tx: Database, organisationId: string, id: string, expectedVersions: number[] | undefined): Promise<Row> {
  const [row] = await tx.select().from(webhooks).where(ofOrganisation(organisationId, id)).for('update')
  if (!row) throw notFound(id)
  if (expectedVersions && !expectedVersions.includes(row.version)) throw preconditionFailed(row.version)
  return row
}

export async function updateWebhook(
  db: Database,
  organisationId: string,
  id: string,
  patch: WebhookPatch,
  expectedVersions: number[] | undefined,
  context: WriteContext
): Promise<Webhook> {
  return db.transaction(async (tx) => {
    await lockedWebhook(tx, organisationId, id, expectedVersions)
    const [row] = await tx
      .update(webhooks)
      .set({ ...patch, version: sql`${webhooks.version} + 1`, updatedAt: sql`now()`, updatedBy: context.actor })
      .where(ofOrganisation(organisationId, id))
      .returning()
    if (!row) throw notFound(id)
    const webhook = toWebhook(row)
    await recordAuditEvent(tx, { organisationId, action: 'update', entityType: ENTITY_TYPE, entityId: id, snapshot: webhook }, context)
    return webhook
  })
}

/** Deletes a webhook with its deliveries and their attempts (the events other webhooks share stay). */
export async function deleteWebhook(db: Database, organisationId: string, id: string, expectedVersions: number[] | undefined, context: WriteContext) {
  await db.transaction(async (tx) => {
    const row = await lockedWebhook(tx, organisationId, id, expectedVersions)
    await tx.delete(webhooks).where(ofOrganisation(organisationId, id))
    await recordAuditEvent(tx, { organisationId, action: 'delete', entityType: ENTITY_TYPE, entityId: id, snapshot: toWebhook(row) }, context)
  })
}

// ---- Deliveries ---------------------------------------------------------------------------------

type DeliveryRow = typeof webhookDeliveries.$inferSelect
type EventRow = typeof webhookEvents.$inferSelect
type AttemptRow = typeof webhookAttempts.$inferSelect

/** The body a delivery POSTs, exactly: receivers verify the signature over these bytes. */
export const eventBody = (event: Pick<EventRow, 'type' | 'occurredAt' | 'data' | 'id'>) =>
  JSON.stringify({ type: event.type, timestamp: event.occurredAt.toISOString(), data: { eventId: event.id, ...event.data } })

function toDelivery(row: DeliveryRow, event: EventRow, attempts: AttemptRow[]): Delivery {
  return {
    id: row.id,
    status: row.status,
    // The stored body is the one built for this event, of the schema's shape.
    event: JSON.parse(eventBody(event)) as Delivery['event'],
    attempts: attempts.map((attempt) => ({
      at: attempt.attemptedAt.toISOString(),
      durationMs: attempt.durationMs,
      statusCode: attempt.statusCode,
      succeeded: attempt.succeeded,
      error: attempt.error
    })),
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    giveUpAfter: row.giveUpAfter.toISOString(),
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    redeliveryOf: row.redeliveryOf
  }
}

/** Deliveries with their events and attempts, in two more statements. */
async function withDetails(db: Database, rows: { delivery: DeliveryRow; event: EventRow }[]): Promise<Delivery[]> {
  const ids = rows.map((row) => row.delivery.id)
  const attempts =
    ids.length === 0
      ? []
      : await db
          .select()
          .from(webhookAttempts)
          .where(inArray(webhookAttempts.deliveryId, ids))
          .orderBy(asc(webhookAttempts.attemptedAt), asc(webhookAttempts.id))
  return rows.map(({ delivery, event }) =>
    toDelivery(
      delivery,
      event,
      attempts.filter((attempt) => attempt.deliveryId === delivery.id)
    )
  )
}

const deliveriesWithEvents = (db: Database) =>
  db
    .select({ delivery: webhookDeliveries, event: webhookEvents })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, and(eq(webhookEvents.organisationId, webhookDeliveries.organisationId), eq(webhookEvents.id, webhookDeliveries.eventId)))

/** One page of a webhook's deliveries, newest first (404 for another organisation's webhook). */
export async function listDeliveries(
  db: Database,
  organisationId: string,
  webhookId: string,
  status: Delivery['status'] | undefined,
  limit: number,
  beforeSeq?: number
) {
  await getWebhook(db, organisationId, webhookId)
  const conditions: (SQL | undefined)[] = [
    eq(webhookDeliveries.organisationId, organisationId),
    eq(webhookDeliveries.webhookId, webhookId),
    status === undefined ? undefined : eq(webhookDeliveries.status, status),
    beforeSeq === undefined ? undefined : lt(webhookDeliveries.seq, beforeSeq)
  ]
  const rows = await deliveriesWithEvents(db)
    .where(and(...conditions))
    .orderBy(desc(webhookDeliveries.seq))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  return { items: await withDetails(db, page), lastSeq: rows.length > limit ? page.at(-1)?.delivery.seq : undefined }
}

/**
 * Queues a delivery again by hand: a new pending delivery of the same event (same `webhook-id`, so a
 * receiver that got it already can drop it), after the webhook's other pending ones for the entity.
 * A delivery still pending is retried anyway: 409.
 */
export async function redeliver(db: Database, organisationId: string, webhookId: string, deliveryId: string, context: WriteContext): Promise<Delivery> {
  return db.transaction(async (tx) => {
    const [original] = await tx
      .select()
      .from(webhookDeliveries)
      .where(and(eq(webhookDeliveries.organisationId, organisationId), eq(webhookDeliveries.webhookId, webhookId), eq(webhookDeliveries.id, deliveryId)))
    if (!original) throw new ApiProblem('not_found', `Webhook ${webhookId} has no delivery ${deliveryId}.`)
    if (original.status === 'pending')
      throw new ApiProblem('conflict', `Delivery ${deliveryId} is still pending: it is retried by itself (next at ${original.nextAttemptAt.toISOString()}).`)
    const [copy] = await tx
      .insert(webhookDeliveries)
      .values({
        organisationId,
        webhookId,
        eventId: original.eventId,
        entityKey: original.entityKey,
        giveUpAfter: sql`now() + ${RETRY_WINDOW}::interval`,
        redeliveryOf: original.id
      })
      .returning({ id: webhookDeliveries.id })
    if (!copy) throw new Error('inserting a delivery returned no row')
    await recordAuditEvent(
      tx,
      {
        organisationId,
        action: 'create',
        entityType: 'webhook_delivery',
        entityId: copy.id,
        snapshot: { id: copy.id, webhookId, eventId: original.eventId, redeliveryOf: original.id }
      },
      context
    )
    const rows = await deliveriesWithEvents(tx).where(eq(webhookDeliveries.id, copy.id))
    const [delivery] = await withDetails(tx, rows)
    if (!delivery) throw new Error('the new delivery was not found')
    return delivery
  })
}

// ---- The worker's side --------------------------------------------------------------------------

export interface ClaimedDelivery {
  id: string
  organisationId: string
  attempts: number
  giveUpAfter: Date
  url: string
  secret: string
  eventId: string
  body: string
}

/**
 * Claims up to `limit` due deliveries in one statement and leases them until `now + leaseMs`: rows
 * another replica holds are skipped (`FOR UPDATE SKIP LOCKED`) and a leased row is not due, so each
 * attempt is made by one worker. A delivery waits while the same webhook has an earlier pending
 * delivery of the same entity (order per entity), and while its webhook is disabled. A worker that
 * dies mid-attempt leaves the lease to expire; the delivery is then claimed again.
 */
export async function claimDue(db: Database, now: Date, leaseMs: number, limit: number): Promise<ClaimedDelivery[]> {
  const at = now.toISOString()
  const result = await db.execute<{
    id: string
    organisation_id: string
    attempts: number
    give_up_ms: number
    url: string
    secret: string
    event_id: string
    type: string
    occurred_ms: number
    data: Record<string, unknown>
  }>(sql`
    with due as (
      select d.id from webhook_deliveries d
      where d.status = 'pending' and d.next_attempt_at <= ${at}::timestamptz
        and exists (select 1 from webhooks w where w.organisation_id = d.organisation_id and w.id = d.webhook_id and w.enabled)
        and not exists (
          select 1 from webhook_deliveries earlier
          where earlier.webhook_id = d.webhook_id and earlier.entity_key = d.entity_key and earlier.status = 'pending' and earlier.seq < d.seq
        )
      order by d.seq
      limit ${limit}
      for update of d skip locked
    )
    update webhook_deliveries d
    set attempts = d.attempts + 1, next_attempt_at = ${at}::timestamptz + ${leaseMs} * interval '1 millisecond'
    from due, webhooks w, webhook_events e
    where d.id = due.id and w.organisation_id = d.organisation_id and w.id = d.webhook_id and e.organisation_id = d.organisation_id and e.id = d.event_id
    returning d.id, d.organisation_id, d.attempts, w.url, w.secret, e.id as event_id, e.type, e.data,
      (extract(epoch from d.give_up_after) * 1000)::float8 as give_up_ms, (extract(epoch from e.occurred_at) * 1000)::float8 as occurred_ms`)
  return result.rows.map((row) => ({
    id: row.id,
    organisationId: row.organisation_id,
    attempts: Number(row.attempts),
    giveUpAfter: new Date(Math.round(Number(row.give_up_ms))),
    url: row.url,
    secret: row.secret,
    eventId: row.event_id,
    body: eventBody({ id: row.event_id, type: row.type, occurredAt: new Date(Math.round(Number(row.occurred_ms))), data: row.data })
  }))
}

/**
 * Records an attempt and what follows from it: `succeeded`; `failed` when it failed at or after
 * `giveUpAfter`; otherwise due again after `retryInMs`.
 */
export async function recordAttempt(db: Database, claimed: ClaimedDelivery, result: DeliveryResult, now: Date, retryInMs: number): Promise<void> {
  const givesUp = !result.succeeded && now.getTime() >= claimed.giveUpAfter.getTime()
  await db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      organisationId: claimed.organisationId,
      deliveryId: claimed.id,
      attemptedAt: now,
      durationMs: result.durationMs,
      statusCode: result.statusCode,
      succeeded: result.succeeded,
      error: result.error
    })
    await tx
      .update(webhookDeliveries)
      .set({
        status: result.succeeded ? 'succeeded' : givesUp ? 'failed' : 'pending',
        lastStatusCode: result.statusCode,
        lastError: result.error,
        nextAttemptAt: new Date(now.getTime() + (result.succeeded || givesUp ? 0 : retryInMs)),
        completedAt: result.succeeded || givesUp ? now : null
      })
      .where(and(eq(webhookDeliveries.id, claimed.id), eq(webhookDeliveries.status, 'pending')))
  })
}

// ---- findings.changed ---------------------------------------------------------------------------

/** Organisations with an enabled webhook for `findings.changed` whose audit feed moved past their last comparison. */
export async function organisationsToWatch(db: Database): Promise<string[]> {
  const result = await db.execute<{ organisation_id: string }>(sql`
    select s.organisation_id from (select distinct organisation_id from webhooks where enabled and 'findings.changed' = any(events)) s
    left join webhook_findings_watch f on f.organisation_id = s.organisation_id
    where f.audit_seq is null
      or f.audit_seq < (select coalesce(max(a.seq), 0) from audit_events a where a.organisation_id = s.organisation_id)`)
  return result.rows.map((row) => row.organisation_id)
}

/**
 * In the comparison's transaction: a lock on the organisation's comparison that other instances do
 * not wait for (`locked` false: another one holds it), the audit feed's position now, and the
 * summaries of the last comparison, if any.
 */
export async function lockFindingsWatch(tx: Database, organisationId: string) {
  const result = await tx.execute<{ locked: boolean; audit_seq: string | number }>(sql`
    select pg_try_advisory_xact_lock(hashtext('ropa-api:findings-watch:' || ${organisationId}::text)) as locked,
      (select coalesce(max(seq), 0) from audit_events where organisation_id = ${organisationId}::uuid) as audit_seq`)
  const [row] = result.rows
  const [previous] = row?.locked ? await tx.select().from(webhookFindingsWatch).where(eq(webhookFindingsWatch.organisationId, organisationId)) : []
  return { locked: row?.locked === true, auditSeq: Number(row?.audit_seq ?? 0), previous }
}

export async function saveFindingsWatch(tx: Database, organisationId: string, auditSeq: number, summaries: Record<string, Record<string, number>>) {
  await tx
    .insert(webhookFindingsWatch)
    .values({ organisationId, auditSeq, summaries })
    .onConflictDoUpdate({ target: webhookFindingsWatch.organisationId, set: { auditSeq, summaries, updatedAt: sql`now()` } })
}

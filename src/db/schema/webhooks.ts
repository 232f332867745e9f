import { sql } from 'drizzle-orm'
import { bigint, boolean, check, foreignKey, index, integer, jsonb, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { mutableRowColumns, organisationIdColumn } from './tenancy.ts'

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date', precision: 3 })

/**
 * An organisation's subscription to events (issue 19): where they are POSTed and which types. The
 * signing secret (`whsec_…`, Standard Webhooks) is kept as issued, since every delivery is signed with
 * it; the API shows it once, in the answer to the create.
 */
export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: organisationIdColumn(() => organisations.id),
    url: text('url').notNull(),
    events: text('events').array().notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull().default(true),
    secret: text('secret').notNull(),
    ...mutableRowColumns()
  },
  (table) => [
    unique('webhooks_tenant_key').on(table.organisationId, table.id),
    index('webhooks_organisation_idx').on(table.organisationId, table.createdAt, table.id)
  ]
)

/**
 * The outbox: one row per event that at least one webhook of the organisation subscribed to when it
 * happened, written in the transaction of the change it reports. `data` is the body's `data` as sent.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    organisationId: organisationIdColumn(() => organisations.id),
    type: text('type').notNull(),
    occurredAt: instant('occurred_at').notNull().defaultNow(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull()
  },
  (table) => [unique('webhook_events_tenant_key').on(table.organisationId, table.id)]
)

/**
 * One event for one webhook: `pending` until a receiver answers 2xx (`succeeded`) or retries run out
 * after `give_up_after` (`failed`). A worker claims a due row by moving `next_attempt_at` past the
 * attempt (a lease), so replicas skip it; `entity_key` orders the deliveries of one entity.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    organisationId: organisationIdColumn(() => organisations.id),
    webhookId: uuid('webhook_id').notNull(),
    eventId: uuid('event_id').notNull(),
    entityKey: text('entity_key'),
    status: text('status', { enum: ['pending', 'succeeded', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: instant('next_attempt_at').notNull().defaultNow(),
    giveUpAfter: instant('give_up_after').notNull(),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    redeliveryOf: uuid('redelivery_of'),
    createdAt: instant('created_at').notNull().defaultNow(),
    completedAt: instant('completed_at')
  },
  (table) => [
    unique('webhook_deliveries_tenant_key').on(table.organisationId, table.id),
    foreignKey({
      name: 'webhook_deliveries_webhook_fk',
      columns: [table.organisationId, table.webhookId],
      foreignColumns: [webhooks.organisationId, webhooks.id]
    }).onDelete('cascade'),
    foreignKey({
      name: 'webhook_deliveries_event_fk',
      columns: [table.organisationId, table.eventId],
      foreignColumns: [webhookEvents.organisationId, webhookEvents.id]
    }).onDelete('cascade'),
    check('webhook_deliveries_status_check', sql`${table.status} in ('pending', 'succeeded', 'failed')`),
    index('webhook_deliveries_due_idx').on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_entity_idx').on(table.webhookId, table.entityKey, table.seq).where(sql`${table.status} = 'pending'`),
    index('webhook_deliveries_webhook_idx').on(table.organisationId, table.webhookId, table.seq.desc())
  ]
)

/** Every attempt to deliver, as the receiver answered it (or why there was no answer). */
export const webhookAttempts = pgTable(
  'webhook_attempts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: organisationIdColumn(() => organisations.id),
    deliveryId: uuid('delivery_id').notNull(),
    attemptedAt: instant('attempted_at').notNull().defaultNow(),
    durationMs: integer('duration_ms').notNull(),
    statusCode: integer('status_code'),
    succeeded: boolean('succeeded').notNull(),
    error: text('error')
  },
  (table) => [
    foreignKey({
      name: 'webhook_attempts_delivery_fk',
      columns: [table.organisationId, table.deliveryId],
      foreignColumns: [webhookDeliveries.organisationId, webhookDeliveries.id]
    }).onDelete('cascade'),
    index('webhook_attempts_delivery_idx').on(table.deliveryId, table.attemptedAt)
  ]
)

/**
 * What `findings.changed` compares with: per organisation whose webhooks subscribe to it, the findings
 * summary of each activity when the audit feed stood at `audit_seq`. The worker recomputes it once
 * the feed has moved on, and queues an event for each activity whose summary differs.
 */
export const webhookFindingsWatch = pgTable('webhook_findings_watch', {
  organisationId: uuid('organisation_id')
    .primaryKey()
    .references(() => organisations.id, { onDelete: 'cascade' }),
  auditSeq: bigint('audit_seq', { mode: 'number' }).notNull(),
  summaries: jsonb('summaries').$type<Record<string, Record<string, number>>>().notNull(),
  updatedAt: instant('updated_at').notNull().defaultNow()
})

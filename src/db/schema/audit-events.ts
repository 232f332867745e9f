import { sql } from 'drizzle-orm'
import { bigint, check, index, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * One row per write of any entity, written in the same transaction as the write.
 * `organisation_id` has no foreign key on purpose: deleting an organisation keeps its history.
 */
export const auditEvents = pgTable(
  'audit_events',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Insertion order: the stable key the change feed pages by, newest first. */
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    organisationId: uuid('organisation_id'),
    at: timestamp('at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    actor: text('actor').notNull(),
    action: text('action', { enum: ['create', 'update', 'delete'] }).notNull(),
    entityType: text('entity_type').notNull(),
    entityId: uuid('entity_id').notNull(),
    /** The entity as the API serialised it. */
    snapshot: jsonb('snapshot').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
    /** Why the change was made: the request's `Change-Reason` header, if it sent one. */
    reason: text('reason')
  },
  (table) => [
    check('audit_events_action_check', sql`${table.action} in ('create', 'update', 'delete')`),
    index('audit_events_organisation_seq_idx').on(table.organisationId, table.seq.desc()),
    index('audit_events_entity_idx').on(table.organisationId, table.entityType, table.entityId, table.seq)
  ]
)

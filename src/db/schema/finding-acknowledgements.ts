import { sql } from 'drizzle-orm'
import { check, foreignKey, index, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { activities } from './activities.ts'
import { processors } from './catalogue.ts'
import { organisations } from './organisations.ts'
import { organisationIdColumn } from './tenancy.ts'

/**
 * A DPO's acknowledgement of one finding of a heuristic rule (issue 16): the finding stays listed but
 * leaves the counts while the entity keeps, at the finding's path, the value it had when acknowledged
 * (`fingerprint`, see src/compliance/acknowledgements.ts) and `expires_at` has not passed.
 *
 * One row per (organisation, rule, entity, path); a new acknowledgement of the same finding replaces
 * the row, so rows are never updated (no `version`). The entity is named generically by
 * `entity_type` and `entity_id`, and again in the column of its kind, whose composite foreign key
 * keeps it in the same organisation and deletes the acknowledgement with the entity; an
 * organisation-wide finding's entity is the organisation itself (`entity_id = organisation_id`).
 */
export const findingAcknowledgements = pgTable(
  'finding_acknowledgements',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: organisationIdColumn(() => organisations.id),
    rule: text('rule').notNull(),
    entityType: text('entity_type').$type<'organisation' | 'activity' | 'processor'>().notNull(),
    entityId: uuid('entity_id').notNull(),
    activityId: uuid('activity_id'),
    processorId: uuid('processor_id'),
    path: text('path').notNull(),
    reason: text('reason').notNull(),
    /** SHA-256 of the canonical JSON of the value at `path` in the entity when acknowledged. */
    fingerprint: text('fingerprint').notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date', precision: 3 }),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow()
  },
  (table) => [
    unique('finding_acknowledgements_tenant_key').on(table.organisationId, table.id),
    unique('finding_acknowledgements_finding_key').on(table.organisationId, table.rule, table.entityId, table.path),
    foreignKey({
      name: 'finding_acknowledgements_activity_fk',
      columns: [table.organisationId, table.activityId],
      foreignColumns: [activities.organisationId, activities.id]
    }).onDelete('cascade'),
    foreignKey({
      name: 'finding_acknowledgements_processor_fk',
      columns: [table.organisationId, table.processorId],
      foreignColumns: [processors.organisationId, processors.id]
    }).onDelete('cascade'),
    check(
      'finding_acknowledgements_entity_check',
      sql`(${table.entityType} = 'activity' and ${table.activityId} = ${table.entityId} and ${table.processorId} is null)
        or (${table.entityType} = 'processor' and ${table.processorId} = ${table.entityId} and ${table.activityId} is null)
        or (${table.entityType} = 'organisation' and ${table.entityId} = ${table.organisationId} and ${table.activityId} is null and ${table.processorId} is null)`
    ),
    check('finding_acknowledgements_path_check', sql`${table.path} like '/%'`),
    index('finding_acknowledgements_created_idx').on(table.organisationId, table.createdAt, table.id),
    index('finding_acknowledgements_activity_idx').on(table.organisationId, table.activityId),
    index('finding_acknowledgements_processor_idx').on(table.organisationId, table.processorId)
  ]
)

import { sql } from 'drizzle-orm'
import { check, foreignKey, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { activities } from './activities.ts'
import { organisations } from './organisations.ts'
import { organisationIdColumn } from './tenancy.ts'

/**
 * One row per review of an activity (issue 19): who reviewed which version of it, when, and with what
 * outcome. Rows are never changed; they go with the activity (its audit events keep them).
 */
export const activityReviews = pgTable(
  'activity_reviews',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: organisationIdColumn(() => organisations.id),
    activityId: uuid('activity_id').notNull(),
    /** The version of the activity the reviewer saw (the review itself writes the next one). */
    activityVersion: integer('activity_version').notNull(),
    outcome: text('outcome').$type<'confirmed' | 'changed'>().notNull(),
    note: text('note'),
    reviewedBy: text('reviewed_by').notNull(),
    reviewedAt: timestamp('reviewed_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
    requestId: text('request_id')
  },
  (table) => [
    unique('activity_reviews_tenant_key').on(table.organisationId, table.id),
    foreignKey({
      name: 'activity_reviews_activity_fk',
      columns: [table.organisationId, table.activityId],
      foreignColumns: [activities.organisationId, activities.id]
    }).onDelete('cascade'),
    check('activity_reviews_outcome_check', sql`${table.outcome} in ('confirmed', 'changed')`),
    index('activity_reviews_activity_idx').on(table.organisationId, table.activityId, table.reviewedAt.desc(), table.id)
  ]
)

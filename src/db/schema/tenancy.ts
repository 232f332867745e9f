import { type AnyPgColumn, integer, text, timestamp, uuid } from 'drizzle-orm/pg-core'

/**
 * Tenant isolation by construction. Every table owned by an organisation follows one pattern:
 *
 * 1. It carries `organisation_id uuid not null`, referencing `organisations(id) on delete cascade`
 *    (deleting an organisation deletes its records in the same statement; audit events stay).
 * 2. Besides its primary key `id`, it has a unique key `(organisation_id, id)`, and every link to
 *    another tenant row is a composite foreign key `(organisation_id, other_id)` referencing that
 *    key, so the database itself refuses a link across organisations.
 * 3. Every repository function takes the organisation id first and filters every query by it;
 *    an id from another organisation therefore reads as "not found" (the API answers 404).
 *
 * The same key lets the schema be distributed by `organisation_id` (Citus) later.
 */
export const organisationIdColumn = (organisations: () => AnyPgColumn) => uuid('organisation_id').notNull().references(organisations, { onDelete: 'cascade' })

/**
 * `version`, timestamps and actors every mutable row carries (DESIGN.md section 4). Instants are
 * stored to the millisecond, the precision the API writes them in, so a time read from a response
 * compares exactly with the stored one.
 */
export const mutableRowColumns = () => ({
  version: integer('version').notNull().default(1),
  createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull().defaultNow(),
  createdBy: text('created_by').notNull(),
  updatedBy: text('updated_by').notNull()
})

/**
 * What a record kept as code needs of every entry (issue 18): a `key`, stable and unique per
 * organisation and resource, that bundles link by; and `managed_by`, who owns the entry (e.g.
 * `repo:acme/shop`), so that pruning a bundle deletes only what that owner manages.
 */
export const bundleColumns = () => ({
  key: text('key').notNull(),
  managedBy: text('managed_by')
})

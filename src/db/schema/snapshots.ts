import { sql } from 'drizzle-orm'
import { check, index, integer, pgTable, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { organisationIdColumn } from './tenancy.ts'

/**
 * A signed snapshot of the record (issue 19): the JSON export as it was when the snapshot was made,
 * kept as text in its canonical form (RFC 8785), so it is served byte for byte as stored, with the
 * SHA-256 of that text and a compact JWS (EdDSA) over the snapshot's id, organisation, instant and
 * digest, signed by the key `kid` names. Rows are never updated.
 */
export const snapshots = pgTable(
  'snapshots',
  {
    id: uuid('id').primaryKey(),
    organisationId: organisationIdColumn(() => organisations.id),
    record: text('record').$type<'controller' | 'processor'>().notNull(),
    note: text('note').notNull(),
    submittedTo: text('submitted_to'),
    submittedAt: timestamp('submitted_at', { withTimezone: true, mode: 'date', precision: 3 }),
    /** The export as canonical JSON (RFC 8785). */
    document: text('document').notNull(),
    activityCount: integer('activity_count').notNull(),
    /** SHA-256 of `document`, in lower-case hex. */
    sha256: text('sha256').notNull(),
    jws: text('jws').notNull(),
    kid: text('kid').notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date', precision: 3 }).notNull()
  },
  (table) => [
    unique('snapshots_tenant_key').on(table.organisationId, table.id),
    check('snapshots_record_check', sql`${table.record} in ('controller', 'processor')`),
    check('snapshots_sha256_check', sql`${table.sha256} ~ '^[0-9a-f]{64}$'`),
    index('snapshots_created_idx').on(table.organisationId, table.createdAt, table.id)
  ]
)

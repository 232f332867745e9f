import { sql } from 'drizzle-orm'
import { index, integer, jsonb, pgTable, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'

/**
 * What a POST sent with an `Idempotency-Key` answered, so a retry gets that answer again instead of
 * a second write. Keys belong to the token's subject. A create stores its row in its own transaction
 * (the answer columns are empty only until that transaction's last statement), so a committed row
 * always holds its answer. Rows of an organisation go with it (they hold copies of its data).
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    subject: text('subject').notNull(),
    key: text('key').notNull(),
    /** SHA-256 of method, path and the canonical JSON body: the same key with another request is refused. */
    fingerprint: text('fingerprint').notNull(),
    organisationId: uuid('organisation_id').references(() => organisations.id, { onDelete: 'cascade' }),
    status: integer('status'),
    headers: jsonb('headers').$type<Record<string, string>>(),
    body: text('body'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 3 }).notNull().default(sql`now()`),
    expiresAt: timestamp('expires_at', { withTimezone: true, precision: 3 }).notNull()
  },
  (table) => [
    primaryKey({ columns: [table.subject, table.key] }),
    index('idempotency_keys_expires_at_idx').on(table.expiresAt),
    index('idempotency_keys_organisation_id_idx').on(table.organisationId)
  ]
)

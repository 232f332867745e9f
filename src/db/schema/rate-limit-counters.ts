import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core'

/**
 * Rate-limit counters shared by the replicas of the API (one row per limited key and window). The
 * table is UNLOGGED (set by hand in its migration): counters are not worth a WAL write per lease,
 * and after a crash starting every window afresh is harmless.
 */
export const rateLimitCounters = pgTable(
  'rate_limit_counters',
  {
    key: text('key').primaryKey(),
    windowEndsAt: timestamp('window_ends_at', { withTimezone: true, precision: 3 }).notNull(),
    /** Hits handed out in this window, leased ones included (whether or not a replica has used them yet). */
    used: integer('used').notNull(),
    /** The size of the last lease, returned by the statement that took it. */
    granted: integer('granted').notNull()
  },
  (table) => [index('rate_limit_counters_window_ends_at_idx').on(table.windowEndsAt)]
)

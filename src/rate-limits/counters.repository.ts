import { sql } from 'drizzle-orm'
import type { DatabaseHandle, Row } from '../db/client.ts'
import { leaseSize, type SharedCounters } from './lease-store.ts'

type Background = NonNullable<DatabaseHandle['background']>

const CLEAN_EVERY_MS = 60_000

/**
 * Counters in the UNLOGGED table `rate_limit_counters`, one upsert per lease. The window is measured
 * by the database's clock, so replicas whose clocks differ still agree on it. Rows of ended windows
 * are deleted now and then by whichever replica passes by.
 */
export function postgresCounters(background: Background): SharedCounters {
  let cleanedAt = Date.now()
  return {
    name: 'database',
    async take(key, max, windowMs) {
      const lease = sql`case when c.window_ends_at <= now() then excluded.granted when c.used >= ${max}::int then 0 else greatest(1, (${max}::int - c.used) / 16) end`
      const [row] = (await background(sql`
        insert into rate_limit_counters as c (key, window_ends_at, used, granted)
        values (${key}, now() + ${windowMs}::int * interval '1 millisecond', ${leaseSize(max, 0)}::int, ${leaseSize(max, 0)}::int)
        on conflict (key) do update set
          window_ends_at = case when c.window_ends_at <= now() then excluded.window_ends_at else c.window_ends_at end,
          used = case when c.window_ends_at <= now() then excluded.used else c.used + ${lease} end,
          granted = ${lease}
        returning granted, used, greatest(0, floor(extract(epoch from window_ends_at - now()) * 1000))::int as ttl_ms`)) as [Row]
      if (Date.now() - cleanedAt > CLEAN_EVERY_MS) {
        cleanedAt = Date.now()
        void background(sql`delete from rate_limit_counters where window_ends_at < now() - interval '1 minute'`).catch(() => undefined)
      }
      return { granted: Number(row.granted), used: Number(row.used), ttlMs: Number(row.ttl_ms) }
    },
    async close() {}
  }
}

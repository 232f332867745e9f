import { sql } from 'drizzle-orm'
import type { DatabaseHandle } from '../db/client.ts'
import { ApiProblem } from '../shared/problems.ts'

export const tooManyExports = (forOrganisation: boolean) =>
  new ApiProblem('rate_limited', `Too many exports are running${forOrganisation ? ' for this organisation' : ''}; retry shortly.`, {
    headers: { 'retry-after': '5' }
  })

/**
 * On PostgreSQL the export caps hold across the replicas sharing the database: an export takes a
 * slot of its organisation (one of `perOrganisation`) and one of all (`total`) as transaction-level
 * advisory locks on its snapshot's connection, so the database releases them with the snapshot,
 * also when a replica dies mid-download. `limit 1` stops at the first free slot, so one statement
 * tries them in order and holds only the one it got.
 */
export function sharedExportSlots(database: DatabaseHandle, perOrganisation: number, total: number) {
  if (database.kind !== 'postgres') return (_organisationId: string) => database
  return (organisationId: string): DatabaseHandle => ({
    ...database,
    readSnapshot: (read, options) =>
      database.readSnapshot(read, {
        ...options,
        async claim(query) {
          const [slots] = await query(sql`
            select
              (select slot from generate_series(0, ${perOrganisation}::int - 1) as slot
                where pg_try_advisory_xact_lock(hashtext(${`ropa-api:exports:${organisationId}`}), slot) limit 1) as organisation_slot,
              (select slot from generate_series(0, ${total}::int - 1) as slot
                where pg_try_advisory_xact_lock(hashtext('ropa-api:exports'), slot) limit 1) as total_slot`)
          if (slots?.organisation_slot == null) throw tooManyExports(true)
          if (slots.total_slot == null) throw tooManyExports(false)
          await options?.claim?.(query)
        }
      })
  })
}

import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'

export interface TransferFilters {
  country?: string | undefined
  mechanism?: string | undefined
  status?: string | undefined
}

/** Where a page of transfers starts: after this activity (by lower-cased name, then id) and position. */
export interface TransferPosition {
  name: string
  id: string
  index: number
}

export type TransferRow = {
  activityId: string
  activityName: string
  activityStatus: string
  index: number
  transfer: Record<string, unknown>
}

/** One page of an organisation's transfers across its activities, ordered by activity name, then position. */
export async function listTransfers(db: Database, organisationId: string, filters: TransferFilters, limit: number, after?: TransferPosition) {
  const { country, mechanism, status } = filters
  const result = await db.execute<TransferRow>(sql`
    select a.id as "activityId", a.name as "activityName", a.status as "activityStatus", (t.ordinality - 1)::int as "index", t.value as transfer
      from activities a cross join lateral jsonb_array_elements(a.transfers) with ordinality as t(value, ordinality)
     where a.organisation_id = ${organisationId}
       ${country === undefined ? sql`` : sql`and t.value->>'country' = ${country}`}
       ${mechanism === undefined ? sql`` : sql`and t.value->>'mechanism' = ${mechanism}`}
       ${status === undefined ? sql`` : sql`and a.status = ${status}`}
       ${after === undefined ? sql`` : sql`and (lower(a.name), a.id, t.ordinality - 1) > (${after.name}, ${after.id}::uuid, ${after.index})`}
     order by lower(a.name), a.id, t.ordinality
     limit ${limit + 1}`)
  const rows = result.rows
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page, next: last && { name: last.activityName.toLowerCase(), id: last.activityId, index: last.index } }
}

import { asc, sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { activities, auditEvents, dataCategories, dataSubjectCategories, organisations, processors, recipients, securityMeasures } from '../db/schema/index.ts'

export type OrganisationRow = typeof organisations.$inferSelect

/** Holds, until the transaction ends, the lock that keeps two servers starting on one database from both loading the example. */
export async function lockFirstRun(tx: Database): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ropa-api:first-run'))`)
}

/** The oldest organisations, at most `limit` of them. */
export function oldestOrganisations(db: Database, limit: number): Promise<OrganisationRow[]> {
  return db.select().from(organisations).orderBy(asc(organisations.createdAt), asc(organisations.id)).limit(limit)
}

/** Whether the organisation has any catalogue entry or activity now, and whether any was ever written (its audit trail). */
export async function recordOf(db: Database, organisationId: string) {
  const exists = (
    table: typeof activities | typeof dataCategories | typeof dataSubjectCategories | typeof recipients | typeof processors | typeof securityMeasures
  ) => sql`exists (select 1 from ${table} where ${table.organisationId} = ${organisationId})`
  const [row] = (
    await db.execute(sql`select
      (${exists(dataCategories)} or ${exists(dataSubjectCategories)} or ${exists(recipients)} or ${exists(processors)} or ${exists(securityMeasures)} or ${exists(activities)}) as "hasEntries",
      exists (select 1 from ${auditEvents} where ${auditEvents.organisationId} = ${organisationId} and ${auditEvents.entityType} <> 'organisation') as "everHadEntries"`)
  ).rows
  return { hasEntries: row!.hasEntries === true, everHadEntries: row!.everHadEntries === true }
}

import { and, asc, eq, sql } from 'drizzle-orm'
import type { Activity, Context } from '../../compliance/index.ts'
import type { Database } from '../../db/client.ts'
import { activities } from '../../db/schema/index.ts'
import { catalogueQuery, toCatalogue } from '../../exports/record.repository.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { toActivity } from '../activities/activities.repository.ts'
import { getOrganisation } from '../organisations/organisations.repository.ts'

/** What the rules read, in three statements: the organisation, its catalogue, and one or all of its activities. */
export async function loadForCompliance(db: Database, organisationId: string, activityId?: string): Promise<{ context: Context; activities: Activity[] }> {
  const organisation = await getOrganisation(db, organisationId)
  const catalogue = toCatalogue((await db.execute(catalogueQuery(organisationId))).rows)
  const rows = await db
    .select()
    .from(activities)
    .where(and(eq(activities.organisationId, organisationId), activityId === undefined ? undefined : eq(activities.id, activityId)))
    .orderBy(sql`lower(${activities.name})`, asc(activities.id))
  if (activityId !== undefined && rows.length === 0) throw new ApiProblem('not_found', `There is no activity ${activityId}.`)
  return { context: { organisation, catalogue, now: new Date() }, activities: rows.map(toActivity) }
}

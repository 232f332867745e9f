import { and, asc, eq, sql } from 'drizzle-orm'
import type { Activity as ComplianceActivity, Context } from '../../compliance/index.ts'
import type { Catalogue, Organisation } from '../../compliance/types.ts'
import type { Database } from '../../db/client.ts'
import { activities } from '../../db/schema/index.ts'
import { catalogueQuery, toCatalogue } from '../../exports/record.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { toActivity } from '../activities/activities.repository.ts'
import { getOrganisation } from '../organisations/organisations.repository.ts'

/** What the rules read, in three statements: the organisation, its catalogue, and one or all of its activities. */
export async function loadForCompliance(
  db: Database,
  organisationId: string,
  activityId?: string
): Promise<{ context: Context; activities: ComplianceActivity[] }> {
  const organisation = (await getOrganisation(db, organisationId)) as unknown as Organisation
  const catalogue = toCatalogue((await db.execute(catalogueQuery(organisationId))).rows) as unknown as Catalogue
  const rows = await db
    .select()
    .from(activities)
    .where(and(eq(activities.organisationId, organisationId), activityId === undefined ? undefined : eq(activities.id, activityId)))
    .orderBy(sql`lower(${activities.name})`, asc(activities.id))
  if (activityId !== undefined && rows.length === 0) throw new ApiProblem('not_found', `There is no activity ${activityId}.`)
  return { context: { organisation, catalogue, now: new Date() }, activities: rows.map((row) => toActivity(row) as unknown as ComplianceActivity) }
}

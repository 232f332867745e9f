import { and, asc, eq, sql } from 'drizzle-orm'
import type { StoredAcknowledgement } from '../../compliance/acknowledgements.ts'
import type { Activity, Context } from '../../compliance/index.ts'
import type { Database } from '../../db/client.ts'
import { activities } from '../../db/schema/index.ts'
import { catalogueQuery, toCatalogue } from '../../exports/record.repository.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { toActivity } from '../activities/activities.repository.ts'
import { getOrganisation } from '../organisations/organisations.repository.ts'
import { acknowledgementsOf } from './acknowledgements.repository.ts'

export interface ComplianceInput {
  context: Context
  activities: Activity[]
}

/** The organisation and its catalogue (two statements), and, unless `activityId` is null, one or all of its activities (one more). */
async function load(db: Database, organisationId: string, activityId?: string | null): Promise<ComplianceInput> {
  const organisation = await getOrganisation(db, organisationId)
  const catalogue = toCatalogue((await db.execute(catalogueQuery(organisationId))).rows)
  const rows =
    activityId === null
      ? []
      : await db
          .select()
          .from(activities)
          .where(and(eq(activities.organisationId, organisationId), activityId === undefined ? undefined : eq(activities.id, activityId)))
          .orderBy(sql`lower(${activities.name})`, asc(activities.id))
  return { context: { organisation, catalogue, now: new Date() }, activities: rows.map(toActivity) }
}

/** What the rules read, in three statements: the organisation, its catalogue, and one or all of its activities. */
export async function loadForCompliance(db: Database, organisationId: string, activityId?: string): Promise<ComplianceInput> {
  const input = await load(db, organisationId, activityId)
  if (activityId !== undefined && input.activities.length === 0) throw new ApiProblem('not_found', `There is no activity ${activityId}.`)
  return input
}

/** What the findings endpoints read: as `loadForCompliance`, and the acknowledgements of the organisation (or of the activity) in one more statement. */
export async function loadFindings(
  db: Database,
  organisationId: string,
  activityId?: string
): Promise<ComplianceInput & { acknowledgements: StoredAcknowledgement[] }> {
  const input = await loadForCompliance(db, organisationId, activityId)
  return { ...input, acknowledgements: await acknowledgementsOf(db, organisationId, activityId) }
}

/**
 * What the findings of one entity need, for checking a new acknowledgement: for an activity rule the
 * activity (none when it is not one of the organisation's), for an organisation-wide rule none.
 */
export const loadEntity = (db: Database, organisationId: string, scope: 'activity' | 'organisation', entityId: string) =>
  load(db, organisationId, scope === 'activity' ? entityId : null)

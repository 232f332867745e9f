import { and, desc, eq, ne, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { activities, activityReviews, organisations } from '../../db/schema/index.ts'
import { preconditionFailed, type WriteContext } from '../../shared/http.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { toActivity } from '../activities/activities.repository.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import type { DueReview, Review, ReviewCreate } from './reviews.schemas.ts'

const toReview = (row: typeof activityReviews.$inferSelect): Review => ({
  id: row.id,
  activityId: row.activityId,
  activityVersion: row.activityVersion,
  outcome: row.outcome,
  note: row.note,
  reviewedBy: row.reviewedBy,
  reviewedAt: row.reviewedAt.toISOString()
})

const noActivity = (id: string) => new ApiProblem('not_found', `There is no activity ${id}.`)
const today = sql`(now() at time zone 'UTC')::date`
const intervalOf = (organisationId: string) =>
  sql<number>`coalesce(${activities.reviewIntervalMonths}, (select o.review_interval_months from organisations o where o.id = ${organisationId}::uuid))`

/**
 * Records a review in one transaction: the review row (with the version reviewed), the activity's
 * `lastReviewedAt` set to today and its `nextReviewDue` moved on (a new version), and an audit event
 * for each. With `If-Match`, only if the activity is still the version the reviewer saw.
 */
export async function recordReview(
  db: Database,
  organisationId: string,
  activityId: string,
  body: ReviewCreate,
  expectedVersions: number[] | undefined,
  context: WriteContext
): Promise<Review> {
  return db.transaction(async (tx) => {
    await context.idempotency?.claim(tx)
    const [current] = await tx
      .select({ version: activities.version })
      .from(activities)
      .where(and(eq(activities.organisationId, organisationId), eq(activities.id, activityId)))
      .for('update')
    if (!current) throw noActivity(activityId)
    if (expectedVersions && !expectedVersions.includes(current.version)) throw preconditionFailed(current.version)
    const [row] = await tx
      .insert(activityReviews)
      .values({
        organisationId,
        activityId,
        activityVersion: current.version,
        outcome: body.outcome,
        note: body.note ?? null,
        reviewedBy: context.actor,
        requestId: context.requestId
      })
      .returning()
    const [updated] = await tx
      .update(activities)
      .set({
        lastReviewedAt: today,
        nextReviewDue: sql`(${today} + make_interval(months => ${intervalOf(organisationId)}))::date`,
        version: sql`${activities.version} + 1`,
        updatedAt: sql`now()`,
        updatedBy: context.actor
      })
      .where(and(eq(activities.organisationId, organisationId), eq(activities.id, activityId)))
      .returning()
    const review = toReview(row!)
    const activity = toActivity(updated!)
    await recordAuditEvent(tx, { organisationId, action: 'update', entityType: 'activity', entityId: activityId, snapshot: activity }, context)
    await recordAuditEvent(tx, { organisationId, action: 'create', entityType: 'activity_review', entityId: review.id, snapshot: review }, context)
    await context.idempotency?.record(tx, review)
    return review
  })
}

async function assertActivity(db: Database, organisationId: string, activityId: string) {
  const found = await db
    .select({ id: activities.id })
    .from(activities)
    .where(and(eq(activities.organisationId, organisationId), eq(activities.id, activityId)))
  if (found.length === 0) throw noActivity(activityId)
}

export async function getReview(db: Database, organisationId: string, activityId: string, id: string): Promise<Review> {
  await assertActivity(db, organisationId, activityId)
  const [row] = await db
    .select()
    .from(activityReviews)
    .where(and(eq(activityReviews.organisationId, organisationId), eq(activityReviews.activityId, activityId), eq(activityReviews.id, id)))
  if (!row) throw new ApiProblem('not_found', `There is no review ${id} of activity ${activityId}.`)
  return toReview(row)
}

/** One page of an activity's reviews, newest first (404 for an activity that is not there). */
export async function listReviews(db: Database, organisationId: string, activityId: string, limit: number, after?: { at: string; id: string }) {
  await assertActivity(db, organisationId, activityId)
  const rows = await db
    .select()
    .from(activityReviews)
    .where(
      and(
        eq(activityReviews.organisationId, organisationId),
        eq(activityReviews.activityId, activityId),
        after && sql`(${activityReviews.reviewedAt}, ${activityReviews.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
      )
    )
    .orderBy(desc(activityReviews.reviewedAt), desc(activityReviews.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit).map(toReview)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page, last: last && { at: last.reviewedAt, id: last.id } }
}

/** Activities (not retired) whose review is due on or before `until`, soonest (most overdue) first. */
export async function reviewsDue(db: Database, organisationId: string, until: string, limit: number, after?: { due: string; id: string }) {
  const conditions: (SQL | undefined)[] = [
    eq(activities.organisationId, organisationId),
    ne(activities.status, 'retired'),
    sql`${activities.nextReviewDue} <= ${until}::date`,
    after && sql`(${activities.nextReviewDue}, ${activities.id}) > (${after.due}::date, ${after.id}::uuid)`
  ]
  const rows = await db
    .select({
      activityId: activities.id,
      name: activities.name,
      owner: activities.owner,
      status: activities.status,
      lastReviewedAt: activities.lastReviewedAt,
      reviewIntervalMonths: sql<number>`coalesce(${activities.reviewIntervalMonths}, ${organisations.reviewIntervalMonths})`.mapWith(Number),
      nextReviewDue: activities.nextReviewDue,
      overdue: sql<boolean>`${activities.nextReviewDue} < ${today}`.mapWith((value: unknown) => value === true || value === 't')
    })
    .from(activities)
    .innerJoin(organisations, eq(organisations.id, activities.organisationId))
    .where(and(...conditions))
    .orderBy(activities.nextReviewDue, activities.id)
    .limit(limit + 1)
  const page: DueReview[] = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page, last: last && { due: last.nextReviewDue, id: last.activityId } }
}

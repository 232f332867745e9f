import { and, asc, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { CHECK_VIOLATION, databaseError, UNIQUE_VIOLATION } from '../../db/errors.ts'
import { activities, organisations } from '../../db/schema/index.ts'
import type { WriteContext } from '../../shared/http.ts'
import { preconditionFailed } from '../../shared/http.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { withNormalisedName } from '../../shared/validation.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import type { Organisation, OrganisationCreate, OrganisationPatch } from './organisations.schemas.ts'

type Row = typeof organisations.$inferSelect
const ENTITY_TYPE = 'organisation'

export function toOrganisation(row: Row): Organisation {
  return {
    id: row.id,
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
    name: row.name,
    registrationNumber: row.registrationNumber,
    address: row.address,
    email: row.email,
    phone: row.phone,
    website: row.website,
    supervisoryAuthority: row.supervisoryAuthority,
    country: row.country,
    isPublicAuthority: row.isPublicAuthority,
    employeeCount: row.employeeCount,
    dpo: row.dpo,
    representative: row.representative,
    reviewIntervalMonths: row.reviewIntervalMonths,
    requireChangeReason: row.requireChangeReason,
    slug: row.slug,
    publicRegister: row.publicRegister
  }
}

const notFound = (id: string) => new ApiProblem('not_found', `There is no organisation ${id}.`)

/** The slug's constraints as the problems they are: another organisation's slug (409), a public register without one (422). */
function slugProblem(error: unknown, slug: string | null | undefined): unknown {
  const { code, constraint } = databaseError(error)
  if (code === UNIQUE_VIOLATION && constraint === 'organisations_slug_key')
    return new ApiProblem('conflict', `Another organisation already has the slug '${String(slug)}'.`, {
      errors: [{ path: '/body/slug', message: `'${String(slug)}' is already the slug of another organisation` }]
    })
  if (code === CHECK_VIOLATION && constraint === 'organisations_public_register_slug_check')
    return new ApiProblem('unprocessable', 'A public register needs a slug: set `slug` with `publicRegister`, or keep the register off.', {
      errors: [{ path: '/body/slug', message: 'must be set while publicRegister is true' }]
    })
  return error
}

/** Runs a write of the organisation row, turning the slug's constraint violations into problems. */
async function withSlugChecks<T>(slug: string | null | undefined, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    throw slugProblem(error, slug)
  }
}

export async function createOrganisation(db: Database, input: OrganisationCreate, context: WriteContext): Promise<Organisation> {
  return withSlugChecks(input.slug, () => createOrganisationRow(db, input, context))
}

function createOrganisationRow(db: Database, input: OrganisationCreate, context: WriteContext): Promise<Organisation> {
  return db.transaction(async (tx) => {
    await context.idempotency?.claim(tx)
    const [row] = await tx
      .insert(organisations)
      .values({ ...withNormalisedName(input), createdBy: context.actor, updatedBy: context.actor })
      .returning()
    const organisation = toOrganisation(row!)
    await recordAuditEvent(
      tx,
      { organisationId: organisation.id, action: 'create', entityType: ENTITY_TYPE, entityId: organisation.id, snapshot: organisation },
      context
    )
    await context.idempotency?.record(tx, organisation)
    return organisation
  })
}

export async function getOrganisation(db: Database, id: string): Promise<Organisation> {
  const [row] = await db.select().from(organisations).where(eq(organisations.id, id))
  if (!row) throw notFound(id)
  return toOrganisation(row)
}

export async function organisationExists(db: Database, id: string): Promise<boolean> {
  const found = await db.select({ exists: sql<number>`1` }).from(organisations).where(eq(organisations.id, id))
  return found.length > 0
}

export interface OrganisationPosition {
  name: string
  id: string
}

/** A page of organisations ordered by name then id; `visibleIds` undefined means all (platform tokens). */
export async function listOrganisations(db: Database, visibleIds: readonly string[] | undefined, limit: number, after?: OrganisationPosition) {
  if (visibleIds?.length === 0) return { items: [], last: undefined }
  const conditions: (SQL | undefined)[] = [
    visibleIds === undefined ? undefined : inArray(organisations.id, [...visibleIds]),
    after === undefined ? undefined : or(gt(organisations.name, after.name), and(eq(organisations.name, after.name), gt(organisations.id, after.id)))
  ]
  const rows = await db
    .select()
    .from(organisations)
    .where(and(...conditions))
    .orderBy(asc(organisations.name), asc(organisations.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page.map(toOrganisation), last: last && { name: last.name, id: last.id } }
}

/** Replaces the given fields; with `expectedVersions` (from If-Match) only if the stored version is one of them. */
export function updateOrganisation(db: Database, id: string, patch: OrganisationPatch, expectedVersions: number[] | undefined, context: WriteContext) {
  return withSlugChecks(patch.slug, () => updateOrganisationRow(db, id, patch, expectedVersions, context))
}

function updateOrganisationRow(db: Database, id: string, patch: OrganisationPatch, expectedVersions: number[] | undefined, context: WriteContext) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(organisations)
      .set({ ...withNormalisedName(patch), version: sql`${organisations.version} + 1`, updatedAt: sql`now()`, updatedBy: context.actor })
      .where(and(eq(organisations.id, id), expectedVersions === undefined ? undefined : inArray(organisations.version, expectedVersions)))
      .returning()
    if (!row) throw await missingOrStale(tx, id)
    const organisation = toOrganisation(row)
    if (patch.reviewIntervalMonths !== undefined) await rescheduleReviews(tx, id)
    await recordAuditEvent(tx, { organisationId: id, action: 'update', entityType: ENTITY_TYPE, entityId: id, snapshot: organisation }, context)
    return organisation
  })
}

/** Deletes the organisation and, by cascade, every record it owns, in one transaction; its audit events stay. */
export async function deleteOrganisation(db: Database, id: string, expectedVersions: number[] | undefined, context: WriteContext) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(organisations)
      .where(and(eq(organisations.id, id), expectedVersions === undefined ? undefined : inArray(organisations.version, expectedVersions)))
      .returning()
    if (!row) throw await missingOrStale(tx, id)
    await recordAuditEvent(tx, { organisationId: id, action: 'delete', entityType: ENTITY_TYPE, entityId: id, snapshot: toOrganisation(row) }, context)
  })
}

/** The review due date of an activity as its stored fields give it (see `activities.next_review_due`). */
export const nextReviewDueSql = sql`(coalesce(${activities.lastReviewedAt}, (${activities.createdAt} at time zone 'UTC')::date) + make_interval(months => coalesce(${activities.reviewIntervalMonths}, (select o.review_interval_months from organisations o where o.id = ${activities.organisationId}))))::date`

/** A new organisation default interval moves the due date of every activity that sets none (no new activity version: it is derived). */
async function rescheduleReviews(tx: Database, organisationId: string) {
  await tx
    .update(activities)
    .set({ nextReviewDue: nextReviewDueSql })
    .where(and(eq(activities.organisationId, organisationId), isNull(activities.reviewIntervalMonths)))
}

/**
 * A write that touches an active activity without a `Change-Reason`, in an organisation that requires
 * one: 428, thrown inside the write's transaction so that nothing of it is kept.
 */
export async function requireChangeReason(tx: Database, organisationId: string, context: WriteContext, what: string) {
  if (context.reason !== null) return
  const [row] = await tx.select({ required: organisations.requireChangeReason }).from(organisations).where(eq(organisations.id, organisationId))
  if (row?.required)
    throw new ApiProblem(
      'precondition_required',
      `This organisation requires a reason for every change to an active processing activity, and ${what}: send the request again with a Change-Reason header saying why.`
    )
}

async function missingOrStale(tx: Database, id: string): Promise<ApiProblem> {
  const [current] = await tx.select({ version: organisations.version }).from(organisations).where(eq(organisations.id, id))
  return current ? preconditionFailed(current.version) : notFound(id)
}

import { and, desc, eq, gt, isNull, lte, or, type SQL, sql } from 'drizzle-orm'
import type { StoredAcknowledgement } from '../../compliance/acknowledgements.ts'
import type { Database } from '../../db/client.ts'
import { databaseError, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from '../../db/errors.ts'
import { findingAcknowledgements } from '../../db/schema/index.ts'
import type { WriteContext } from '../../shared/http.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import type { Acknowledgement, AcknowledgementFilters } from './acknowledgements.schemas.ts'

type Row = typeof findingAcknowledgements.$inferSelect
const ENTITY_TYPE = 'finding_acknowledgement'
const table = findingAcknowledgements

const toStored = (row: Row): StoredAcknowledgement => ({
  id: row.id,
  rule: row.rule,
  entityType: row.entityType,
  entityId: row.entityId,
  path: row.path,
  reason: row.reason,
  expiresAt: row.expiresAt?.toISOString() ?? null,
  createdAt: row.createdAt.toISOString(),
  createdBy: row.createdBy,
  fingerprint: row.fingerprint
})

/** The acknowledgement as the API answers it at `now`. */
function toAcknowledgement(row: Row, now: Date): Acknowledgement {
  const { fingerprint: _, ...stored } = toStored(row)
  return { ...stored, expired: row.expiresAt !== null && row.expiresAt.getTime() <= now.getTime() }
}

/** What the audit event keeps: the stored acknowledgement, without `expired`, which only the clock changes. */
const snapshotOf = ({ fingerprint: _, ...stored }: StoredAcknowledgement) => stored

const inOrganisation = (organisationId: string) => eq(table.organisationId, organisationId)
const notFound = (id: string) => new ApiProblem('not_found', `There is no finding acknowledgement ${id}.`)

/** The organisation's acknowledgements (or those of one activity's findings), in one statement, for the findings endpoints. */
export async function acknowledgementsOf(db: Database, organisationId: string, activityId?: string): Promise<StoredAcknowledgement[]> {
  const rows = await db
    .select()
    .from(table)
    .where(and(inOrganisation(organisationId), activityId === undefined ? undefined : eq(table.activityId, activityId)))
  return rows.map(toStored)
}

export interface AcknowledgementPosition {
  at: string
  id: string
}

/** One page of the organisation's acknowledgements, newest first; `expired` compares `expiresAt` with `now`. */
export async function listAcknowledgements(
  db: Database,
  organisationId: string,
  filters: AcknowledgementFilters,
  now: Date,
  limit: number,
  after?: AcknowledgementPosition
) {
  const expired =
    filters.expired === undefined ? undefined : filters.expired ? lte(table.expiresAt, now) : or(isNull(table.expiresAt), gt(table.expiresAt, now))
  const conditions: (SQL | undefined)[] = [
    inOrganisation(organisationId),
    filters.rule === undefined ? undefined : eq(table.rule, filters.rule),
    filters.entityId === undefined ? undefined : eq(table.entityId, filters.entityId),
    expired,
    after && sql`(${table.createdAt}, ${table.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`
  ]
  const rows = await db
    .select()
    .from(table)
    .where(and(...conditions))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page.map((row) => toAcknowledgement(row, now)), last: last && { at: last.createdAt.toISOString(), id: last.id } }
}

export async function getAcknowledgement(db: Database, organisationId: string, id: string, now: Date): Promise<Acknowledgement> {
  const [row] = await db
    .select()
    .from(table)
    .where(and(inOrganisation(organisationId), eq(table.id, id)))
  if (!row) throw notFound(id)
  return toAcknowledgement(row, now)
}

export interface NewAcknowledgement {
  rule: string
  entityType: StoredAcknowledgement['entityType']
  entityId: string
  path: string
  reason: string
  expiresAt: string | null
  fingerprint: string
}

/**
 * Stores the acknowledgement of a finding in one transaction with its audit event. An earlier
 * acknowledgement of the same finding (organisation, rule, entity, path) is replaced: it is deleted,
 * with its own audit event, so each stored acknowledgement is what one DPO said at one time.
 */
export async function createAcknowledgement(db: Database, organisationId: string, input: NewAcknowledgement, context: WriteContext): Promise<Acknowledgement> {
  const entityColumns = {
    activityId: input.entityType === 'activity' ? input.entityId : null,
    processorId: input.entityType === 'processor' ? input.entityId : null
  }
  try {
    return await db.transaction(async (tx) => {
      await context.idempotency?.claim(tx)
      const replaced = await tx
        .delete(table)
        .where(and(inOrganisation(organisationId), eq(table.rule, input.rule), eq(table.entityId, input.entityId), eq(table.path, input.path)))
        .returning()
      for (const row of replaced) {
        await recordAuditEvent(
          tx,
          { organisationId, action: 'delete', entityType: ENTITY_TYPE, entityId: row.id, snapshot: snapshotOf(toStored(row)) },
          context
        )
      }
      const [row] = await tx
        .insert(table)
        .values({
          organisationId,
          ...input,
          ...entityColumns,
          expiresAt: input.expiresAt === null ? null : new Date(input.expiresAt),
          createdBy: context.actor
        })
        .returning()
      if (!row) throw new Error('inserting a finding acknowledgement returned no row')
      const stored = toStored(row)
      await recordAuditEvent(tx, { organisationId, action: 'create', entityType: ENTITY_TYPE, entityId: row.id, snapshot: snapshotOf(stored) }, context)
      const acknowledgement = toAcknowledgement(row, new Date())
      await context.idempotency?.record(tx, acknowledgement)
      return acknowledgement
    })
  } catch (error) {
    const { code } = databaseError(error)
    if (code === UNIQUE_VIOLATION)
      throw new ApiProblem(
        'conflict',
        'Another request acknowledged this finding at the same time; read the acknowledgements and send yours again if it should replace that one.'
      )
    if (code === FOREIGN_KEY_VIOLATION)
      throw new ApiProblem('unprocessable', `/body/entityId ${input.entityId} was deleted while the finding was being acknowledged`, {
        errors: [{ path: '/body/entityId', message: 'was deleted while the finding was being acknowledged' }]
      })
    throw error
  }
}

/** Deletes an acknowledgement (its finding counts again) with its audit event. */
export async function deleteAcknowledgement(db: Database, organisationId: string, id: string, context: WriteContext): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(table)
      .where(and(inOrganisation(organisationId), eq(table.id, id)))
      .returning()
    if (!row) throw notFound(id)
    await recordAuditEvent(tx, { organisationId, action: 'delete', entityType: ENTITY_TYPE, entityId: row.id, snapshot: snapshotOf(toStored(row)) }, context)
  })
}

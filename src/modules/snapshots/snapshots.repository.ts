import { and, desc, eq, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { snapshots } from '../../db/schema/index.ts'
import type { WriteContext } from '../../shared/http.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import type { Snapshot } from './snapshots.schemas.ts'

type Row = typeof snapshots.$inferSelect
const ENTITY_TYPE = 'snapshot'
const table = snapshots

/** Every column but the document, which only the download reads. */
const metadata = {
  id: table.id,
  organisationId: table.organisationId,
  record: table.record,
  note: table.note,
  submittedTo: table.submittedTo,
  submittedAt: table.submittedAt,
  activityCount: table.activityCount,
  sha256: table.sha256,
  jws: table.jws,
  kid: table.kid,
  createdBy: table.createdBy,
  createdAt: table.createdAt
}

const toSnapshot = (row: Omit<Row, 'document'>): Snapshot => ({
  id: row.id,
  organisationId: row.organisationId,
  record: row.record,
  note: row.note,
  submittedTo: row.submittedTo,
  submittedAt: row.submittedAt?.toISOString() ?? null,
  activityCount: row.activityCount,
  sha256: row.sha256,
  jws: row.jws,
  kid: row.kid,
  createdAt: row.createdAt.toISOString(),
  createdBy: row.createdBy
})

const inOrganisation = (organisationId: string) => eq(table.organisationId, organisationId)
const notFound = (id: string) => new ApiProblem('not_found', `There is no snapshot ${id}.`)

export interface NewSnapshot extends Omit<Snapshot, 'createdBy'> {
  /** The frozen export, as canonical JSON. */
  document: string
}

/**
 * Stores a snapshot in one transaction with its audit event, which holds the metadata (digest and
 * JWS included) but not the document: the digest identifies it, and the document stays in its row.
 */
export async function createSnapshot(db: Database, snapshot: NewSnapshot, context: WriteContext): Promise<Snapshot> {
  return db.transaction(async (tx) => {
    await context.idempotency?.claim(tx)
    const [row] = await tx
      .insert(table)
      .values({
        ...snapshot,
        submittedAt: snapshot.submittedAt === null ? null : new Date(snapshot.submittedAt),
        createdAt: new Date(snapshot.createdAt),
        createdBy: context.actor
      })
      .returning(metadata)
    if (!row) throw new Error('inserting a snapshot returned no row')
    const created = toSnapshot(row)
    await recordAuditEvent(
      tx,
      { organisationId: snapshot.organisationId, action: 'create', entityType: ENTITY_TYPE, entityId: row.id, snapshot: created },
      context
    )
    await context.idempotency?.record(tx, created)
    return created
  })
}

export interface SnapshotPosition {
  at: string
  id: string
}

/** One page of the organisation's snapshots, newest first. */
export async function listSnapshots(db: Database, organisationId: string, limit: number, after?: SnapshotPosition) {
  const rows = await db
    .select(metadata)
    .from(table)
    .where(and(inOrganisation(organisationId), after && sql`(${table.createdAt}, ${table.id}) < (${after.at}::timestamptz, ${after.id}::uuid)`))
    .orderBy(desc(table.createdAt), desc(table.id))
    .limit(limit + 1)
  const page = rows.slice(0, limit)
  const last = rows.length > limit ? page.at(-1) : undefined
  return { items: page.map(toSnapshot), last: last && { at: last.createdAt.toISOString(), id: last.id } }
}

export async function getSnapshot(db: Database, organisationId: string, id: string): Promise<Snapshot> {
  const [row] = await db
    .select(metadata)
    .from(table)
    .where(and(inOrganisation(organisationId), eq(table.id, id)))
  if (!row) throw notFound(id)
  return toSnapshot(row)
}

/** The snapshot with its frozen document, as stored. */
export async function getSnapshotDocument(db: Database, organisationId: string, id: string): Promise<Snapshot & { document: string }> {
  const [row] = await db
    .select()
    .from(table)
    .where(and(inOrganisation(organisationId), eq(table.id, id)))
  if (!row) throw notFound(id)
  return { ...toSnapshot(row), document: row.document }
}

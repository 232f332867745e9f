import { and, type ColumnBaseConfig, eq, getTableColumns, or, type SQL, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Database } from '../db/client.ts'
import { databaseError, FOREIGN_KEY_VIOLATION, UNIQUE_VIOLATION } from '../db/errors.ts'
import { recordAuditEvent } from '../modules/audit-events/audit-events.repository.ts'
import { preconditionFailed, type WriteContext } from '../shared/http.ts'
import { ApiProblem, describeErrors, type FieldError, type Reference } from '../shared/problems.ts'
import { withNormalisedName } from '../shared/validation.ts'
import type { Completed } from './catalogue-resource.ts'
import { assignedKey, duplicateKey, retryingAssignedKey } from './keys.repository.ts'

/** Columns every catalogue table has (see db/schema/catalogue.ts). */
export type CatalogueTable = PgTable & {
  id: PgColumn<ColumnBaseConfig<'string', string> & { data: string; notNull: true }>
  organisationId: PgColumn
  name: PgColumn
  key: PgColumn
  description: PgColumn
  version: PgColumn
  updatedAt: PgColumn
}

/** What the repository needs of every entry it answers. */
export type CatalogueEntity = { id: string; name: string; version: number }
type Fields = Record<string, unknown>

/** What a catalogue resource adds to the generic repository: its table, filters, links to other entries, and who links to it. */
export interface CatalogueStorage<Entry extends Fields, Patch extends Fields, Query> {
  table: CatalogueTable
  entityType: string
  label: string
  /** Conditions of a list besides the text query `q`. */
  where: (query: Query) => (SQL | undefined)[]
  /** Extra computed columns of a read, e.g. the ids an entry links to. */
  linkColumns?: () => Record<string, SQL>
  /** Fields of the body that are links, not columns. */
  linkFields?: string[]
  /** Checks the links of a write against stored data: 422 errors. */
  checkLinks?: (tx: Database, organisationId: string, id: string | undefined, fields: Entry | Patch) => Promise<FieldError[]>
  /** Replaces the stored links of an entry with those in `fields` (only those it names). */
  writeLinks?: (tx: Database, organisationId: string, id: string, fields: Entry | Patch) => Promise<void>
  /** Queries naming what still links to an entry (deleting it then answers 409). */
  referencedBy: ((organisationId: string, id: string) => SQL)[]
}

/** A row as the API answers it: instants as RFC 3339 text, without the organisation (the URL names it). */
function toEntity<Entity>(row: Fields): Entity {
  const entity: Fields = {}
  for (const [key, value] of Object.entries(row)) {
    if (key === 'organisationId') continue
    entity[key] = value instanceof Date ? value.toISOString() : value
  }
  // The one assertion at the drizzle boundary: the table's columns are the entry's fields (db/schema/catalogue.ts),
  // written only through the schemas, but drizzle types them by SQL type (text, not the enum the schema allows).
  return entity as Entity
}

export function catalogueRepository<Entity extends CatalogueEntity, Entry extends Fields, Patch extends Fields, Query>(
  storage: CatalogueStorage<Entry, Patch, Query>
) {
  const { table, entityType, label } = storage
  const notFound = (id: string) => new ApiProblem('not_found', `There is no ${label} ${id}.`)
  const columns = () => ({ ...getTableColumns(table), ...storage.linkColumns?.() })
  const inOrganisation = (organisationId: string) => eq(table.organisationId, organisationId)
  const columnFields = (fields: Fields) => Object.fromEntries(Object.entries(fields).filter(([key]) => !storage.linkFields?.includes(key)))

  /** The stored entry; with `lock`, locked until the transaction ends, so a concurrent write waits instead of failing. */
  async function select(db: Database, organisationId: string, id: string, lock = false): Promise<Entity | undefined> {
    const query = db
      .select(columns())
      .from(table)
      .where(and(inOrganisation(organisationId), eq(table.id, id)))
    const [row] = await (lock ? query.for('update') : query)
    return row ? toEntity<Entity>(row) : undefined
  }

  /** The stored entry, which the transaction has just written. */
  async function written(tx: Database, organisationId: string, id: string): Promise<Entity> {
    return (await select(tx, organisationId, id)) ?? Promise.reject(notFound(id))
  }

  async function rejectBrokenLinks(tx: Database, organisationId: string, id: string | undefined, fields: Entry | Patch) {
    const errors = (await storage.checkLinks?.(tx, organisationId, id, fields)) ?? []
    if (errors.length > 0) {
      throw new ApiProblem('unprocessable', describeErrors(errors), { errors })
    }
  }

  function duplicateName(error: unknown, name: unknown, key: unknown): ApiProblem | undefined {
    const { code, constraint } = databaseError(error)
    if (code === UNIQUE_VIOLATION && constraint?.endsWith('_key_key')) return duplicateKey(label, key)
    if (code !== UNIQUE_VIOLATION || !constraint?.endsWith('_name_key')) return undefined
    return new ApiProblem('conflict', `A ${label} named '${String(name)}' already exists in this organisation (names are compared without regard to case).`, {
      errors: [{ path: '/body/name', message: `'${String(name)}' is already used by another ${label}` }]
    })
  }

  async function audited(tx: Database, organisationId: string, action: 'create' | 'update' | 'delete', entity: Entity, context: WriteContext) {
    await recordAuditEvent(tx, { organisationId, action, entityType, entityId: entity.id, snapshot: entity }, context)
  }

  return {
    get: async (db: Database, organisationId: string, id: string) => (await select(db, organisationId, id)) ?? Promise.reject(notFound(id)),

    async list(db: Database, organisationId: string, query: Query, limit: number, after?: { name: string; id: string }) {
      const rows = await db
        .select(columns())
        .from(table)
        .where(
          and(
            inOrganisation(organisationId),
            textFilter(table, textQueryOf(query)),
            ...storage.where(query),
            after && sql`(lower(${table.name}), ${table.id}) > (${after.name}, ${after.id}::uuid)`
          )
        )
        .orderBy(sql`lower(${table.name})`, table.id)
        .limit(limit + 1)
      const page = rows.slice(0, limit).map((row) => toEntity<Entity>(row))
      const last = rows.length > limit ? page.at(-1) : undefined
      return { items: page, last: last && { name: last.name.toLowerCase(), id: last.id } }
    },

    async create(db: Database, organisationId: string, given: Completed<Entry>, context: WriteContext): Promise<Entity> {
      const named = withNormalisedName(given)
      let key = named.key
      try {
        return await retryingAssignedKey(named.key === undefined, async () =>
          db.transaction(async (tx) => {
            await context.idempotency?.claim(tx)
            key = named.key ?? (await assignedKey(tx, table, organisationId, String(named.name)))
            // The entry complete: what `complete` gave, with its key and owner.
            const fields = { ...named, key, managedBy: named.managedBy ?? null } as unknown as Entry
            await rejectBrokenLinks(tx, organisationId, undefined, fields)
            const [row] = await tx
              .insert(table)
              .values({ ...columnFields(fields), organisationId, createdBy: context.actor, updatedBy: context.actor })
              .returning({ id: table.id })
            if (!row) throw new Error(`inserting a ${label} returned no row`)
            const { id } = row
            await storage.writeLinks?.(tx, organisationId, id, fields)
            const entity = await written(tx, organisationId, id)
            await audited(tx, organisationId, 'create', entity, context)
            await context.idempotency?.record(tx, entity)
            return entity
          })
        )
      } catch (error) {
        throw duplicateName(error, named.name, key) ?? error
      }
    },

    /** Reads the stored entry (404, or 412 against If-Match), lets `merge` check the result, then writes it. */
    async update(
      db: Database,
      organisationId: string,
      id: string,
      given: Patch,
      expectedVersions: number[] | undefined,
      context: WriteContext,
      check: (merged: Entity) => void
    ) {
      const patch = withNormalisedName(given)
      try {
        return await db.transaction(async (tx) => {
          const current = await select(tx, organisationId, id, true)
          if (!current) throw notFound(id)
          if (expectedVersions && !expectedVersions.includes(current.version)) throw preconditionFailed(current.version)
          check({ ...current, ...patch })
          await rejectBrokenLinks(tx, organisationId, id, patch)
          const updated = await tx
            .update(table)
            .set({ ...columnFields(patch), version: sql`${table.version} + 1`, updatedAt: sql`now()`, updatedBy: context.actor })
            .where(and(inOrganisation(organisationId), eq(table.id, id), eq(table.version, current.version)))
            .returning({ id: table.id })
          if (updated.length === 0) throw preconditionFailed(current.version + 1)
          await storage.writeLinks?.(tx, organisationId, id, patch)
          const entity = await written(tx, organisationId, id)
          await audited(tx, organisationId, 'update', entity, context)
          return entity
        })
      } catch (error) {
        throw duplicateName(error, patch.name, patch.key) ?? error
      }
    },

    /** Deletes an entry nothing links to; otherwise 409 naming what does. */
    async remove(db: Database, organisationId: string, id: string, expectedVersions: number[] | undefined, context: WriteContext) {
      try {
        await db.transaction(async (tx) => {
          const current = await select(tx, organisationId, id, true)
          if (!current) throw notFound(id)
          if (expectedVersions && !expectedVersions.includes(current.version)) throw preconditionFailed(current.version)
          const references = await referencesTo(tx, organisationId, id)
          if (references.length > 0) throw stillReferenced(current, references)
          const deleted = await tx
            .delete(table)
            .where(and(inOrganisation(organisationId), eq(table.id, id), eq(table.version, current.version)))
            .returning({ id: table.id })
          if (deleted.length === 0) throw preconditionFailed(current.version + 1)
          await audited(tx, organisationId, 'delete', current, context)
        })
      } catch (error) {
        if (databaseError(error).code !== FOREIGN_KEY_VIOLATION) throw error
        // A link was added between our check and the delete: report it as the check would have.
        const current = await select(db, organisationId, id)
        throw current ? stillReferenced(current, await referencesTo(db, organisationId, id)) : error
      }
    }
  }

  async function referencesTo(db: Database, organisationId: string, id: string): Promise<Reference[]> {
    if (storage.referencedBy.length === 0) return []
    const union = sql.join(
      storage.referencedBy.map((query) => sql`(${query(organisationId, id)})`),
      sql` union all `
    )
    // The select names exactly the fields of a Reference.
    const result = await db.execute<Reference>(
      sql`select entity_type as "entityType", id, name from (${union}) as refs order by entity_type, name, id limit 100`
    )
    return result.rows
  }

  function stillReferenced(entity: Entity, references: Reference[]) {
    const named = references.map((reference) => `${reference.entityType.replaceAll('_', ' ')} '${reference.name}'`).join(', ')
    return new ApiProblem('conflict', `The ${label} '${entity.name}' is still linked from ${named}; remove those links first.`, { references })
  }
}

/** The text query `q` every catalogue list accepts. */
const textQueryOf = (query: unknown) => (typeof query === 'object' && query !== null && 'q' in query ? query.q : undefined)

/** `q`: a case-insensitive substring of the name or description (LIKE wildcards in it are literal). */
function textFilter(table: CatalogueTable, q: unknown): SQL | undefined {
  if (typeof q !== 'string') return undefined
  const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
  return or(sql`${table.name} ilike ${pattern}`, sql`${table.description} ilike ${pattern}`)
}

export const equalsIfGiven = (column: PgColumn, value: unknown) => (value === undefined ? undefined : eq(column, value))

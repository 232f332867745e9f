import { and, eq, getTableName, like, or, sql } from 'drizzle-orm'
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core'
import type { Database } from '../db/client.ts'
import { databaseError, UNIQUE_VIOLATION } from '../db/errors.ts'
import { freeKey, keyFromName } from '../shared/keys.ts'
import { ApiProblem } from '../shared/problems.ts'

/** A table whose entries carry a key unique in their organisation (catalogue entries, activities). */
type KeyedTable = PgTable & { organisationId: PgColumn; key: PgColumn }

/** The key a new entry gets from its name: `contact-details`, or the first free `contact-details-2` …, in two statements. */
export async function assignedKey(tx: Database, table: KeyedTable, organisationId: string, name: string): Promise<string> {
  // Creates assigning keys in one organisation and table take turns until they commit, so each reads
  // the keys the one before took (a retry alone loses to many at once).
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${organisationId}:${getTableName(table)}`}))`)
  const base = keyFromName(name)
  // Unmapped rows: an often used name has many keys taken, and mapping each row through the ORM cost more than the rest of the create.
  const { rows } = await tx.execute<{ key: string }>(
    sql`select ${table.key} as key from ${table} where ${and(eq(table.organisationId, organisationId), or(eq(table.key, base), like(table.key, `${base}-%`)))}`
  )
  return freeKey(base, new Set(rows.map((row) => row.key)))
}

export const duplicateKey = (label: string, key: unknown) =>
  new ApiProblem('conflict', `Another ${label} already has the key '${String(key)}' in this organisation.`, {
    errors: [{ path: '/body/key', message: `'${String(key)}' is already the key of another ${label}` }]
  })

/**
 * Runs a create again when the key it assigned from the name was taken meanwhile by a concurrent
 * create (the unique index refuses the second): the next attempt reads the keys again. A key the
 * client gave is never changed: its clash is the client's 409.
 */
export async function retryingAssignedKey<T>(assigned: boolean, create: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await create()
    } catch (error) {
      const { code, constraint } = databaseError(error)
      if (!assigned || attempt >= attempts || code !== UNIQUE_VIOLATION || !constraint?.endsWith('_key_key')) throw error
    }
  }
}

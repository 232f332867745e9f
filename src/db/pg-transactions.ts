import { sql, type TablesRelationalConfig } from 'drizzle-orm'
import { NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres'
import type pg from 'pg'
import { isDatabaseUnavailable } from './unavailable.ts'

type Work = (tx: NodePgTransaction<Record<string, unknown>, TablesRelationalConfig>) => Promise<unknown>
interface SessionInternals {
  dialect: ConstructorParameters<typeof NodePgSession>[1]
  schema: ConstructorParameters<typeof NodePgSession>[2]
  options: ConstructorParameters<typeof NodePgSession>[3]
  transaction(work: Work): Promise<unknown>
}

/**
 * Replaces drizzle's pooled transaction (drizzle-orm 0.45), which sends BEGIN before its
 * try/finally (a failed BEGIN never returns its connection to the pool) and always tries ROLLBACK
 * and returns the connection as healthy. After a timeout or a cut connection that is wrong twice:
 * the ROLLBACK queues behind the statement still running and times out too, and a connection whose
 * server-side transaction is still open goes back to the pool, where the next request's COMMIT
 * would commit the failed one's writes. Here a connection whose state is unknown is destroyed.
 *
 * This reaches into drizzle's private session, so package.json pins drizzle-orm to the exact version
 * it was written against, and test/db/pg-transactions.test.ts fails when an upgrade moves those parts.
 */
export function withSafeTransactions(db: object, pool: pg.Pool) {
  const session = (db as unknown as { session: SessionInternals }).session
  session.transaction = async (work: Work) => {
    const client = await pool.connect()
    const tx = new NodePgTransaction(session.dialect, new NodePgSession(client, session.dialect, session.schema, session.options), session.schema)
    let destroyWith: Error | undefined
    try {
      await tx.execute(sql`begin`)
      const result = await work(tx)
      await tx.execute(sql`commit`)
      return result
    } catch (error) {
      if (error instanceof Error && isDatabaseUnavailable(error)) {
        destroyWith = error
      } else {
        await tx.execute(sql`rollback`).catch((rollbackFailed: Error) => (destroyWith = rollbackFailed))
      }
      throw error
    } finally {
      client.release(destroyWith ?? false)
    }
  }
}

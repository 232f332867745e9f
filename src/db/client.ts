import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { PGlite } from '@electric-sql/pglite'
import { type Assume, type SQL, sql } from 'drizzle-orm'
import { type PgDatabase, PgDialect, type PgQueryResultHKT } from 'drizzle-orm/pg-core'
import type { FastifyBaseLogger } from 'fastify'
import type { Config } from '../config.ts'
import { cursorRows, pgliteCursorRows } from './cursor.ts'
import { lockDataDir } from './data-dir-lock.ts'
import { DatabaseTimeoutError } from './errors.ts'
import * as schema from './schema/index.ts'
import { Spool } from './spool.ts'

/** What `db.execute` returns on both drivers: node-postgres' QueryResult and PGlite's Results both carry `rows`. */
export interface RowsQueryResultHKT extends PgQueryResultHKT {
  type: RowsResult<Assume<this['row'], Record<string, unknown>>>
}
interface RowsResult<R> {
  rows: R[]
}

/** The one drizzle type both drivers satisfy; repositories are written against it. */
export type Database = PgDatabase<RowsQueryResultHKT, typeof schema>

export type Row = Record<string, unknown>

/** Queries that all see one consistent state of the database (a repeatable-read, read-only transaction). */
export interface Snapshot {
  all(query: SQL): Promise<Row[]>
  /** Rows one by one, without holding the whole result in memory (on PostgreSQL). */
  each(query: SQL): AsyncIterable<Row>
}

export interface SnapshotOptions {
  /**
   * PostgreSQL only: runs first in the snapshot's transaction, outside the statement count; what it
   * takes there (advisory locks: the export slots shared by replicas) is released with the transaction.
   */
  claim?: (query: (query: SQL) => Promise<Row[]>) => Promise<void>
}

export interface DatabaseHandle {
  readonly kind: 'postgres' | 'pglite'
  readonly db: Database
  /** How many SQL statements the app has sent through drizzle: tests use it to show a request's cost is constant. */
  readonly statements: { count: number }
  /**
   * PostgreSQL only: runs one statement on the pool outside the statement count, for the service's
   * own bookkeeping (rate-limit counters shared by replicas) rather than the request's work.
   */
  readonly background?: (query: SQL) => Promise<Row[]>
  /** Applies pending migrations; on PostgreSQL under an advisory lock so instances starting together do not race. */
  migrate(): Promise<void>
  /**
   * Runs `read` in one snapshot and yields what it yields. On PostgreSQL it holds a pooled connection
   * for as long as the consumer reads, streams rows with a cursor, and always releases the connection,
   * also when the consumer stops early (an aborted download). PGlite runs `read` to the end inside one
   * transaction first (it has a single connection that a slow download must not hold), reading rows
   * through a cursor and keeping what `read` yields in a spool (a temporary file beyond 1 MB).
   */
  readSnapshot<T>(read: (snapshot: Snapshot) => AsyncGenerator<T>, options?: SnapshotOptions): AsyncGenerator<T>
  /** Resolves when the database answers a trivial query within `timeoutMs`. */
  ping(timeoutMs: number): Promise<void>
  close(): Promise<void>
}

export const migrationsFolder = fileURLToPath(new URL('../../migrations', import.meta.url))
const MEMORY = 'memory://'

export async function openDatabase(config: Config, log: FastifyBaseLogger): Promise<DatabaseHandle> {
  return config.DATABASE_URL ? openPostgres(config, config.DATABASE_URL, log) : openPglite(config.DATA_DIR)
}

// Each driver loads only when its database is opened: a process holds one of them, never both.
async function openPostgres(config: Config, connectionString: string, log: FastifyBaseLogger): Promise<DatabaseHandle> {
  const [{ default: pg }, { default: QueryStream }, { drizzle: drizzleNodePg }, { migrate: migrateNodePg }, { withSafeTransactions }] = await Promise.all([
    import('pg'),
    import('pg-query-stream'),
    import('drizzle-orm/node-postgres'),
    import('drizzle-orm/node-postgres/migrator'),
    import('./pg-transactions.ts')
  ])
  const pool = new pg.Pool({
    connectionString,
    max: config.DB_POOL_MAX,
    connectionTimeoutMillis: config.DB_CONNECT_TIMEOUT_MS,
    query_timeout: config.DB_QUERY_TIMEOUT_MS,
    statement_timeout: config.DB_QUERY_TIMEOUT_MS,
    idleTimeoutMillis: 10_000,
    keepAlive: true,
    application_name: 'ropa-api'
  })
  // Without these listeners a backend that dies (restart, pg_terminate_backend, network cut)
  // emits an unhandled 'error' event and takes the whole process down.
  pool.on('error', (error) => log.warn({ err: error }, 'idle PostgreSQL client failed'))
  pool.on('connect', (client) => client.on('error', (error) => log.warn({ err: error }, 'PostgreSQL client failed')))
  const statements = { count: 0 }
  const db: Database = drizzleNodePg(pool, { schema, casing: 'snake_case', logger: countingLogger(statements) })
  withSafeTransactions(db, pool)
  return {
    kind: 'postgres',
    db,
    statements,
    async migrate() {
      const client = await pool.connect()
      try {
        await client.query(`select pg_advisory_lock(hashtext('ropa-api:migrations'))`)
        try {
          await migrateNodePg(drizzleNodePg(client), { migrationsFolder })
        } finally {
          await client.query(`select pg_advisory_unlock(hashtext('ropa-api:migrations'))`)
        }
      } finally {
        client.release()
      }
    },
    background: async (query) => {
      const { sql: text, params } = dialect.sqlToQuery(query)
      return (await pool.query(text, params)).rows
    },
    async *readSnapshot(read, options) {
      const client = await pool.connect()
      let committed = false
      try {
        await client.query('begin isolation level repeatable read read only')
        await client.query(`set local statement_timeout = '10min'; set local idle_in_transaction_session_timeout = '2min'`)
        try {
          await options?.claim?.(async (query) => {
            const { sql: text, params } = dialect.sqlToQuery(query)
            return (await client.query(text, params)).rows
          })
        } catch (error) {
          // Refused (no free slot): nothing was read, so the connection goes back to the pool.
          await client.query('rollback')
          committed = true
          throw error
        }
        yield* read({
          async all(query) {
            statements.count++
            const { sql: text, params } = dialect.sqlToQuery(query)
            return (await client.query(text, params)).rows
          },
          each(query) {
            statements.count++
            const { sql: text, params } = dialect.sqlToQuery(query)
            return cursorRows(client, text, params, { QueryStream, batchSize: 200, batchTimeoutMs: config.DB_QUERY_TIMEOUT_MS })
          }
        })
        await client.query('commit')
        committed = true
      } finally {
        // Stopped early or failed: the connection may be mid-cursor, so it is closed rather than reused.
        client.release(!committed)
      }
    },
    ping: (timeoutMs) => withTimeout(db.execute(sql`select 1`), timeoutMs),
    close: () => pool.end()
  }
}

const dialect = new PgDialect()

let inMemoryTemplate: Blob | undefined

/**
 * Starts every later `memory://` database from `dump` (PGlite's `dumpDataDir`) instead of an empty
 * one. Tests pass an already-migrated directory: loading it takes a third of the time of initdb.
 */
export function startInMemoryDatabasesFrom(dump: Blob | undefined): void {
  inMemoryTemplate = dump
}

async function openPglite(dataDir: string): Promise<DatabaseHandle> {
  const [{ PGlite }, { drizzle: drizzlePglite }, { migrate: migratePglite }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('drizzle-orm/pglite'),
    import('drizzle-orm/pglite/migrator')
  ])
  const inMemory = dataDir === MEMORY
  const unlock = inMemory ? () => {} : lockDataDir(dataDir)
  let client: PGlite
  try {
    // PostgreSQL's default 128 MB of shared buffers, touched at start, were a third of a PGlite process at rest.
    const options = { startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'] }
    client = await (inMemory ? PGlite.create({ loadDataDir: inMemoryTemplate, ...options }) : PGlite.create(join(dataDir, 'pglite'), options))
  } catch (error) {
    unlock()
    throw error
  }
  const statements = { count: 0 }
  const db: Database = drizzlePglite(client, { schema, casing: 'snake_case', logger: countingLogger(statements) })
  return {
    kind: 'pglite',
    db,
    statements,
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    async *readSnapshot<T>(read: (snapshot: Snapshot) => AsyncGenerator<T>) {
      const spool = new Spool<T>()
      await client
        .transaction(async (tx) => {
          await tx.query('set transaction isolation level repeatable read read only')
          const all = async (query: SQL) => {
            statements.count++
            const { sql: text, params } = dialect.sqlToQuery(query)
            return (await tx.query<Row>(text, params)).rows
          }
          const each = (query: SQL) => {
            statements.count++
            const { sql: text, params } = dialect.sqlToQuery(query)
            return pgliteCursorRows(tx, text, params)
          }
          for await (const item of read({ all, each })) await spool.add(item)
        })
        .catch(async (error: unknown) => {
          await spool.discard()
          throw error
        })
      yield* spool.items()
    },
    ping: (timeoutMs) => withTimeout(db.execute(sql`select 1`), timeoutMs),
    async close() {
      try {
        await client.close()
      } finally {
        unlock()
      }
    }
  }
}

const countingLogger = (statements: { count: number }) => ({
  logQuery() {
    statements.count++
  }
})

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DatabaseTimeoutError(`database did not answer within ${timeoutMs} ms`)), timeoutMs)
  })
  try {
    await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

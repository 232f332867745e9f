import { readFileSync } from 'node:fs'
import { sql } from 'drizzle-orm'
import { drizzle, NodePgSession, NodePgTransaction } from 'drizzle-orm/node-postgres'
import { PgDialect } from 'drizzle-orm/pg-core'
import pg from 'pg'
import t from 'tap'
import * as schema from '../../src/db/schema/index.ts'

// src/db/pg-transactions.ts replaces a private part of drizzle-orm (the node-postgres session's
// `transaction`). These checks fail when an upgrade moves what it relies on, before production does.
const pinned = '0.45.4'

t.test(`drizzle-orm is the version pg-transactions.ts was written against (${pinned})`, async (t) => {
  const { version } = JSON.parse(readFileSync(new URL('../../node_modules/drizzle-orm/package.json', import.meta.url), 'utf8')) as { version: string }
  t.equal(version, pinned, 'read src/db/pg-transactions.ts against the new version, then change the pin in package.json and here')
})

t.test('the private parts pg-transactions.ts uses are where it expects them', async (t) => {
  const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }) // never connected
  t.teardown(() => pool.end())
  const db = drizzle(pool, { schema, casing: 'snake_case' })
  const session = (db as unknown as { session: Record<string, unknown> }).session
  t.ok(session instanceof NodePgSession, 'db.session is a NodePgSession')
  t.type(session.transaction, 'function', 'session.transaction can be replaced')
  t.ok(session.dialect instanceof PgDialect, 'session.dialect')
  t.type(session.options, 'object', 'session.options')
  t.type(session.schema, 'object', 'session.schema')
  // As withSafeTransactions builds it: a transaction on one checked-out client sends its statements there.
  const sent: string[] = []
  const client = {
    query: async (query: unknown) => {
      sent.push(JSON.stringify(query))
      return { rows: [], rowCount: 0, fields: [] }
    }
  }
  const tx = new NodePgTransaction(
    session.dialect as PgDialect,
    new NodePgSession(client as never, session.dialect as PgDialect, session.schema as never, session.options as never),
    session.schema as never
  )
  await tx.execute(sql`select 42 as answer`)
  t.equal(sent.length, 1, 'one statement reached the client')
  t.match(sent[0], /select 42 as answer/)
})

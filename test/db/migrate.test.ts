import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { migrationsFolder, openDatabase } from '../../src/db/client.ts'
import { buildTestApp, createTestDatabase, testConfig } from '../helper.ts'

t.test('migrations create the tables the app starts with', async (t) => {
  const app = await buildTestApp(t)
  const result = await app.database.db.execute(
    sql`select column_name from information_schema.columns where table_name = 'audit_events' order by ordinal_position`
  )
  t.same(
    result.rows.map((row) => row.column_name),
    ['id', 'organisation_id', 'at', 'actor', 'action', 'entity_type', 'entity_id', 'snapshot', 'request_id', 'seq', 'reason']
  )
  await t.rejects(
    app.database.db.execute(sql`insert into audit_events (actor, action, entity_type, entity_id) values ('x', 'rename', 'activity', gen_random_uuid())`),
    'the action is constrained to create, update and delete'
  )
})

t.test(
  'instances starting together migrate once, under the advisory lock',
  { skip: !process.env.DATABASE_URL && 'the advisory lock matters on PostgreSQL only' },
  async (t) => {
    const url = (await createTestDatabase(t)) as string
    const config = testConfig({ DATABASE_URL: url })
    const quiet = (await import('pino')).default({ level: 'silent' })
    const handles = await Promise.all([1, 2, 3].map(() => openDatabase(config, quiet)))
    t.teardown(() => Promise.all(handles.map((handle) => handle.close())))
    await Promise.all(handles.map((handle) => handle.migrate()))
    const expected = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')).entries.length
    t.ok(expected >= 4)
    const applied = await handles[0]!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    t.equal(applied.rows[0]?.n, expected, 'each migration is recorded once')
    await handles[1]!.migrate()
    const again = await handles[1]!.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`)
    t.equal(again.rows[0]?.n, expected, 'running them again changes nothing')
  }
)

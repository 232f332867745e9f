/**
 * Migrated databases made once and copied for each test file: initdb and the migrations run once per
 * machine and migration set, not once per app.
 *
 * - PGlite: a dump of a migrated data directory, kept in the temporary folder; an in-memory database
 *   loads it in about a third of the time an empty one takes to create.
 * - PostgreSQL: a migrated template database; `create database … template …` copies it.
 *
 * Both are named after a hash of the migrations and the PGlite version, so a changed migration makes
 * a new template and an old one is never used for it.
 */
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { drizzle } from 'drizzle-orm/pglite'
import { migrate } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import pino from 'pino'
import { loadConfig } from '../../src/config.ts'
import { migrationsFolder, openDatabase } from '../../src/db/client.ts'

function filesBelow(folder: string): string[] {
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort()
}

/** PGlite's package.json (not among its exports): its data directory format may change with its version. */
const pglitePackage = join(dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite'))), '..', 'package.json')

/** Short hash of what a migrated database depends on: the migration files and the PGlite version. */
const migrationsKey = (() => {
  const hash = createHash('sha256').update(readFileSync(pglitePackage))
  for (const file of filesBelow(migrationsFolder)) hash.update(file.slice(migrationsFolder.length)).update(readFileSync(file))
  return hash.digest('hex').slice(0, 12)
})()

const pgliteTemplateFile = join(tmpdir(), `ropa-test-pglite-${migrationsKey}.tar`)

/** A dump of a migrated PGlite data directory; made by the first test file that needs it, then read from disk. */
export async function pgliteTemplate(): Promise<Blob> {
  const file = pgliteTemplateFile
  try {
    return new Blob([readFileSync(file)])
  } catch {
    const client = await PGlite.create()
    try {
      await migrate(drizzle(client), { migrationsFolder })
      const dump = await client.dumpDataDir('none')
      // Written under a name of its own, then renamed: a file running at the same time reads a whole dump or none.
      const partial = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
      writeFileSync(partial, Buffer.from(await dump.arrayBuffer()))
      renameSync(partial, file)
      return dump
    } finally {
      await client.close()
    }
  }
}

/**
 * Gives an empty DATA_DIR a migrated embedded database (the dump unpacked, as PGlite keeps it on disk),
 * so a spawned server opens it as on any later start instead of creating and migrating one (seconds of CPU).
 */
export async function withMigratedDatabase(dataDir: string): Promise<void> {
  await pgliteTemplate()
  const pgliteDir = join(dataDir, 'pglite')
  mkdirSync(pgliteDir)
  execFileSync('tar', ['xf', pgliteTemplateFile, '-C', pgliteDir], { stdio: ['ignore', 'ignore', 'pipe'] })
}

/**
 * The name of a migrated template database on the server at `serverUrl`, made once under an advisory
 * lock (test files starting together wait for the first to finish).
 */
export async function postgresTemplate(serverUrl: string): Promise<string> {
  const name = `ropa_test_template_${migrationsKey}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`select pg_advisory_lock(hashtext('ropa-api:test-template'))`)
    const exists = await admin.query('select 1 from pg_database where datname = $1', [name])
    if (exists.rowCount === 0) {
      const building = `${name}_${randomBytes(4).toString('hex')}`
      await admin.query(`create database "${building}"`)
      const url = new URL(serverUrl)
      url.pathname = `/${building}`
      const database = await openDatabase(loadConfig({ DATABASE_URL: url.toString(), JWT_SECRET: 'x'.repeat(32) }), pino({ level: 'silent' }))
      try {
        await database.migrate()
      } finally {
        await database.close()
      }
      // Named only once migrated: a template under its final name is always complete.
      await admin.query(`alter database "${building}" rename to "${name}"`)
    }
  } finally {
    await admin.end()
  }
  return name
}

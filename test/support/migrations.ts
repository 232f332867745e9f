import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import type { Database } from '../../src/db/client.ts'
import { migrationsFolder } from '../../src/db/client.ts'

/**
 * Runs a migration's data statements again, on rows a test has put back in their old shape: the
 * columns and indexes it adds already exist, so its `ALTER` and `CREATE` statements are skipped.
 */
export async function rerunDataMigration(db: Database, file: string) {
  const statements = readFileSync(join(migrationsFolder, file), 'utf8')
    .split('--> statement-breakpoint')
    .map((statement) => statement.trim())
    .filter((statement) => statement !== '' && !/^(ALTER|CREATE) /.test(statement.replace(/^--.*$/gm, '').trim()))
  for (const statement of statements) await db.execute(sql.raw(statement))
}

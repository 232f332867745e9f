import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { buildApp, type App } from '../src/app.ts'
import { type Config, loadConfig } from '../src/config.ts'

interface Teardown {
  teardown(fn: () => unknown): void
}

/** The configuration a test runs with: production's, but quiet and on a database of its own. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', ...overrides })
}

/**
 * With DATABASE_URL set, makes a fresh PostgreSQL database for one test file (CI's server keeps
 * whatever earlier runs left) and drops it at teardown; returns its URL. Without it, returns undefined.
 */
export async function createTestDatabase(t: Teardown): Promise<string | undefined> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) return undefined
  const name = `ropa_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"`)
  } finally {
    await admin.end()
  }
  t.teardown(async () => {
    const dropper = new pg.Client({ connectionString: serverUrl })
    await dropper.connect()
    try {
      await dropper.query(`drop database if exists "${name}" with (force)`)
    } finally {
      await dropper.end()
    }
  })
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return url.toString()
}

export interface TestAppOptions {
  /** Environment overrides, as strings, exactly as the process would receive them. */
  env?: Record<string, string>
  /** Adds test-only routes or hooks before the app starts. */
  extend?: (app: App) => void
}

/** Builds the app exactly as production does, on PGlite in memory or on a fresh PostgreSQL database. */
export async function buildTestApp(t: Teardown, { env = {}, extend }: TestAppOptions = {}): Promise<App> {
  const databaseUrl = await createTestDatabase(t)
  const app = buildApp(testConfig({ ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env }))
  extend?.(app)
  // tap runs teardowns last-in first-out: the app closes before its database is dropped.
  t.teardown(() => app.close())
  await app.ready()
  return app
}

export const expectedDatabaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'

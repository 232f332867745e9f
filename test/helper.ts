import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { type App, buildApp } from '../src/app.ts'
import { allScopes, type Scope } from '../src/auth/scopes.ts'
import { mintToken } from '../src/auth/tokens.ts'
import { type Config, loadConfig } from '../src/config.ts'
import { type DatabaseHandle, startInMemoryDatabasesFrom } from '../src/db/client.ts'
import { type Bundle, loadBundle } from '../src/example/bundle.ts'
import { pgliteTemplate, postgresTemplate } from './support/database-templates.ts'

/** The HS256 secret every test app verifies with, unless a test configures another key. */
export const TEST_SECRET = 'test-secret-that-is-at-least-32-bytes-long'

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * Tests fire thousands of requests from one address and token, on shared machines where the event
 * loop stalls for reasons of its own: the limits stay on (their code runs) but out of reach, and load
 * shedding is off. The tests of those features set their own values.
 */
const testProtection = {
  RATE_LIMIT_PER_TOKEN_PER_MINUTE: '10000000',
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000',
  RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE: '10000000',
  MAX_EVENT_LOOP_DELAY_MS: '0'
}

/**
 * The webhook worker's background loop is off (its queries would count in the statement counts tests
 * compare); webhook tests run delivery passes themselves (`app.webhooks.deliverDue()`) or turn it on.
 */
const testWorker = { WEBHOOK_WORKER: 'false' }

/** The configuration a test runs with: production's, but quiet and on a database of its own. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATA_DIR: 'memory://', JWT_SECRET: TEST_SECRET, ...testProtection, ...testWorker, ...overrides })
}

/**
 * With DATABASE_URL set, makes a fresh PostgreSQL database for one test file (CI's server keeps
 * whatever earlier runs left) and drops it at teardown; returns its URL. Without it, returns undefined.
 * The database is empty, or with `migrated` a copy of a migrated template (faster than migrating).
 */
export async function createTestDatabase(t: Teardown, { migrated = false } = {}): Promise<string | undefined> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) return undefined
  const name = `ropa_test_${process.pid}_${randomBytes(4).toString('hex')}`
  const template = migrated ? ` template "${await postgresTemplate(serverUrl)}"` : ''
  const admin = new pg.Client({ connectionString: serverUrl })
  await admin.connect()
  try {
    await admin.query(`create database "${name}"${template}`)
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

let inMemoryTemplate: Promise<void> | undefined
/** In-memory PGlite databases of this process start migrated, from a dump made once. */
const useInMemoryTemplate = () => (inMemoryTemplate ??= pgliteTemplate().then(startInMemoryDatabasesFrom))

export interface TestAppOptions {
  /** Environment overrides, as strings, exactly as the process would receive them. */
  env?: Record<string, string>
  /** Adds test-only routes or hooks before the app starts. */
  extend?: (app: App) => void
  /** The database of another app, for an app that differs only in configuration (left open when it closes). */
  database?: DatabaseHandle
}

/** Builds the app exactly as production does, on PGlite in memory or on a fresh PostgreSQL database. */
export async function buildTestApp(t: Teardown, { env = {}, extend, database }: TestAppOptions = {}): Promise<App> {
  const databaseUrl = database ? undefined : await createTestDatabase(t, { migrated: true })
  if (!database && !databaseUrl) await useInMemoryTemplate()
  const app = buildApp(testConfig({ ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}), ...env }), { database })
  extend?.(app)
  // tap runs teardowns last-in first-out: the app closes before its database is dropped, and
  // sockets a test left mid-download are cut first, so closing does not wait for them.
  t.teardown(() => app.close())
  t.teardown(() => app.server.closeAllConnections())
  await app.ready()
  return app
}

export const expectedDatabaseKind = process.env.DATABASE_URL ? 'postgres' : 'pglite'

export interface TokenOptions {
  sub?: string
  scopes?: readonly Scope[]
  orgs?: readonly string[]
  expiresIn?: string
}

/** A valid token for the test secret: every scope and no organisation unless told otherwise. */
export function token({ sub = 'tester', scopes = allScopes, orgs = [], expiresIn = '10m' }: TokenOptions = {}): Promise<string> {
  return mintToken(new TextEncoder().encode(TEST_SECRET), { sub, scopes, orgs, expiresIn })
}

export const bearer = async (options: TokenOptions = {}) => ({ authorization: `Bearer ${await token(options)}` })

/** Creates an organisation through the API with a platform token and returns its JSON. */
export async function createOrganisationViaApi(app: App, body: Record<string, unknown> = {}, sub = 'platform-admin') {
  const res = await app.inject({
    method: 'POST',
    url: '/v1/organisations',
    headers: await bearer({ sub, scopes: ['ropa:platform'] }),
    payload: { name: `Org ${randomBytes(3).toString('hex')}`, country: 'NO', ...body }
  })
  if (res.statusCode !== 201) throw new Error(`creating an organisation failed: ${res.statusCode} ${res.body}`)
  return res.json() as { id: string; name: string; version: number } & Record<string, unknown>
}

/** Loads a bundle (an organisation and its record) through the API, as a platform token. */
export async function loadBundleViaApi(app: App, bundle: Bundle) {
  const headers = await bearer({ sub: 'loader' })
  return loadBundle(async (method, url, payload) => {
    const res = await app.inject({ method, url, headers, payload })
    return { status: res.statusCode, body: res.json() }
  }, bundle)
}

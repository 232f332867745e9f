import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { buildTestApp, createTestDatabase, expectedDatabaseKind, testConfig } from '../helper.ts'

const run = promisify(execFile)

/** Modules a process must not hold before a request needs them: they are megabytes of heap. */
const heavy = {
  pdfkit: /\/node_modules\/pdfkit\//,
  fontkit: /\/node_modules\/fontkit\//,
  exceljs: /\/node_modules\/exceljs\//,
  ioredis: /\/node_modules\/ioredis\//
}
const drivers = { postgres: /\/node_modules\/pg\//, pglite: /\/node_modules\/@electric-sql\/pglite\// }

interface Report {
  atRest: string[]
  pdfStatus: number
  pdfType: string
  afterPdf: string[]
}

/** Builds the app in a process of its own (a test process has loaded everything already) and reads what it printed. */
async function restingApp(env: Record<string, string>): Promise<Report> {
  const { stdout } = await run(process.execPath, ['--import', './test/support/loader/register.mjs', 'test/memory/fixtures/resting-app.ts'], {
    env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env },
    maxBuffer: 64 * 1024 * 1024
  })
  return Object.assign(
    {},
    ...stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Partial<Report>)
  ) as Report
}

const holds = (modules: string[], pattern: RegExp) => modules.some((path) => pattern.test(path))

t.test(
  'at rest the app holds one database driver, no Redis client (none is configured) and none of the export libraries; the first PDF loads pdfkit',
  async (t) => {
    const databaseUrl = await createTestDatabase(t, { migrated: true })
    const report = await restingApp(databaseUrl ? { DATABASE_URL: databaseUrl } : { DATA_DIR: 'memory://' })
    const other = expectedDatabaseKind === 'postgres' ? 'pglite' : 'postgres'

    t.ok(holds(report.atRest, drivers[expectedDatabaseKind]), `the ${expectedDatabaseKind} driver is loaded`)
    t.notOk(holds(report.atRest, drivers[other]), `the ${other} driver is not`)
    for (const [name, pattern] of Object.entries(heavy)) t.notOk(holds(report.atRest, pattern), `${name} is not loaded at rest`)

    t.equal(report.pdfStatus, 200)
    t.equal(report.pdfType, 'application/pdf')
    t.ok(holds(report.afterPdf, heavy.pdfkit), 'pdfkit is loaded once a PDF was asked for')
    t.ok(holds(report.afterPdf, heavy.fontkit), 'and fontkit with it')
    t.notOk(holds(report.afterPdf, heavy.exceljs), 'exceljs still is not')
  }
)

t.test('every route schema compiles: with compileSchemasAtStart they are all compiled before the app is ready', async (t) => {
  const { database } = await buildTestApp(t)
  const app = buildApp(testConfig(), { database, compileSchemasAtStart: true })
  t.teardown(() => app.close())
  await app.ready()
  const res = await app.inject({ method: 'GET', url: '/health/ready' })
  t.equal(res.statusCode, 200)
})

import { spawn } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { createTestDatabase, TEST_SECRET } from './helper.ts'
import { withMigratedDatabase } from './support/database-templates.ts'

// `npm start` as a user, a terminal or a service manager runs it: the signal goes to npm (or to its
// process group), and must reach the server itself. Each test starts a real npm and server: on a
// busy shared machine that alone can take a minute, hence the file's longer budget.
t.setTimeout(600_000)
/** Whether a process still runs: an exited one is gone from /proc, or a zombie (state Z) its parent has not reaped yet. */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '')[0] !== 'Z'
  } catch {
    return false
  }
}

/** Every process below `pid`, found through /proc (the children of each, recursively). */
function descendants(pid: number): number[] {
  const children = readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        return (
          Number(
            readFileSync(`/proc/${entry}/stat`, 'utf8')
              .replace(/^.*\) /, '')
              .split(' ')[1]
          ) === pid
        )
      } catch {
        return false
      }
    })
    .map(Number)
  return children.flatMap((child) => [child, ...descendants(child)])
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000) {
  for (const started = Date.now(); !(await condition()); await sleep(50)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`)
  }
}

const answers = (url: string) =>
  fetch(url, { signal: AbortSignal.timeout(2_000) }).then(
    (res) => res.ok,
    () => false
  )

/**
 * Runs `npm start` as a user or a service manager would, in a process group of its own (as a
 * terminal gives it), with a configured key so no example is loaded.
 */
async function npmStart(t: { teardown(fn: () => unknown): void }) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-npm-start-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const databaseUrl = await createTestDatabase(t)
  if (!databaseUrl) await withMigratedDatabase(dataDir)
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    JWT_SECRET: TEST_SECRET,
    MAX_EVENT_LOOP_DELAY_MS: '0',
    _TAPJS_PROCESSINFO_COVERAGE_: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
  }
  const npm = spawn('npm', ['start'], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  npm.stdout.on('data', (chunk) => (output += chunk))
  npm.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => npm.on('exit', (code, signal) => resolve({ code, signal })))
  // Whatever is left of the group (an orphaned server, before the fix) is killed at the end.
  t.teardown(() => {
    try {
      process.kill(-npm.pid!, 'SIGKILL')
    } catch {
      // the group is gone
    }
  })
  await eventually(() => /Server listening at http:\/\/127\.0\.0\.1:\d+/.test(output) || npm.exitCode !== null, 'npm start listens', 180_000).catch(() => {})
  const address = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1]
  if (!address) throw new Error(`npm start did not listen: ${output}`)
  await eventually(() => answers(`${address}/health/live`), '/health/live answers')
  const below = descendants(npm.pid!)
  return { npm, address, exited, below, output: () => output }
}

t.test('npm start stops gracefully on SIGTERM to the npm process, leaving no process behind', async (t) => {
  const server = await npmStart(t)
  t.ok(server.below.length > 0, `npm runs the server below it (${server.below.join(', ')})`)
  process.kill(server.npm.pid!, 'SIGTERM')
  const exit = await Promise.race([server.exited, sleep(20_000).then(() => 'still running after 20 s')])
  t.not(exit, 'still running after 20 s', 'npm exits')
  await eventually(() => !server.below.some(running), 'no process below npm runs').catch(() => {})
  t.same(server.below.filter(running), [], 'no server process is left running')
  t.notOk(await answers(`${server.address}/health/live`), 'the port no longer answers')
  t.match(server.output(), /"signal":"SIGTERM".*closing/, 'the server itself received SIGTERM and closed gracefully')
  t.notMatch(server.output(), /second SIGTERM/)
})

t.test('npm start stops gracefully on Ctrl-C (SIGINT to its process group)', async (t) => {
  const server = await npmStart(t)
  process.kill(-server.npm.pid!, 'SIGINT')
  const exit = await Promise.race([server.exited, sleep(20_000).then(() => 'still running after 20 s')])
  t.not(exit, 'still running after 20 s', 'npm exits')
  await eventually(() => !server.below.some(running), 'no process below npm runs').catch(() => {})
  t.same(server.below.filter(running), [], 'no server process is left running')
  t.notOk(await answers(`${server.address}/health/live`), 'the port no longer answers')
  t.match(server.output(), /"signal":"SIGINT".*closing/, 'the server closed gracefully')
  t.notMatch(server.output(), /second SIGINT/, 'the SIGINT npm forwards after the terminal sent it is not taken for a second Ctrl-C')
  t.same(exit, { code: 0, signal: null }, 'npm reports a clean exit')
})

/**
 * The processes a benchmark starts: the API as production runs it (`node dist/server.js`) and scripts
 * such as the ceiling through tsx, each on a port of its own, optionally under extra Node flags
 * (`--cpu-prof`). Shared by `npm run bench`, `npm run bench:replicas` and bench/profile.ts.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { createServer as createNetServer } from 'node:net'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pg from 'pg'
import { allScopes } from '../src/auth/scopes.ts'
import { mintToken } from '../src/auth/tokens.ts'
import { serverArgs } from '../test/support/production.ts'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const run = promisify(execFile)
const SECRET = 'bench-secret-that-is-at-least-32-bytes-long'
// When the bench itself runs under tap (the smoke test), the children's coverage would not merge with the in-process one.
const CHILD_ENV = { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0' }

/** A token with every scope for `orgs` (none: a platform token), valid for the run. */
export const benchToken = (orgs: string[] = []) => mintToken(new TextEncoder().encode(SECRET), { sub: 'bench', scopes: allScopes, orgs, expiresIn: '2h' })

export interface Server {
  url: string
  process: ChildProcess
  stop(): Promise<void>
}

/** Ends a server process: SIGTERM (a graceful close), SIGKILL if it has not exited 15 s later. */
function stop(child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
    setTimeout(() => child.kill('SIGKILL'), 15_000).unref()
  })
}

/** A script run through tsx (the ceiling), resolved once it prints its port (`pattern`'s first group). */
export async function startScript(script: string, env: Record<string, string>, pattern: RegExp, nodeArgs: string[] = []): Promise<Server> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script], {
    cwd: root,
    env: { ...CHILD_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk
      const match = pattern.exec(output)
      if (match?.[1]) resolve(`http://127.0.0.1:${match[1]}`)
    })
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk))
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}: ${output.slice(-2000)}`)))
  })
  return { url, process: child, stop: () => stop(child) }
}

async function freePort(): Promise<number> {
  const server = createNetServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

/**
 * Resolves once the server answers /health/ready. A busy machine may need a minute to start it
 * (PGlite initialises): the wait ends when it is ready, has exited, or after 5 minutes.
 */
async function untilReady(child: ChildProcess, url: string, timeoutMs = 300_000): Promise<void> {
  for (const started = Date.now(); ; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the API exited with ${child.exitCode ?? child.signalCode} before it was ready`)
    const ready = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(5_000) }).then(
      (response) => response.ok,
      () => false
    )
    if (ready) return
    if (Date.now() - started > timeoutMs) throw new Error(`the API at ${url} was not ready within ${timeoutMs / 1000} s`)
  }
}

/**
 * The API as `npm start` runs it (built first, then `node dist/server.js` with the start script's flags), logging warnings and errors
 * to this process's stderr, with rate limits on but out of reach (one client makes all the load) and
 * load shedding off (a busy machine must not make it answer 503 for reasons of its own); `env` adds
 * the database and overrides. The webhook worker is off (no webhooks are registered). Resolves once it is ready.
 */
export async function startApi(env: Record<string, string>, nodeArgs: string[] = []): Promise<Server> {
  const port = await freePort()
  await run(process.execPath, ['scripts/build.mjs'], { cwd: root, env: CHILD_ENV })
  const child = spawn(process.execPath, [...nodeArgs, ...serverArgs], {
    cwd: root,
    env: {
      ...CHILD_ENV,
      JWT_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      PORT: String(port),
      STATEMENT_COUNT_HEADER: 'true',
      EXPORTS_PER_ORGANISATION: '10',
      EXPORTS_IN_TOTAL: '10',
      RATE_LIMIT_PER_TOKEN_PER_MINUTE: '10000000',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '10000000',
      MAX_EVENT_LOOP_DELAY_MS: '0',
      // The webhook worker's pass every 2 s would add its statements to a slow request's x-sql-statements.
      WEBHOOK_WORKER: 'false',
      ...env
    },
    // The log (stdout) goes to stderr, so a warning or an error during a run is seen next to its figures.
    stdio: ['ignore', 2, 'inherit']
  })
  const url = `http://127.0.0.1:${port}`
  await untilReady(child, url)
  return { url, process: child, stop: () => stop(child) }
}

/** A database of the run's own on the server at `adminUrl` (`<prefix>_<pid>`); `drop` removes it. */
export async function createBenchDatabase(adminUrl: string, prefix: string): Promise<{ databaseUrl: string; drop(): Promise<void> }> {
  const name = `${prefix}_${process.pid}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database "${name}"`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    databaseUrl: url.toString(),
    drop: async () => {
      await admin.query(`drop database if exists "${name}" with (force)`)
      await admin.end()
    }
  }
}

import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import t from 'tap'
import { buildTestApp, createTestDatabase } from './helper.ts'

// The server runs through tsx as `npm start` does; its coverage would not merge with the
// in-process coverage of the same files, so the child opts out of tap's collection.
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env })

t.test('closing lets in-flight requests finish and refuses new ones', async (t) => {
  const app = await buildTestApp(t, {
    extend: (app) =>
      app.get('/test/slow', { schema: { hide: true } }, async () => {
        await sleep(400)
        return { done: true }
      })
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const inFlight = fetch(`${base}/test/slow`)
  await sleep(100)
  const closing = app.close()
  const late = await fetch(`${base}/health/live`).then((res) => res.status, (error: Error) => error.name)
  const finished = await inFlight
  t.equal(finished.status, 200, 'the request already running completes')
  t.same(await finished.json(), { done: true })
  t.ok(late === 503 || late === 'TypeError', `a request arriving while closing is refused (${late})`)
  await closing
})

t.test('npm start: the server starts with no configuration, then SIGTERM closes it cleanly', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-server-'))
  const databaseUrl = await createTestDatabase(t)
  const env = childEnv({ PORT: '0', DATA_DIR: dataDir, LOG_LEVEL: 'info' })
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { env: databaseUrl ? { ...env, DATABASE_URL: databaseUrl } : env, stdio: ['ignore', 'pipe', 'pipe'] })
  t.teardown(() => void child.kill('SIGKILL'))
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  const ready = await fetch(`${address}/health/ready`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok', database: databaseUrl ? 'postgres' : 'pglite' })
  const countries = await fetch(`${address}/v1/reference/countries/DE`)
  t.match(await countries.json(), { code: 'DE', eu: true, eea: true })
  for (let i = 0; i < 100 && !output.includes('Docs:'); i++) await sleep(100)
  const token = /Token \(all scopes, valid 30d\):\s+(\S+)/.exec(output)?.[1]
  t.ok(token, 'the first run prints a token')
  t.match(output, `curl -H "Authorization: Bearer ${token}" ${address}/v1/organisations`)
  const organisations = await fetch(`${address}/v1/organisations`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(organisations.status, 200, 'the printed token works at once')
  t.match(await organisations.json(), { items: [{ name: 'Example Consulting AS' }] })
  if (!databaseUrl) t.ok(existsSync(join(dataDir, 'ropa.lock')), 'the embedded database folder is locked while running')

  const exitCode = await new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })
  t.equal(exitCode, 0, 'exits 0 after SIGTERM')
  t.match(output, /"signal":"SIGTERM".*closing/)
  t.notOk(existsSync(join(dataDir, 'ropa.lock')), 'the lock is released')
})

t.test('production without a token key refuses to start and names the variable to set', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: childEnv({ NODE_ENV: 'production', PORT: '0', DATA_DIR: 'memory://' }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr, /JWT_SECRET: NODE_ENV=production needs a token key/)
})

t.test('a bad configuration stops the process with a message naming the variable', async (t) => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: childEnv({ PORT: 'eighty', DATA_DIR: 'memory://' }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr, /PORT: must be integer \(got "eighty"\)/)
})

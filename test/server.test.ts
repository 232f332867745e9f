import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import pg from 'pg'
import t from 'tap'
import { buildTestApp, createTestDatabase, TEST_SECRET, token } from './helper.ts'
import { withMigratedDatabase } from './support/database-templates.ts'
import { buildDist, serverArgs, startApiProcess } from './support/production.ts'

// The server runs as production runs it, `node dist/server.js`; coverage of the compiled files would
// not merge with the in-process coverage of the sources, so the child opts out of tap's collection.
await buildDist()
const childEnv = (env: Record<string, string>) => ({ PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env })

t.test('closing lets in-flight requests finish and refuses new ones', async (t) => {
  // The handler holds its request open until the test has seen a late request refused.
  let started!: () => void
  let release!: () => void
  const handlerStarted = new Promise<void>((resolve) => (started = resolve))
  const released = new Promise<void>((resolve) => (release = resolve))
  const app = await buildTestApp(t, {
    extend: (app) =>
      app.get('/test/slow', { schema: { hide: true } }, async () => {
        started()
        await released
        return { done: true }
      })
  })
  await app.listen({ port: 0, host: '127.0.0.1' })
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const inFlight = fetch(`${base}/test/slow`)
  await handlerStarted
  const closing = app.close()
  const late = await fetch(`${base}/health/live`).then(
    (res) => res.status,
    (error: Error) => error.name
  )
  release()
  const finished = await inFlight
  t.equal(finished.status, 200, 'the request already running completes')
  t.same(await finished.json(), { done: true })
  t.ok(late === 503 || late === 'TypeError', `a request arriving while closing is refused (${late})`)
  await closing
})

t.test('npm start: the server starts with no configuration, then SIGTERM closes it cleanly', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-server-'))
  const databaseUrl = await createTestDatabase(t)
  const server = await startApiProcess(t, { DATA_DIR: dataDir, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) })
  const { address, output } = server
  const ready = await fetch(`${address}/health/ready`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok', database: databaseUrl ? 'postgres' : 'pglite' })
  const countries = await fetch(`${address}/v1/reference/countries/DE`)
  t.match(await countries.json(), { code: 'DE', eu: true, eea: true })
  for (let i = 0; i < 100 && !output().includes('Docs:'); i++) await sleep(100)
  const token = /Token \(all scopes, valid 30d\):\s+(\S+)/.exec(output())?.[1]
  t.ok(token, 'the first run prints a token')
  t.match(output(), `curl -H "Authorization: Bearer ${token}" ${address}/v1/organisations`)
  const organisations = await fetch(`${address}/v1/organisations`, { headers: { authorization: `Bearer ${token}` } })
  t.equal(organisations.status, 200, 'the printed token works at once')
  t.match(await organisations.json(), { items: [{ name: 'Example Consulting AS' }] })
  if (!databaseUrl) t.ok(existsSync(join(dataDir, 'ropa.lock')), 'the embedded database folder is locked while running')

  server.child.kill('SIGTERM')
  t.equal(await server.exited, 0, 'exits 0 after SIGTERM')
  t.match(output(), /"signal":"SIGTERM".*closing/)
  t.notOk(existsSync(join(dataDir, 'ropa.lock')), 'the lock is released')
})

t.test('production without a token key refuses to start and names the variable to set', async (t) => {
  const child = spawn(process.execPath, serverArgs, {
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
  const child = spawn(process.execPath, serverArgs, {
    env: childEnv({ PORT: 'eighty', DATA_DIR: 'memory://' }),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  t.equal(code, 1)
  t.match(stderr, /PORT: must be integer \(got "eighty"\)/)
})

interface Answer {
  /** The HTTP status, or the socket error's code when no answer came. */
  outcome: number | string
  body: Record<string, unknown>
}

/**
 * One request on a connection of its own (no keep-alive reuse, so none is lost to an idle socket
 * being closed). The body is sent in two parts: the second when `finish` is called.
 */
function open(address: string, method: string, path: string, headers: Record<string, string>, payload?: unknown) {
  const body = payload === undefined ? '' : JSON.stringify(payload)
  let req: ReturnType<typeof httpRequest> | undefined
  const answer = new Promise<Answer>((resolve) => {
    req = httpRequest(
      `${address}${path}`,
      {
        method,
        agent: false,
        timeout: 20_000,
        headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } : {}) }
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (text += chunk))
        res.on('end', () => resolve({ outcome: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }))
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message, body: {} }))
      }
    )
    req.on('timeout', () => req?.destroy(Object.assign(new Error('no answer within 20 s'), { code: 'TIMEOUT' })))
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ outcome: error.code ?? error.message, body: {} }))
  })
  const half = Math.floor(body.length / 2)
  if (body) req!.write(body.slice(0, half))
  else req!.flushHeaders()
  return { answer, finish: () => void req!.end(body.slice(half)) }
}

const send = (address: string, method: string, path: string, headers: Record<string, string>, payload?: unknown) => {
  const request = open(address, method, path, headers, payload)
  request.finish()
  return request.answer
}

interface LogEntry {
  msg?: string
  requestId?: string
  req?: { method: string; url: string }
  res?: { statusCode: number }
}

const logEntries = (output: string): LogEntry[] =>
  output.split('\n').flatMap((line) => {
    try {
      return [JSON.parse(line) as LogEntry]
    } catch {
      return []
    }
  })

async function until(condition: () => boolean, what: string, timeoutMs = 15_000) {
  for (const started = Date.now(); !condition(); await sleep(20)) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting until ${what}`)
  }
}

t.test('SIGTERM under load: requests in flight finish with 201, the process exits 0, and every 201 is stored', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-sigterm-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const databaseUrl = await createTestDatabase(t)
  if (!databaseUrl) await withMigratedDatabase(dataDir)
  // Load shedding off: on a busy machine a slow event loop would answer 503 for reasons of its own.
  const env = {
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    JWT_SECRET: TEST_SECRET,
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
  }
  const server = await startApiProcess(t, env)

  const platform = { authorization: `Bearer ${await token({ scopes: ['ropa:platform'] })}` }
  const organisation = await send(server.address, 'POST', '/v1/organisations', platform, { name: 'Shutdown AS', country: 'NO' })
  t.equal(organisation.outcome, 201)
  const orgId = organisation.body.id as string
  const writer = { authorization: `Bearer ${await token({ sub: 'writer', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })}` }
  const path = `/v1/organisations/${orgId}/data-categories`

  // Each create names itself in x-request-id, so the server's log can be matched to what the client got.
  const sent = new Map<string, Answer & { at: number }>()
  const create = (name: string) => {
    const request = open(server.address, 'POST', path, { ...writer, 'x-request-id': name }, { name })
    return { ...request, answer: request.answer.then((answer) => void sent.set(name, { ...answer, at: Date.now() })) }
  }

  // Three creates whose body is only half sent: the server has begun them, and they cannot finish yet.
  const held = ['held-0', 'held-1', 'held-2'].map(create)
  await until(() => held.every((_, i) => server.output().includes(`"requestId":"held-${i}"`)), 'the server has begun the held creates')
  // A burst of 20; SIGTERM as soon as the first is answered, while the others are in flight.
  const burst = Array.from({ length: 20 }, (_, i) => create(`burst-${i}`))
  for (const request of burst) request.finish()
  await Promise.race(burst.map((request) => request.answer))
  server.child.kill('SIGTERM')
  const sigtermAt = Date.now()
  await until(() => /"signal":"SIGTERM".*closing/.test(server.output()), 'the server logs that it is closing')
  // Closing has begun: the held creates send the rest of their body, and a few new ones arrive.
  for (const request of held) request.finish()
  const late = Array.from({ length: 5 }, (_, i) => create(`late-${i}`))
  for (const request of late) request.finish()
  await Promise.all([...held, ...burst, ...late].map((request) => request.answer))

  const timeout = new Promise<{ code: number | string | null; at: number }>((resolve) =>
    setTimeout(() => resolve({ code: 'still running after 15 s', at: Date.now() }), 15_000).unref()
  )
  const exit = await Promise.race([server.exited.then((code) => ({ code, at: Date.now() })), timeout])
  t.equal(exit.code, 0, 'the process exits 0 after SIGTERM')
  t.ok(exit.at - sigtermAt < 10_000, `within the 10 s grace (${exit.at - sigtermAt} ms)`)
  t.notMatch(server.output(), /"level":50/, 'nothing was logged as an error')

  const group = (prefix: string) => [...sent].filter(([name]) => name.startsWith(prefix))
  const tally = (prefix: string) =>
    JSON.stringify(group(prefix).reduce<Record<string, number>>((counts, [, s]) => ({ ...counts, [s.outcome]: (counts[s.outcome] ?? 0) + 1 }), {}))
  t.comment(`held: ${tally('held')}, burst: ${tally('burst')}, late: ${tally('late')}`)
  t.same(
    group('held').map(([, s]) => s.outcome),
    [201, 201, 201],
    'the creates begun before SIGTERM and finished after it are answered 201'
  )
  t.ok(group('held').every(([, s]) => s.at > sigtermAt))

  const answered = [...sent].filter(([, s]) => typeof s.outcome === 'number')
  t.same(
    answered.filter(([, s]) => s.outcome !== 201 && s.outcome !== 503).map(([name, s]) => `${name}: ${s.outcome}`),
    [],
    'every answer is 201, or 503 for a request arriving while closing'
  )
  const closingAnswer = (body: Record<string, unknown>) => body.code === 'ROPA_SERVICE_UNAVAILABLE'
  t.same(
    answered.filter(([, s]) => s.outcome === 503 && !closingAnswer(s.body)).map(([name, s]) => `${name}: ${JSON.stringify(s.body)}`),
    [],
    "a 503 is the closing server's, never a database torn down under a request"
  )
  t.same(
    answered.filter(([, s]) => s.outcome === 503 && s.body.code !== 'ROPA_SERVICE_UNAVAILABLE').map(([name, s]) => `${name}: ${JSON.stringify(s.body)}`),
    [],
    'a 503 while closing is problem+json like every other error'
  )
  // No answer is acceptable only for a connection the closing server had not read from yet.
  const unanswered = [...sent].filter(([, s]) => typeof s.outcome === 'string')
  t.same(
    unanswered.filter(([, s]) => !['ECONNREFUSED', 'ECONNRESET'].includes(s.outcome as string)).map(([name, s]) => `${name}: ${s.outcome}`),
    [],
    'a request without an answer was refused or reset, never left hanging'
  )

  // The server's own log says which creates it had begun when closing began: each must complete with 201.
  const log = logEntries(server.output())
  const closingAt = log.findIndex((entry) => entry.msg?.startsWith('closing'))
  const begun = log
    .slice(0, closingAt)
    .filter((entry) => entry.msg === 'incoming request' && entry.req?.method === 'POST' && entry.req.url === path)
    .map((entry) => entry.requestId)
  const completed = new Map(log.filter((entry) => entry.msg === 'request completed').map((entry) => [entry.requestId, entry.res?.statusCode]))
  const runningAtClose = begun.filter((id) => log.findIndex((entry) => entry.msg === 'request completed' && entry.requestId === id) > closingAt)
  t.comment(`the server had begun ${begun.length} creates when closing began, ${runningAtClose.length} of them still running`)
  t.ok(runningAtClose.length >= 3, 'creates were running when closing began')
  t.same(
    begun.map((id) => `${id}: ${completed.get(id)}`),
    begun.map((id) => `${id}: 201`),
    'every create begun before closing completed with 201'
  )
  t.same(
    unanswered.filter(([name]) => begun.includes(name)).map(([name]) => name),
    [],
    'no create the server had begun lost its answer'
  )

  // What was answered 201 must be there: on PostgreSQL read it directly, on PGlite restart on the same folder.
  let rows: { id: string; name: string }[]
  if (databaseUrl) {
    const client = new pg.Client({ connectionString: databaseUrl })
    await client.connect()
    try {
      rows = (await client.query<{ id: string; name: string }>('select id, name from data_categories where organisation_id = $1', [orgId])).rows
    } finally {
      await client.end()
    }
  } else {
    t.notOk(existsSync(join(dataDir, 'ropa.lock')), 'the lock is released')
    const restarted = await startApiProcess(t, env)
    const list = await send(restarted.address, 'GET', `${path}?limit=200`, writer)
    t.equal(list.outcome, 200, 'a new server opens the same folder')
    rows = list.body.items as { id: string; name: string }[]
    restarted.child.kill('SIGTERM')
    t.equal(await restarted.exited, 0)
  }
  const created = answered.filter(([, s]) => s.outcome === 201)
  const stored = new Map(rows.map((row) => [row.id, row.name]))
  t.same(
    created.filter(([name, s]) => stored.get(s.body.id as string) !== name).map(([name]) => name),
    [],
    `every create answered 201 (${created.length}) is stored`
  )
  // A request the server took on is answered before its connection closes; one it never read stores nothing.
  const createdIds = new Set(created.map(([, s]) => s.body.id))
  t.same(
    rows.filter((row) => !createdIds.has(row.id)).map((row) => row.name),
    [],
    'nothing is stored that was not answered 201'
  )
})

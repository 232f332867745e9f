import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { benchToken, createBenchDatabase, root, run, type Server, startApi, startScript } from './processes.ts'
import { seedPostgres } from './seed.ts'

const CLOCK_TICKS_PER_SECOND = 100

interface Profiled extends Server {
  profileDir: string
}

const profiled = async (start: (nodeArgs: string[]) => Promise<Server>): Promise<Profiled> => {
  const profileDir = mkdtempSync(join(tmpdir(), 'ropa-profile-'))
  return { ...(await start(['--cpu-prof', '--cpu-prof-dir', profileDir])), profileDir }
}

/** Ends a server and returns its CPU profile (written as the process exits). */
async function stopProfiled(server: Profiled): Promise<Profile> {
  await server.stop()
  // CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile: thread 0 is the main one (the ceiling's tsx loader runs in another).
  const file = readdirSync(server.profileDir).find((name) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(name))
  if (!file) throw new Error(`no CPU profile in ${server.profileDir}`)
  return JSON.parse(readFileSync(join(server.profileDir, file), 'utf8')) as Profile
}

/** User plus system CPU time of a process so far, in microseconds. */
function cpuMicros(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
  return ((Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND) * 1e6
}

interface Request {
  url: string
  method?: string
  body?: string
  headers?: Record<string, string>
}

async function load(request: Request, amount: number, connections: number) {
  const args = [join(root, 'node_modules/autocannon/autocannon.js'), '--json', '-c', String(connections), '-a', String(amount)]
  for (const [name, value] of Object.entries(request.headers ?? {})) args.push('-H', `${name}=${value}`)
  if (request.method) args.push('-m', request.method)
  if (request.body) args.push('-b', request.body, '-H', 'content-type=application/json')
  args.push(request.url)
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 })
  const result = JSON.parse(stdout) as { requests: { average: number; total: number }; non2xx: number; errors: number }
  return { requests: result.requests.total, requestsPerSecond: result.requests.average, errors: result.non2xx + result.errors }
}

/** A fixed number of requests after a warm-up; the CPU both took, and the monotonic window (µs) they ran in. */
async function measure(server: Profiled, request: Request, amount: number, connections: number) {
  await load(request, Math.max(200, Math.floor(amount / 5)), connections)
  const cpuBefore = cpuMicros(server.process.pid!)
  const from = Number(process.hrtime.bigint() / 1000n)
  const result = await load(request, amount, connections)
  const to = Number(process.hrtime.bigint() / 1000n)
  const cpu = cpuMicros(server.process.pid!) - cpuBefore
  return { ...result, cpuMicrosPerRequest: cpu / result.requests, window: { from, to } }
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}
interface Profile {
  nodes: ProfileNode[]
  startTime: number
  samples: number[]
  timeDeltas: number[]
}

/** The bucket a frame's time belongs to: a package, one of our source files, a part of Node, or V8's own. */
function bucketOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame
  if (!url) {
    if (functionName.startsWith('(')) return functionName // (garbage collector), (program), (idle)
    return functionName.startsWith('JSON') || ['stringify', 'parse'].includes(functionName) ? 'JSON (native)' : `native ${functionName || '(anonymous)'}`
  }
  const packaged = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (packaged) return packaged[1]!
  const ours = /\/(src|dist|bench)\/(.+)$/.exec(url)
  if (ours) return `${ours[1]}/${ours[2]}`
  if (url.startsWith('node:')) {
    const internal = /^node:(?:internal\/)?([^/]+(?:\/[^/]+)?)/.exec(url)
    return `node:${internal?.[1] ?? url}`
  }
  return url
}

/** Self and inclusive time per bucket of the samples taken within the window. */
function summarise(profile: Profile, window: { from: number; to: number }) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const parent = new Map<number, number>()
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id)
  const self = new Map<string, number>()
  const inclusive = new Map<string, number>()
  let total = 0
  let time = profile.startTime
  for (let i = 0; i < profile.samples.length; i++) {
    time += profile.timeDeltas[i]!
    if (time < window.from || time > window.to) continue
    // A sample stands for the time until the next one.
    const weight = profile.timeDeltas[i + 1] ?? 0
    const leaf = byId.get(profile.samples[i]!)!
    if (leaf.callFrame.functionName === '(idle)') continue
    total += weight
    const leafBucket = bucketOf(leaf.callFrame)
    self.set(leafBucket, (self.get(leafBucket) ?? 0) + weight)
    const seen = new Set<string>()
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
      const bucket = bucketOf(byId.get(id)!.callFrame)
      if (seen.has(bucket)) continue
      seen.add(bucket)
      inclusive.set(bucket, (inclusive.get(bucket) ?? 0) + weight)
    }
  }
  const top = (map: Map<string, number>, count: number) =>
    [...map.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, count)
      .map(([bucket, micros]) => ({ bucket, share: micros / total }))
  return { busyMicros: total, selfMicros: self, self: top(self, 25), inclusive: top(inclusive, 30) }
}

async function apiJson(url: string, token: string, method: string, body: unknown) {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

const SCENARIOS = ['read', 'list', 'create'] as const
type ScenarioName = (typeof SCENARIOS)[number]

async function main() {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', default: SCENARIOS.join(',') },
      size: { type: 'string', default: '1000' },
      requests: { type: 'string', default: '5000' },
      connections: { type: 'string', default: '20' },
      top: { type: 'string', default: '15' }
    }
  })
  const chosen = values.scenario.split(',') as ScenarioName[]
  for (const name of chosen) if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; choose from ${SCENARIOS.join(', ')}`)
  const amount = Number(values.requests)
  const connections = Number(values.connections)
  const top = Number(values.top)

  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const { databaseUrl, drop } = await createBenchDatabase(adminUrl, 'ropa_profile')
  try {
    const api = await profiled((nodeArgs) => startApi({ DATABASE_URL: databaseUrl }, nodeArgs))
    const ceiling = await profiled((nodeArgs) => startScript('bench/ceiling.ts', { DATABASE_URL: databaseUrl }, /ceiling listening on (\d+)/, nodeArgs))
    let ceilingProfile: Profile | undefined
    const results: { name: ScenarioName; api: Awaited<ReturnType<typeof measure>>; ceiling: Awaited<ReturnType<typeof measure>> }[] = []
    try {
      const platform = await benchToken()
      const org = String((await apiJson(`${api.url}/v1/organisations`, platform, 'POST', { name: 'Profile', country: 'NO', email: 'bench@example.com' })).id)
      await seedPostgres(databaseUrl, org, Number(values.size))
      const token = await benchToken([org])
      const headers = { authorization: `Bearer ${token}` }
      const base = `${api.url}/v1/organisations/${org}`
      const page = (await (await fetch(`${base}/activities?limit=50`, { headers })).json()) as {
        items: { id: string; dataCategoryIds: string[]; dataSubjectCategoryIds: string[] }[]
      }
      const sample = page.items[0]!
      const createBody = JSON.stringify({
        name: 'Benchmark activity',
        purposes: [{ description: 'Deliver the service to customers', legalBasis: '6.1.b' }],
        dataCategoryIds: sample.dataCategoryIds.slice(0, 8),
        dataSubjectCategoryIds: sample.dataSubjectCategoryIds.slice(0, 2)
      })
      const requests: Record<ScenarioName, { api: Request; ceiling: Request }> = {
        read: { api: { url: `${base}/activities/${sample.id}`, headers }, ceiling: { url: `${ceiling.url}/activity?org=${org}&id=${sample.id}` } },
        list: { api: { url: `${base}/activities?limit=50`, headers }, ceiling: { url: `${ceiling.url}/list?org=${org}` } },
        create: {
          api: { url: `${base}/activities`, method: 'POST', body: createBody, headers },
          ceiling: { url: `${ceiling.url}/create?org=${org}`, method: 'POST', body: createBody }
        }
      }
      for (const scenario of chosen) {
        // Creates cost more each: fewer of them keep the run short.
        const n = scenario === 'create' ? Math.ceil(amount / 2.5) : amount
        results.push({
          name: scenario,
          api: await measure(api, requests[scenario].api, n, connections),
          ceiling: await measure(ceiling, requests[scenario].ceiling, n, connections)
        })
      }
    } finally {
      ceilingProfile = await stopProfiled(ceiling).catch(() => undefined)
    }
    const profile = await stopProfiled(api)
    for (const result of results) {
      const { api: a, ceiling: c } = result
      const summary = summarise(profile, a.window)
      console.log(
        `\n${result.name}: API ${a.cpuMicrosPerRequest.toFixed(0)} µs CPU/req (${a.requests} requests, ${a.requestsPerSecond.toFixed(0)} req/s, ${a.errors} errors); ` +
          `ceiling ${c.cpuMicrosPerRequest.toFixed(0)} µs CPU/req (${c.requestsPerSecond.toFixed(0)} req/s, ${c.errors} errors); ` +
          `CPU ratio ceiling/API ${(c.cpuMicrosPerRequest / a.cpuMicrosPerRequest).toFixed(2)}, req/s ratio ${(a.requestsPerSecond / c.requestsPerSecond).toFixed(2)}`
      )
      const line = ({ bucket, share }: { bucket: string; share: number }) =>
        `    ${(share * 100).toFixed(1).padStart(5)} %  ${((share * summary.busyMicros) / a.requests).toFixed(1).padStart(6)} µs/req  ${bucket}`
      console.log('  self time (share of busy samples, µs per request):')
      for (const entry of summary.self.slice(0, top)) console.log(line(entry))
      console.log('  inclusive time:')
      for (const entry of summary.inclusive.slice(0, top + 10)) console.log(line(entry))
      if (ceilingProfile) {
        // Where the API's extra CPU goes: self time per request, API minus ceiling, by bucket.
        const theirs = summarise(ceilingProfile, c.window).selfMicros
        const perRequest = (micros: number | undefined, requests: number) => (micros ?? 0) / requests
        const buckets = new Set([...summary.selfMicros.keys(), ...theirs.keys()])
        const differences = [...buckets]
          .map((bucket) => ({ bucket, api: perRequest(summary.selfMicros.get(bucket), a.requests), ceiling: perRequest(theirs.get(bucket), c.requests) }))
          .sort((x, y) => y.api - y.ceiling - (x.api - x.ceiling))
        console.log('  self time, API minus ceiling (µs per request of profiler samples: API, ceiling, difference):')
        for (const { bucket, api: mine, ceiling: base } of differences.slice(0, top))
          console.log(`    ${mine.toFixed(1).padStart(7)} ${base.toFixed(1).padStart(7)} ${(mine - base).toFixed(1).padStart(7)}  ${bucket}`)
      }
    }
  } finally {
    await drop()
  }
}

await main()

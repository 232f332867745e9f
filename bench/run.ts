import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { to as copyTo } from 'pg-copy-streams'
import { benchToken, createBenchDatabase, root, run, type Server, startApi, startScript } from './processes.ts'
import { seedPostgres } from './seed.ts'

/** What a run measures: request rates against the ceiling, export throughput, findings time, and memory per export format. */
export const benchParts = ['load', 'exports', 'findings', 'memory'] as const
export type BenchPart = (typeof benchParts)[number]

interface Options {
  /** The parts to run (all by default). */
  parts?: readonly BenchPart[]
  sizes: number[]
  /** Seconds of load on each side before the measured rounds. */
  warmup: number
  pgliteSize: number
  duration: number
  rounds: number
  connections: number
  databaseUrl: string | undefined
  out: string | undefined
}

interface Load {
  requestsPerSecond: number
  p99: number
  errors: number
}

/** One autocannon run in its own process. */
async function load(
  url: string,
  options: Options,
  request: { method?: string; body?: string; headers?: Record<string, string> } = {},
  duration = options.duration
): Promise<Load> {
  const args = [join(root, 'node_modules/autocannon/autocannon.js'), '--json', '-c', String(options.connections), '-d', String(duration)]
  for (const [name, value] of Object.entries(request.headers ?? {})) args.push('-H', `${name}=${value}`)
  if (request.method) args.push('-m', request.method)
  if (request.body) args.push('-b', request.body, '-H', 'content-type=application/json')
  args.push(url)
  const { stdout } = await run(process.execPath, args, { maxBuffer: 64 * 1024 * 1024 })
  const result = JSON.parse(stdout) as { requests: { average: number }; latency: { p99: number }; non2xx: number; errors: number }
  return { requestsPerSecond: result.requests.average, p99: result.latency.p99, errors: result.non2xx + result.errors }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

interface Scenario {
  name: string
  api: { url: string; method?: string; body?: string; headers: Record<string, string> }
  ceiling: { url: string; method?: string; body?: string }
  target: number
}

async function compare(scenario: Scenario, options: Options) {
  await load(scenario.api.url, options, scenario.api, options.warmup)
  await load(scenario.ceiling.url, options, scenario.ceiling, options.warmup)
  const api: Load[] = []
  const ceiling: Load[] = []
  for (let round = 0; round < options.rounds; round++) {
    api.push(await load(scenario.api.url, options, scenario.api))
    ceiling.push(await load(scenario.ceiling.url, options, scenario.ceiling))
  }
  const ratios = api.map((a, i) => a.requestsPerSecond / ceiling[i]!.requestsPerSecond)
  return {
    scenario: scenario.name,
    apiRequestsPerSecond: Math.round(median(api.map((a) => a.requestsPerSecond))),
    ceilingRequestsPerSecond: Math.round(median(ceiling.map((c) => c.requestsPerSecond))),
    ratio: Number(median(ratios).toFixed(2)),
    target: scenario.target,
    apiP99Ms: median(api.map((a) => a.p99)),
    ceilingP99Ms: median(ceiling.map((c) => c.p99)),
    errors: api.reduce((n, a) => n + a.errors, 0) + ceiling.reduce((n, c) => n + c.errors, 0)
  }
}

const peakRss = (pid: number) => Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const currentRss = (pid: number) => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024

async function download(url: string, headers: Record<string, string>) {
  const started = performance.now()
  const response = await fetch(url, { headers })
  let bytes = 0
  for await (const chunk of response.body!) bytes += (chunk as Uint8Array).length
  const seconds = (performance.now() - started) / 1000
  if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
  return { bytes, seconds, megabytesPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)) }
}

async function copyCeiling(databaseUrl: string, organisationId: string, csv: boolean) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const started = performance.now()
    let bytes = 0
    const query = `COPY (select * from activities where organisation_id = '${organisationId.replace(/[^0-9a-f-]/g, '')}' order by lower(name), id) TO STDOUT${csv ? ' WITH (FORMAT csv, HEADER)' : ''}`
    await pipeline(
      client.query(copyTo(query)),
      new Writable({
        write: (chunk: Buffer, _encoding, done) => {
          bytes += chunk.length
          done()
        }
      })
    )
    const seconds = (performance.now() - started) / 1000
    return { bytes, seconds, megabytesPerSecond: Number((bytes / 1e6 / seconds).toFixed(1)) }
  } finally {
    await client.end()
  }
}

async function statementsOf(url: string, init: RequestInit) {
  const response = await fetch(url, init)
  await response.arrayBuffer()
  return Number(response.headers.get('x-sql-statements'))
}

async function apiJson(url: string, token: string, method: string, body: unknown) {
  const response = await fetch(url, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  if (response.status >= 300) throw new Error(`${method} ${url}: ${response.status} ${await response.text()}`)
  return (await response.json()) as Record<string, unknown>
}

/** The scenarios at one size, against a running API and ceiling that share the data. */
async function measure(
  api: Server,
  ceiling: Server,
  organisationId: string,
  token: string,
  options: Options,
  exportCeiling?: (csv: boolean) => Promise<{ bytes: number; seconds: number; megabytesPerSecond: number }>
) {
  const headers = { authorization: `Bearer ${token}` }
  const base = `${api.url}/v1/organisations/${organisationId}`
  const page = (await (await fetch(`${base}/activities?limit=50`, { headers })).json()) as {
    items: { id: string; dataCategoryIds: string[]; dataSubjectCategoryIds: string[] }[]
  }
  const sample = page.items[0]!
  const createBody = {
    name: 'Benchmark activity',
    purposes: [{ description: 'Deliver the service to customers', legalBasis: '6.1.b' }],
    dataCategoryIds: sample.dataCategoryIds.slice(0, 8),
    dataSubjectCategoryIds: sample.dataSubjectCategoryIds.slice(0, 2)
  }
  const scenarios: Scenario[] = [
    {
      name: 'read one activity',
      api: { url: `${base}/activities/${sample.id}`, headers },
      ceiling: { url: `${ceiling.url}/activity?org=${organisationId}&id=${sample.id}` },
      target: 0.8
    },
    {
      name: 'list a page of 50',
      api: { url: `${base}/activities?limit=50`, headers },
      ceiling: { url: `${ceiling.url}/list?org=${organisationId}` },
      target: 0.8
    },
    {
      name: 'create with 10 links',
      api: { url: `${base}/activities`, method: 'POST', body: JSON.stringify(createBody), headers },
      ceiling: { url: `${ceiling.url}/create?org=${organisationId}`, method: 'POST', body: JSON.stringify(createBody) },
      target: 0.6
    }
  ]
  const parts = partsOf(options)
  // Findings and exports first: the load scenarios add activities.
  const findings = parts.has('findings') ? await findingsTime(`${base}/findings`, headers) : undefined
  let exports: Awaited<ReturnType<typeof exportThroughput>> | undefined
  if (parts.has('exports')) exports = await exportThroughput(base, headers, exportCeiling)

  const results = []
  if (parts.has('load')) for (const scenario of scenarios) results.push(await compare(scenario, options))

  const statements = parts.has('load')
    ? {
        read: await statementsOf(`${base}/activities/${sample.id}`, { headers }),
        list: await statementsOf(`${base}/activities?limit=50`, { headers }),
        create: await statementsOf(`${base}/activities`, {
          method: 'POST',
          headers: { ...headers, 'content-type': 'application/json' },
          body: JSON.stringify(createBody)
        }),
        findings: await statementsOf(`${base}/findings`, { headers })
      }
    : undefined
  return { scenarios: results, statements, exports, findings }
}

const partsOf = (options: Options) => new Set<BenchPart>(options.parts ?? benchParts)

/** JSON, CSV and XLSX downloaded one after the other, against PostgreSQL's COPY of the same rows when there is one. */
async function exportThroughput(
  base: string,
  headers: Record<string, string>,
  exportCeiling?: (csv: boolean) => Promise<{ bytes: number; seconds: number; megabytesPerSecond: number }>
) {
  const json = await download(`${base}/ropa?format=json`, headers)
  const csv = await download(`${base}/ropa?format=csv`, headers)
  const xlsx = await download(`${base}/ropa?format=xlsx`, headers)
  const copyText = exportCeiling ? await exportCeiling(false) : undefined
  const copyCsv = exportCeiling ? await exportCeiling(true) : undefined
  return {
    json: { ...json, ratioToCopy: copyText ? Number((json.megabytesPerSecond / copyText.megabytesPerSecond).toFixed(2)) : null, target: 0.25 },
    csv: { ...csv, ratioToCopy: copyCsv ? Number((csv.megabytesPerSecond / copyCsv.megabytesPerSecond).toFixed(2)) : null, target: 0.2 },
    xlsx,
    copyText: copyText ?? null,
    copyCsv: copyCsv ?? null
  }
}

/** `GET …/findings` on the whole record: the median of three runs after one to warm up, and its statements. */
async function findingsTime(url: string, headers: Record<string, string>) {
  const times: number[] = []
  let statements = 0
  for (let run = 0; run < 4; run++) {
    const started = performance.now()
    const response = await fetch(url, { headers })
    const body = (await response.json()) as { items: unknown[] }
    if (response.status !== 200) throw new Error(`${url}: ${response.status}`)
    if (run > 0) times.push(performance.now() - started)
    statements = Number(response.headers.get('x-sql-statements'))
    if (run === 0) console.error(`findings: ${body.items.length} findings`)
  }
  return { milliseconds: Math.round(median(times)), statements }
}

export const exportFormats = ['json', 'csv', 'xlsx', 'jsonld', 'html', 'pdf'] as const

/**
 * Each export format alone in a fresh API process: its resident set before the download and its peak
 * (`VmHWM`) after, so what one format holds is not hidden in another's peak.
 */
async function memoryByFormat(env: Record<string, string>, organisationId: string, token: string) {
  const memory: Record<string, { baselineMb: number; peakMb: number; riseMb: number; bytes: number }> = {}
  for (const format of exportFormats) {
    const api = await startApi(env)
    try {
      const pid = api.process.pid!
      const baselineMb = currentRss(pid)
      const { bytes } = await download(`${api.url}/v1/organisations/${organisationId}/ropa?format=${format}`, { authorization: `Bearer ${token}` })
      const peakMb = peakRss(pid)
      memory[format] = { baselineMb: Math.round(baselineMb), peakMb: Math.round(peakMb), riseMb: Math.round(peakMb - baselineMb), bytes }
    } finally {
      await api.stop()
    }
  }
  return memory
}

async function postgres(options: Options) {
  const adminUrl = options.databaseUrl!
  const { databaseUrl, drop } = await createBenchDatabase(adminUrl, 'ropa_bench')
  const sizes = []
  try {
    for (const size of options.sizes) {
      const api = await startApi({ DATABASE_URL: databaseUrl })
      const ceiling = await startScript('bench/ceiling.ts', { DATABASE_URL: databaseUrl }, /ceiling listening on (\d+)/)
      let measured: Awaited<ReturnType<typeof measure>>
      let organisationId: string
      let token: string
      try {
        const platform = await benchToken()
        const org = await apiJson(`${api.url}/v1/organisations`, platform, 'POST', { name: `Bench ${size}`, country: 'NO', email: 'bench@example.com' })
        organisationId = String(org.id)
        const seeded = performance.now()
        await seedPostgres(databaseUrl, String(org.id), size)
        token = await benchToken([String(org.id)])
        console.error(`postgres: seeded ${size} activities in ${Math.round(performance.now() - seeded)} ms`)
        measured = await measure(api, ceiling, String(org.id), token, options, (csv) => copyCeiling(databaseUrl, String(org.id), csv))
      } finally {
        await api.stop()
        await ceiling.stop()
      }
      const memory = partsOf(options).has('memory') ? await memoryByFormat({ DATABASE_URL: databaseUrl }, organisationId, token) : undefined
      sizes.push({ activities: size, ...measured, memory })
    }
  } finally {
    await drop()
  }
  return sizes
}

async function pglite(options: Options) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-bench-'))
  const platform = await benchToken()
  let api = await startApi({ DATA_DIR: dataDir })
  const org = await apiJson(`${api.url}/v1/organisations`, platform, 'POST', { name: 'Bench PGlite', country: 'NO', email: 'bench@example.com' })
  const base = `${api.url}/v1/organisations/${String(org.id)}`
  const ids = async (path: string, count: number, body: (i: number) => Record<string, unknown>) => {
    const out: string[] = []
    for (let i = 0; i < count; i++) out.push(String((await apiJson(`${base}/${path}`, platform, 'POST', body(i))).id))
    return out
  }
  const categories = await ids('data-categories', 40, (i) => ({ name: `Data category ${i}` }))
  const subjects = await ids('data-subject-categories', 20, (i) => ({ name: `Subjects ${i}` }))
  const processors = await ids('processors', 10, (i) => ({ name: `Processor ${i}`, country: 'IE', dpaReference: `dpa/${i}`, dpaSignedAt: '2025-01-01' }))
  await ids('security-measures', 5, (i) => ({ name: `Measure ${i}`, appliesToAllActivities: true }))
  for (let i = 0; i < options.pgliteSize; i++) {
    await apiJson(`${base}/activities`, platform, 'POST', {
      name: `Activity ${String(i).padStart(5, '0')}`,
      status: 'active',
      purposes: [
        { description: 'Deliver the service to customers', legalBasis: '6.1.b' },
        { description: 'Keep accounting records', legalBasis: '6.1.c', legalReference: 'Bookkeeping Act § 13' }
      ],
      dataCategoryIds: categories.slice(i % 30, (i % 30) + 5 + (i % 10)),
      dataSubjectCategoryIds: subjects.slice(i % 18, (i % 18) + 2),
      processorIds: [processors[i % 10]],
      transfers: [{ country: 'US', mechanism: '46.2.c', sccModule: 2, processorId: processors[i % 10] }],
      retention: [{ period: 'P3Y', trigger: 'End of the contract' }]
    })
  }
  await api.stop()
  const ceilingDir = mkdtempSync(join(tmpdir(), 'ropa-bench-ceiling-'))
  cpSync(join(dataDir, 'pglite'), ceilingDir, { recursive: true })
  api = await startApi({ DATA_DIR: dataDir })
  const ceiling = await startScript('bench/ceiling.ts', { DATA_DIR: ceilingDir }, /ceiling listening on (\d+)/)
  const token = await benchToken([String(org.id)])
  let measured: Awaited<ReturnType<typeof measure>>
  try {
    measured = await measure(api, ceiling, String(org.id), token, options)
  } finally {
    await api.stop()
    await ceiling.stop()
  }
  // After the API has stopped: each format starts its own on the same data folder, which one process at a time may open.
  const memory = partsOf(options).has('memory') ? await memoryByFormat({ DATA_DIR: dataDir }, String(org.id), token) : undefined
  return [{ activities: options.pgliteSize, ...measured, memory }]
}

function table(results: { backend: string; sizes: Awaited<ReturnType<typeof postgres>> }[]) {
  const lines = ['backend    activities  scenario                 API req/s  ceiling req/s  ratio  target  API p99 ms  ceiling p99 ms']
  for (const { backend, sizes } of results) {
    for (const size of sizes) {
      for (const s of size.scenarios) {
        lines.push(
          `${backend.padEnd(10)} ${String(size.activities).padStart(10)}  ${s.scenario.padEnd(24)} ${String(s.apiRequestsPerSecond).padStart(9)}  ${String(s.ceilingRequestsPerSecond).padStart(13)}  ${s.ratio.toFixed(2).padStart(5)}  ${s.target.toFixed(2).padStart(6)}  ${String(s.apiP99Ms).padStart(10)}  ${String(s.ceilingP99Ms).padStart(14)}`
        )
      }
      const row = `${backend.padEnd(10)} ${String(size.activities).padStart(10)}  `
      const e = size.exports
      if (e) {
        lines.push(
          `${row}export JSON ${e.json.megabytesPerSecond} MB/s (${(e.json.bytes / 1e6).toFixed(1)} MB)${e.copyText ? `, COPY ${e.copyText.megabytesPerSecond} MB/s, ratio ${e.json.ratioToCopy} (target 0.25)` : ''}`
        )
        lines.push(
          `${row}export CSV ${e.csv.megabytesPerSecond} MB/s (${(e.csv.bytes / 1e6).toFixed(1)} MB)${e.copyCsv ? `, COPY csv ${e.copyCsv.megabytesPerSecond} MB/s, ratio ${e.csv.ratioToCopy} (target 0.20)` : ''}; XLSX ${e.xlsx.seconds.toFixed(2)} s`
        )
      }
      if (size.statements)
        lines.push(
          `${row}statements: read ${size.statements.read}, list ${size.statements.list}, create ${size.statements.create}, findings ${size.statements.findings}`
        )
      if (size.findings) lines.push(`${row}findings of the whole record: ${size.findings.milliseconds} ms, ${size.findings.statements} statements`)
      if (size.memory)
        lines.push(
          `${row}API memory per export, each in a fresh process (rise over its resting size, peak): ${Object.entries(size.memory)
            .map(([format, m]) => `${format} +${m.riseMb} (${m.peakMb})`)
            .join(', ')} MB`
        )
    }
  }
  return lines.join('\n')
}

export async function runBench(options: Options) {
  const results: { backend: string; sizes: Awaited<ReturnType<typeof postgres>> }[] = []
  if (options.databaseUrl) results.push({ backend: 'postgres', sizes: await postgres(options) })
  if (options.pgliteSize > 0) results.push({ backend: 'pglite', sizes: await pglite(options) })
  const postgresSizes = results.find((r) => r.backend === 'postgres')?.sizes ?? []
  const [smallest, largest] = [postgresSizes[0], postgresSizes.at(-1)]
  const compared = postgresSizes.length >= 2 && smallest && largest
  // What a format's peak gains from the smallest to the largest record, each download alone in a fresh process.
  const memoryGrowthMb =
    compared && smallest.memory && largest.memory
      ? Object.fromEntries(exportFormats.map((format) => [format, largest.memory![format]!.peakMb - smallest.memory![format]!.peakMb]))
      : null
  // Linear time gives the ratio of the sizes; a per-activity query would show as far more.
  const findingsTimeRatio =
    compared && smallest.findings && largest.findings
      ? { sizes: largest.activities / smallest.activities, time: Number((largest.findings.milliseconds / smallest.findings.milliseconds).toFixed(1)) }
      : null
  const report = {
    machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
    options: { ...options, databaseUrl: options.databaseUrl ? 'set' : null },
    memoryGrowthMb,
    findingsTimeRatio,
    results
  }
  if (options.out) writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`)
  const summary = [
    memoryGrowthMb &&
      `peak API memory growth from ${smallest!.activities} to ${largest!.activities} activities, per format: ${Object.entries(memoryGrowthMb)
        .map(([format, mb]) => `${format} ${mb}`)
        .join(', ')} MB (target < 50 each)`,
    findingsTimeRatio &&
      `findings time from ${smallest!.activities} to ${largest!.activities} activities: ×${findingsTimeRatio.time} for ×${findingsTimeRatio.sizes} the activities`
  ].filter(Boolean)
  return { report, table: [table(results), ...summary].join('\n') }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '1000,10000' },
      warmup: { type: 'string', default: '2' },
      'pglite-size': { type: 'string', default: '300' },
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '20' },
      parts: { type: 'string', default: benchParts.join(',') },
      out: { type: 'string', default: join(root, 'bench/results.json') }
    }
  })
  const parts = values.parts.split(',').map((part) => part.trim())
  const unknown = parts.filter((part) => !(benchParts as readonly string[]).includes(part))
  if (unknown.length > 0) throw new Error(`unknown --parts ${unknown.join(', ')}: choose from ${benchParts.join(', ')}`)
  const { table: printed } = await runBench({
    parts: parts as BenchPart[],
    sizes: values.sizes.split(',').map(Number),
    warmup: Number(values.warmup),
    pgliteSize: Number(values['pglite-size']),
    duration: Number(values.duration),
    rounds: Number(values.rounds),
    connections: Number(values.connections),
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    out: values.out
  })
  console.log(printed)
}

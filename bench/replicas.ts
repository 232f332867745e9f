import { cpus } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { benchToken, createBenchDatabase, root, run, type Server, startApi } from './processes.ts'
import { seedPostgres } from './seed.ts'

export interface ReplicasOptions {
  databaseUrl: string
  activities: number
  duration: number
  rounds: number
  /** Connections in all, split over the two load processes. */
  connections: number
}

/** Requests per second of one autocannon process. */
async function load(url: string, connections: number, duration: number, headers: Record<string, string>): Promise<{ rps: number; errors: number }> {
  const args = [join(root, 'node_modules/autocannon/autocannon.js'), '--json', '-c', String(connections), '-d', String(duration)]
  for (const [name, value] of Object.entries(headers)) args.push('-H', `${name}=${value}`)
  const { stdout } = await run(process.execPath, [...args, url], { maxBuffer: 64 * 1024 * 1024 })
  const result = JSON.parse(stdout) as { requests: { average: number }; non2xx: number; errors: number }
  return { rps: result.requests.average, errors: result.non2xx + result.errors }
}

/** Two load processes at once, each on one of `urls`; their throughputs add up. */
async function together(urls: [string, string], options: ReplicasOptions, duration: number, headers: Record<string, string>) {
  const half = Math.max(1, Math.floor(options.connections / 2))
  const results = await Promise.all(urls.map((url) => load(url, half, duration, headers)))
  return { rps: results.reduce((sum, r) => sum + r.rps, 0), errors: results.reduce((sum, r) => sum + r.errors, 0) }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export async function runReplicasBench(options: ReplicasOptions) {
  const { databaseUrl, drop } = await createBenchDatabase(options.databaseUrl, 'ropa_bench_replicas')
  const replicas: Server[] = []
  try {
    // The rate limits stay shared in the database, out of reach.
    const first = await startApi({ DATABASE_URL: databaseUrl })
    replicas.push(first)
    const second = await startApi({ DATABASE_URL: databaseUrl })
    replicas.push(second)
    const platform = await benchToken()
    const created = await fetch(`${first.url}/v1/organisations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${platform}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench replicas', country: 'NO', email: 'bench@example.com' })
    })
    const org = (await created.json()) as { id: string }
    await seedPostgres(databaseUrl, org.id, options.activities)
    const token = await benchToken([org.id])
    const headers = { authorization: `Bearer ${token}` }
    const page = (await (await fetch(`${first.url}/v1/organisations/${org.id}/activities?limit=1`, { headers })).json()) as { items: { id: string }[] }
    const path = `/v1/organisations/${org.id}/activities/${page.items[0]!.id}`
    const one: [string, string] = [`${first.url}${path}`, `${first.url}${path}`]
    const two: [string, string] = [`${first.url}${path}`, `${second.url}${path}`]
    await together(two, options, 2, headers)
    const rounds: { one: number; two: number; errors: number }[] = []
    for (let round = 0; round < options.rounds; round++) {
      const single = await together(one, options, options.duration, headers)
      const double = await together(two, options, options.duration, headers)
      rounds.push({ one: single.rps, two: double.rps, errors: single.errors + double.errors })
    }
    return {
      scenario: 'read one activity',
      cpus: cpus().length,
      options: { ...options, databaseUrl: 'set' },
      oneReplicaRequestsPerSecond: Math.round(median(rounds.map((r) => r.one))),
      twoReplicasRequestsPerSecond: Math.round(median(rounds.map((r) => r.two))),
      twoOverOne: Number(median(rounds.map((r) => r.two / r.one)).toFixed(2)),
      errors: rounds.reduce((sum, r) => sum + r.errors, 0)
    }
  } finally {
    await Promise.all(replicas.map((replica) => replica.stop()))
    await drop()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      activities: { type: 'string', default: '1000' },
      duration: { type: 'string', default: '5' },
      rounds: { type: 'string', default: '3' },
      connections: { type: 'string', default: '20' }
    }
  })
  const result = await runReplicasBench({
    databaseUrl: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
    activities: Number(values.activities),
    duration: Number(values.duration),
    rounds: Number(values.rounds),
    connections: Number(values.connections)
  })
  console.log(JSON.stringify(result, null, 2))
  console.log(
    `read one activity on ${result.cpus} cores: one replica ${result.oneReplicaRequestsPerSecond} req/s, two ${result.twoReplicasRequestsPerSecond} req/s, two/one ${result.twoOverOne} (median of ${values.rounds} rounds, ${result.errors} errors)`
  )
}

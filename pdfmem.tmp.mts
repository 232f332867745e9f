import { setFlagsFromString } from 'node:v8'

if (process.env.HGP) setFlagsFromString('--heap-growing-percent=' + process.env.HGP)

import { buildApp } from './src/app.ts'
import { createTestDatabase, testConfig } from './test/helper.ts'
import { generateRecord } from './test/support/generated-record.ts'

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => teardowns.push(fn) }
const url = await createTestDatabase(t, { migrated: true })
const app = buildApp(testConfig({ DATABASE_URL: url! }))
await app.ready()
const { org, headers } = await generateRecord(app, Number(process.env.N ?? 10000))
global.gc?.()
const before = process.memoryUsage().rss
let peak = before
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const started = performance.now()
const format = process.env.FORMAT ?? 'pdf'
const res = await fetch((await app.listen({ port: 0 })) + `/v1/organisations/${org.id}/ropa?format=${format}`, { headers })
let bytes = 0
for await (const chunk of res.body!) bytes += chunk.length
clearInterval(timer)
console.log(
  `${format}: ${res.status} ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s; rss before ${(before / 1e6).toFixed(0)} MB, peak ${(peak / 1e6).toFixed(0)} MB (+${((peak - before) / 1e6).toFixed(0)})`
)
await app.close()
for (const fn of teardowns.reverse()) await fn()

import { Session } from 'node:inspector/promises'
import { buildApp } from './src/app.ts'
import { createTestDatabase, testConfig } from './test/helper.ts'
import { generateRecord } from './test/support/generated-record.ts'

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => teardowns.push(fn) }
const url = await createTestDatabase(t, { migrated: true })
const app = buildApp(testConfig({ DATABASE_URL: url! }))
await app.ready()
const { org, headers } = await generateRecord(app, Number(process.env.N ?? 3000))
const session = new Session()
session.connect()
await session.post('HeapProfiler.startSampling', { samplingInterval: 65536, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: false })
const before = process.memoryUsage().rss
let peak = before
const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50)
const res = await fetch((await app.listen({ port: 0 })) + `/v1/organisations/${org.id}/ropa?format=${process.env.FORMAT ?? 'pdf'}`, { headers })
let bytes = 0
for await (const chunk of res.body!) bytes += chunk.length
clearInterval(timer)
const { profile } = await session.post('HeapProfiler.stopSampling')
console.log('bytes', bytes, 'rss before', before / 1e6, 'peak', peak / 1e6)
// Sum self sizes by function and file.
const by = new Map<string, number>()
const walk = (node: any, stack: string[]) => {
  const frame = `${node.callFrame.functionName || '(anon)'} ${node.callFrame.url.replace(/.*\/(node_modules|src)\//, '$1/')}:${node.callFrame.lineNumber}`
  const self = node.selfSize
  if (self) by.set(frame, (by.get(frame) ?? 0) + self)
  for (const child of node.children) walk(child, [...stack, frame])
}
walk(profile.head, [])
for (const [k, v] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log((v / 1e6).toFixed(1).padStart(8), 'MB', k)
await app.close()
for (const fn of teardowns.reverse()) await fn()

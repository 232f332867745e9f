import { writeHeapSnapshot } from 'node:v8'
import { buildApp } from './src/app.ts'
import { createTestDatabase, testConfig } from './test/helper.ts'
import { generateRecord } from './test/support/generated-record.ts'

const teardowns: (() => unknown)[] = []
const t = { teardown: (fn: () => unknown) => teardowns.push(fn) }
const url = await createTestDatabase(t, { migrated: true })
const app = buildApp(testConfig({ DATABASE_URL: url! }))
await app.ready()
const { org, headers } = await generateRecord(app, Number(process.env.N ?? 3000))
const res = await fetch((await app.listen({ port: 0 })) + `/v1/organisations/${org.id}/ropa?format=pdf`, { headers })
let bytes = 0
let taken = false
for await (const chunk of res.body!) {
  bytes += chunk.length
  if (!taken && bytes > Number(process.env.AT ?? 12e6)) {
    taken = true
    global.gc?.()
    console.log('rss', process.memoryUsage().rss / 1e6, 'heap', process.memoryUsage().heapUsed / 1e6)
    console.log(writeHeapSnapshot('/tmp/pdf.heapsnapshot'))
  }
}
console.log('bytes', bytes)
await app.close()
for (const fn of teardowns.reverse()) await fn()

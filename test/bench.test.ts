import t from 'tap'
import { type BenchPart, runBench } from '../bench/run.ts'

// Two servers, a seed and a dozen load runs, each a process of its own: on a busy machine starting
// them alone can take minutes (the bench waits for each to be ready), hence the longer budget.
t.setTimeout(600_000)

const postgres = Boolean(process.env.DATABASE_URL)
/** One short round of `parts` on PostgreSQL with `size` activities when DATABASE_URL is set, else on PGlite with `pgliteSize`. */
const tinyRun = (size: number, pgliteSize: number, parts?: BenchPart[]) =>
  runBench({
    parts,
    sizes: postgres ? [size] : [],
    warmup: 1,
    pgliteSize: postgres ? 0 : pgliteSize,
    duration: 1,
    rounds: 1,
    connections: 2,
    databaseUrl: process.env.DATABASE_URL,
    out: undefined
  })

t.test('npm run bench still runs, on a tiny size (no timing is asserted)', async (t) => {
  const { report, table } = await tinyRun(30, 8)
  const [result] = report.results
  t.equal(result?.backend, postgres ? 'postgres' : 'pglite')
  const [size] = result!.sizes
  t.same(
    size!.scenarios.map((s) => s.scenario),
    ['read one activity', 'list a page of 50', 'create with 10 links']
  )
  for (const scenario of size!.scenarios) {
    t.ok(scenario.apiRequestsPerSecond > 0 && scenario.ceilingRequestsPerSecond > 0, `${scenario.scenario}: both sides answered`)
    t.equal(scenario.errors, 0, `${scenario.scenario}: no errors`)
  }
  t.match(size!.statements, { read: 1, list: 1, findings: 4 })
  const exports = size!.exports!
  t.ok(exports.json.bytes > 0 && exports.csv.bytes > 0 && exports.xlsx.bytes > 0)
  if (postgres) t.ok(exports.copyText!.bytes > 0)
  t.equal(size!.findings?.statements, 4, 'the findings part times the findings of the whole record')
  t.same(Object.keys(size!.memory ?? {}), ['json', 'csv', 'xlsx', 'jsonld', 'html', 'pdf'], 'the memory part downloads each format')
  for (const [format, memory] of Object.entries(size!.memory ?? {}))
    t.ok(memory.bytes > 0 && memory.peakMb >= memory.baselineMb, `${format}: downloaded and measured`)
  t.match(table, /read one activity/)
})

t.test('--parts runs only the parts named', async (t) => {
  const { report, table } = await tinyRun(20, 5, ['findings'])
  const [size] = report.results[0]!.sizes
  t.same(size!.scenarios, [], 'no load scenario')
  t.equal(size!.exports, undefined, 'no export throughput')
  t.equal(size!.memory, undefined, 'no memory part')
  t.ok(size!.findings!.milliseconds >= 0)
  t.match(table, /findings of the whole record/)
})

import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { fileURLToPath } from 'node:url'
import AjvDraft04 from 'ajv-draft-04'
import ajvFormats from 'ajv-formats'
import t from 'tap'
import { changeLines, renderApply, renderPlan, shown } from '../../src/cli/bundle-report.ts'
import { describeProblem } from '../../src/cli/client.ts'
import { exitCodeFor, type Finding, failing, jsonPointerPositions, renderText, toSarif } from '../../src/cli/findings-report.ts'
import { type Io, runRopa } from '../../src/cli/ropa.ts'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi, token } from '../helper.ts'

// The CLI runs as a separate process talking HTTP to this file's app, listening on an ephemeral
// port. Each command also runs in this process through runRopa (the same code the bin calls), so
// its lines are covered; child processes are left out of coverage (the bin runs dist/, or the
// sources through tsx, which minifies: neither maps onto the sources' coverage).
t.setTimeout(600_000)

type Json = Record<string, unknown>
const bin = fileURLToPath(new URL('../../bin/ropa.mjs', import.meta.url))
const app = await buildTestApp(t)
const loaded = await loadBundleViaApi(app, readExampleBundle())
const org = loaded.organisationId
const base = `/v1/organisations/${org}`
await app.listen({ port: 0, host: '127.0.0.1' })
const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
const readToken = await token({ sub: 'ci', scopes: ['ropa:read'], orgs: [org] })
const writeHeaders = await bearer({ sub: 'dpo', scopes: ['ropa:read', 'ropa:write'], orgs: [org] })
const dir = mkdtempSync(join(tmpdir(), 'ropa-cli-'))
t.teardown(() => rmSync(dir, { recursive: true, force: true }))

const env = { ROPA_URL: url, ROPA_TOKEN: readToken, ROPA_ORG: org }

interface Run {
  code: number | null
  stdout: Buffer
  stderr: string
}

/** `ropa <args>` as a separate process, as a user or a CI job runs it; resolves when it exits. */
function ropa(args: string[], extraEnv: Record<string, string> = {}, input?: string): Promise<Run> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmpdir(), _TAPJS_PROCESSINFO_COVERAGE_: '0', ...env, ...extraEnv },
    stdio: ['pipe', 'pipe', 'pipe']
  })
  const stdout: Buffer[] = []
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
  child.stdin.end(input)
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(stdout), stderr }))
  })
}

/** The same command in this process (covered), with captured streams. */
async function ropaHere(args: string[], io: Partial<Io> = {}) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out: Buffer[] = []
  let err = ''
  stdout.on('data', (chunk: Buffer) => out.push(chunk))
  stderr.on('data', (chunk: Buffer) => (err += chunk))
  const code = await runRopa(args, { stdout, stderr, env, ...io })
  return { code, stdout: Buffer.concat(out), stderr: err }
}

const findingsNow = async () => (await app.inject({ url: `${base}/findings`, headers: writeHeaders })).json()
let apiFindings = await findingsNow()
const apiActivities: { id: string; name: string }[] = (await app.inject({ url: `${base}/activities?limit=200`, headers: writeHeaders })).json().items
const rules: { id: string; kind: string }[] = (await app.inject({ url: '/v1/reference/rules' })).json().items
const heuristic = (apiFindings.items as Finding[]).find((finding) => rules.find((rule) => rule.id === finding.rule)?.kind === 'heuristic')

t.test('the example organisation has errors and a heuristic finding to acknowledge', async (t) => {
  t.ok(apiFindings.summary.errors > 0, `${apiFindings.summary.errors} errors`)
  t.ok(heuristic, 'a finding of a heuristic rule')
  const res = await app.inject({
    method: 'POST',
    url: `${base}/findings/acknowledgements`,
    headers: writeHeaders,
    payload: { rule: heuristic!.rule, entityId: heuristic!.entityId, path: heuristic!.path, reason: 'Checked by the DPO: not the case here.' }
  })
  t.equal(res.statusCode, 201, res.body)
  apiFindings = await findingsNow()
  t.equal(apiFindings.summary.acknowledged, 1)
})

t.test('export streams the record to a file, as the API serves it', async (t) => {
  const withoutTime = (text: string) => ({ ...JSON.parse(text), generatedAt: null })
  const apiJson = (await app.inject({ url: `${base}/ropa?format=json`, headers: writeHeaders })).body
  const file = join(dir, 'ropa.json')
  const run = await ropa(['export', '--format', 'json', '-o', file])
  t.equal(run.code, 0, run.stderr)
  t.same(withoutTime(readFileSync(file, 'utf8')), withoutTime(apiJson), 'the JSON file is the API answer (but for generatedAt)')
  t.equal(run.stdout.length, 0, 'nothing on stdout')

  const apiCsv = (await app.inject({ url: `${base}/ropa?format=csv`, headers: writeHeaders })).rawPayload
  const csvFile = join(dir, 'ropa.csv')
  const csv = await ropaHere(['export', '-o', csvFile, '--progress'])
  t.equal(csv.code, 0, csv.stderr)
  t.same(readFileSync(csvFile), apiCsv, 'the CSV file is byte for byte the API answer (format from the extension)')
  t.match(
    csv.stderr,
    new RegExp(`wrote .*\\(${apiCsv.length} bytes\\) to ${csvFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    '--progress reports the bytes written'
  )

  const stdout = await ropaHere(['export', '--format', 'csv', '--record', 'processor'])
  const apiProcessor = (await app.inject({ url: `${base}/ropa?format=csv&record=processor`, headers: writeHeaders })).rawPayload
  t.same(stdout.stdout, apiProcessor, 'to stdout, the processor record')
  t.equal(stdout.stderr, '', 'no progress without --progress or a terminal')

  const xlsx = await ropaHere(['export', '--format', 'xlsx'], { stdoutIsTTY: true })
  t.equal(xlsx.code, 2, 'an XLSX is not written to a terminal')
  const asOf = await ropaHere(['export', '--as-of', 'yesterday'])
  t.equal(asOf.code, 2)
  t.match(asOf.stderr, /--as-of: 'yesterday' is not an instant/)
  const past = await ropaHere(['export', '--as-of', '2000-01-01T00:00:00Z', '--include-drafts'])
  t.equal(past.code, 0, past.stderr)
  t.same(JSON.parse(past.stdout.toString()).activities, [], 'the record before anything existed')
})

t.test('findings as text: grouped by entity, acknowledged ones marked; the exit code follows --fail-on', async (t) => {
  const run = await ropa(['findings'])
  t.equal(run.code, 1, 'exit 1: the example has errors, and --fail-on defaults to error')
  const text = run.stdout.toString()
  t.match(text, `${readExampleBundle().organisation.name} (organisations/${org})`, 'the organisation, by name and path')
  const activity = (apiFindings.items as Finding[]).find((finding) => finding.entityType === 'activity')!
  t.match(text, `(activities/${activity.entityId})`, 'activities by path')
  t.match(text, activity.message, 'messages')
  t.match(text, /error +\S+ \(L-\d+\) {2}Art\. /, 'severity, rule with its code, article')
  t.match(text, /\[acknowledged\]\n.*\n +acknowledged by dpo on \d{4}-\d{2}-\d{2}: Checked by the DPO/, 'the acknowledged finding, with who and why')
  t.match(text, new RegExp(`${apiFindings.summary.errors} errors?, ${apiFindings.summary.warnings} warnings?, .*\\(1 acknowledged, not counted\\)\\n$`))
  t.match(run.stderr, /open finding\(s\) at or above 'error'/)

  const never = await ropa(['findings', '--fail-on', 'never'])
  t.equal(never.code, 0, '--fail-on never: exit 0')
  t.equal(never.stdout.toString(), text, 'the same report')

  const here = await ropaHere(['findings', '--fail-on', 'info', '--format', 'json'])
  t.equal(here.code, 1)
  t.same(JSON.parse(here.stdout.toString()), { ...apiFindings, items: JSON.parse(here.stdout.toString()).items }, 'json: the API answer')
  t.equal(JSON.parse(here.stdout.toString()).summary.acknowledged, 1)
  const coloured = await ropaHere(['findings', '--fail-on', 'never'], { stdoutIsTTY: true })
  t.equal(coloured.code, 0)
  t.match(coloured.stdout.toString(), '\u001b[31merror', 'colours on a terminal')
})

// The OASIS SARIF 2.1.0 schema with the approved errata (sarif-2.1/schema/ of oasis-tcs/sarif-spec), a JSON
// Schema draft-04, which ajv-draft-04 reads (the draft-07 copy in sarif-2.1/prose/ predates the errata: it names
// a suppression's `status` `state`). Both packages are CommonJS: their class or plugin is `default`.
const schema = JSON.parse(readFileSync(new URL('../fixtures/sarif-schema-2.1.0.json', import.meta.url), 'utf8'))
const ajv = new AjvDraft04.default({ allErrors: true, strict: false })
ajvFormats.default(ajv)
const validate = ajv.compile(schema)

t.test('findings as SARIF 2.1.0, valid against the schema', async (t) => {
  const run = await ropa(['findings', '--format', 'sarif', '--fail-on', 'warning'])
  t.equal(run.code, 1)
  const sarif = JSON.parse(run.stdout.toString())
  t.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 5)))
  const broken = structuredClone(sarif)
  broken.runs[0].results[0].level = 'fatal'
  t.notOk(validate(broken), 'the schema does check: a level SARIF lacks is refused')

  const [run0] = sarif.runs
  t.equal(run0.tool.driver.name, 'ropa')
  t.equal(run0.tool.driver.rules.length, rules.length, 'every rule of the catalogue')
  const rule = run0.tool.driver.rules.find((r: Json) => r.id === heuristic!.rule)
  t.match(rule, { shortDescription: { text: /\w/ }, properties: { code: /^L-\d+$/, article: /^Art\./, kind: 'heuristic' } })
  t.equal(run0.results.length, apiFindings.items.length, 'a result per finding')
  const byLevel = (level: string) => run0.results.filter((result: Json) => result.level === level).length
  const bySeverity = (severity: string) => apiFindings.items.filter((finding: Finding) => finding.severity === severity).length
  t.same([byLevel('error'), byLevel('warning'), byLevel('note')], [bySeverity('error'), bySeverity('warning'), bySeverity('info')])
  const suppressed = run0.results.filter((result: Json) => result.suppressions)
  t.equal(suppressed.length, 1, 'the acknowledged finding is suppressed')
  t.match(suppressed[0], {
    ruleId: heuristic!.rule,
    suppressions: [{ kind: 'external', justification: 'Checked by the DPO: not the case here.' }],
    locations: [
      {
        logicalLocations: [
          {
            fullyQualifiedName: `${heuristic!.entityType === 'activity' ? 'activities' : `${heuristic!.entityType}s`}/${heuristic!.entityId}${heuristic!.path}`
          }
        ]
      }
    ]
  })
  for (const result of run0.results) t.equal(run0.tool.driver.rules[result.ruleIndex].id, result.ruleId)
  const here = await ropaHere(['findings', '--format', 'sarif', '--fail-on', 'never'])
  t.equal(here.code, 0)
  t.same(JSON.parse(here.stdout.toString()), sarif, 'the same log in this process')

  // --bundle: each result is also placed on its line of the record's bundle file (GitHub code scanning needs a file).
  const bundleFile = join(dir, 'record.json')
  const bundleText = readFileSync(new URL('../../src/example/example-consulting-as.json', import.meta.url), 'utf8')
  writeFileSync(bundleFile, bundleText)
  const located = await ropaHere(['findings', '--format', 'sarif', '--fail-on', 'never', '--bundle', bundleFile])
  t.equal(located.code, 0, located.stderr)
  const placed = JSON.parse(located.stdout.toString())
  t.ok(validate(placed), JSON.stringify(validate.errors?.slice(0, 5)))
  const lines = bundleText.split('\n')
  const example = readExampleBundle()
  let onTheirLine = 0
  placed.runs[0].results.forEach((result: Json & { locations: Json[] }, index: number) => {
    const finding = apiFindings.items[index] as Finding
    const [location] = result.locations as { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } }; properties?: Json }[]
    t.equal(location!.physicalLocation.artifactLocation.uri, relative(process.cwd(), bundleFile))
    const pointer = String(location!.properties?.bundlePointer)
    if (finding.entityType === 'activity') {
      const name = (apiActivities.find((activity) => activity.id === finding.entityId) as { name: string }).name
      t.match(pointer, `/activities/${example.activities.findIndex((activity) => activity.name === name)}`, 'the activity by name')
    }
    const last = pointer.split('/').pop()!
    if (/^\d+$/.test(last)) return
    t.match(lines[location!.physicalLocation.region.startLine - 1], `"${last}"`, `${finding.rule} ${finding.path}: on the line of ${pointer}`)
    onTheirLine++
  })
  t.ok(onTheirLine > 10, `${onTheirLine} findings on the line of their field`)
  const textWithBundle = await ropaHere(['findings', '--bundle', bundleFile])
  t.equal(textWithBundle.code, 2, '--bundle needs --format sarif')
})

t.test('errors: a bad token, an unknown command or option, a missing setting, an unreachable server', async (t) => {
  const badToken = await ropa(['findings'], { ROPA_TOKEN: 'not-a-token' })
  t.equal(badToken.code, 2, 'a 401 exits 2')
  t.match(badToken.stderr, /ropa: GET \/v1\/organisations\/.*\/findings: 401 Authentication required: /, "the problem's title and detail")
  const unknown = await ropa(['frobnicate'])
  t.equal(unknown.code, 2)
  t.match(unknown.stderr, /unknown command 'frobnicate'[\s\S]*Usage: ropa <command>/, 'usage on stderr')
  t.equal(unknown.stdout.length, 0)

  const cases: [string[], RegExp, Record<string, string | undefined>?][] = [
    [[], /name a command/],
    [['--org', org, 'findings'], /options come after the command/],
    [['findings', '--colour'], /Unknown option '--colour'[\s\S]*Usage: ropa findings/],
    [['findings', '--fail-on', 'fatal'], /--fail-on: 'fatal' is not one of error, warning, info, never/],
    [['export', '--format', 'pdf'], /--format: 'pdf' is not one of json, csv, xlsx/],
    [['findings', 'extra'], /unexpected argument 'extra'/],
    [['plan'], /name the bundle file/],
    [['plan', 'a.json', 'b.json'], /unexpected argument 'b.json'/],
    [['help', 'frobnicate'], /unknown command 'frobnicate'/],
    [['findings'], /no organisation/, { ROPA_ORG: undefined }],
    [['findings'], /no token: set ROPA_TOKEN/, { ROPA_TOKEN: undefined }],
    [['findings', '--url', 'not a url'], /'not a url' is not a URL/],
    [['findings', '--org', '00000000-0000-4000-8000-000000000000'], /404 Not found/],
    [['findings', '--url', 'http://127.0.0.1:1'], /cannot reach http:\/\/127\.0\.0\.1:1\/ .*set ROPA_URL or --url/],
    [['plan', join(dir, 'absent.json')], /absent\.json: ENOENT/]
  ]
  for (const [args, message, envChange] of cases) {
    const run = await ropaHere(args, envChange ? { env: { ...env, ...envChange } } : {})
    t.equal(run.code, 2, `ropa ${args.join(' ')}`)
    t.match(run.stderr, message)
  }
})

t.test('--help for ropa and each command, on stdout with exit 0', async (t) => {
  const run = await ropa(['--help'])
  t.equal(run.code, 0)
  t.match(run.stdout.toString(), /Usage: ropa <command>[\s\S]*export[\s\S]*findings[\s\S]*pull[\s\S]*plan[\s\S]*apply[\s\S]*Exit codes/)
  for (const command of ['export', 'findings', 'pull', 'plan', 'apply']) {
    const help = await ropaHere([command, '--help'])
    t.equal(help.code, 0)
    t.match(help.stdout.toString(), new RegExp(`^Usage: ropa ${command}[\\s\\S]*--org`))
    const same = await ropaHere(['help', command])
    t.same(same.stdout, help.stdout, `ropa help ${command}`)
  }
  const version = await ropaHere(['--version'])
  t.equal(version.stdout.toString(), `${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version}\n`)
})

/** Whether the live server has a route: a 404 `route-not-found` says it does not. */
async function routeMissing(method: string, path: string): Promise<string | false> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: { ...writeHeaders, 'content-type': 'application/json' },
    ...(method === 'POST' ? { body: '{}' } : {})
  })
  const body = (await response.json().catch(() => ({}))) as Json
  return response.status === 404 && body.code === 'ROPA_ROUTE_NOT_FOUND'
    ? `${method} /v1/organisations/{orgId}${path.slice(base.length)} is not on this server yet (404 route-not-found): the bundle endpoints are being built`
    : false
}

const bundleMissing =
  (await routeMissing('GET', `${base}/bundle`)) || (await routeMissing('POST', `${base}/bundle/plan`)) || (await routeMissing('POST', `${base}/bundle/apply`))

t.test('pull, plan and apply against the live bundle endpoints', { skip: bundleMissing }, async (t) => {
  const writeEnv = { ROPA_TOKEN: writeHeaders.authorization.replace(/^Bearer /, '') }
  const file = join(dir, 'record.json')
  const pulled = await ropa(['pull', '-o', file])
  t.equal(pulled.code, 0, pulled.stderr)
  const bundle = JSON.parse(readFileSync(file, 'utf8'))
  t.ok(readFileSync(file, 'utf8').endsWith('}\n'), 'pretty JSON with a trailing newline')
  for (const list of ['dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures', 'activities'])
    t.ok(Array.isArray(bundle[list]), list)

  const unchanged = await ropa(['plan', file, '--json'], writeEnv)
  t.equal(unchanged.code, 0, unchanged.stderr)
  t.match(JSON.parse(unchanged.stdout.toString()), { changes: [], summary: { creates: 0, updates: 0, deletes: 0 } }, 'the pulled record plans no change')

  const processor = bundle.processors[0]
  const country = processor.country === 'US' ? 'IE' : 'US'
  writeFileSync(file, JSON.stringify({ ...bundle, processors: [{ ...processor, country }, ...bundle.processors.slice(1)] }))
  const plan = await ropa(['plan', file], writeEnv)
  t.equal(plan.code, 0, plan.stderr)
  t.match(plan.stdout.toString(), `~ update processors/${processor.key}: /country ${JSON.stringify(processor.country)} → "${country}"`)
  const hash = /--plan-hash (\S+)/.exec(plan.stdout.toString())?.[1]
  t.ok(hash, 'the plan names its hash')

  const applied = await ropa(['apply', file, '--plan-hash', hash!], writeEnv)
  t.equal(applied.code, 0, applied.stderr)
  t.match(applied.stdout.toString(), /Applied: 0 creates, 1 update, 0 deletes/)
  const stale = await ropa(['apply', file, '--plan-hash', hash!], writeEnv)
  t.equal(stale.code, 2, 'the record changed since the plan: 412, exit 2')
  t.match(stale.stderr, /412/)
})

t.test('import: a spreadsheet planned, then applied, into another organisation; unreadable cells exit 1', async (t) => {
  const csv = join(dir, 'record.csv')
  t.equal((await ropa(['export', '--format', 'csv', '-o', csv])).code, 0)
  const target = await createOrganisationViaApi(app, { name: 'Imported by the CLI' })
  const importEnv = { env: { ...env, ROPA_ORG: target.id, ROPA_TOKEN: await token({ sub: 'dpo', scopes: ['ropa:read', 'ropa:write'], orgs: [target.id] }) } }
  const planned = await ropaHere(['import', csv], importEnv)
  t.equal(planned.code, 0, planned.stderr)
  t.match(planned.stdout.toString(), /\+ create activities\/newsletter[\s\S]*Apply it: ropa import .*record\.csv --apply/)
  const applied = await ropa(['import', csv, '--apply'], importEnv.env)
  t.equal(applied.code, 0, applied.stderr)
  t.match(applied.stdout.toString(), /Applied: \d+ creates, 0 updates, 0 deletes/)
  t.equal(
    (await app.inject({ url: `/v1/organisations/${target.id}/activities`, headers: writeHeaders })).statusCode,
    404,
    'the write token of the example cannot see it'
  )
  const again = await ropaHere(['import', csv, '--json'], importEnv)
  t.match(JSON.parse(again.stdout.toString()), { dryRun: true, report: [], plan: { changes: [] } }, 'imported once, planned again: no change')

  const broken = join(dir, 'broken.csv')
  writeFileSync(broken, 'Processing activity,Article 6 lawful basis,Purpose of processing\r\nPayroll,because we must,Pay salaries\r\n')
  const unreadable = await ropaHere(['import', broken, '--apply'], importEnv)
  t.equal(unreadable.code, 2, 'applying a sheet with unreadable cells: 422, exit 2')
  t.match(unreadable.stderr, /422/)
  const reported = await ropaHere(['import', broken], importEnv)
  t.equal(reported.code, 1)
  t.match(reported.stdout.toString(), /broken\.csv:2: Article 6 lawful basis: "because we must" names no Art\. 6\(1\) basis/)
  t.equal((await ropaHere(['import', join(dir, 'record.txt')], importEnv)).code, 2, 'neither .csv nor .xlsx')
  t.equal((await ropaHere(['import', join(dir, 'missing.csv')], importEnv)).code, 2, 'no such file')
})

t.test('pull, plan and apply send what the bundle contract says (a stand-in for the API)', async (t) => {
  const sent: { method: string; url: URL; headers: Headers; body: string | null }[] = []
  const planAnswer = {
    planHash: 'abc123',
    changes: [
      { op: 'create', entityType: 'activities', key: 'payroll', fields: [] },
      { op: 'update', entityType: 'processors', key: 'mailer', fields: [{ path: '/country', from: 'IE', to: 'US' }] },
      { op: 'delete', entityType: 'recipients', key: 'old-bank' }
    ],
    findings: { added: [apiFindings.items[0]], resolved: [apiFindings.items[1]] },
    summary: { creates: 1, updates: 1, deletes: 1, errorsAdded: 1 }
  }
  const answers: Record<string, [number, unknown]> = {
    'GET bundle': [200, { organisation: { name: 'X' }, activities: [] }],
    'POST plan': [200, planAnswer],
    'POST apply': [200, { planHash: 'def', changes: planAnswer.changes, summary: { creates: 1, updates: 1, deletes: 1 } }]
  }
  const stand: typeof fetch = async (input, init) => {
    const target = new URL(String(input))
    sent.push({ method: init?.method ?? 'GET', url: target, headers: new Headers(init?.headers), body: (init?.body as string | undefined) ?? null })
    const [status, body] = answers[`${init?.method} ${target.pathname.split('/').pop()}`] ?? [404, { title: 'No such route', detail: 'absent' }]
    return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } })
  }
  const file = join(dir, 'bundle.json')
  writeFileSync(file, '{ "organisation": { "name": "X" }, "activities": [] }\n')

  const pull = await ropaHere(['pull', '--as-of', '2025-01-01T00:00:00Z'], { fetch: stand })
  t.equal(pull.code, 0, pull.stderr)
  t.equal(pull.stdout.toString(), '{\n  "organisation": {\n    "name": "X"\n  },\n  "activities": []\n}\n', 'pretty JSON, trailing newline')
  t.equal(sent[0]!.url.pathname, `${base}/bundle`)
  t.equal(sent[0]!.url.searchParams.get('asOf'), '2025-01-01T00:00:00Z')
  t.equal(sent[0]!.headers.get('authorization'), `Bearer ${readToken}`)
  const pulledFile = join(dir, 'pulled.json')
  t.equal((await ropaHere(['pull', '-o', pulledFile], { fetch: stand })).code, 0)
  t.equal(readFileSync(pulledFile, 'utf8'), pull.stdout.toString(), '-o writes the same')

  const plan = await ropaHere(['plan', file, '--prune', '--managed-by', 'git'], { fetch: stand })
  t.equal(plan.code, 0, plan.stderr)
  const planRequest = sent.at(-1)!
  t.equal(planRequest.method, 'POST')
  t.equal(planRequest.url.pathname, `${base}/bundle/plan`)
  t.same(Object.fromEntries(planRequest.url.searchParams), { prune: 'true', managedBy: 'git' })
  t.same(JSON.parse(planRequest.body!), { organisation: { name: 'X' }, activities: [] }, 'the file is the body')
  t.equal(planRequest.headers.get('content-type'), 'application/json')
  t.equal(
    plan.stdout.toString(),
    renderPlan(planAnswer as Parameters<typeof renderPlan>[0], file),
    'the plan as renderPlan prints it (its lines are checked below)'
  )
  t.match(plan.stdout.toString(), /^\+ create activities\/payroll\n~ update processors\/mailer: \/country "IE" → "US"\n- delete recipients\/old-bank\n/)
  t.match(plan.stdout.toString(), /Findings:\n {2}\+ \w+ [\s\S]*\n {2}- \w+ /)
  t.match(plan.stdout.toString(), /Plan: 1 create, 1 update, 1 delete; 1 error added\.\nApply exactly this plan: ropa apply .* --plan-hash abc123\n$/)
  const planJson = await ropaHere(['plan', '-', '--json'], { fetch: stand, stdin: Readable.from(['{"activities":[]}']) })
  t.same(JSON.parse(planJson.stdout.toString()), planAnswer, '--json: the answer; - reads stdin')
  t.same(Object.fromEntries(sent.at(-1)!.url.searchParams), { prune: 'false' }, 'no prune, no managedBy')

  const apply = await ropaHere(['apply', file, '--plan-hash', 'abc123'], { fetch: stand })
  t.equal(apply.code, 0, apply.stderr)
  t.equal(sent.at(-1)!.url.pathname, `${base}/bundle/apply`)
  t.equal(sent.at(-1)!.headers.get('if-match'), '"abc123"', '--plan-hash is sent as If-Match')
  t.match(apply.stdout.toString(), /~ update processors\/mailer[\s\S]*Applied: 1 create, 1 update, 1 delete\.\n$/)
  await ropaHere(['apply', file, '--plan-hash', '"abc123"', '--json'], { fetch: stand })
  t.equal(sent.at(-1)!.headers.get('if-match'), '"abc123"', 'a quoted hash is sent as it is')
  await ropaHere(['apply', file], { fetch: stand })
  t.equal(sent.at(-1)!.headers.get('if-match'), null, 'no If-Match without --plan-hash')

  answers['POST apply'] = [412, { title: 'Precondition failed', status: 412, detail: 'The record changed since the plan.' }]
  const stale = await ropaHere(['apply', file, '--plan-hash', 'abc123'], { fetch: stand })
  t.equal(stale.code, 2)
  t.match(stale.stderr, /POST .*\/bundle\/apply: 412 Precondition failed: The record changed since the plan\./)
  writeFileSync(file, 'not json')
  const bad = await ropaHere(['apply', file], { fetch: stand })
  t.equal(bad.code, 2)
  t.match(bad.stderr, /bundle\.json: not JSON/)
})

t.test('the pieces: exit codes, text, SARIF, diffs and problems', async (t) => {
  const finding = (severity: Finding['severity'], acknowledged = false): Finding => ({
    rule: 'r',
    severity,
    article: 'Art. 30(1)',
    entityType: 'processor',
    entityId: 'p1',
    path: '/purposes/0',
    message: 'm',
    acknowledged: acknowledged ? { id: 'a', by: 'dpo', at: '2025-01-01T00:00:00Z', reason: 'why', expiresAt: '2026-01-01T00:00:00Z' } : null
  })
  const levels = ['error', 'warning', 'info', 'never'] as const
  t.same(
    levels.map((level) => exitCodeFor([finding('warning')], level)),
    [0, 1, 1, 0],
    'a warning fails --fail-on warning and info'
  )
  t.same(
    levels.map((level) => exitCodeFor([finding('error', true)], level)),
    [0, 0, 0, 0],
    'an acknowledged error fails nothing'
  )
  t.same(failing([finding('info'), finding('error')], 'info').length, 2)
  t.equal(renderText([]), 'No findings: the record passes every rule.\n')
  t.match(
    renderText([finding('info', true)]),
    /processors\/p1\n {2}info +r {2}Art\. 30\(1\) {2}\/purposes\/0 \[acknowledged\]\n +m\n +acknowledged by dpo on 2025-01-01, until 2026-01-01T00:00:00Z: why/
  )
  const sarif = toSarif([{ ...finding('info'), rule: 'unknown-rule', path: '/' }], { rules: [] })
  t.same(sarif.runs[0]!.results[0]!.locations[0]!.logicalLocations[0], { name: 'p1', fullyQualifiedName: 'processors/p1', kind: 'object' })
  t.notOk('ruleIndex' in sarif.runs[0]!.results[0]!, 'a rule the catalogue lacks has no index')
  t.equal(toSarif([finding('info')], { rules: [] }).runs[0]!.results[0]!.locations[0]!.logicalLocations[0]!.kind, 'value', 'a list item')
  t.same(
    toSarif([], { rules: [{ id: 'r', code: 'L-1', severity: 'warning', article: 'A', kind: 'requirement', checks: 'c', helpUri: 'https://example.org/r' }] })
      .runs[0]!.tool.driver.rules[0],
    {
      id: 'r',
      shortDescription: { text: 'c' },
      helpUri: 'https://example.org/r',
      defaultConfiguration: { level: 'warning' },
      properties: { code: 'L-1', article: 'A', kind: 'requirement' }
    }
  )
  t.same(
    changeLines({
      op: 'update',
      entityType: 'activities',
      key: 'a',
      fields: [
        { path: '/name', from: 'x', to: 'y' },
        { path: '/status', to: 'active' }
      ]
    }),
    ['~ update activities/a', '    /name "x" → "y"', '    /status (none) → "active"']
  )
  t.equal(shown('x'.repeat(100)).length, 78, 'long values are shortened')
  t.equal(
    renderPlan({ planHash: 'h', changes: [], summary: { creates: 0, updates: 0, deletes: 0 } }, 'r.json'),
    'No changes: the record already matches r.json.\n\nPlan: 0 creates, 0 updates, 0 deletes.\n'
  )
  t.equal(
    renderApply({ planHash: 'h', changes: [], summary: { creates: 0, updates: 0, deletes: 0 } }),
    'No changes: the record already matched.\n\nApplied: 0 creates, 0 updates, 0 deletes.\n'
  )
  const positions = jsonPointerPositions('{\n  "a~b/c": [1, {"x": "q\\"}"}],\n  "e": {}, "f": []\n}')
  t.same(Object.fromEntries(positions), {
    '': { line: 1, column: 1 },
    '/a~0b~1c': { line: 2, column: 12 },
    '/a~0b~1c/0': { line: 2, column: 13 },
    '/a~0b~1c/1': { line: 2, column: 16 },
    '/a~0b~1c/1/x': { line: 2, column: 22 },
    '/e': { line: 3, column: 8 },
    '/f': { line: 3, column: 17 }
  })
  t.throws(() => jsonPointerPositions('{'), SyntaxError)
  t.equal(describeProblem(502, undefined, 'GET /x'), 'GET /x: HTTP 502')
  t.equal(
    describeProblem(400, { title: 'The request is invalid', errors: [{ path: '/query/asOf', message: 'must be an instant' }] }, 'GET /x'),
    'GET /x: 400 The request is invalid\n  /query/asOf must be an instant'
  )
})

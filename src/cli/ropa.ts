/**
 * `ropa`: the record as code from a terminal or a CI job. Each command is one or a few calls to the
 * API of a running instance (ROPA_URL, ROPA_TOKEN, --org or ROPA_ORG); this module parses the
 * arguments, calls, prints, and answers the exit code: 0 ok, 1 findings at or above --fail-on,
 * 2 a usage error or an error of the server (its RFC 9457 title and detail on stderr).
 */
import { createWriteStream, readFileSync } from 'node:fs'
import { readFile, rm } from 'node:fs/promises'
import { relative, resolve, sep } from 'node:path'
import { Readable, Transform, type Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { type ParseArgsConfig, parseArgs } from 'node:util'
import { type ImportAnswer, type PlanAnswer, renderApply, renderImport, renderPlan } from './bundle-report.ts'
import { ApiClient, CliError, usageError } from './client.ts'
import {
  type EntityIdentity,
  exitCodeFor,
  type FailLevel,
  type FindingsAnswer,
  failing,
  failLevels,
  locateInBundle,
  type Rule,
  renderText,
  toSarif
} from './findings-report.ts'

export interface Io {
  stdout: Writable
  stderr: Writable
  env: Record<string, string | undefined>
  stdin?: NodeJS.ReadableStream
  stdoutIsTTY?: boolean
  stderrIsTTY?: boolean
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch
}

type Options = NonNullable<ParseArgsConfig['options']>

const common = {
  org: { type: 'string' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' }
} as const satisfies Options

const commonHelp = `Common options:
  --org <id>    the organisation (default: $ROPA_ORG)
  --url <url>   the API (default: $ROPA_URL, else http://127.0.0.1:3000)
  -h, --help    this help
The bearer token is read from $ROPA_TOKEN only, so it stays out of process lists and CI logs.`

interface Command {
  summary: string
  usage: string
  options: Options
  positionals?: number
  run: (context: Context) => Promise<number>
}

interface Context {
  values: Record<string, string | boolean | undefined>
  /** The one positional argument of plan and apply: the bundle file. */
  file: string
  io: Io
  client: ApiClient
  base: string
  org: string
  url: string
}

const oneOf = <T extends string>(option: string, value: string | boolean | undefined, allowed: readonly T[], fallback: T): T => {
  if (value === undefined) return fallback
  if (typeof value === 'string' && allowed.includes(value as T)) return value as T
  throw usageError(`--${option}: '${String(value)}' is not one of ${allowed.join(', ')}`)
}

const instant = (option: string, value: string | boolean | undefined) => {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value)))
    throw usageError(`--${option}: '${String(value)}' is not an instant such as 2025-01-31T23:59:59Z`)
  return value
}

const write = (stream: Writable, text: string) => new Promise<void>((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())))

const formatBytes = (bytes: number) =>
  bytes < 1024 ? `${bytes} B` : bytes < 1024 ** 2 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 ** 2).toFixed(1)} MiB`

/**
 * Counts the bytes that pass and reports them on stderr: every half second while the download runs
 * (on one rewritten line on a terminal), then once at the end if anything was reported or `forced`.
 */
function progressMeter(stderr: Writable, tty: boolean, forced: boolean, where: string) {
  let bytes = 0
  let reported = false
  const report = (final: boolean) => {
    const text = `ropa: ${final ? 'wrote' : 'received'} ${formatBytes(bytes)}${final ? ` (${bytes} bytes) to ${where}` : ' …'}`
    stderr.write(tty ? `\r\u001b[K${text}${final ? '\n' : ''}` : `${text}\n`)
    reported = true
  }
  const timer = setInterval(() => report(false), 500)
  timer.unref()
  return {
    counter: new Transform({
      transform(chunk: Buffer, _encoding, done) {
        bytes += chunk.length
        done(null, chunk)
      }
    }),
    finish(ok: boolean) {
      clearInterval(timer)
      if (ok && (reported || forced)) report(true)
      else if (reported && tty) stderr.write('\n')
    }
  }
}

/** Writes `text` to the file of `-o`, or to stdout. */
async function output(context: Context, text: string) {
  const file = context.values.output
  if (typeof file === 'string' && file !== '-') {
    await pipeline(Readable.from([text]), createWriteStream(file))
    context.io.stderr.write(`ropa: wrote ${file}\n`)
  } else await write(context.io.stdout, text)
}

const pretty = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

/** The text of a JSON file (`-`: stdin), checked to be JSON. */
async function readBundleFile(file: string, io: Io): Promise<string> {
  let text: string
  try {
    if (file === '-') {
      if (!io.stdin) throw new Error('no standard input')
      const chunks: Buffer[] = []
      for await (const chunk of io.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
      text = Buffer.concat(chunks).toString('utf8')
    } else text = await readFile(file, 'utf8')
  } catch (error) {
    throw new CliError(`${file}: ${error instanceof Error ? error.message : String(error)}`)
  }
  try {
    JSON.parse(text)
    return text
  } catch (error) {
    throw new CliError(`${file}: not JSON (${error instanceof Error ? error.message : String(error)})`)
  }
}

const bundleQuery = (values: Context['values']) => ({
  prune: values.prune === true ? 'true' : 'false',
  managedBy: typeof values['managed-by'] === 'string' ? values['managed-by'] : undefined
})

let packageVersion: string | undefined
function version(): string {
  packageVersion ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version
  return packageVersion
}

export const commands: Record<string, Command> = {
  export: {
    summary: 'stream the record (JSON, CSV or XLSX) to a file or stdout',
    usage: `Usage: ropa export [--format json|csv|xlsx] [--record controller|processor] [--as-of <instant>] [--include-drafts] [-o <file>] [--progress]
  --format          the file format (default: from the extension of -o, else json)
  --record          controller (Art. 30(1), default) or processor (Art. 30(2))
  --as-of           the record as it stood at this instant (RFC 3339)
  --include-drafts  include draft activities
  -o, --output      write to this file instead of stdout
  --progress        report the bytes received on stderr (automatic on a terminal for long exports)`,
    options: {
      format: { type: 'string' },
      record: { type: 'string' },
      'as-of': { type: 'string' },
      'include-drafts': { type: 'boolean' },
      output: { type: 'string', short: 'o' },
      progress: { type: 'boolean' }
    },
    async run({ values, io, client, base }) {
      const file = typeof values.output === 'string' && values.output !== '-' ? values.output : undefined
      const fromExtension = file && /\.(json|csv|xlsx)$/i.exec(file)?.[1]?.toLowerCase()
      const format = oneOf('format', values.format ?? fromExtension, ['json', 'csv', 'xlsx'], 'json')
      const record = oneOf('record', values.record, ['controller', 'processor'], 'controller')
      if (format === 'xlsx' && !file && io.stdoutIsTTY) throw usageError('--format xlsx is a binary file: write it with -o <file> or redirect stdout')
      const response = await client.request('GET', `${base}/ropa`, {
        query: { format, record, asOf: instant('as-of', values['as-of']), includeDrafts: values['include-drafts'] === true ? 'true' : undefined },
        headers: { accept: '*/*' },
        timeoutMs: null
      })
      if (!response.body) throw new CliError('the export answered no body')
      const meter = progressMeter(io.stderr, io.stderrIsTTY === true, values.progress === true, file ?? 'stdout')
      const source = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
      try {
        if (file) await pipeline(source, meter.counter, createWriteStream(file))
        else await pipeline(source, meter.counter, io.stdout, { end: false })
        meter.finish(true)
      } catch (error) {
        meter.finish(false)
        if (file) await rm(file, { force: true })
        throw new CliError(`the export was cut off: ${error instanceof Error ? error.message : String(error)}${file ? ` (${file} removed)` : ''}`)
      }
      return 0
    }
  },

  findings: {
    summary: 'check the record; exit 1 when findings at or above --fail-on are open',
    usage: `Usage: ropa findings [--fail-on error|warning|info|never] [--format text|json|sarif] [--bundle <file>]
  --fail-on  exit 1 when a finding of this severity or above is not acknowledged (default: error; never: always 0)
  --format   text (for people, default), json (the API's answer) or sarif (SARIF 2.1.0, for code scanning)
  --bundle   with sarif: also place each finding on its line in this bundle file (as ropa pull writes it),
             for tools that show results on files, such as GitHub code scanning`,
    options: { 'fail-on': { type: 'string' }, format: { type: 'string' }, bundle: { type: 'string' } },
    async run({ values, io, client, base, org, url }) {
      const failOn: FailLevel = oneOf('fail-on', values['fail-on'], failLevels, 'error')
      const format = oneOf('format', values.format, ['text', 'json', 'sarif'], 'text')
      const bundleFile = typeof values.bundle === 'string' ? values.bundle : undefined
      if (bundleFile !== undefined && format !== 'sarif') throw usageError('--bundle places SARIF results on a file: use it with --format sarif')
      const bundleText = bundleFile === undefined ? undefined : await readBundleFile(bundleFile, io)
      const answer = await client.json<FindingsAnswer>('GET', `${base}/findings`)
      if (format === 'json') await write(io.stdout, pretty(answer))
      else {
        const rules = (await client.json<{ items: Rule[] }>('GET', '/v1/reference/rules')).items
        const identities = format === 'text' || bundleText !== undefined ? await entityIdentities(client, base, org) : new Map<string, EntityIdentity>()
        if (format === 'sarif') {
          const sarif = toSarif(answer.items, { rules, toolVersion: version(), source: { url, organisationId: org } })
          const located =
            bundleFile !== undefined && bundleText !== undefined
              ? locateInBundle(sarif, answer.items, { uri: artifactUri(bundleFile), text: bundleText, identities })
              : sarif
          await write(io.stdout, pretty(located))
        } else {
          const names = new Map([...identities].flatMap(([id, { name }]): [string, string][] => (name === undefined ? [] : [[id, name]])))
          await write(io.stdout, renderText(answer.items, { names, rules, colour: io.stdoutIsTTY === true && !io.env.NO_COLOR }))
        }
      }
      const code = exitCodeFor(answer.items, failOn)
      if (code !== 0) io.stderr.write(`ropa: ${failing(answer.items, failOn).length} open finding(s) at or above '${failOn}' (--fail-on ${failOn})\n`)
      return code
    }
  },

  pull: {
    summary: 'write the record as a bundle (JSON with keys) to a file or stdout',
    usage: `Usage: ropa pull [--as-of <instant>] [-o <file>]
  --as-of       the record as it stood at this instant (RFC 3339)
  -o, --output  write to this file instead of stdout`,
    options: { 'as-of': { type: 'string' }, output: { type: 'string', short: 'o' } },
    async run(context) {
      const bundle = await context.client.json<unknown>('GET', `${context.base}/bundle`, { query: { asOf: instant('as-of', context.values['as-of']) } })
      await output(context, pretty(bundle))
      return 0
    }
  },

  plan: {
    summary: 'show what applying a bundle file would change, and the findings it would add or resolve',
    usage: `Usage: ropa plan <file> [--prune] [--managed-by <name>] [--json]
  <file>              the bundle (JSON, as ropa pull writes it; - reads stdin)
  --prune             also delete entries the file does not hold (only those managed by --managed-by, if given)
  --managed-by <name> the owner of the entries this file manages
  --json              print the API's answer`,
    options: { prune: { type: 'boolean' }, 'managed-by': { type: 'string' }, json: { type: 'boolean' } },
    positionals: 1,
    async run({ values, file, io, client, base }) {
      const plan = await client.json<PlanAnswer>('POST', `${base}/bundle/plan`, { query: bundleQuery(values), body: await readBundleFile(file, io) })
      await write(io.stdout, values.json ? pretty(plan) : renderPlan(plan, file))
      return 0
    }
  },

  import: {
    summary: 'plan (or with --apply, make) the record from a spreadsheet in the ICO controller template',
    usage: `Usage: ropa import <file.csv|file.xlsx> [--apply] [--json]
  <file>   a CSV or XLSX file in the ICO controller template's columns (as ropa export writes them)
  --apply  apply the plan (only when every cell could be read); without it nothing is written
  --json   print the API's answer
Exits 1 when a cell could not be read (each is listed with its row and column).`,
    options: { apply: { type: 'boolean' }, json: { type: 'boolean' } },
    positionals: 1,
    async run({ values, file, io, client, base }) {
      const format = /\.xlsx$/i.test(file) ? 'xlsx' : /\.csv$/i.test(file) ? 'csv' : undefined
      if (!format) throw usageError(`${file}: name a .csv or .xlsx file`)
      let body: Buffer
      try {
        body = await readFile(file)
      } catch (error) {
        throw new CliError(`${file}: ${error instanceof Error ? error.message : String(error)}`)
      }
      const answer = await client.json<ImportAnswer>('POST', `${base}/imports`, {
        query: { format, dryRun: values.apply === true ? 'false' : 'true' },
        body,
        headers: { 'content-type': 'application/octet-stream' },
        timeoutMs: 300_000
      })
      await write(io.stdout, values.json ? pretty(answer) : renderImport(answer, file))
      return answer.report.length > 0 ? 1 : 0
    }
  },

  apply: {
    summary: 'change the record to match a bundle file',
    usage: `Usage: ropa apply <file> [--prune] [--managed-by <name>] [--plan-hash <hash>] [--json]
  <file>              the bundle (JSON; - reads stdin)
  --prune             also delete entries the file does not hold (only those managed by --managed-by, if given)
  --managed-by <name> the owner of the entries this file manages
  --plan-hash <hash>  apply only if the record is still as planned (sent as If-Match; the server answers 412 otherwise)
  --json              print the API's answer`,
    options: { prune: { type: 'boolean' }, 'managed-by': { type: 'string' }, 'plan-hash': { type: 'string' }, json: { type: 'boolean' } },
    positionals: 1,
    async run({ values, file, io, client, base }) {
      const hash = values['plan-hash']
      const headers: Record<string, string> = typeof hash === 'string' ? { 'if-match': /^(W\/)?".*"$/.test(hash) ? hash : `"${hash}"` } : {}
      const answer = await client.json<PlanAnswer>('POST', `${base}/bundle/apply`, {
        query: bundleQuery(values),
        body: await readBundleFile(file, io),
        headers,
        timeoutMs: 300_000
      })
      await write(io.stdout, values.json ? pretty(answer) : renderApply(answer))
      return 0
    }
  }
}

/** Names (and bundle keys, where the API has them) of the organisation, its activities and processors by id; none if they cannot be read. */
async function entityIdentities(client: ApiClient, base: string, org: string): Promise<Map<string, EntityIdentity>> {
  type Entity = { id: string; name: string; key?: string }
  try {
    const [organisation, activities, processors] = await Promise.all([
      client.json<{ name: string }>('GET', base),
      client.all<Entity>(`${base}/activities`),
      client.all<Entity>(`${base}/processors`)
    ])
    return new Map([
      [org, { name: organisation.name }],
      ...[...activities, ...processors].map(({ id, name, key }): [string, EntityIdentity] => [id, typeof key === 'string' ? { name, key } : { name }])
    ])
  } catch {
    return new Map()
  }
}

/** A file as a SARIF artifact: its path relative to the working directory (the repository root in CI), with `/`. */
const artifactUri = (file: string) => relative(process.cwd(), resolve(file)).split(sep).join('/')

export const usage = `Usage: ropa <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(9)} ${command.summary}`)
  .join('\n')}

${commonHelp}

Exit codes: 0 ok; 1 findings at or above --fail-on, or cells an import could not read; 2 a usage error or an error answered by the server.
ropa <command> --help describes a command.`

/** Runs one command line (without `node` and the script); answers the exit code. Never throws. */
export async function runRopa(argv: readonly string[], io: Io): Promise<number> {
  const [name, ...rest] = argv
  let command: Command | undefined
  try {
    if (name === undefined) throw usageError('name a command')
    if (name === '--help' || name === '-h' || name === 'help') {
      const topic = name === 'help' && rest[0] !== undefined ? commands[rest[0]] : undefined
      if (name === 'help' && rest[0] !== undefined && !topic) throw usageError(`unknown command '${rest[0]}'`)
      await write(io.stdout, `${topic ? `${topic.usage}\n\n${commonHelp}` : usage}\n`)
      return 0
    }
    if (name === '--version') {
      await write(io.stdout, `${version()}\n`)
      return 0
    }
    command = Object.hasOwn(commands, name) ? commands[name] : undefined
    if (!command) throw usageError(name.startsWith('-') ? `options come after the command; '${name}' is not a command` : `unknown command '${name}'`)
    let parsed: ReturnType<typeof parseArgs>
    try {
      parsed = parseArgs({ args: [...rest], options: { ...common, ...command.options }, allowPositionals: true, strict: true })
    } catch (error) {
      throw usageError(error instanceof Error ? error.message.replace(/\. To specify a positional argument.*$/s, '') : String(error))
    }
    const { positionals } = parsed
    // No option is declared `multiple`: each value is one string or boolean.
    const values = parsed.values as Context['values']
    if (values.help) {
      await write(io.stdout, `${command.usage}\n\n${commonHelp}\n`)
      return 0
    }
    const wanted = command.positionals ?? 0
    if (positionals.length !== wanted)
      throw usageError(
        wanted === 0 ? `unexpected argument '${positionals[0]}'` : positionals.length === 0 ? 'name the bundle file' : `unexpected argument '${positionals[1]}'`
      )
    const org = typeof values.org === 'string' ? values.org : io.env.ROPA_ORG
    if (!org) throw usageError('no organisation: pass --org <id> or set ROPA_ORG')
    const token = io.env.ROPA_TOKEN
    if (!token) throw usageError('no token: set ROPA_TOKEN to a bearer token (ropa:read; plan and apply need ropa:write)')
    const url = typeof values.url === 'string' ? values.url : io.env.ROPA_URL || 'http://127.0.0.1:3000'
    try {
      new URL(url)
    } catch {
      throw usageError(`'${url}' is not a URL (ROPA_URL or --url)`)
    }
    const client = new ApiClient({ url, token, ...(io.fetch ? { fetch: io.fetch } : {}) })
    return await command.run({ values, file: positionals[0] ?? '', io, client, base: `/v1/organisations/${encodeURIComponent(org)}`, org, url })
  } catch (error) {
    if (error instanceof CliError) {
      io.stderr.write(`ropa: ${error.message}\n`)
      if (error.showUsage) io.stderr.write(`\n${command ? command.usage : usage}\n`)
      return error.exitCode
    }
    io.stderr.write(`ropa: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`)
    return 2
  }
}

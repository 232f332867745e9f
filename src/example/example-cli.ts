import { parseArgs } from 'node:util'
import { type ApiCall, type Bundle, loadBundle, parseBundle, readExampleBundle } from './bundle.ts'

export const usage = `Usage: npm run example -- --token <JWT> [--url http://127.0.0.1:3000] [--org <organisation id>] [--file bundle.json]
  Loads the example organisation (or the bundle in --file) into a running instance through its API.
  Without --org it creates a new organisation (the token needs ropa:platform); with --org it loads the
  catalogue and activities into that organisation (ropa:write).`

/** `npm run example`: loads a bundle into any running instance over HTTP. */
export async function runExampleCli(args: string[], env: Record<string, string | undefined> = process.env) {
  const { values } = parseArgs({
    args,
    options: { url: { type: 'string', default: 'http://127.0.0.1:3000' }, token: { type: 'string' }, org: { type: 'string' }, file: { type: 'string' } },
    strict: true
  })
  const token = values.token ?? env.ROPA_TOKEN
  if (!token) throw new Error('--token: a bearer token is needed (or set ROPA_TOKEN)')
  const bundle: Bundle = values.file ? parseBundle(await (await import('node:fs/promises')).readFile(values.file, 'utf8')) : readExampleBundle()
  const call: ApiCall = async (method, path, body) => {
    const response = await fetch(new URL(path, values.url), {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000)
    })
    // Cast: the API answers JSON objects (entities and problem details); loadBundle only reads their `id`, checked there.
    return { status: response.status, body: (await response.json()) as Record<string, unknown> }
  }
  const result = await loadBundle(call, bundle, values.org)
  return `Loaded ${result.ids.size} catalogue entries and ${result.activities} activities into organisation ${result.organisationId}.`
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runExampleCli(process.argv.slice(2)).then(
    (message) => console.log(message),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      console.error(usage)
      process.exit(1)
    }
  )
}

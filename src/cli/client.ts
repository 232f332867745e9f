/**
 * The `ropa` command's HTTP client: global `fetch`, a bearer token, and the API's RFC 9457 problems
 * turned into one error the command prints. It imports nothing of the server: the CLI is a client.
 */

/** A failure the command reports on stderr and exits with: 2 for usage and server errors. */
export class CliError extends Error {
  override name = 'CliError'
  readonly exitCode: number
  /** Print the command's usage after the message. */
  readonly showUsage: boolean
  constructor(message: string, exitCode = 2, showUsage = false) {
    super(message)
    this.exitCode = exitCode
    this.showUsage = showUsage
  }
}

export const usageError = (message: string) => new CliError(message, 2, true)

export interface Problem {
  type?: string
  title?: string
  status?: number
  detail?: string
  code?: string
  errors?: { path?: string; message?: string }[]
}

/** The problem's title and detail, with the fields it names, as one message for a terminal. */
export function describeProblem(status: number, problem: Problem | undefined, what: string): string {
  if (!problem || (problem.title === undefined && problem.detail === undefined)) return `${what}: HTTP ${status}`
  const head = `${what}: ${status} ${problem.title ?? ''}`.trimEnd()
  const lines = [problem.detail ? `${head}: ${problem.detail}` : head]
  for (const error of problem.errors ?? []) lines.push(`  ${error.path ?? ''} ${error.message ?? ''}`.trimEnd())
  return lines.join('\n')
}

export interface ClientOptions {
  url: string
  token: string
  /** Replaces global fetch (tests). */
  fetch?: typeof fetch
}

type Query = Record<string, string | boolean | undefined>

export interface RequestOptions {
  query?: Query
  /** JSON text, or the bytes of a file (give its content-type in `headers`). */
  body?: string | Uint8Array
  headers?: Record<string, string>
  /** Gives up after this long (exports stream for as long as they take: no timeout there). */
  timeoutMs?: number | null
}

/** Talks to one instance of the API as one token. */
export class ApiClient {
  readonly #url: string
  readonly #token: string
  readonly #fetch: typeof fetch

  constructor({ url, token, fetch: fetcher = fetch }: ClientOptions) {
    this.#url = url.endsWith('/') ? url : `${url}/`
    this.#token = token
    this.#fetch = fetcher
  }

  urlOf(path: string, query: Query = {}): URL {
    const url = new URL(path.replace(/^\//, ''), this.#url)
    for (const [name, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(name, String(value))
    return url
  }

  /** The response of a 2xx answer; any other answer or a network failure is a CliError naming `method path`. */
  async request(method: string, path: string, { query, body, headers = {}, timeoutMs = 60_000 }: RequestOptions = {}): Promise<Response> {
    const url = this.urlOf(path, query)
    const what = `${method} ${url.pathname}`
    let response: Response
    try {
      response = await this.#fetch(url, {
        method,
        headers: {
          authorization: `Bearer ${this.#token}`,
          accept: 'application/json, application/problem+json;q=0.9, */*;q=0.1',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers
        },
        ...(body === undefined ? {} : { body }),
        ...(timeoutMs === null ? {} : { signal: AbortSignal.timeout(timeoutMs) })
      })
    } catch (error) {
      const cause = error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)
      throw new CliError(`${what}: cannot reach ${this.#url} (${cause}); set ROPA_URL or --url`)
    }
    if (response.ok) return response
    const text = await response.text().catch(() => '')
    let problem: Problem | undefined
    try {
      problem = JSON.parse(text) as Problem
    } catch {
      problem = undefined
    }
    throw new CliError(describeProblem(response.status, problem, what))
  }

  /** A JSON answer, parsed. */
  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.request(method, path, options)
    const text = await response.text()
    try {
      return JSON.parse(text) as T
    } catch {
      throw new CliError(`${method} ${path}: the answer is not JSON (${text.slice(0, 80)})`)
    }
  }

  /** Every item of a paged list (`{ items, nextCursor }`). */
  async all<T>(path: string, query: Query = {}): Promise<T[]> {
    const items: T[] = []
    let cursor: string | undefined
    do {
      const page = await this.json<{ items: T[]; nextCursor: string | null }>('GET', path, { query: { ...query, limit: '200', cursor } })
      items.push(...page.items)
      cursor = page.nextCursor ?? undefined
    } while (cursor)
    return items
  }
}

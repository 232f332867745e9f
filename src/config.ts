import { type Static, Type } from 'typebox'
import { Value } from 'typebox/value'
import { isObject } from './shared/objects.ts'

const optionalString = (description: string, options: object = {}) => Type.Optional(Type.String({ minLength: 1, description, ...options }))

export const EnvSchema = Type.Object({
  NODE_ENV: Type.Enum(['development', 'test', 'production'], { default: 'development' }),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000, description: 'TCP port to listen on.' }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1', description: 'Address to listen on.' }),
  DATABASE_URL: optionalString('PostgreSQL connection string; unset means embedded PGlite in DATA_DIR.', {
    pattern: '^postgres(ql)?://'
  }),
  DATA_DIR: Type.String({
    minLength: 1,
    default: './data',
    description: 'Folder of the embedded database (and development key); `memory://` keeps it in memory.'
  }),
  DB_POOL_MAX: Type.Integer({ minimum: 1, maximum: 200, default: 10, description: 'PostgreSQL pool size.' }),
  DB_CONNECT_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 5000, description: 'Give up opening a connection after this long.' }),
  DB_QUERY_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 15000, description: 'Give up waiting for a query after this long.' }),
  JWT_SECRET: optionalString('HS256 shared secret, at least 32 bytes.', { minLength: 32 }),
  JWT_PUBLIC_KEY: optionalString('PEM public key (RS256, ES256 or EdDSA).'),
  JWT_JWKS_URL: optionalString('JWKS endpoint of an identity provider.', { format: 'uri', pattern: '^https?://' }),
  JWT_JWKS_TIMEOUT_MS: Type.Integer({
    minimum: 50,
    maximum: 60_000,
    default: 5000,
    description: 'Give up fetching the JWKS after this long (503 with Retry-After meanwhile).'
  }),
  SIGNING_KEY: optionalString(
    'PEM Ed25519 private key (PKCS#8) that signs snapshots of the record; its public key is served at /.well-known/jwks.json. Unset outside production, a development key is generated in DATA_DIR.',
    { pattern: '-----BEGIN PRIVATE KEY-----' }
  ),
  SIGNING_KEYS_RETIRED: optionalString(
    'PEM Ed25519 public keys (SPKI), one block after another, of keys that signed snapshots before the current SIGNING_KEY: still published, so old snapshots still verify.',
    { pattern: '-----BEGIN PUBLIC KEY-----' }
  ),
  JWT_ISSUER: optionalString('Required `iss` claim when set.'),
  JWT_AUDIENCE: optionalString('Required `aud` claim when set.'),
  JWT_MAX_TOKEN_AGE: optionalString(
    'Longest token lifetime accepted, such as `24h`, `90m`, `7d` or `3600s`: tokens issued longer ago, or minted with a longer lifetime (`exp` - `iat`), or without `iat` are refused.',
    {
      pattern: '^[1-9][0-9]{0,8}[smhd]$'
    }
  ),
  LOG_LEVEL: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], { default: 'info' }),
  EXPORTS_PER_ORGANISATION: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 2,
    description: 'Exports that may run at once for one organisation, across the replicas on PostgreSQL (429 beyond).'
  }),
  EXPORTS_IN_TOTAL: Type.Integer({
    minimum: 1,
    maximum: 1000,
    default: 4,
    description:
      'Exports that may run at once in all: in this process, and on PostgreSQL also across the replicas sharing the database; keep it well under DB_POOL_MAX.'
  }),
  STATEMENT_COUNT_HEADER: Type.Boolean({
    default: false,
    description: 'Answer each request with `x-sql-statements` (statements it sent); for benchmarks, meaningful when requests do not overlap.'
  }),
  RATE_LIMIT_PER_TOKEN_PER_MINUTE: Type.Integer({
    minimum: 0,
    maximum: 10_000_000,
    default: 1200,
    description: 'Requests one token subject may make per minute (429 with Retry-After beyond); 0 turns the limit off.'
  }),
  RATE_LIMIT_PER_ADDRESS_PER_MINUTE: Type.Integer({
    minimum: 0,
    maximum: 10_000_000,
    default: 6000,
    description: 'Requests one client address may make per minute, with or without a token; 0 turns the limit off.'
  }),
  RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE: Type.Integer({
    minimum: 0,
    maximum: 10_000_000,
    default: 120,
    description: 'Requests one client address may make per minute to the public registers (`/public/...`), on top of the address limit; 0 turns it off.'
  }),
  RATE_LIMIT_STORE: Type.Enum(['auto', 'process', 'database', 'redis'], {
    default: 'auto',
    description:
      'Where rate-limit counters live: `process` (each replica counts alone), `database` (a table in PostgreSQL, shared by replicas), `redis` (REDIS_URL, shared); `auto` is redis with REDIS_URL, else database on PostgreSQL, else process (PGlite is one process).'
  }),
  REDIS_URL: optionalString('Redis for rate-limit counters shared by replicas (`redis://` or `rediss://`); used when RATE_LIMIT_STORE is `auto` or `redis`.', {
    pattern: '^rediss?://'
  }),
  MAX_EVENT_LOOP_DELAY_MS: Type.Integer({
    minimum: 0,
    default: 1000,
    description: 'Shed load (503 with Retry-After) while the mean event-loop delay exceeds this; 0 turns it off.'
  }),
  HEAP_GROWING_PERCENT: Type.Integer({
    minimum: 0,
    maximum: 300,
    default: 50,
    description:
      'How far V8 lets the heap grow past what the last full collection kept, in percent; 0 leaves it to V8 (up to four times). A long export makes garbage faster than V8 collects it by default: at 50 the resident set rises about half as much, for a few percent more CPU.'
  }),
  MAX_HEAP_USED_MB: Type.Integer({
    minimum: 0,
    default: 0,
    description: 'Shed load while the heap in use exceeds this many MiB; 0 (the default) turns it off.'
  }),
  LOAD_SAMPLE_INTERVAL_MS: Type.Integer({
    minimum: 50,
    maximum: 60_000,
    default: 1000,
    description: 'How often load (event-loop delay, heap) is sampled for load shedding.'
  }),
  IDEMPOTENCY_KEY_TTL_SECONDS: Type.Integer({
    minimum: 60,
    maximum: 7 * 24 * 3600,
    default: 24 * 3600,
    description: 'How long the answer to a POST with an Idempotency-Key is kept for replay.'
  }),
  HEADERS_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 120_000,
    default: 60_000,
    description: 'Close a connection whose request headers have not all arrived after this long (408).'
  }),
  BODY_LIMIT_BYTES: Type.Integer({ minimum: 1024, maximum: 64 * 1024 * 1024, default: 1024 * 1024, description: 'Largest accepted request body.' }),
  WEBHOOK_WORKER: Type.Boolean({
    default: true,
    description: 'Deliver webhooks from this process; false leaves the outbox to other instances (events are still recorded).'
  }),
  WEBHOOK_POLL_INTERVAL_MS: Type.Integer({
    minimum: 50,
    maximum: 3_600_000,
    default: 2000,
    description: 'How often the webhook worker looks for deliveries that are due.'
  }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({
    minimum: 100,
    maximum: 60_000,
    default: 5000,
    description: 'Give up on a webhook receiver that has not answered after this long (the attempt fails and is retried).'
  }),
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: Type.Boolean({
    default: false,
    description:
      'Allow webhook URLs on loopback, private, link-local and unique-local addresses, and plain http; off, URLs must be https and resolve to public addresses.'
  })
})

export type Config = Static<typeof EnvSchema>

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const knownKeys = Object.keys(EnvSchema.properties)

/** Reads the environment variables this service knows, converts them to their types and validates them. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const input = Object.fromEntries(knownKeys.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]))
  const value = Value.Convert(EnvSchema, Value.Default(EnvSchema, input))
  const problems = [...Value.Errors(EnvSchema, value)].map((error) => {
    const variable = error.instancePath.replace(/^\//, '') || missingProperty(error.params)
    return `${variable}: ${error.message}${variable in input ? ` (got ${JSON.stringify(redact(variable, input[variable]))})` : ''}`
  })
  if (problems.length === 0 && Value.Check(EnvSchema, value)) {
    problems.push(...keyProblems(value))
    if (problems.length === 0) return value
  }
  throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
}

export const keyVariables = ['JWT_SECRET', 'JWT_PUBLIC_KEY', 'JWT_JWKS_URL'] as const

function keyProblems(config: Config): string[] {
  return [...tokenKeyProblems(config), ...signingKeyProblems(config), ...rateLimitStoreProblems(config)]
}

function rateLimitStoreProblems(config: Config): string[] {
  if (config.RATE_LIMIT_STORE === 'redis' && !config.REDIS_URL) return ['RATE_LIMIT_STORE: `redis` needs REDIS_URL']
  if (config.RATE_LIMIT_STORE === 'database' && !config.DATABASE_URL) return ['RATE_LIMIT_STORE: `database` needs DATABASE_URL (PGlite is one process)']
  return []
}

function signingKeyProblems(config: Config): string[] {
  if (config.SIGNING_KEY === undefined && config.NODE_ENV === 'production')
    return ['SIGNING_KEY: NODE_ENV=production needs the PEM Ed25519 private key that signs snapshots (`openssl genpkey -algorithm ed25519`)']
  return []
}

function tokenKeyProblems(config: Config): string[] {
  const configured = keyVariables.filter((name) => config[name] !== undefined)
  if (configured.length > 1) return [`${configured.join(', ')}: configure exactly one way to verify tokens, not ${configured.length}`]
  if (configured.length === 0 && config.NODE_ENV === 'production') {
    return ['JWT_SECRET: NODE_ENV=production needs a token key: set JWT_SECRET (HS256, at least 32 bytes), JWT_PUBLIC_KEY (PEM) or JWT_JWKS_URL']
  }
  return []
}

function missingProperty(params: unknown): string {
  const required = isObject(params) && Array.isArray(params.requiredProperties) ? params.requiredProperties : undefined
  return required?.join(', ') ?? '(environment)'
}

function redact(variable: string, value: unknown): unknown {
  return /SECRET|KEY|URL/.test(variable) ? '…' : value
}

const SECONDS_PER_UNIT = new Map([
  ['s', 1],
  ['m', 60],
  ['h', 3600],
  ['d', 86_400]
])

/** A duration such as `24h` (as JWT_MAX_TOKEN_AGE's pattern admits) in seconds. */
export function durationSeconds(duration: string): number {
  return Number(duration.slice(0, -1)) * (SECONDS_PER_UNIT.get(duration.slice(-1)) ?? Number.NaN)
}

import { generateKeyPairSync } from 'node:crypto'
import t from 'tap'
import { ConfigError, loadConfig } from '../src/config.ts'

t.test('defaults describe the zero-configuration start', async (t) => {
  t.same(loadConfig({}), {
    NODE_ENV: 'development',
    PORT: 3000,
    HOST: '127.0.0.1',
    DATA_DIR: './data',
    DB_POOL_MAX: 10,
    DB_CONNECT_TIMEOUT_MS: 5000,
    DB_QUERY_TIMEOUT_MS: 15000,
    JWT_JWKS_TIMEOUT_MS: 5000,
    LOG_LEVEL: 'info',
    EXPORTS_PER_ORGANISATION: 2,
    EXPORTS_IN_TOTAL: 4,
    STATEMENT_COUNT_HEADER: false,
    RATE_LIMIT_PER_TOKEN_PER_MINUTE: 1200,
    RATE_LIMIT_PER_ADDRESS_PER_MINUTE: 6000,
    RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE: 120,
    RATE_LIMIT_STORE: 'auto',
    MAX_EVENT_LOOP_DELAY_MS: 1000,
    HEAP_GROWING_PERCENT: 50,
    MAX_HEAP_USED_MB: 0,
    LOAD_SAMPLE_INTERVAL_MS: 1000,
    IDEMPOTENCY_KEY_TTL_SECONDS: 86400,
    HEADERS_TIMEOUT_MS: 60000,
    BODY_LIMIT_BYTES: 1048576,
    WEBHOOK_WORKER: true,
    WEBHOOK_POLL_INTERVAL_MS: 2000,
    WEBHOOK_TIMEOUT_MS: 5000,
    WEBHOOK_ALLOW_PRIVATE_NETWORKS: false
  })
})

t.test('values are converted from their text form; unrelated variables are ignored', async (t) => {
  const config = loadConfig({
    PORT: '8080',
    DATABASE_URL: 'postgres://app@db:5432/ropa',
    JWT_SECRET: 'x'.repeat(32),
    LOG_LEVEL: 'debug',
    NODE_ENV: 'production',
    SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    PATH: '/usr/bin',
    DB_POOL_MAX: ''
  })
  t.equal(config.PORT, 8080)
  t.equal(config.DATABASE_URL, 'postgres://app@db:5432/ropa')
  t.equal(config.LOG_LEVEL, 'debug')
  t.equal(config.DB_POOL_MAX, 10, 'an empty variable counts as unset')
  t.notOk('PATH' in config)
})

t.test('a shared rate-limit store needs where to keep its counters; the Redis URL is not echoed', async (t) => {
  t.throws(() => loadConfig({ RATE_LIMIT_STORE: 'redis' }), { message: /RATE_LIMIT_STORE: `redis` needs REDIS_URL/ })
  t.throws(() => loadConfig({ RATE_LIMIT_STORE: 'database' }), { message: /RATE_LIMIT_STORE: `database` needs DATABASE_URL/ })
  const error = t.throws(() => loadConfig({ REDIS_URL: 'http://user:secret@cache:6379' })) as ConfigError
  t.match(error.message, /REDIS_URL: .*\(got "…"\)/)
  t.notMatch(error.message, /secret/)
  t.equal(loadConfig({ RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379' }).REDIS_URL, 'redis://127.0.0.1:6379')
})

t.test('a bad value stops start-up with a message naming each variable, secrets not echoed', async (t) => {
  const error = t.throws(() =>
    loadConfig({ PORT: 'http', LOG_LEVEL: 'loud', JWT_SECRET: 'too-short-secret', DATABASE_URL: 'mysql://root@db/x', JWT_JWKS_URL: 'ftp://idp/keys' })
  ) as ConfigError
  t.type(error, ConfigError)
  t.match(error.message, /PORT: must be integer \(got "http"\)/)
  t.match(error.message, /LOG_LEVEL: .*\(got "loud"\)/)
  t.match(error.message, /JWT_SECRET: must not have fewer than 32 characters/)
  t.match(error.message, /DATABASE_URL: must match pattern/)
  t.match(error.message, /JWT_JWKS_URL: /)
  t.notMatch(error.message, /too-short-secret|mysql:\/\/root/)
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT: must be <= 65535 \(got 70000\)/)
})

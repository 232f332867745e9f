import type { FastifyBaseLogger, FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { postgresCounters } from './counters.repository.ts'
import { LeaseStore, type SharedCounters } from './lease-store.ts'

/** A `store` option for @fastify/rate-limit, or undefined for its in-process store. */
type StoreOption = (new () => LeaseStore) | undefined

declare module 'fastify' {
  interface FastifyInstance {
    /** The store of one rate limit (`namespace` keeps its keys apart from the other limits'). */
    rateLimitStore(namespace: string): StoreOption
  }
}

export type RateLimitStoreKind = 'process' | 'database' | 'redis'

/** `auto`: Redis when configured, else the database on PostgreSQL, else this process (PGlite is one process). */
export function rateLimitStoreKind(config: Config): RateLimitStoreKind {
  if (config.RATE_LIMIT_STORE !== 'auto') return config.RATE_LIMIT_STORE
  if (config.REDIS_URL) return 'redis'
  return config.DATABASE_URL ? 'database' : 'process'
}

/** Where the rate limits count: shared by the replicas (database or Redis) or in this process. */
export const rateLimitStores = fp<{ config: Config }>(
  async function rateLimitStores(app: FastifyInstance, { config }) {
    const kind = rateLimitStoreKind(config)
    // ioredis loads only when the limits count in Redis.
    const counters =
      kind === 'redis' ? (await import('./redis-counters.ts')).redisCounters(config.REDIS_URL ?? '') : kind === 'database' ? databaseCounters(app) : undefined
    if (counters) app.addHook('onClose', () => counters.close())
    app.decorate('rateLimitStore', (namespace: string) => counters && leaseStoreClass(counters, namespace, app.log))
  },
  { name: 'rate-limit-stores' }
)

/** @fastify/rate-limit constructs the store it is given: a class whose instances are this namespace's store. */
function leaseStoreClass(counters: SharedCounters, namespace: string, log: FastifyBaseLogger): StoreOption {
  return class {
    constructor() {
      // biome-ignore lint/correctness/noConstructorReturn: the plugin calls `new`; the store it gets is the lease store.
      return new LeaseStore(counters, namespace, log)
    }
  } as new () => LeaseStore
}

/** The database opens after the limits are registered: its handle is looked up at the first lease. */
function databaseCounters(app: FastifyInstance): SharedCounters {
  let counters: SharedCounters | undefined
  return {
    name: 'database',
    take(key, max, windowMs) {
      if (!counters) {
        const { background } = app.database
        if (!background) throw new Error('rate-limit counters in the database need PostgreSQL')
        counters = postgresCounters(background)
      }
      return counters.take(key, max, windowMs)
    },
    async close() {}
  }
}

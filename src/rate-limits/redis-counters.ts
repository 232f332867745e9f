import { Redis } from 'ioredis'
import type { SharedCounters } from './lease-store.ts'

/** The lease of `leaseSize` taken atomically: KEYS[1] counter; ARGV max, window in ms. Returns granted, used, ttl in ms. */
const TAKE = `
local max = tonumber(ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
local used = 0
if ttl > 0 then used = tonumber(redis.call('GET', KEYS[1]) or '0') end
local granted = 0
if used < max then granted = math.max(1, math.floor((max - used) / 16)) end
if ttl <= 0 then
  ttl = tonumber(ARGV[2])
  redis.call('SET', KEYS[1], granted, 'PX', ttl)
elseif granted > 0 then
  redis.call('INCRBY', KEYS[1], granted)
end
return {granted, used + granted, ttl}
`

/** Counters in Redis, one script call per lease; keys expire with their window. */
export function redisCounters(url: string): SharedCounters {
  // No offline queue and one retry: while Redis is away a lease fails at once and the store counts in-process.
  const redis = new Redis(url, { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000 })
  redis.on('error', () => undefined)
  redis.defineCommand('takeLease', { numberOfKeys: 1, lua: TAKE })
  const connected = redis.connect().catch(() => undefined)
  return {
    name: 'redis',
    async take(key, max, windowMs) {
      await connected
      const [granted, used, ttlMs] = (await (redis as Redis & { takeLease(...args: unknown[]): Promise<number[]> }).takeLease(
        `ropa:rate-limit:${key}`,
        max,
        windowMs
      )) as [number, number, number]
      return { granted, used, ttlMs }
    },
    async close() {
      redis.disconnect()
    }
  }
}

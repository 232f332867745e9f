import type { FastifyBaseLogger } from 'fastify'

/** What a replica took from a shared counter: `granted` hits of the window, which ends `ttlMs` from now. */
export interface Lease {
  granted: number
  /** Hits handed out in the window across all replicas, this lease included. */
  used: number
  ttlMs: number
}

/** A counter per key and window shared by the replicas (PostgreSQL or Redis); `take` is atomic. */
export interface SharedCounters {
  readonly name: string
  take(key: string, max: number, windowMs: number): Promise<Lease>
  close(): Promise<void>
}

/**
 * How many hits a replica takes at once when `used` of `max` are gone: a sixteenth of what is left,
 * at least one, never more than is left. Large budgets cost a round trip per many requests; near the
 * limit leases shrink to one hit, so the replicas together never pass the limit.
 */
export const leaseSize = (max: number, used: number) => (used >= max ? 0 : Math.max(1, Math.floor((max - used) / 16)))

interface HeldLease {
  left: number
  used: number
  endsAt: number
}

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void

const PRUNE_ABOVE = 10_000
const RETRY_AFTER_FAILURE_MS = 1000

/**
 * A store for @fastify/rate-limit whose counts hold across replicas. Each process spends leases taken
 * from the shared counter, so most requests cost no round trip; a key whose window is used up answers
 * 429 without one until the window ends. Hits leased but not spent when a window ends are lost: the
 * replicas together may allow a little less than the limit, never more.
 *
 * When the shared counter fails (database or Redis unreachable) the store counts in this process
 * instead, as a single replica would, and logs a warning once per outage: a broken counter neither
 * takes the API down nor lifts the limit.
 */
export class LeaseStore {
  private readonly leases = new Map<string, HeldLease>()
  private readonly renewing = new Map<string, Promise<void>>()
  private readonly fallback = new Map<string, { count: number; endsAt: number }>()
  private failing = false
  private retryAt = 0

  private readonly counters: SharedCounters
  private readonly namespace: string
  private readonly log: FastifyBaseLogger

  constructor(counters: SharedCounters, namespace: string, log: FastifyBaseLogger) {
    this.counters = counters
    this.namespace = namespace
    this.log = log
  }

  incr(key: string, callback: Callback, timeWindow: number, max: number): void {
    this.hit(`${this.namespace}:${key}`, max, timeWindow).then(
      (result) => callback(null, result),
      (error: Error) => callback(error)
    )
  }

  child(): LeaseStore {
    return this
  }

  async hit(key: string, max: number, windowMs: number): Promise<{ current: number; ttl: number }> {
    for (;;) {
      const now = Date.now()
      const lease = this.leases.get(key)
      if (lease && lease.endsAt > now) {
        if (lease.left > 0) {
          lease.left--
          return { current: lease.used - lease.left, ttl: lease.endsAt - now }
        }
        if (lease.used >= max) return { current: max + 1, ttl: lease.endsAt - now }
      }
      if (this.failing && now < this.retryAt) return this.countHere(key, max, windowMs)
      const pending = this.renewing.get(key)
      if (pending) {
        await pending.catch(() => undefined)
        continue
      }
      const renewal = this.renew(key, max, windowMs)
      this.renewing.set(key, renewal)
      try {
        await renewal
      } catch (error) {
        return this.countHere(key, max, windowMs, error as Error)
      } finally {
        this.renewing.delete(key)
      }
    }
  }

  private async renew(key: string, max: number, windowMs: number): Promise<void> {
    const { granted, used, ttlMs } = await this.counters.take(key, max, windowMs)
    if (this.failing) {
      this.failing = false
      this.log.info({ store: this.counters.name }, 'shared rate-limit counters answer again')
    }
    if (this.leases.size > PRUNE_ABOVE) prune(this.leases)
    // A window that ended between the statement and now still yields a lease that expires at once: the next hit takes a new one.
    this.leases.set(key, { left: granted, used, endsAt: Date.now() + ttlMs })
  }

  private countHere(key: string, max: number, windowMs: number, error?: Error): { current: number; ttl: number } {
    const now = Date.now()
    if (error) {
      // Ask the shared counter again after a pause, not on every request of the outage.
      this.retryAt = now + RETRY_AFTER_FAILURE_MS
      if (!this.failing)
        this.log.warn({ err: error, store: this.counters.name }, 'shared rate-limit counters failed; counting in this process until they answer')
      this.failing = true
    }
    let entry = this.fallback.get(key)
    if (!entry || entry.endsAt <= now) {
      if (this.fallback.size > PRUNE_ABOVE) prune(this.fallback)
      entry = { count: 0, endsAt: now + windowMs }
      this.fallback.set(key, entry)
    }
    entry.count++
    return { current: Math.min(entry.count, max + 1), ttl: entry.endsAt - now }
  }
}

function prune(entries: Map<string, { endsAt: number }>) {
  const now = Date.now()
  for (const [key, entry] of entries) if (entry.endsAt <= now) entries.delete(key)
}

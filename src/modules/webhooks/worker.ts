import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../../config.ts'
import { post, signature } from './delivery.ts'
import { watchFindings } from './findings-watch.ts'
import { watchReviewsDue } from './reviews-watch.ts'
import { claimDue, recordAttempt } from './webhooks.repository.ts'

export interface WebhookWorker {
  /**
   * One delivery pass: queues the `findings.changed` events of writes since the last pass and the
   * `review.due` events of reviews fallen due, then
   * claims the deliveries due at `now` (by default the present), a batch at a time, POSTs each and
   * records the attempt, until none is due; answers how many attempts it made.
   * The background loop runs it every WEBHOOK_POLL_INTERVAL_MS; tests call it directly.
   */
  deliverDue(now?: Date): Promise<number>
}

declare module 'fastify' {
  interface FastifyInstance {
    webhooks: WebhookWorker
  }
}

const BATCH = 20
/** Batches one pass runs at most, so that a loop always yields to shutdown. */
const MAX_BATCHES = 50
const FIRST_RETRY_MS = 30_000
const LONGEST_RETRY_MS = 4 * 3600_000

/**
 * The wait before retry `attempt + 1`: 30 s doubled for each attempt made, at most 4 hours, with ±25 %
 * jitter so receivers that failed together are not retried together. With the 24-hour retry window
 * that makes about fifteen attempts.
 */
export function retryDelayMs(attempts: number, random = Math.random): number {
  const base = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, attempts - 1), LONGEST_RETRY_MS)
  return Math.round(base * (0.75 + random() * 0.5))
}

/** The webhook worker, in the API process: a delivery pass every poll interval, from start until close. */
export default fp<{ config: Config }>(
  async function webhookWorker(app: FastifyInstance, { config }) {
    const policy = { allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS, timeoutMs: config.WEBHOOK_TIMEOUT_MS }
    // Longer than any attempt can take, so a lease only lapses when its worker died.
    const leaseMs = config.WEBHOOK_TIMEOUT_MS + 60_000

    async function deliverDue(now?: Date): Promise<number> {
      const db = app.database.db
      await watchFindings(db).catch((error: unknown) => app.log.warn({ err: error }, 'comparing findings for findings.changed failed; the next pass retries'))
      await watchReviewsDue(db).catch((error: unknown) => app.log.warn({ err: error }, 'looking for reviews due failed; the next pass retries'))
      let made = 0
      for (let batch = 0; batch < MAX_BATCHES; batch++) {
        const claimed = await claimDue(db, now ?? new Date(), leaseMs, BATCH)
        if (claimed.length === 0) break
        await Promise.all(
          claimed.map(async (delivery) => {
            const timestamp = Math.floor(Date.now() / 1000)
            const headers = {
              'webhook-id': delivery.eventId,
              'webhook-timestamp': String(timestamp),
              'webhook-signature': signature(delivery.secret, delivery.eventId, timestamp, delivery.body)
            }
            const result = await post(delivery.url, headers, delivery.body, policy)
            await recordAttempt(db, delivery, result, now ?? new Date(), retryDelayMs(delivery.attempts))
            made++
          })
        )
      }
      return made
    }

    app.decorate('webhooks', { deliverDue })
    if (!config.WEBHOOK_WORKER) return

    let timer: NodeJS.Timeout | undefined
    let running: Promise<unknown> | undefined
    let stopped = false
    const tick = () => {
      running = deliverDue()
        .catch((error: unknown) => app.log.warn({ err: error }, 'webhook delivery pass failed; the next pass retries'))
        .finally(() => {
          running = undefined
          if (!stopped) timer = setTimeout(tick, config.WEBHOOK_POLL_INTERVAL_MS).unref()
        })
    }
    app.addHook('onReady', async () => {
      timer = setTimeout(tick, config.WEBHOOK_POLL_INTERVAL_MS).unref()
    })
    // Before the database closes: no new pass, and the one under way finishes (its attempts are bounded by WEBHOOK_TIMEOUT_MS).
    app.addHook('preClose', async () => {
      stopped = true
      clearTimeout(timer)
      await running
    })
  },
  { name: 'webhook-worker', dependencies: ['db'] }
)

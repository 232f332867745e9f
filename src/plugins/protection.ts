import rateLimit from '@fastify/rate-limit'
import underPressure from '@fastify/under-pressure'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { rateLimitStores } from '../rate-limits/rate-limit-stores.ts'
import { ApiProblem, documentProblemResponses } from '../shared/problems.ts'
import securityHeaders from './security-headers.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * A health probe. Probes are never rate limited: an orchestrator probing often from one address
     * must not get a 429 (and its probes must not spend the budget of that address). Liveness is also
     * never shed: an overloaded process is still alive, and restarting it would not help. Readiness is
     * shed like any request: an overloaded instance is not ready for more traffic, and its 503 routes
     * traffic to other instances until the load passes.
     */
    probe?: 'liveness' | 'readiness'
  }
}

const MINUTE_MS = 60_000
const SHED_RETRY_AFTER_SECONDS = 5

const tooManyRequests = (request: FastifyRequest, context: { after: string }) =>
  new ApiProblem('rate_limited', `Too many requests from ${request.principal ? 'this token' : 'this address'}; retry in ${context.after}.`)

const isProbe = (request: FastifyRequest) => request.routeOptions.config.probe !== undefined
const isLiveness = (request: FastifyRequest) => request.routeOptions.config.probe === 'liveness'

/**
 * What protects the whole service: security headers on every answer, a per-address request limit
 * (it bounds unauthenticated floods and token guessing), and load shedding when the event loop or
 * the heap is overloaded. Both answer problem+json with Retry-After.
 */
export const protection = fp<{ config: Config }>(
  async function protection(app: FastifyInstance, { config }) {
    await app.register(securityHeaders)
    await app.register(rateLimitStores, { config })
    if (config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE > 0) {
      await app.register(rateLimit, {
        global: false,
        max: config.RATE_LIMIT_PER_ADDRESS_PER_MINUTE,
        timeWindow: MINUTE_MS,
        allowList: isProbe,
        store: app.rateLimitStore('address'),
        errorResponseBuilder: tooManyRequests
      })
      // An application-wide hook, not the plugin's per-route one: it runs before authentication,
      // so failed logins count as well.
      app.addHook('onRequest', app.rateLimit())
      app.addHook('onRoute', (route) => {
        if (route.config?.probe === undefined) documentProblemResponses(route, 429)
      })
    }
    if (config.MAX_EVENT_LOOP_DELAY_MS > 0 || config.MAX_HEAP_USED_MB > 0) {
      // Start-up (migrations, the embedded database's initialisation, the first run's loading of the
      // example between ready and listen) blocks the loop for seconds; the samples taken then say
      // nothing about load, so shedding starts two samples after ready, and again after listen.
      let shedFrom = Number.POSITIVE_INFINITY
      const startShedding = async () => {
        shedFrom = Date.now() + 2 * config.LOAD_SAMPLE_INTERVAL_MS
      }
      app.addHook('onReady', startShedding)
      app.addHook('onListen', startShedding)
      await app.register(underPressure, {
        maxEventLoopDelay: config.MAX_EVENT_LOOP_DELAY_MS,
        maxHeapUsedBytes: config.MAX_HEAP_USED_MB * 1024 * 1024,
        sampleInterval: config.LOAD_SAMPLE_INTERVAL_MS,
        pressureHandler: async (request, _reply, type) => {
          if (isLiveness(request) || Date.now() < shedFrom) return
          throw new ApiProblem('service_unavailable', `The service is overloaded (${type}); retry in ${SHED_RETRY_AFTER_SECONDS} s.`, {
            headers: { 'retry-after': String(SHED_RETRY_AFTER_SECONDS) }
          })
        }
      })
    }
  },
  { name: 'protection' }
)

/** The per-token limit, for the authenticated scope: the key is the verified token's subject. */
export const tokenRateLimit = fp<{ config: Config }>(
  async function tokenRateLimit(app: FastifyInstance, { config }) {
    if (config.RATE_LIMIT_PER_TOKEN_PER_MINUTE === 0) return
    await app.register(rateLimit, {
      // After authentication (onRequest), before the body is read.
      hook: 'preParsing',
      max: config.RATE_LIMIT_PER_TOKEN_PER_MINUTE,
      timeWindow: MINUTE_MS,
      keyGenerator: (request) => `sub:${request.principal.sub}`,
      store: app.rateLimitStore('token'),
      errorResponseBuilder: tooManyRequests
    })
    app.addHook('onRoute', (route) => documentProblemResponses(route, 429))
  },
  { name: 'token-rate-limit', dependencies: ['auth', 'rate-limit-stores'] }
)

/**
 * The per-address limit of the public registers, for their scope: anyone may read them without a
 * token, so one address is held to a tighter budget than the service-wide one.
 */
export const publicRateLimit = fp<{ config: Config }>(
  async function publicRateLimit(app: FastifyInstance, { config }) {
    if (config.RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE === 0) return
    await app.register(rateLimit, {
      hook: 'onRequest',
      max: config.RATE_LIMIT_PUBLIC_REGISTER_PER_MINUTE,
      timeWindow: MINUTE_MS,
      keyGenerator: (request) => `public:${request.ip}`,
      store: app.rateLimitStore('public'),
      errorResponseBuilder: tooManyRequests
    })
  },
  { name: 'public-rate-limit' }
)

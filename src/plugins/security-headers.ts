import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

/**
 * The headers helmet 8's defaults set, written out: they depend on nothing in the request, and
 * building them per request (as @fastify/helmet does) cost more than the rest of a read's hooks.
 * A route that sets one of them itself (the docs pages' and the documents' Content-Security-Policy)
 * replaces it, since its header is set after this hook.
 */
export const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0'
} as const

/** Security headers on every answer that reaches a route (or the not-found handler). */
export default fp(
  async function securityHeaders(app: FastifyInstance) {
    app.addHook('onRequest', (_request, reply, done) => {
      reply.headers(SECURITY_HEADERS)
      done()
    })
  },
  { name: 'security-headers' }
)

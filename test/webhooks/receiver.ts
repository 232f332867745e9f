import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface Received {
  headers: IncomingHttpHeaders
  body: string
  /** Whether `webhook-signature` verifies with the secret the receiver was given, as Standard Webhooks says. */
  verified: boolean
}

/**
 * Verifies a Standard Webhooks signature, written here from the specification and not with the
 * API's own code: HMAC-SHA256 of `id.timestamp.body` keyed with the base64 secret after `whsec_`,
 * `v1,` and base64; the header may list several signatures separated by spaces.
 */
export function verifies(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const id = headers['webhook-id']
  const timestamp = headers['webhook-timestamp']
  const signatures = headers['webhook-signature']
  if (typeof id !== 'string' || typeof timestamp !== 'string' || typeof signatures !== 'string') return false
  if (!/^\d+$/.test(timestamp) || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64')
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest()
  return signatures.split(' ').some((entry) => {
    const [version, value] = entry.split(',')
    const given = Buffer.from(value ?? '', 'base64')
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected)
  })
}

interface Teardown {
  teardown(fn: () => unknown): void
}

/**
 * A webhook receiver on 127.0.0.1: records each request and answers the next of `answers` (the last
 * one repeats), a status or a status with headers (a redirect's Location).
 */
export async function startReceiver(t: Teardown, answers: (number | { status: number; headers: Record<string, string> })[] = [204]) {
  const received: Received[] = []
  let secret = ''
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      received.push({ headers: request.headers, body, verified: verifies(secret, request.headers, body) })
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] ?? 204
      const { status, headers } = typeof answer === 'number' ? { status: answer, headers: {} } : answer
      response.writeHead(status, headers).end()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise((resolve) => server.close(resolve)))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    /** The secret signatures are checked with: the one the API answered at creation. */
    useSecret(value: string) {
      secret = value
    }
  }
}

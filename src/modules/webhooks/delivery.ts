import { createHmac, randomBytes } from 'node:crypto'
import { type LookupAddress, lookup } from 'node:dns'
import http from 'node:http'
import https from 'node:https'
import { isIP, type LookupFunction } from 'node:net'
import { isPublicAddress } from './addresses.ts'

const SECRET_PREFIX = 'whsec_'

/** A new signing secret in the Standard Webhooks form: `whsec_` and 32 random bytes in base64. */
export const newSecret = () => `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`

/**
 * The `webhook-signature` header of Standard Webhooks: `v1,` and the base64 HMAC-SHA256 of
 * `id.timestamp.body`, keyed with the base64-decoded part of the secret after `whsec_`.
 */
export function signature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, 'base64')
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`
}

export interface NetworkPolicy {
  /** WEBHOOK_ALLOW_PRIVATE_NETWORKS: plain http and non-public addresses are allowed. */
  allowPrivateNetworks: boolean
}

/** Why a URL may not receive webhooks under `policy`, judged without resolving its name; undefined when it may. */
export function urlRefusal(text: string, policy: NetworkPolicy): string | undefined {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    return 'is not a URL'
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowPrivateNetworks))
    return policy.allowPrivateNetworks ? 'must be an http or https URL' : 'must be an https URL'
  if (url.username !== '' || url.password !== '') return 'must not hold a user name or password'
  if (policy.allowPrivateNetworks) return undefined
  const host = url.hostname.replace(/^\[|\]$/g, '')
  if (isIP(host) !== 0 && !isPublicAddress(host)) return `must not point to a private, loopback or link-local address (${host})`
  if (host === 'localhost' || host.endsWith('.localhost')) return 'must not point to this machine (localhost)'
  return undefined
}

export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError'
}

/**
 * Resolves like `dns.lookup` but refuses a name with any non-public address. The connection is made
 * to the address checked here (no second resolution a rebinding name could answer differently).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  lookup(hostname, { all: true, family: options.family ?? 0 }, (error, addresses) => {
    if (error) return callback(error, '', 0)
    const refused = addresses.find((candidate) => !isPublicAddress(candidate.address))
    const first = addresses[0]
    if (refused || !first)
      return callback(
        new RefusedAddressError(refused ? `${hostname} resolves to ${refused.address}, which is not a public address` : `${hostname} has no address`),
        '',
        0
      )
    if (options.all) return (callback as unknown as (error: null, all: LookupAddress[]) => void)(null, addresses)
    callback(null, first.address, first.family)
  })
}

export interface DeliveryResult {
  statusCode: number | null
  succeeded: boolean
  error: string | null
  durationMs: number
}

/** How much of a receiver's answer is read before the connection is dropped: the body is not kept. */
const MAX_ANSWER_BYTES = 64 * 1024

/**
 * POSTs one signed body. Redirects are not followed (a 3xx is a failure), the whole exchange is
 * bounded by `timeoutMs`, and unless the policy allows private networks the URL must be https and
 * its host resolve, at this moment, to public addresses only.
 */
export async function post(
  url: string,
  headers: Record<string, string>,
  body: string,
  { timeoutMs, ...policy }: NetworkPolicy & { timeoutMs: number }
): Promise<DeliveryResult> {
  const started = performance.now()
  const done = (result: Omit<DeliveryResult, 'durationMs'>): DeliveryResult => ({ ...result, durationMs: Math.round(performance.now() - started) })
  const refusal = urlRefusal(url, policy)
  if (refusal) return done({ statusCode: null, succeeded: false, error: `refused: the URL ${refusal}` })
  const target = new URL(url)
  const client = target.protocol === 'https:' ? https : http
  return new Promise((resolve) => {
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'ropa-api-webhooks' },
        agent: false,
        signal: AbortSignal.timeout(timeoutMs),
        ...(policy.allowPrivateNetworks ? {} : { lookup: guardedLookup })
      },
      (response) => {
        const statusCode = response.statusCode ?? null
        const finish = () => {
          const succeeded = statusCode !== null && statusCode >= 200 && statusCode < 300
          const error = statusCode !== null && statusCode >= 300 && statusCode < 400 ? 'redirect not followed' : null
          resolve(done({ statusCode, succeeded, error }))
        }
        let read = 0
        response.on('data', (chunk: Buffer) => {
          read += chunk.length
          if (read > MAX_ANSWER_BYTES) response.destroy()
        })
        response.on('end', finish)
        response.on('close', finish)
        response.on('error', finish)
      }
    )
    request.on('error', (error) => {
      const reason =
        error instanceof RefusedAddressError
          ? `refused: ${error.message}`
          : error.name === 'AbortError' || error.name === 'TimeoutError'
            ? `no answer within ${timeoutMs} ms`
            : error.message
      resolve(done({ statusCode: null, succeeded: false, error: reason }))
    })
    request.end(body)
  })
}

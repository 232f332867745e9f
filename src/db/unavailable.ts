import { errorCode } from '../shared/objects.ts'
import { DatabaseTimeoutError } from './errors.ts'

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])
// SQLSTATEs that mean "the server is not there for us right now", not "your query is wrong".
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '53400'])
const POOL_MESSAGES = [
  'timeout exceeded when trying to connect',
  'Connection terminated',
  'Query read timeout',
  'Client has encountered a connection error',
  'Cannot use a pool after calling end on the pool'
]

/** True when an error means the database cannot be reached, so the request deserves a 503, not a 500. */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof DatabaseTimeoutError) return true
    const code = errorCode(current)
    if (code !== undefined && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08'))) return true
    const { message } = current
    if (POOL_MESSAGES.some((known) => message.includes(known))) return true
    current = current.cause
  }
  return false
}

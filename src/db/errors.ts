import { errorCode, isObject } from '../shared/objects.ts'

/** The SQLSTATE and constraint of a database error, wherever drizzle wrapped it (`cause`). */
export function databaseError(error: unknown): { code?: string; constraint?: string } {
  for (let current: unknown = error, depth = 0; current instanceof Error && depth < 5; depth++) {
    const code = errorCode(current)
    if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
      const constraint = isObject(current) ? current.constraint : undefined
      return { code, ...(typeof constraint === 'string' ? { constraint } : {}) }
    }
    current = current.cause
  }
  return {}
}

export const UNIQUE_VIOLATION = '23505'
export const FOREIGN_KEY_VIOLATION = '23503'
export const CHECK_VIOLATION = '23514'

/** The database did not answer a probe in time (readiness): it counts as unavailable. */
export class DatabaseTimeoutError extends Error {
  override name = 'DatabaseTimeoutError'
}

import { createPublicKey, type KeyObject, randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose'
import type { Config } from '../config.ts'
import { errorCode, errorMessage } from '../shared/objects.ts'

export type VerificationKey =
  | { source: 'JWT_SECRET' | 'development'; algorithms: ['HS256']; key: Uint8Array; secret: Uint8Array; file?: string }
  | { source: 'JWT_PUBLIC_KEY'; algorithms: [string]; key: KeyObject }
  | { source: 'JWT_JWKS_URL'; algorithms: string[]; key: JWTVerifyGetKey }

/** Asymmetric algorithms accepted from a JWKS; never HS* (no key confusion) and never `none`. */
const JWKS_ALGORITHMS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']

export const DEV_SECRET_FILE = 'dev-jwt-secret'

/**
 * The key tokens are verified with, from exactly one of JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL.
 * With none (outside production, which config refuses), a development secret is generated once and
 * kept in DATA_DIR, so tokens printed at start-up keep working across restarts.
 */
export function resolveVerificationKey(config: Config): VerificationKey {
  if (config.JWT_SECRET) {
    const secret = new TextEncoder().encode(config.JWT_SECRET)
    return { source: 'JWT_SECRET', algorithms: ['HS256'], key: secret, secret }
  }
  if (config.JWT_PUBLIC_KEY) {
    const key = createPublicKey(config.JWT_PUBLIC_KEY.replaceAll('\\n', '\n'))
    return { source: 'JWT_PUBLIC_KEY', algorithms: [algorithmOf(key)], key }
  }
  if (config.JWT_JWKS_URL) {
    const jwks = createRemoteJWKSet(new URL(config.JWT_JWKS_URL), {
      timeoutDuration: config.JWT_JWKS_TIMEOUT_MS,
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000
    })
    return { source: 'JWT_JWKS_URL', algorithms: JWKS_ALGORITHMS, key: unavailableAsItsOwnError(jwks) }
  }
  const { secret, file } = developmentSecret(config.DATA_DIR)
  return { source: 'development', algorithms: ['HS256'], key: secret, secret, ...(file ? { file } : {}) }
}

/** The key set could not be fetched or read, so no token can be judged: not the token's fault. */
export class KeySetUnavailableError extends Error {
  override name = 'KeySetUnavailableError'
}

/**
 * The remote key set fails in two ways: the token names no (single) key of the set, which is the
 * token's fault (401), or the set itself cannot be had: a timeout, a network error, a status other
 * than 200, or a body that is not a key set (503, so clients keep their valid tokens and retry).
 * The first two are the errors jose's key lookup throws; anything else comes from fetching the set.
 */
function unavailableAsItsOwnError(jwks: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await jwks(header, token)
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error
      throw new KeySetUnavailableError(`the key set could not be fetched: ${errorMessage(error)}`, { cause: error })
    }
  }
}

function algorithmOf(key: KeyObject): string {
  const type = key.asymmetricKeyType
  if (type === 'rsa') return 'RS256'
  if (type === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256'
  if (type === 'ed25519') return 'EdDSA'
  throw new Error(
    `JWT_PUBLIC_KEY: unsupported key type ${type}${type === 'ec' ? ` (${key.asymmetricKeyDetails?.namedCurve})` : ''}; use RSA, EC P-256 or Ed25519`
  )
}

function developmentSecret(dataDir: string): { secret: Uint8Array; file?: string } {
  if (dataDir === 'memory://') return { secret: randomBytes(32) }
  const file = join(dataDir, DEV_SECRET_FILE)
  try {
    return { secret: Buffer.from(readFileSync(file, 'utf8').trim(), 'base64url'), file }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
  mkdirSync(dataDir, { recursive: true })
  const secret = randomBytes(32)
  writeFileSync(file, secret.toString('base64url'), { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return { secret, file }
}

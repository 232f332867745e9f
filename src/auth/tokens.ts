import { errors, jwtVerify, SignJWT } from 'jose'
import { Type } from 'typebox'
import { Value } from 'typebox/value'
import { durationSeconds } from '../config.ts'
import { KeySetUnavailableError, type VerificationKey } from './keys.ts'
import type { Principal, Scope } from './scopes.ts'

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError'
}

const ClaimsSchema = Type.Object({
  sub: Type.String({ minLength: 1, maxLength: 256 }),
  scope: Type.Optional(Type.String({ maxLength: 2048 })),
  orgs: Type.Optional(Type.Array(Type.String({ format: 'uuid' }), { maxItems: 1000 }))
})

export interface VerifyOptions {
  issuer?: string
  audience?: string
  /** The longest lifetime accepted, as configured (`24h`); refuses older tokens, longer lifetimes and tokens without `iat`. */
  maxTokenAge?: string
}

const CLOCK_TOLERANCE_SECONDS = 30
/** How long a verified token is trusted without checking its signature again (never past its `exp`). */
const CACHE_SECONDS = 60
const CACHE_ENTRIES = 10_000

/**
 * Verifies a bearer token and returns who it speaks for; every failure of the token is an
 * InvalidTokenError, a key set that cannot be fetched a KeySetUnavailableError.
 * A token verified in the last minute is not verified again (the signature check dominated the
 * cost of a small request); its `exp` and `nbf` still are, and failures are never cached.
 */
export function createTokenVerifier(key: VerificationKey, options: VerifyOptions = {}) {
  const maxAgeSeconds = options.maxTokenAge === undefined ? undefined : durationSeconds(options.maxTokenAge)
  const verified = new Map<string, { principal: Principal; until: number; notBefore: number }>()
  return async function verify(token: string): Promise<Principal> {
    const now = Date.now() / 1000
    const cached = verified.get(token)
    if (cached && now < cached.until && now >= cached.notBefore) return cached.principal
    if (cached) verified.delete(token)
    const principal = await verifySignatureAndClaims(token)
    // Cast: jwtVerify has just checked this payload (signature, exp required, nbf and iat numeric), so its shape is known.
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as { exp: number; nbf?: number; iat?: number }
    const tooOldAt = maxAgeSeconds !== undefined && claims.iat !== undefined ? claims.iat + maxAgeSeconds + CLOCK_TOLERANCE_SECONDS : Number.POSITIVE_INFINITY
    const oldest = verified.keys().next()
    if (verified.size >= CACHE_ENTRIES && !oldest.done) verified.delete(oldest.value)
    verified.set(token, {
      principal,
      until: Math.min(claims.exp + CLOCK_TOLERANCE_SECONDS, now + CACHE_SECONDS, tooOldAt),
      notBefore: (claims.nbf ?? 0) - CLOCK_TOLERANCE_SECONDS
    })
    return principal
  }

  async function verifySignatureAndClaims(token: string): Promise<Principal> {
    let payload: Record<string, unknown>
    try {
      // Cast: key.key is a secret, key or JWKS getter; jose's overloads take each but not their union.
      const result = await jwtVerify(token, key.key as Parameters<typeof jwtVerify>[1], {
        algorithms: key.algorithms,
        requiredClaims: ['exp', 'sub'],
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        ...(options.issuer ? { issuer: options.issuer } : {}),
        ...(options.audience ? { audience: options.audience } : {}),
        ...(maxAgeSeconds !== undefined ? { maxTokenAge: maxAgeSeconds } : {})
      })
      payload = result.payload
    } catch (error) {
      if (error instanceof KeySetUnavailableError) throw error
      throw new InvalidTokenError(describe(error, options.maxTokenAge))
    }
    // jose checks `iat` only together with maxTokenAge; a token from the future is refused regardless.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw new InvalidTokenError(FUTURE_IAT)
    if (maxAgeSeconds !== undefined && typeof payload.exp === 'number' && typeof payload.iat === 'number' && payload.exp - payload.iat > maxAgeSeconds) {
      throw new InvalidTokenError(`the token's lifetime (exp - iat) is longer than the ${options.maxTokenAge} this server accepts`)
    }
    if (!Value.Check(ClaimsSchema, payload)) {
      const first = [...Value.Errors(ClaimsSchema, payload)][0]
      throw new InvalidTokenError(`the token's claims are malformed (${first?.instancePath || '/'} ${first?.message ?? ''})`.trim())
    }
    return { sub: payload.sub, scopes: new Set((payload.scope ?? '').split(' ').filter(Boolean)), orgs: payload.orgs ?? [] }
  }
}

const FUTURE_IAT = 'the token\'s "iat" (issued at) is in the future'

function describe(error: unknown, maxTokenAge?: string): string {
  if (error instanceof errors.JWTExpired && error.claim === 'iat') return `the token was issued more than ${maxTokenAge} ago`
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iat' && error.reason === 'missing')
    return 'the token has no "iat" (issued at) claim, which this server requires'
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'iat' && error.reason === 'check_failed') return FUTURE_IAT
  if (error instanceof errors.JWTExpired) return 'the token has expired'
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's "${error.claim}" claim is not acceptable`
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the token signature does not verify'
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the token is signed with an algorithm this server does not accept'
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key matches the token'
  return 'the token is malformed or cannot be verified'
}

export interface MintOptions {
  sub: string
  scopes: readonly Scope[]
  orgs: readonly string[]
  /** A jose time span: `30d`, `12h`, `90m`. */
  expiresIn: string
  issuer?: string
  audience?: string
}

/** Signs an HS256 token with the configured secret, for scripts, auditors and the first-run banner. */
export function mintToken(secret: Uint8Array, options: MintOptions): Promise<string> {
  const jwt = new SignJWT({ scope: options.scopes.join(' '), orgs: [...options.orgs] })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(options.sub)
    .setIssuedAt()
    .setExpirationTime(options.expiresIn)
  if (options.issuer) jwt.setIssuer(options.issuer)
  if (options.audience) jwt.setAudience(options.audience)
  return jwt.sign(secret)
}

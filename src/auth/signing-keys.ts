import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Config } from '../config.ts'
import { errorCode } from '../shared/objects.ts'

/** A public signing key as /.well-known/jwks.json publishes it (RFC 7517, RFC 8037). */
export interface PublicJwk {
  kty: 'OKP'
  crv: 'Ed25519'
  x: string
  kid: string
  alg: 'EdDSA'
  use: 'sig'
}

export interface SigningKeys {
  /** The key new snapshots are signed with, and its `kid`. */
  current: { kid: string; privateKey: KeyObject }
  /** Every public key a snapshot may have been signed with: the current one first, then the retired ones. */
  published: PublicJwk[]
  /** Where the development key is kept, when one was generated or read from DATA_DIR. */
  file?: string
  source: 'SIGNING_KEY' | 'development'
}

export const DEV_SIGNING_KEY_FILE = 'dev-signing-key.pem'

const PUBLIC_KEY_BLOCK = /-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g

/** Environment variables often carry a PEM with its line breaks written as `\n`. */
const pem = (text: string) => text.replaceAll('\\n', '\n')

function ed25519(key: KeyObject, variable: string): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519')
    throw new Error(`${variable}: unsupported key type ${key.asymmetricKeyType}; snapshots are signed with Ed25519 (EdDSA)`)
  return key
}

/**
 * The public key as a JWK whose `kid` is its RFC 7638 thumbprint (SHA-256, base64url): the same key
 * has the same `kid` on every instance and after every restart, without a name to configure.
 */
export function publicJwk(key: KeyObject): PublicJwk {
  const { x } = (key.type === 'public' ? key : createPublicKey(key)).export({ format: 'jwk' })
  if (typeof x !== 'string') throw new Error('an Ed25519 key without its public value')
  const kid = createHash('sha256').update(`{"crv":"Ed25519","kty":"OKP","x":"${x}"}`).digest('base64url')
  return { kty: 'OKP', crv: 'Ed25519', x, kid, alg: 'EdDSA', use: 'sig' }
}

/**
 * The key snapshots are signed with, from SIGNING_KEY (PEM Ed25519 private key), and the retired
 * public keys of SIGNING_KEYS_RETIRED, published beside it. Without SIGNING_KEY (outside production,
 * which config refuses) a development key is generated once and kept in DATA_DIR, so snapshots
 * signed before a restart still verify; with `memory://` it lasts as long as the process.
 */
export function resolveSigningKeys(config: Config): SigningKeys {
  const configured = config.SIGNING_KEY !== undefined
  const { privateKey, file } = configured
    ? { privateKey: ed25519(createPrivateKey(pem(config.SIGNING_KEY!)), 'SIGNING_KEY'), file: undefined }
    : developmentKey(config.DATA_DIR)
  const current = publicJwk(privateKey)
  const retired = [...pem(config.SIGNING_KEYS_RETIRED ?? '').matchAll(PUBLIC_KEY_BLOCK)].map(([block]) =>
    publicJwk(ed25519(createPublicKey(block), 'SIGNING_KEYS_RETIRED'))
  )
  if (config.SIGNING_KEYS_RETIRED !== undefined && retired.length === 0)
    throw new Error('SIGNING_KEYS_RETIRED: holds no PEM public key (-----BEGIN PUBLIC KEY----- … -----END PUBLIC KEY-----)')
  const published = [current, ...retired].filter((jwk, index, all) => all.findIndex((other) => other.kid === jwk.kid) === index)
  return { current: { kid: current.kid, privateKey }, published, source: configured ? 'SIGNING_KEY' : 'development', ...(file ? { file } : {}) }
}

function developmentKey(dataDir: string): { privateKey: KeyObject; file?: string } {
  if (dataDir === 'memory://') return { privateKey: generateKeyPairSync('ed25519').privateKey }
  const file = join(dataDir, DEV_SIGNING_KEY_FILE)
  try {
    return { privateKey: ed25519(createPrivateKey(readFileSync(file, 'utf8')), file), file }
  } catch (error) {
    if (errorCode(error) !== 'ENOENT') throw error
  }
  mkdirSync(dataDir, { recursive: true })
  const { privateKey } = generateKeyPairSync('ed25519')
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' })
  chmodSync(file, 0o600)
  return { privateKey, file }
}

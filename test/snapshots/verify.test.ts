// A recipient's view: a snapshot is checked with a JOSE library (jose) and SHA-256 only, against the
// key set the app publishes, as README.md tells recipients to do.
import { createHash, generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CompactSign, compactVerify, createLocalJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose'
import t from 'tap'
import type { App } from '../../src/app.ts'
import { DEV_SIGNING_KEY_FILE, resolveSigningKeys } from '../../src/auth/signing-keys.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { jcs } from '../../src/shared/canonical-json.ts'
import { bearer, buildTestApp, createOrganisationViaApi, testConfig } from '../helper.ts'

type Json = Record<string, unknown>
const pem = (key: { export(options: { type: 'pkcs8' | 'spki'; format: 'pem' }): string | Buffer }, type: 'pkcs8' | 'spki') =>
  key.export({ type, format: 'pem' }).toString()
const first = generateKeyPairSync('ed25519')
const second = generateKeyPairSync('ed25519')

const app = await buildTestApp(t, { env: { SIGNING_KEY: pem(first.privateKey, 'pkcs8') } })
const organisation = await createOrganisationViaApi(app, { name: 'Verified AS' })
const base = `/v1/organisations/${organisation.id}`
const admin = await bearer({ scopes: ['ropa:read', 'ropa:write', 'ropa:admin'], orgs: [organisation.id] })
await app.inject({ method: 'POST', url: `${base}/activities`, headers: admin, payload: { name: 'Payroll', status: 'active' } })

async function snapshotOn(target: App, note: string) {
  const res = await target.inject({ method: 'POST', url: `${base}/snapshots`, headers: admin, payload: { note } })
  if (res.statusCode !== 201) throw new Error(`${res.statusCode} ${res.body}`)
  return res.json() as { id: string; jws: string; kid: string; sha256: string; createdAt: string }
}
const jwksOf = async (target: App) => (await target.inject({ url: '/.well-known/jwks.json' })).json() as JSONWebKeySet
const exportOf = async (target: App, id: string) => (await target.inject({ url: `${base}/snapshots/${id}/ropa`, headers: admin })).body

/** What a recipient does with the JWS, the key set and the downloaded export: the claims if all agree, else it throws. */
async function verify(jws: string, jwks: JSONWebKeySet, exported: string) {
  const { payload, protectedHeader } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] })
  const claims = JSON.parse(new TextDecoder().decode(payload)) as { snapshotId: string; organisationId: string; createdAt: string; sha256: string }
  const digest = createHash('sha256')
    .update(jcs(JSON.parse(exported)))
    .digest('hex')
  if (digest !== claims.sha256) throw new Error(`digest mismatch: the export hashes to ${digest}, the snapshot signed ${claims.sha256}`)
  return { claims, protectedHeader }
}

const snapshot = await snapshotOn(app, 'Sent to the auditor')
const exported = await exportOf(app, snapshot.id)

t.test('the key set is public, and holds public keys only', async (t) => {
  const res = await app.inject({ url: '/.well-known/jwks.json' })
  t.equal(res.statusCode, 200, 'no token needed')
  t.equal(res.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(res.headers['cache-control'], 'public, max-age=300')
  const { keys } = res.json()
  t.equal(keys.length, 1)
  t.same(Object.keys(keys[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x'], 'no private part (d)')
  t.match(keys[0], { kty: 'OKP', crv: 'Ed25519', alg: 'EdDSA', use: 'sig', kid: /^[\w-]{43}$/ })
  t.equal(keys[0].x, first.publicKey.export({ format: 'jwk' }).x, 'the public half of SIGNING_KEY')
})

t.test('a recipient verifies a snapshot with jose and SHA-256 alone', async (t) => {
  const { claims, protectedHeader } = await verify(snapshot.jws, await jwksOf(app), exported)
  t.same(claims, { snapshotId: snapshot.id, organisationId: organisation.id, createdAt: snapshot.createdAt, sha256: snapshot.sha256 })
  t.same(protectedHeader, { alg: 'EdDSA', kid: snapshot.kid, typ: 'ropa-snapshot+jwt' })
  t.equal(createHash('sha256').update(exported).digest('hex'), snapshot.sha256, 'the served file is canonical: its own bytes hash to the digest')
  const reformatted = JSON.stringify(JSON.parse(exported), null, 2)
  await t.resolves(verify(snapshot.jws, await jwksOf(app), reformatted), 'a re-formatted copy verifies once canonicalised')
  const asJwt = await jwtVerify(snapshot.jws, createLocalJWKSet(await jwksOf(app)), { typ: 'ropa-snapshot+jwt', algorithms: ['EdDSA'] })
  t.equal(asJwt.payload.snapshotId, snapshot.id, 'jwtVerify reads it too')
})

t.test('a tampered export fails: one changed field changes the digest', async (t) => {
  const document = JSON.parse(exported) as { organisation: Json; activities: Json[] }
  document.activities[0]!.name = 'Payroll (edited)'
  await t.rejects(verify(snapshot.jws, await jwksOf(app), JSON.stringify(document)), /digest mismatch/)
  const renamed = JSON.parse(exported)
  renamed.organisation.name = 'Someone Else AS'
  await t.rejects(verify(snapshot.jws, await jwksOf(app), JSON.stringify(renamed)), /digest mismatch/)
})

t.test('a tampered JWS fails', async (t) => {
  const [header, payload, signature] = snapshot.jws.split('.') as [string, string, string]
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString())
  const forgedDigest = createHash('sha256').update('{}').digest('hex')
  const forgedPayload = Buffer.from(JSON.stringify({ ...claims, sha256: forgedDigest })).toString('base64url')
  const jwks = await jwksOf(app)
  await t.rejects(verify(`${header}.${forgedPayload}.${signature}`, jwks, '{}'), errors.JWSSignatureVerificationFailed, 'a changed payload')
  const flipped = `${signature.slice(0, 10)}${signature[10] === 'A' ? 'B' : 'A'}${signature.slice(11)}`
  await t.rejects(verify(`${header}.${payload}.${flipped}`, jwks, exported), errors.JWSSignatureVerificationFailed, 'a changed signature')
  // Signed by another key under the published kid.
  const impostor = await new CompactSign(Buffer.from(payload, 'base64url'))
    .setProtectedHeader({ alg: 'EdDSA', kid: snapshot.kid, typ: 'ropa-snapshot+jwt' })
    .sign(second.privateKey)
  await t.rejects(verify(impostor, jwks, exported), errors.JWSSignatureVerificationFailed, 'another key')
})

t.test('after rotation the old key stays published and old snapshots still verify', async (t) => {
  const rotated = await buildTestApp(t, {
    env: { SIGNING_KEY: pem(second.privateKey, 'pkcs8'), SIGNING_KEYS_RETIRED: pem(first.publicKey, 'spki').replaceAll('\n', '\\n') },
    database: app.database
  })
  const jwks = await jwksOf(rotated)
  t.equal(jwks.keys.length, 2)
  t.equal(jwks.keys[1]!.kid, snapshot.kid, 'the retired key, after the current one')
  const old = await exportOf(rotated, snapshot.id)
  t.equal(old, exported, 'the old snapshot is served unchanged')
  await t.resolves(verify(snapshot.jws, jwks, old), 'the old snapshot verifies against the new key set')
  const fresh = await snapshotOn(rotated, 'After rotation')
  t.equal(fresh.kid, jwks.keys[0]!.kid, 'new snapshots are signed with the new key')
  t.not(fresh.kid, snapshot.kid)
  await t.resolves(verify(fresh.jws, jwks, await exportOf(rotated, fresh.id)))

  const forgetful = await buildTestApp(t, { env: { SIGNING_KEY: pem(second.privateKey, 'pkcs8') }, database: app.database })
  await t.rejects(verify(snapshot.jws, await jwksOf(forgetful), old), errors.JWKSNoMatchingKey, 'without SIGNING_KEYS_RETIRED the old key is gone')
})

t.test('configuration: production needs SIGNING_KEY; keys must be Ed25519', async (t) => {
  const production = { NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }
  t.throws(() => loadConfig(production), ConfigError)
  t.throws(() => loadConfig(production), /SIGNING_KEY: NODE_ENV=production needs the PEM Ed25519 private key/)
  const key = pem(first.privateKey, 'pkcs8')
  t.equal(loadConfig({ ...production, SIGNING_KEY: key }).SIGNING_KEY, key)
  const error = t.throws(() => loadConfig({ ...production, SIGNING_KEY: 'not-a-pem-secret' })) as Error
  t.match(error?.message, /SIGNING_KEY: must match pattern/)
  t.notMatch(error?.message, /not-a-pem-secret/, 'a key is never echoed')
  t.throws(
    () => loadConfig({ ...production, SIGNING_KEY: key, SIGNING_KEYS_RETIRED: key }),
    /SIGNING_KEYS_RETIRED: must match pattern/,
    'a private key is not a retired public key'
  )

  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 })
  t.throws(() => resolveSigningKeys(testConfig({ SIGNING_KEY: pem(rsa.privateKey, 'pkcs8') })), /SIGNING_KEY: unsupported key type rsa/)
  t.throws(
    () => resolveSigningKeys(testConfig({ SIGNING_KEY: key, SIGNING_KEYS_RETIRED: pem(rsa.publicKey, 'spki') })),
    /SIGNING_KEYS_RETIRED: unsupported key type rsa/
  )
  t.throws(
    () => resolveSigningKeys(testConfig({ SIGNING_KEY: key, SIGNING_KEYS_RETIRED: '-----BEGIN PUBLIC KEY-----\nMCow' })),
    /SIGNING_KEYS_RETIRED: holds no PEM public key/
  )
  const escaped = resolveSigningKeys(testConfig({ SIGNING_KEY: key.replaceAll('\n', '\\n') }))
  t.equal(escaped.current.kid, snapshot.kid, 'a PEM with its line breaks written as \\n, and the kid is the same for the same key')
  const both = resolveSigningKeys(testConfig({ SIGNING_KEY: key, SIGNING_KEYS_RETIRED: `${pem(second.publicKey, 'spki')}${pem(first.publicKey, 'spki')}` }))
  t.same(
    both.published.map((jwk) => jwk.kid),
    [snapshot.kid, resolveSigningKeys(testConfig({ SIGNING_KEY: pem(second.privateKey, 'pkcs8') })).current.kid],
    'several retired keys, and the current key not listed twice'
  )
})

t.test('development: a key is generated once in DATA_DIR and kept; in memory it lasts as long as the process', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ropa-signing-'))
  t.teardown(() => rmSync(dir, { recursive: true, force: true }))
  const made = resolveSigningKeys(testConfig({ DATA_DIR: dir }))
  t.equal(made.source, 'development')
  t.equal(made.file, join(dir, DEV_SIGNING_KEY_FILE))
  t.equal(statSync(made.file!).mode & 0o777, 0o600, 'readable by the owner only')
  t.equal(resolveSigningKeys(testConfig({ DATA_DIR: dir })).current.kid, made.current.kid, 'the same key after a restart')
  t.not(resolveSigningKeys(testConfig()).current.kid, resolveSigningKeys(testConfig()).current.kid, 'memory:// makes a new key each time')
})

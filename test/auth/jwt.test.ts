import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import { exportJWK, type JWK, SignJWT, UnsecuredJWT } from 'jose'
import t, { type Test } from 'tap'
import { resolveVerificationKey } from '../../src/auth/keys.ts'
import { createTokenVerifier } from '../../src/auth/tokens.ts'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { bearer, buildTestApp, TEST_SECRET, testConfig, token } from '../helper.ts'

const secret = new TextEncoder().encode(TEST_SECRET)
const hs = (claims: Record<string, unknown>, configure: (jwt: SignJWT) => SignJWT = (jwt) => jwt) =>
  configure(new SignJWT({ scope: 'ropa:read', orgs: [], ...claims }).setProtectedHeader({ alg: 'HS256' })).sign(secret)
const now = () => Math.floor(Date.now() / 1000)

// One database for the file: the apps of the key configurations below differ only in how they verify tokens.
const app = await buildTestApp(t, { env: { JWT_ISSUER: 'https://idp.test', JWT_AUDIENCE: 'ropa-api' } })
const valid = () => hs({}, (jwt) => jwt.setSubject('alice').setExpirationTime('5m').setIssuer('https://idp.test').setAudience('ropa-api'))

async function expect401(t: Test, authorization: string | undefined, reason: RegExp, label: string) {
  const res = await app.inject({ url: '/v1/organisations', headers: authorization === undefined ? {} : { authorization } })
  t.equal(res.statusCode, 401, label)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(res.headers['www-authenticate'], /^Bearer realm="ropa", error="invalid_token"/, `${label}: WWW-Authenticate`)
  t.match(res.json(), { code: 'ROPA_UNAUTHENTICATED', type: '/problems/unauthenticated', detail: reason }, label)
}

t.test('a valid token is accepted', async (t) => {
  const res = await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await valid()}` } })
  t.equal(res.statusCode, 200)
  t.same(res.json(), { items: [], nextCursor: null })
})

t.test('the Bearer scheme is case-insensitive and may be followed by several spaces (RFC 7235)', async (t) => {
  const jwt = await valid()
  for (const scheme of ['bearer ', 'BEARER ', 'bEaReR ', 'Bearer   ']) {
    const res = await app.inject({ url: '/v1/organisations', headers: { authorization: `${scheme}${jwt}` } })
    t.equal(res.statusCode, 200, JSON.stringify(scheme))
  }
  await expect401(t, `Bearer\t${jwt}`, /not "Bearer <token>"/, 'a tab is not a space')
  await expect401(t, `Bearer${jwt}`, /not "Bearer <token>"/, 'no space at all')
})

t.test('the negative matrix: every bad token answers 401 with WWW-Authenticate', async (t) => {
  const good = await valid()
  const [header, payload, signature] = good.split('.') as [string, string, string]
  const tamperedPayload = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), scope: 'ropa:platform' })).toString(
    'base64url'
  )
  const base = (jwt: SignJWT) => jwt.setIssuer('https://idp.test').setAudience('ropa-api')
  const cases: [string, string | undefined, RegExp][] = [
    ['no token', undefined, /no bearer token/],
    ['not a bearer header', `Basic ${Buffer.from('a:b').toString('base64')}`, /not "Bearer <token>"/],
    ['malformed token', 'Bearer not.a.jwt', /malformed/],
    ['garbage characters', 'Bearer abc def', /not "Bearer <token>"/],
    [
      'alg none',
      `Bearer ${new UnsecuredJWT({ scope: 'ropa:platform' }).setSubject('mallory').setExpirationTime('5m').setIssuer('https://idp.test').setAudience('ropa-api').encode()}`,
      /algorithm|malformed/
    ],
    [
      'expired',
      `Bearer ${await hs({}, (jwt) =>
        base(jwt)
          .setSubject('alice')
          .setExpirationTime(now() - 120)
      )}`,
      /expired/
    ],
    [
      'not yet valid (nbf)',
      `Bearer ${await hs({}, (jwt) =>
        base(jwt)
          .setSubject('alice')
          .setExpirationTime('10m')
          .setNotBefore(now() + 600)
      )}`,
      /"nbf"/
    ],
    ['no exp', `Bearer ${await hs({}, (jwt) => base(jwt).setSubject('alice'))}`, /"exp"/],
    ['no sub', `Bearer ${await hs({}, (jwt) => base(jwt).setExpirationTime('5m'))}`, /"sub"/],
    [
      'wrong iss',
      `Bearer ${await hs({}, (jwt) => jwt.setSubject('alice').setExpirationTime('5m').setIssuer('https://evil.test').setAudience('ropa-api'))}`,
      /"iss"/
    ],
    [
      'wrong aud',
      `Bearer ${await hs({}, (jwt) => jwt.setSubject('alice').setExpirationTime('5m').setIssuer('https://idp.test').setAudience('other-api'))}`,
      /"aud"/
    ],
    ['tampered payload', `Bearer ${header}.${tamperedPayload}.${signature}`, /signature/],
    [
      'signed with another secret',
      `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('alice').setExpirationTime('5m').setIssuer('https://idp.test').setAudience('ropa-api').sign(new TextEncoder().encode('another-secret-of-at-least-32-bytes!!'))}`,
      /signature/
    ],
    [
      'orgs claim not a list of ids',
      `Bearer ${await hs({ orgs: ['acme'] }, (jwt) => base(jwt).setSubject('alice').setExpirationTime('5m'))}`,
      /claims are malformed/
    ],
    [
      'scope claim not a string',
      `Bearer ${await hs({ scope: ['ropa:read'] }, (jwt) => base(jwt).setSubject('alice').setExpirationTime('5m'))}`,
      /claims are malformed/
    ]
  ]
  for (const [label, authorization, reason] of cases) await expect401(t, authorization, reason, label)
  t.equal(
    (
      await app.inject({
        url: '/v1/organisations',
        headers: {
          authorization: `Bearer ${await hs({}, (jwt) =>
            base(jwt)
              .setSubject('alice')
              .setExpirationTime(now() - 10)
          )}`
        }
      })
    ).statusCode,
    200,
    'a token expired by less than the 30 s clock tolerance still passes'
  )
})

t.test('an "iat" in the future beyond the clock tolerance is refused, with or without JWT_MAX_TOKEN_AGE', async (t) => {
  const issuedAt = (iat: number) =>
    hs({}, (jwt) =>
      jwt
        .setSubject('alice')
        .setIssuedAt(iat)
        .setExpirationTime(iat + 600)
        .setIssuer('https://idp.test')
        .setAudience('ropa-api')
    )
  await expect401(t, `Bearer ${await issuedAt(now() + 600)}`, /"iat" \(issued at\) is in the future/, 'iat 10 minutes ahead')
  const slightlyAhead = await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await issuedAt(now() + 10)}` } })
  t.equal(slightlyAhead.statusCode, 200, 'an iat within the 30 s clock tolerance passes')
})

t.test('JWT_MAX_TOKEN_AGE: refuses tokens issued too long ago, lifetimes beyond it, and tokens without iat', async (t) => {
  const aged = await buildTestApp(t, { env: { JWT_MAX_TOKEN_AGE: '1h' }, database: app.database })
  const sign = (configure: (jwt: SignJWT) => SignJWT) => hs({}, (jwt) => configure(jwt.setSubject('alice')))
  const call = async (jwt: string) => aged.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${jwt}` } })
  const expectRefused = async (jwt: string, reason: RegExp, label: string) => {
    const res = await call(jwt)
    t.equal(res.statusCode, 401, label)
    t.match(res.headers['www-authenticate'], /error="invalid_token"/, label)
    t.match(res.json(), { code: 'ROPA_UNAUTHENTICATED', detail: reason }, label)
  }

  t.equal((await call(await sign((jwt) => jwt.setIssuedAt().setExpirationTime('30m')))).statusCode, 200, 'a fresh token of 30 minutes passes')
  t.equal(
    (await call(await sign((jwt) => jwt.setIssuedAt(now() - 3000).setExpirationTime(now() + 600)))).statusCode,
    200,
    'issued 50 minutes ago, lifetime 60 minutes: passes'
  )
  await expectRefused(await sign((jwt) => jwt.setIssuedAt(now() - 7200).setExpirationTime(now() + 60)), /issued more than 1h ago/, 'issued two hours ago')
  await expectRefused(
    await sign((jwt) => jwt.setIssuedAt().setExpirationTime('365d')),
    /lifetime \(exp - iat\) is longer than the 1h/,
    'a fresh token minted for a year'
  )
  await expectRefused(await sign((jwt) => jwt.setExpirationTime('10m')), /no "iat" \(issued at\) claim/, 'no iat')
  await expectRefused(
    await sign((jwt) => jwt.setIssuedAt(now() + 600).setExpirationTime(now() + 1200)),
    /"iat" \(issued at\) is in the future/,
    'iat in the future'
  )
  await expectRefused(
    await hs({ iat: 'yesterday' }, (jwt) => jwt.setSubject('alice').setExpirationTime('10m')),
    /"iat" claim is not acceptable/,
    'iat not a number'
  )
  t.throws(() => testConfig({ JWT_MAX_TOKEN_AGE: 'forever' }), /JWT_MAX_TOKEN_AGE/)
  t.equal(testConfig({ JWT_MAX_TOKEN_AGE: '24h' }).JWT_MAX_TOKEN_AGE, '24h')
})

t.test('RS256 public key: only RS256 is accepted, so an HS256 token signed with the public key fails', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const pem = publicKey.export({ type: 'spki', format: 'pem' }).toString()
  const rsApp = await buildTestApp(t, { env: { JWT_SECRET: '', JWT_PUBLIC_KEY: pem }, database: app.database })
  const rsToken = await new SignJWT({ scope: 'ropa:read' }).setProtectedHeader({ alg: 'RS256' }).setSubject('bob').setExpirationTime('5m').sign(privateKey)
  t.equal((await rsApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${rsToken}` } })).statusCode, 200)
  const confused = await new SignJWT({ scope: 'ropa:platform' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('mallory')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(pem))
  const res = await rsApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${confused}` } })
  t.equal(res.statusCode, 401)
  t.match(res.json().detail, /algorithm/)
  const hsForTestSecret = await token()
  t.equal((await rsApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${hsForTestSecret}` } })).statusCode, 401)
})

t.test('JWKS URL: keys are fetched, and an unknown kid is refused after a refresh', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }
  let fetches = 0
  const server = createServer((_request, response) => {
    fetches++
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(() => new Promise<void>((resolve) => server.close(() => resolve())))
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`
  const jwksApp = await buildTestApp(t, { env: { JWT_SECRET: '', JWT_JWKS_URL: url }, database: app.database })
  const sign = (kid: string, key = privateKey) =>
    new SignJWT({ scope: 'ropa:read' }).setProtectedHeader({ alg: 'ES256', kid }).setSubject('carol').setExpirationTime('5m').sign(key)

  t.equal((await jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await sign('key-1')}` } })).statusCode, 200)
  t.equal(fetches, 1, 'the key set was fetched once')
  t.equal((await jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await sign('key-1')}` } })).statusCode, 200)
  t.equal(fetches, 1, 'and then served from the cache')
  const unknown = await jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await sign('key-2', other.privateKey)}` } })
  t.equal(unknown.statusCode, 401)
  t.match(unknown.json().detail, /no key matches/)
  const wrongKeySameKid = await jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${await sign('key-1', other.privateKey)}` } })
  t.equal(wrongKeySameKid.statusCode, 401)
  const hsToken = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', kid: 'key-1' })
    .setSubject('m')
    .setExpirationTime('5m')
    .sign(new TextEncoder().encode(JSON.stringify(jwk)))
  t.equal(
    (await jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${hsToken}` } })).statusCode,
    401,
    'HS256 is never accepted from a JWKS'
  )
})

t.test('JWKS URL hanging, failing or serving garbage: 503 with Retry-After, never 401; recovers by itself', async (t) => {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'key-1', alg: 'ES256', use: 'sig' }
  let mode: 'hang' | 'error' | 'not a key set' | 'not json' | 'reset' | 'ok' = 'hang'
  const server = createServer((request, response) => {
    if (mode === 'hang') return
    if (mode === 'reset') return void request.socket.destroy()
    if (mode === 'error') return void response.writeHead(502).end('bad gateway')
    if (mode === 'not json') return void response.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>')
    if (mode === 'not a key set') return void response.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"none"}')
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      })
  )
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`
  const jwksApp = await buildTestApp(t, { env: { JWT_SECRET: '', JWT_JWKS_URL: url, JWT_JWKS_TIMEOUT_MS: '200' }, database: app.database })
  const signed = await new SignJWT({ scope: 'ropa:read' })
    .setProtectedHeader({ alg: 'ES256', kid: 'key-1' })
    .setSubject('carol')
    .setExpirationTime('5m')
    .sign(privateKey)
  const call = () => jwksApp.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${signed}` } })

  for (const failure of ['hang', 'error', 'not a key set', 'not json', 'reset'] as const) {
    mode = failure
    const res = await call()
    t.equal(res.statusCode, 503, failure)
    t.equal(res.headers['retry-after'], '5', `${failure}: Retry-After`)
    t.notOk(res.headers['www-authenticate'], `${failure}: the token is not called invalid`)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { status: 503, code: 'ROPA_TOKEN_KEYS_UNAVAILABLE', type: '/problems/token-keys-unavailable', detail: /could not be fetched/ }, failure)
  }
  mode = 'ok'
  t.equal((await call()).statusCode, 200, 'the same token passes once the key set answers')

  const refused = createServer()
  await new Promise<void>((resolve) => refused.listen(0, '127.0.0.1', resolve))
  const closedUrl = `http://127.0.0.1:${(refused.address() as { port: number }).port}/jwks.json`
  await new Promise<void>((resolve) => refused.close(() => resolve()))
  const verify = createTokenVerifier(resolveVerificationKey(testConfig({ JWT_SECRET: '', JWT_JWKS_URL: closedUrl, JWT_JWKS_TIMEOUT_MS: '200' })))
  await t.rejects(verify(signed), { name: 'KeySetUnavailableError' }, 'a connection refused is an unavailable key set too')

  const spec = (await jwksApp.inject('/openapi.json')).json()
  t.match(spec.paths['/v1/organisations'].get.responses['503'], { content: { 'application/problem+json': {} } }, 'authenticated operations document their 503')
  t.equal((await jwksApp.inject('/problems/token-keys-unavailable')).statusCode, 200, 'the problem type is documented')
})

t.test('PEM keys of each supported type select their algorithm', async (t) => {
  const cases = [
    ['rsa', 'RS256', generateKeyPairSync('rsa', { modulusLength: 2048 })],
    ['ec P-256', 'ES256', generateKeyPairSync('ec', { namedCurve: 'P-256' })],
    ['ed25519', 'EdDSA', generateKeyPairSync('ed25519')]
  ] as const
  for (const [label, alg, pair] of cases) {
    const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString()
    const key = resolveVerificationKey(testConfig({ JWT_SECRET: '', JWT_PUBLIC_KEY: pem.replaceAll('\n', '\\n') }))
    t.same(key.algorithms, [alg], label)
    const verify = createTokenVerifier(key)
    const signed = await new SignJWT({ scope: 'ropa:read ropa:write', orgs: ['0b0c5f7e-8a51-4d6e-9f3b-1c2d3e4f5a6b'] })
      .setProtectedHeader({ alg })
      .setSubject('dave')
      .setExpirationTime('5m')
      .sign(pair.privateKey)
    const principal = await verify(signed)
    t.equal(principal.sub, 'dave')
    t.same([...principal.scopes], ['ropa:read', 'ropa:write'])
    t.same(principal.orgs, ['0b0c5f7e-8a51-4d6e-9f3b-1c2d3e4f5a6b'])
  }
  const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'pem' }).toString()
  t.throws(() => resolveVerificationKey(testConfig({ JWT_SECRET: '', JWT_PUBLIC_KEY: p384 })), /unsupported key type ec \(secp384r1\)/)
})

t.test('key configuration: exactly one source; production needs one', async (t) => {
  t.throws(() => loadConfig({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.test/jwks' }), ConfigError)
  t.throws(() => loadConfig({ JWT_SECRET: 'x'.repeat(32), JWT_JWKS_URL: 'https://idp.test/jwks' }), /JWT_SECRET, JWT_JWKS_URL: configure exactly one/)
  t.throws(() => loadConfig({ NODE_ENV: 'production' }), /JWT_SECRET: NODE_ENV=production needs a token key/)
  const SIGNING_KEY = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  t.equal(loadConfig({ NODE_ENV: 'production', JWT_JWKS_URL: 'https://idp.test/jwks', SIGNING_KEY }).JWT_JWKS_URL, 'https://idp.test/jwks')
})

t.test('a bearer header from the helper works against the shared app', async (t) => {
  t.equal(
    (await app.inject({ url: '/v1/organisations', headers: await bearer() })).statusCode,
    401,
    'the shared app requires iss and aud, which the helper does not set'
  )
})

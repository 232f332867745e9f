import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { developmentAccess, firstRunBanner } from '../../src/auth/first-run.ts'
import { DEV_SECRET_FILE, resolveVerificationKey } from '../../src/auth/keys.ts'
import { runTokenCli } from '../../src/auth/token-cli.ts'
import { createTokenVerifier } from '../../src/auth/tokens.ts'
import { buildTestApp, testConfig } from '../helper.ts'

t.test('without a configured key: a kept development key, one organisation, a token that works at once', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  t.equal(app.verificationKey.source, 'development')
  const first = await developmentAccess(app)
  t.ok(first)
  t.match(first!.organisation, { name: 'Example Consulting AS', country: 'NO', createdBy: 'system:first-run' })
  t.equal(first!.loadedExample, true)
  const res = await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${first!.token}` } })
  t.equal(res.statusCode, 200)
  t.same(res.json().items.map((o: { id: string }) => o.id), [first!.organisation.id])
  const activities = await app.inject({ url: `/v1/organisations/${first!.organisation.id}/activities`, headers: { authorization: `Bearer ${first!.token}` } })
  t.equal(activities.json().items.length, 11, 'the example register is there at once')
  const write = await app.inject({ method: 'PATCH', url: `/v1/organisations/${first!.organisation.id}`, headers: { authorization: `Bearer ${first!.token}` }, payload: { name: 'Renamed' } })
  t.equal(write.statusCode, 200, 'the token carries every scope')
  t.equal(write.json().updatedBy, 'developer')

  const second = await developmentAccess(app)
  t.equal(second!.organisation.id, first!.organisation.id, 'a restart reuses the organisation instead of loading the example again')
  t.equal(second!.loadedExample, false)
  t.equal((await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${second!.token}` } })).json().items.length, 1)

  const banner = firstRunBanner('http://127.0.0.1:3000', first!, '/data/dev-jwt-secret')
  t.match(banner, first!.token)
  t.match(banner, `curl -H "Authorization: Bearer ${first!.token}" http://127.0.0.1:3000/v1/organisations`)
  t.match(banner, 'http://127.0.0.1:3000/docs')
  t.match(banner, 'loaded the example organisation Example Consulting AS')
})

t.test('with a configured key there is no development access', async (t) => {
  const app = await buildTestApp(t)
  t.equal(await developmentAccess(app), undefined)
})

t.test('the development key is generated once, private, and reused', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'ropa-key-'))
  const first = resolveVerificationKey(testConfig({ JWT_SECRET: '', DATA_DIR: dir }))
  const again = resolveVerificationKey(testConfig({ JWT_SECRET: '', DATA_DIR: dir }))
  t.equal(first.source, 'development')
  const file = join(dir, DEV_SECRET_FILE)
  t.equal(statSync(file).mode & 0o777, 0o600)
  t.equal(Buffer.from(readFileSync(file, 'utf8'), 'base64url').length, 32)
  t.same(Buffer.from((again as { secret: Uint8Array }).secret), Buffer.from((first as { secret: Uint8Array }).secret))
})

t.test('npm run token mints tokens with the configured secret', async (t) => {
  const config = testConfig({ JWT_ISSUER: 'https://ropa.test', JWT_AUDIENCE: 'ropa' })
  const verify = createTokenVerifier(resolveVerificationKey(config), { issuer: 'https://ropa.test', audience: 'ropa' })
  const orgId = '6f1c8f9e-3b1d-4b8e-9d0a-2f3e4a5b6c7d'
  const auditor = await verify(await runTokenCli(['--scope', 'ropa:read', '--org', orgId, '--sub', 'auditor', '--expires', '30d'], config))
  t.same({ sub: auditor.sub, scopes: [...auditor.scopes], orgs: auditor.orgs }, { sub: 'auditor', scopes: ['ropa:read'], orgs: [orgId] })
  const writer = await verify(await runTokenCli(['--scope', 'ropa:read ropa:write', '--org', orgId, '--org', '7f1c8f9e-3b1d-4b8e-9d0a-2f3e4a5b6c7d'], config))
  t.same([...writer.scopes], ['ropa:read', 'ropa:write'])
  t.equal(writer.orgs.length, 2)
  t.equal(writer.sub, 'cli')

  const failures: [string[], RegExp][] = [
    [['--scope', 'ropa:everything', '--org', orgId], /--scope: unknown scope ropa:everything/],
    [['--org', 'acme'], /--org: 'acme' is not an organisation id/],
    [['--scope', 'ropa:read'], /--org: name at least one organisation/],
    [['--org', orgId, '--expires', 'forever'], /--expires: 'forever'/],
    [['--org', orgId, '--colour', 'red'], /Unknown option '--colour'/]
  ]
  for (const [args, message] of failures) await t.rejects(runTokenCli(args, config), message, args.join(' '))
  const { generateKeyPairSync } = await import('node:crypto')
  const pem = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString()
  await t.rejects(runTokenCli(['--org', orgId], testConfig({ JWT_SECRET: '', JWT_PUBLIC_KEY: pem })), /JWT_PUBLIC_KEY only verifies tokens/)
})

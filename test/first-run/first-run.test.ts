import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'drizzle-orm'
import t from 'tap'
import type { App } from '../../src/app.ts'
import { DEV_SECRET_FILE, resolveVerificationKey } from '../../src/auth/keys.ts'
import { allScopes } from '../../src/auth/scopes.ts'
import { runTokenCli } from '../../src/auth/token-cli.ts'
import { createTokenVerifier, mintToken } from '../../src/auth/tokens.ts'
import { type Bundle, readExampleBundle } from '../../src/example/bundle.ts'
import { developmentAccess, firstRunBanner } from '../../src/first-run/first-run.ts'
import { buildTestApp, testConfig } from '../helper.ts'

/** Calls the API as a client holding a token signed with the development key. */
async function asClient(app: App, sub: string, method: 'POST' | 'DELETE', url: string, payload?: Record<string, unknown>) {
  const key = app.verificationKey as { secret: Uint8Array }
  const token = await mintToken(key.secret, { sub, scopes: allScopes, orgs: [], expiresIn: '10m' })
  const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
  return (res.statusCode === 204 ? {} : res.json()) as { id: string }
}

/** What the database holds, counted directly: organisations, catalogue entries, activities, audit events and who wrote them. */
async function stored(app: App) {
  const count = async (table: string) => Number((await app.database.db.execute(sql.raw(`select count(*)::int as n from ${table}`))).rows[0]!.n)
  const catalogue = ['data_categories', 'data_subject_categories', 'recipients', 'security_measures', 'processors']
  let entries = 0
  for (const table of catalogue) entries += await count(table)
  const actors = (await app.database.db.execute(sql`select distinct actor from audit_events order by actor`)).rows.map((row) => row.actor)
  return { organisations: await count('organisations'), entries, activities: await count('activities'), auditEvents: await count('audit_events'), actors }
}

/** The example with its last activity broken by a rule its schema cannot express (an unknown country). */
function exampleBrokenAtTheEnd(): Bundle {
  const bundle = readExampleBundle()
  const last = bundle.activities.at(-1)!
  const transfer = (bundle.activities[0]!.transfers as Record<string, unknown>[])[0]!
  last.transfers = [{ ...transfer, country: 'XX' }]
  return bundle
}

t.test('without a configured key: a kept development key, one organisation, a token that works at once', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  t.equal(app.verificationKey.source, 'development')
  const first = await developmentAccess(app)
  t.ok(first)
  t.match(first!.organisation, { name: 'Example Consulting AS', country: 'NO', createdBy: 'system:first-run' })
  t.equal(first!.example, 'loaded')
  const res = await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${first!.token}` } })
  t.equal(res.statusCode, 200)
  t.same(
    res.json().items.map((o: { id: string }) => o.id),
    [first!.organisation.id]
  )
  const activities = await app.inject({ url: `/v1/organisations/${first!.organisation.id}/activities`, headers: { authorization: `Bearer ${first!.token}` } })
  t.equal(activities.json().items.length, 11, 'the example register is there at once')
  const write = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${first!.organisation.id}`,
    headers: { authorization: `Bearer ${first!.token}` },
    payload: { name: 'Renamed' }
  })
  t.equal(write.statusCode, 200, 'the token carries every scope')
  t.equal(write.json().updatedBy, 'developer')

  const second = await developmentAccess(app)
  t.equal(second!.organisation.id, first!.organisation.id, 'a restart reuses the organisation instead of loading the example again')
  t.equal(second!.example, undefined)
  t.equal((await app.inject({ url: '/v1/organisations', headers: { authorization: `Bearer ${second!.token}` } })).json().items.length, 1)

  const banner = firstRunBanner('http://127.0.0.1:3000', first!, '/data/dev-jwt-secret')
  t.match(banner, first!.token)
  t.match(banner, `curl -H "Authorization: Bearer ${first!.token}" http://127.0.0.1:3000/v1/organisations`)
  t.match(banner, 'http://127.0.0.1:3000/docs')
  t.match(banner, 'loaded the example organisation Example Consulting AS')
})

t.test('the first run writes the example without HTTP: no request hook runs, so load shedding cannot refuse it', async (t) => {
  let requests = 0
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' }, extend: (app) => app.addHook('onRequest', async () => void requests++) })
  const access = await developmentAccess(app)
  t.equal(access!.example, 'loaded')
  t.equal(requests, 0, 'no request went through the hooks')
  const example = readExampleBundle()
  const subProcessorLinks = example.processors.filter((processor) => ((processor.subProcessorKeys as unknown[] | undefined) ?? []).length > 0).length
  t.same(
    await stored(app),
    {
      organisations: 1,
      entries: 44,
      activities: 11,
      auditEvents: 1 + 44 + subProcessorLinks + 11,
      actors: ['system:first-run']
    },
    'every row has its audit event, written by system:first-run'
  )
  t.equal(requests, 0)
})

t.test('a first run that fails midway leaves nothing behind, and the next start loads the example whole', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  await t.rejects(
    developmentAccess(app, exampleBrokenAtTheEnd()),
    /activities 'breach-handling': \/body\/transfers\/0\/country 'XX' is not an ISO 3166-1 alpha-2 country code/
  )
  t.same(
    await stored(app),
    { organisations: 0, entries: 0, activities: 0, auditEvents: 0, actors: [] },
    'no organisation, catalogue entry, activity or audit event remains'
  )
  const again = await developmentAccess(app)
  t.equal(again!.example, 'loaded')
  t.match(await stored(app), { organisations: 1, entries: 44, activities: 11 })
})

t.test('an empty example organisation left by an earlier first run is completed on the next start', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  // What a first run before the fix left when a later step failed: the organisation, created by the first run, and nothing else.
  const leftover = await asClient(app, 'system:first-run', 'POST', '/v1/organisations', readExampleBundle().organisation)
  const access = await developmentAccess(app)
  t.equal(access!.example, 'completed')
  t.equal(access!.organisation.id, leftover.id, 'the leftover organisation is completed, not a second one made')
  t.match(await stored(app), { organisations: 1, entries: 44, activities: 11, actors: ['system:first-run'] })
  const activities = await app.inject({ url: `/v1/organisations/${leftover.id}/activities`, headers: { authorization: `Bearer ${access!.token}` } })
  t.equal(activities.json().items.length, 11)
  t.match(firstRunBanner('http://127.0.0.1:3000', access!), `Completed the example organisation Example Consulting AS (${leftover.id})`)
  const restart = await developmentAccess(app)
  t.equal(restart!.example, undefined, 'a completed organisation is not loaded again')
  t.match(await stored(app), { organisations: 1, entries: 44, activities: 11 })
})

t.test('an organisation that is not a leftover of the first run is left alone, and the banner says how to load the example', async (t) => {
  const app = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  const own = await asClient(app, 'platform-admin', 'POST', '/v1/organisations', { name: 'Own AS', country: 'NO' })
  const access = await developmentAccess(app)
  t.equal(access!.example, undefined)
  t.equal(access!.organisation.id, own.id)
  t.match(await stored(app), { organisations: 1, entries: 0, activities: 0 })
  const banner = firstRunBanner('http://127.0.0.1:4000', access!)
  t.match(banner, `npm run example -- --url http://127.0.0.1:4000 --token ${access!.token} --org ${own.id}`)

  // An example organisation whose entries a user deleted is not refilled behind their back: its audit trail shows it was used.
  const emptied = await buildTestApp(t, { env: { JWT_SECRET: '' } })
  const example = await asClient(emptied, 'system:first-run', 'POST', '/v1/organisations', readExampleBundle().organisation)
  const created = await asClient(emptied, 'someone', 'POST', `/v1/organisations/${example.id}/data-categories`, { name: 'Contact details' })
  await asClient(emptied, 'someone', 'DELETE', `/v1/organisations/${example.id}/data-categories/${created.id}`)
  const untouched = await developmentAccess(emptied)
  t.equal(untouched!.example, undefined)
  t.match(await stored(emptied), { organisations: 1, entries: 0, activities: 0 })
  t.match(firstRunBanner('http://127.0.0.1:3000', untouched!), `--org ${example.id}`)
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

import t from 'tap'
import { runExampleCli } from '../src/example/example-cli.ts'
import { bearer, buildTestApp, createOrganisationViaApi, token } from './helper.ts'

t.test('npm run example loads the example into a running instance over HTTP', async (t) => {
  const app = await buildTestApp(t)
  await app.listen({ port: 0, host: '127.0.0.1' })
  const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  const message = await runExampleCli(['--url', url, '--token', await token({ sub: 'example-loader' })])
  const orgId = /organisation ([0-9a-f-]{36})/.exec(message)?.[1]
  t.match(message, /Loaded 44 catalogue entries and 11 activities into organisation /)
  const headers = await bearer({ orgs: [orgId!] })
  t.equal((await app.inject({ url: `/v1/organisations/${orgId}/activities`, headers })).json().items.length, 11)
  t.match((await app.inject({ url: `/v1/organisations/${orgId}`, headers })).json(), { name: 'Example Consulting AS', createdBy: 'example-loader' })

  const existing = await createOrganisationViaApi(app, { name: 'Target AS' })
  const into = await runExampleCli(['--url', url, '--org', existing.id], { ROPA_TOKEN: await token({ scopes: ['ropa:write'], orgs: [existing.id] }) })
  t.match(into, `into organisation ${existing.id}`)
  await t.rejects(
    runExampleCli(['--url', url, '--org', existing.id], { ROPA_TOKEN: await token({ scopes: ['ropa:write'], orgs: [existing.id] }) }),
    /dataCategories 'contact-details': 409 .*already exists/,
    'a second load into the same organisation stops at the first duplicate'
  )
  await t.rejects(runExampleCli(['--url', url], {}), /--token/)
  await t.rejects(runExampleCli(['--url', url, '--token', 'not-a-token']), /organisation: 401/)
})

import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

t.test('with Redis unreachable the API still answers, and the per-token limit holds in the process', async (t) => {
  // Port 1: nothing listens there, so every lease fails at once.
  const app = await buildTestApp(t, { env: { REDIS_URL: 'redis://127.0.0.1:1', RATE_LIMIT_PER_TOKEN_PER_MINUTE: '3' } })
  const org = await createOrganisationViaApi(app, {}, 'platform-admin-outage')
  const headers = await bearer({ sub: 'limited-during-outage', orgs: [org.id] })
  const statuses: number[] = []
  for (let i = 0; i < 5; i++) statuses.push((await app.inject({ url: `/v1/organisations/${org.id}`, headers })).statusCode)
  t.same(statuses, [200, 200, 200, 429, 429])
})

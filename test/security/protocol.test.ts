import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { bearer, buildTestApp, createOrganisationViaApi, createTestDatabase, testConfig, token } from '../helper.ts'

const app = await buildTestApp(t)
const problemType = 'application/problem+json; charset=utf-8'

t.test('If-Match: an unquoted tag is a 400 naming the header; a weak tag is a 412 that says why', async (t) => {
  const org = await createOrganisationViaApi(app)
  const admin = await bearer({ sub: 'org-admin', scopes: ['ropa:admin', 'ropa:read'], orgs: [org.id] })
  const url = `/v1/organisations/${org.id}`
  const patch = (ifMatch: string, name: string) => app.inject({ method: 'PATCH', url, headers: { ...admin, 'if-match': ifMatch }, payload: { name } })

  for (const unquoted of ['1', '"1", 2', 'W/1', '"1']) {
    const res = await patch(unquoted, 'Not renamed')
    t.equal(res.statusCode, 400, `If-Match: ${unquoted}`)
    t.equal(res.headers['content-type'], problemType)
    t.match(res.json(), {
      code: 'ROPA_VALIDATION_FAILED',
      errors: [{ path: '/headers/if-match', message: 'must be a quoted entity tag such as "3", or *' }]
    }, `If-Match: ${unquoted}`)
  }

  const weak = await patch('W/"1"', 'Not renamed')
  t.equal(weak.statusCode, 412)
  t.match(weak.json(), { code: 'ROPA_PRECONDITION_FAILED', detail: /weak entity tag.*never matches.*"1"/ })
  t.equal((await app.inject({ url, headers: admin })).json().name, org.name, 'nothing was written')

  t.equal((await patch('"9", "1"', 'Renamed')).statusCode, 200, 'a list of quoted tags still works')
  t.equal((await patch('W/"1", "2"', 'Renamed again')).statusCode, 200, 'a weak tag beside a matching strong one is ignored')
  t.equal((await patch('"7"', 'Stale')).statusCode, 412, 'a quoted tag that is not current is still a 412')
})

t.test('415 names the media type expected and the one received', async (t) => {
  const org = await createOrganisationViaApi(app)
  const writer = await bearer({ sub: 'writer', scopes: ['ropa:write', 'ropa:read', 'ropa:admin'], orgs: [org.id] })
  const post = await app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/data-categories`, headers: { ...writer, 'content-type': 'text/plain' }, payload: 'name=a' })
  t.equal(post.statusCode, 415)
  t.match(post.json(), { code: 'ROPA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json; got text/plain.' })
  const patch = await app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}`, headers: { ...writer, 'content-type': 'application/xml; charset=utf-8' }, payload: '<name/>' })
  t.equal(patch.statusCode, 415)
  t.match(patch.json(), { code: 'ROPA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json or application/merge-patch+json; got application/xml; charset=utf-8.' })
})

t.test('credentials in the query string never reach the log', async (t) => {
  const lines: string[] = []
  const logStream = { write: (line: string) => void lines.push(line) }
  const databaseUrl = await createTestDatabase(t)
  const logged = buildApp(testConfig({ LOG_LEVEL: 'info', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) }), { logStream })
  t.teardown(() => logged.close())
  await logged.ready()
  const jwt = await token()
  const res = await logged.inject(`/v1/organisations?access_token=${jwt}&limit=5&API-Key=s3cret-value&q=${jwt}`)
  t.equal(res.statusCode, 401, 'a token in the URL is not accepted')
  await logged.inject(`/v1/reference/countries/${jwt}?Token=abc123`)

  const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req)
  t.equal(requests.length, 2, 'both requests were logged')
  const output = lines.join('')
  t.notMatch(output, jwt.split('.')[1] as string, 'the token appears nowhere in the log')
  t.notMatch(output, 's3cret-value')
  t.notMatch(output, 'abc123')
  t.equal(requests[0].req.url, '/v1/organisations?access_token=[redacted]&limit=5&API-Key=[redacted]&q=[redacted]')
  t.equal(requests[1].req.url, '/v1/reference/countries/[redacted]?Token=[redacted]')
})

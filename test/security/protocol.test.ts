import { connect } from 'node:net'
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
    t.match(
      res.json(),
      {
        code: 'ROPA_VALIDATION_FAILED',
        errors: [{ path: '/headers/if-match', message: 'must be a quoted entity tag such as "3", or *' }]
      },
      `If-Match: ${unquoted}`
    )
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
  const post = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/data-categories`,
    headers: { ...writer, 'content-type': 'text/plain' },
    payload: 'name=a'
  })
  t.equal(post.statusCode, 415)
  t.match(post.json(), { code: 'ROPA_UNSUPPORTED_MEDIA_TYPE', detail: 'Send the body as application/json; got text/plain.' })
  const patch = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${org.id}`,
    headers: { ...writer, 'content-type': 'application/xml; charset=utf-8' },
    payload: '<name/>'
  })
  t.equal(patch.statusCode, 415)
  t.match(patch.json(), {
    code: 'ROPA_UNSUPPORTED_MEDIA_TYPE',
    detail: 'Send the body as application/json or application/merge-patch+json; got application/xml; charset=utf-8.'
  })
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
  await logged.inject('/v1/organisations/00000000-0000-4000-8000-000000000000/security-measures?code=T.MFA')

  const requests = lines.map((line) => JSON.parse(line)).filter((entry) => entry.req)
  t.equal(requests.length, 3, 'every request was logged')
  const output = lines.join('')
  t.notMatch(output, jwt.split('.')[1] as string, 'the token appears nowhere in the log')
  t.notMatch(output, 's3cret-value')
  t.notMatch(output, 'abc123')
  t.equal(requests[0].req.url, '/v1/organisations?access_token=[redacted]&limit=5&API-Key=[redacted]&q=[redacted]')
  t.equal(requests[1].req.url, '/v1/reference/countries/[redacted]?Token=[redacted]')
  t.equal(
    requests[2].req.url,
    '/v1/organisations/00000000-0000-4000-8000-000000000000/security-measures?code=T.MFA',
    'a filter of this API is not taken for a credential'
  )
})

/** Writes raw bytes to the server and reads until it closes the connection: status, headers and body. */
function rawExchange(port: number, request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    let received = ''
    const socket = connect(port, '127.0.0.1', () => socket.write(request))
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => (received += chunk))
    const done = () => {
      const [head = '', body = ''] = received.split('\r\n\r\n', 2)
      const [statusLine = '', ...fields] = head.split('\r\n')
      const headers = Object.fromEntries(fields.map((field) => [field.slice(0, field.indexOf(':')).toLowerCase(), field.slice(field.indexOf(':') + 1).trim()]))
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body })
    }
    socket.on('close', done)
    socket.on('error', (error) => (received ? undefined : reject(error)))
  })
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

t.test('oversized headers (431) and unparsable requests (400) answer problem+json on the raw connection', async (t) => {
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const big = await rawExchange(port, `GET /v1/reference/countries?page=2 HTTP/1.1\r\nHost: localhost\r\nX-Filler: ${'a'.repeat(20_000)}\r\n\r\n`)
  t.equal(big.status, 431)
  t.equal(big.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.equal(big.headers.connection, 'close')
  const problem = JSON.parse(big.body)
  t.match(problem, {
    type: '/problems/request-header-fields-too-large',
    title: 'Request header fields too large',
    status: 431,
    detail: /headers.*16384 bytes/,
    instance: '/v1/reference/countries',
    code: 'ROPA_REQUEST_HEADER_FIELDS_TOO_LARGE',
    requestId: uuid
  })
  t.equal(big.headers['x-request-id'], problem.requestId)
  t.equal(Number(big.headers['content-length']), Buffer.byteLength(big.body))

  const garbage = await rawExchange(port, 'NOT HTTP AT ALL\r\n\r\n')
  t.equal(garbage.status, 400)
  t.equal(garbage.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(JSON.parse(garbage.body), {
    type: '/problems/malformed-request',
    status: 400,
    code: 'ROPA_MALFORMED_REQUEST',
    instance: /^urn:uuid:/,
    requestId: uuid
  })
})

t.test('headers that do not arrive in time answer 408 problem+json', async (t) => {
  const slow = await buildTestApp(t, { env: { HEADERS_TIMEOUT_MS: '300' }, database: app.database })
  await slow.listen({ port: 0, host: '127.0.0.1' })
  const port = (slow.server.address() as { port: number }).port
  // The request never ends its headers; the answer arrives when the server gives up waiting.
  const res = await rawExchange(port, 'GET /health/live HTTP/1.1\r\nHost: localhost\r\n')
  t.equal(res.status, 408)
  t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
  t.match(JSON.parse(res.body), { type: '/problems/request-timeout', status: 408, code: 'ROPA_REQUEST_TIMEOUT', detail: /300 ms/, requestId: uuid })
})

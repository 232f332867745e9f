// Validation messages say how to fix the value, not which regular expression it broke.
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const headers = await bearer({ orgs: [org.id], scopes: ['ropa:read', 'ropa:write', 'ropa:admin'] })
const base = `/v1/organisations/${org.id}`

async function errorAt(method: 'GET' | 'POST' | 'PATCH', url: string, path: string, payload?: object) {
  const res = await app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  const errors = (res.json().errors ?? []) as { path: string; message: string }[]
  return { status: res.statusCode, messages: errors.filter((error) => error.path === path).map((error) => error.message) }
}

t.test('countries', async (t) => {
  const cases: [string, string, RegExp][] = [
    ['a lower-case code gets the upper-case one', 'de', /ISO 3166-1 alpha-2 code in upper case.*'de'.*DE/],
    ['UK gets GB', 'UK', /'UK'.*GB/],
    ['a lower-case uk gets GB', 'uk', /'uk'.*GB/],
    ['EL (Greece in EU texts) gets GR', 'EL', /'EL'.*GR/],
    ['a three-letter code gets an example', 'DEU', /'DEU'.*two letters.*such as DE/]
  ]
  for (const [what, country, message] of cases) {
    const body = await errorAt('PATCH', base, '/body/country', { country })
    t.equal(body.status, 400, what)
    t.equal(body.messages.length, 1, `${what}: one message`)
    t.match(body.messages[0], message, `${what} (body): ${body.messages[0]}`)
    t.notMatch(body.messages[0], /pattern|\^\[A-Z\]/, `${what}: no regular expression`)
  }
  const query = await errorAt('GET', `${base}/processors?country=de`, '/query/country')
  t.equal(query.status, 400)
  t.match(query.messages[0], /upper case.*DE/, `a filter: ${query.messages[0]}`)
  const nested = await errorAt('POST', `${base}/activities`, '/body/transfers/0/country', { name: 'T', transfers: [{ country: 'UK', mechanism: '45' }] })
  t.match(nested.messages[0], /'UK'.*GB/, `a transfer: ${nested.messages[0]}`)
})

t.test('ISO 8601 durations are explained with an example', async (t) => {
  const res = await errorAt('POST', `${base}/activities`, '/body/retention/0/period', { name: 'R', retention: [{ period: '6 months' }] })
  t.equal(res.status, 400)
  t.equal(res.messages.length, 1)
  t.match(res.messages[0], /ISO 8601 duration.*P6M.*P10Y/)
  t.notMatch(res.messages[0], /pattern/)
})

t.test('dates and instants are explained with an example', async (t) => {
  for (const value of ['31.01.2026', '2026-13-45', '0000-01-01']) {
    const res = await errorAt('POST', `${base}/processors`, '/body/dpaSignedAt', { name: `P ${value}`, dpaSignedAt: value })
    t.equal(res.status, 400, value)
    t.equal(res.messages.length, 1, `${value}: one message`)
    t.match(res.messages[0], /YYYY-MM-DD.*2026-01-31/, `${value}: ${res.messages[0]}`)
  }
  const instant = await errorAt('GET', `${base}/audit-events?since=yesterday`, '/query/since')
  t.equal(instant.status, 400)
  t.match(instant.messages[0], /RFC 3339.*2026-01-31T12:00:00Z/)
})

// One request must not be able to make the server do (or say) unbounded work: huge bodies and
// query strings full of unknown names are refused cheaply, with a short answer.
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const MAX_ERRORS = 20

interface Problem {
  status: number
  code: string
  detail: string
  errors?: { path: string; message: string }[]
  errorsOmitted?: number
}

t.test('80,000 unknown keys in one body: a short 400, not megabytes', async (t) => {
  const body: Record<string, unknown> = { name: 'Bloated' }
  for (let i = 0; i < 80_000; i++) body[`k${i}`] = 1
  const res = await app.inject({
    method: 'POST',
    url: `${base}/data-categories`,
    headers: { ...headers, 'content-type': 'application/json' },
    payload: JSON.stringify(body)
  })
  t.equal(res.statusCode, 400)
  t.ok(res.body.length < 4096, `the answer is ${res.body.length} bytes`)
  const problem = res.json() as Problem
  t.equal(problem.code, 'ROPA_VALIDATION_FAILED')
  t.equal(problem.errors?.length, 1, 'one error says the object is too large')
  t.match(problem.errors?.[0], { path: '/body', message: /80001 properties/ })
  t.ok(problem.detail.length < 1024, 'the detail is short')
})

t.test('an array far longer than any list of the API is refused by its length alone', async (t) => {
  const res = await app.inject({
    method: 'POST',
    url: `${base}/activities`,
    headers,
    payload: { name: 'Long', systems: Array.from({ length: 50_000 }, () => 1) }
  })
  t.equal(res.statusCode, 400)
  t.ok(res.body.length < 4096, `the answer is ${res.body.length} bytes`)
  t.match(res.json(), { errors: [{ path: '/body/systems', message: /50000 items/ }] })
})

t.test('many errors in a body of allowed shape: the first 20 and a count of the rest', async (t) => {
  // 60 unknown properties (under the per-object bound), each one error.
  const body: Record<string, unknown> = { name: 'Sixty' }
  for (let i = 0; i < 60; i++) body[`unknown${String(i).padStart(2, '0')}`] = 1
  const res = await app.inject({ method: 'POST', url: `${base}/data-categories`, headers, payload: body })
  t.equal(res.statusCode, 400)
  const problem = res.json() as Problem
  t.equal(problem.errors?.length, MAX_ERRORS)
  t.equal(problem.errorsOmitted, 40, 'the 40 others are counted')
  t.same(problem.errors?.[0], { path: '/body/unknown00', message: 'is not a known property' })
  t.match(problem.detail, /and 40 more/)
  t.notMatch(problem.detail, /unknown59/, 'the detail names only the listed errors')
})

t.test('2,200 unknown query parameters without a token: a short 400', async (t) => {
  const query = Array.from({ length: 2200 }, (_, i) => `p${i}=1`).join('&')
  const res = await app.inject({ url: `/v1/reference/countries?${query}` })
  t.equal(res.statusCode, 400)
  t.ok(res.body.length < 4096, `the answer is ${res.body.length} bytes`)
  const problem = res.json() as Problem
  t.equal(problem.code, 'ROPA_VALIDATION_FAILED')
  t.ok((problem.errors?.length ?? 0) <= MAX_ERRORS)
  t.match(problem.errors?.[0], { path: '/query' })
})

t.test('a few unknown query parameters are each still named, with no count', async (t) => {
  const res = await app.inject({ url: '/v1/reference/countries?a=1&b=2' })
  t.equal(res.statusCode, 400)
  const problem = res.json() as Problem
  t.same(problem.errors, [
    { path: '/query/a', message: 'is not a known property' },
    { path: '/query/b', message: 'is not a known property' }
  ])
  t.notOk('errorsOmitted' in problem)
})

t.test('a 422 with more broken links than the cap lists 20 and counts the rest', async (t) => {
  const ids = Array.from({ length: 30 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`)
  const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Broken links', dataCategoryIds: ids } })
  t.equal(res.statusCode, 422)
  const problem = res.json() as Problem
  t.equal(problem.errors?.length, MAX_ERRORS)
  t.equal(problem.errorsOmitted, 10)
  t.match(problem.detail, /and 10 more/)
})

t.test('a body of small lists and objects that holds more than 50,000 values in all is refused as a whole', async (t) => {
  const nested = Array.from({ length: 60 }, () => Array.from({ length: 1000 }, () => 0))
  const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Wide', unknown: nested } })
  t.equal(res.statusCode, 400)
  t.ok(res.body.length < 4096, `the answer is ${res.body.length} bytes`)
  t.same(res.json().errors, [{ path: '/body', message: 'holds more than 50000 values; no request of this API needs as many' }])
})

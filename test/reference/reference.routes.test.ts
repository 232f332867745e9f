import t from 'tap'
import { countries, dpiaCriteria, legalBases, securityMeasureVocabulary, specialCategories, transferMechanisms } from '../../src/reference/index.ts'
import { buildTestApp } from '../helper.ts'

const app = await buildTestApp(t)

const get = async (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers })
const codesOf = (body: { items: { code: string }[] }) => body.items.map((item) => item.code)

t.test('each list is served whole, without a token, with its values', async (t) => {
  const cases = [
    ['/v1/reference/legal-bases', legalBases],
    ['/v1/reference/special-categories', specialCategories],
    ['/v1/reference/countries', countries],
    ['/v1/reference/transfer-mechanisms', transferMechanisms],
    ['/v1/reference/security-measures', securityMeasureVocabulary],
    ['/v1/reference/dpia-criteria', dpiaCriteria]
  ] as const
  for (const [url, items] of cases) {
    const res = await get(url)
    t.equal(res.statusCode, 200, url)
    t.same(res.json(), { items: JSON.parse(JSON.stringify(items)) }, `${url} serves exactly the reference data`)
    t.equal(res.headers['cache-control'], 'public, max-age=3600')
  }
})

t.test('entries carry code, label or name, and article', async (t) => {
  const basis = (await get('/v1/reference/legal-bases/6.1.f')).json()
  t.match(basis, { code: '6.1.f', article: 'Art. 6(1)(f)', kind: 'lawful_basis', requiresReference: false, label: /legitimate interest/i })
  const condition = (await get('/v1/reference/legal-bases/9.2.g')).json()
  t.match(condition, { code: '9.2.g', article: 'Art. 9(2)(g)', kind: 'special_category_condition', requiresReference: true })
  const scc = (await get('/v1/reference/transfer-mechanisms/46.2.c')).json()
  t.match(scc, { code: '46.2.c', article: 'Art. 46(2)(c)', category: 'safeguard', description: /2021\/914/ })
  const mfa = (await get('/v1/reference/security-measures/T.MFA')).json()
  t.match(mfa, { code: 'T.MFA', type: 'technical', art32Points: ['b'], article: 'Art. 32(1)(b)' })
  const health = (await get('/v1/reference/special-categories/health_data')).json()
  t.match(health, { code: 'health_data', article: 'Art. 9(1)' })
  const dpia = (await get('/v1/reference/dpia-criteria/35.3.b')).json()
  t.match(dpia, { code: '35.3.b', kind: 'art35_3_case', article: 'Art. 35(3)(b)' })
})

t.test('countries: EEA membership and adequacy decisions', async (t) => {
  const norway = (await get('/v1/reference/countries/NO')).json()
  t.same(norway, { code: 'NO', name: 'Norway', eu: false, eea: true, adequacy: null, digitalConsentAge: 13 })
  t.equal((await get('/v1/reference/countries/DE')).json().digitalConsentAge, 16, 'Art. 8(1): 16 unless the state set a lower age')
  t.equal((await get('/v1/reference/countries/FR')).json().digitalConsentAge, 15)
  t.equal((await get('/v1/reference/countries/AT')).json().digitalConsentAge, 14)
  t.equal((await get('/v1/reference/countries/US')).json().digitalConsentAge, null, 'outside the EEA')
  const us = (await get('/v1/reference/countries/US')).json()
  t.match(us, {
    code: 'US',
    eea: false,
    adequacy: {
      decision: 'Implementing Decision (EU) 2023/1795',
      scope: 'partial',
      validFrom: '2023-07-10',
      validUntil: null,
      conditions: /Data Privacy Framework/
    }
  })
  const uk = (await get('/v1/reference/countries/GB')).json()
  t.match(uk, { code: 'GB', adequacy: { scope: 'full', validUntil: '2031-12-27' } })
  const canada = (await get('/v1/reference/countries/CA')).json()
  t.match(canada, { adequacy: { scope: 'partial', conditions: /PIPEDA/ } })
  const india = (await get('/v1/reference/countries/IN')).json()
  t.match(india, { code: 'IN', eea: false, adequacy: null })
  const reunion = (await get('/v1/reference/countries/RE')).json()
  t.match(reunion, { eu: true, eea: true })
  const greenland = (await get('/v1/reference/countries/GL')).json()
  t.match(greenland, { eu: false, eea: false })
})

t.test('filters', async (t) => {
  const eea = (await get('/v1/reference/countries?eea=true')).json()
  t.equal(eea.items.length, 37, 'EU-27, IS, LI, NO and the 7 EU territories with their own codes')
  t.ok(eea.items.every((c: { eea: boolean }) => c.eea))
  const outside = (await get('/v1/reference/countries?eea=false')).json()
  t.equal(outside.items.length, countries.length - 37)
  t.same(codesOf((await get('/v1/reference/countries?adequacy=partial')).json()), ['CA', 'JP', 'KR', 'US'])
  t.same(codesOf((await get('/v1/reference/countries?eea=false&adequacy=full')).json()), [
    'AD',
    'AR',
    'BR',
    'CH',
    'FO',
    'GB',
    'GG',
    'IL',
    'IM',
    'JE',
    'NZ',
    'UY'
  ])
  t.equal((await get('/v1/reference/countries?adequacy=none')).json().items.length, countries.length - 16)
  t.same(codesOf((await get('/v1/reference/legal-bases?kind=lawful_basis')).json()), ['6.1.a', '6.1.b', '6.1.c', '6.1.d', '6.1.e', '6.1.f'])
  t.same(codesOf((await get('/v1/reference/transfer-mechanisms?category=authorised_safeguard')).json()), ['46.3.a', '46.3.b'])
  t.same(codesOf((await get('/v1/reference/transfer-mechanisms?category=derogation')).json()), [
    '49.1.a',
    '49.1.b',
    '49.1.c',
    '49.1.d',
    '49.1.e',
    '49.1.f',
    '49.1.g',
    '49.1.sub2'
  ])
  const organisational = (await get('/v1/reference/security-measures?type=organisational')).json()
  t.ok(organisational.items.length > 10 && organisational.items.every((m: { code: string }) => m.code.startsWith('O.')))
  t.same(codesOf((await get('/v1/reference/dpia-criteria?kind=art35_3_case')).json()), ['35.3.a', '35.3.b', '35.3.c'])
})

t.test('invalid queries and codes answer problems naming the parameter', async (t) => {
  const cases: [string, number, string, string][] = [
    ['/v1/reference/countries?eea=maybe', 400, '/query/eea', 'must be boolean'],
    ['/v1/reference/countries?adequacy=some', 400, '/query/adequacy', 'must be one of: "full", "partial", "none"'],
    ['/v1/reference/countries?colour=red', 400, '/query/colour', 'is not a known property'],
    ['/v1/reference/special-categories?kind=x', 400, '/query/kind', 'is not a known property'],
    ['/v1/reference/countries/no', 400, '/params/code', "must be an ISO 3166-1 alpha-2 code in upper case; for 'no' use 'NO'"]
  ]
  for (const [url, status, path, message] of cases) {
    const res = await get(url)
    t.equal(res.statusCode, status, url)
    t.equal(res.headers['content-type'], 'application/problem+json; charset=utf-8')
    t.match(res.json(), { code: 'ROPA_VALIDATION_FAILED', errors: [{ path, message }] }, url)
  }
  const unknownCountry = await get('/v1/reference/countries/XX')
  t.equal(unknownCountry.statusCode, 404)
  t.match(unknownCountry.json(), { code: 'ROPA_NOT_FOUND', detail: "There is no country with code 'XX'.", instance: '/v1/reference/countries/XX' })
  const unknownBasis = await get('/v1/reference/legal-bases/6.1.g')
  t.equal(unknownBasis.statusCode, 404)
})

t.test('responses carry an ETag and answer 304 when it still matches', async (t) => {
  const first = await get('/v1/reference/transfer-mechanisms')
  const etag = first.headers.etag as string
  t.match(etag, /^"/)
  const again = await get('/v1/reference/transfer-mechanisms', { 'if-none-match': etag })
  t.equal(again.statusCode, 304)
  t.equal(again.body, '')
  const other = await get('/v1/reference/transfer-mechanisms?category=bcr', { 'if-none-match': etag })
  t.equal(other.statusCode, 200)
  t.same(codesOf(other.json()), ['47'])
})

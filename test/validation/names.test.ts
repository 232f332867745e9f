// Names that look the same are the same name: stored in Unicode NFC without surrounding white space,
// so unique catalogue names collide however they were typed.
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const headers = await bearer({ orgs: [org.id], scopes: ['ropa:read', 'ropa:write', 'ropa:admin'] })
const base = `/v1/organisations/${org.id}`

const NFC = 'Caf\u00e9'
const NFD_SPACED = ' Cafe\u0301 \t'

const post = (url: string, payload: object) => app.inject({ method: 'POST', url, headers, payload })
const patch = (url: string, payload: object) => app.inject({ method: 'PATCH', url, headers, payload })

for (const collection of ['data-categories', 'data-subject-categories', 'recipients', 'processors', 'security-measures']) {
  t.test(`${collection}: '${NFC}' in NFC, then in NFD with white space around it: 409`, async (t) => {
    const first = await post(`${base}/${collection}`, { name: NFC })
    t.equal(first.statusCode, 201, first.body)
    const second = await post(`${base}/${collection}`, { name: NFD_SPACED })
    t.equal(second.statusCode, 409, 'the same name, typed differently, collides')
    t.match(second.json(), { code: 'ROPA_CONFLICT', errors: [{ path: '/body/name' }] })
    const upper = await post(`${base}/${collection}`, { name: 'CAFE\u0301' })
    t.equal(upper.statusCode, 409, 'and in upper case too')
  })

  t.test(`${collection}: a name is stored in NFC, trimmed, on create and on PATCH`, async (t) => {
    const created = await post(`${base}/${collection}`, { name: ' Re\u0301sume\u0301  ' })
    t.equal(created.statusCode, 201)
    t.equal(created.json().name, 'R\u00e9sum\u00e9')
    const url = `${base}/${collection}/${created.json().id}`
    t.equal((await app.inject({ url, headers })).json().name, 'R\u00e9sum\u00e9', 'as stored')
    const renamed = await patch(url, { name: '\tNa\u0308ive ' })
    t.equal(renamed.statusCode, 200)
    t.equal(renamed.json().name, 'N\u00e4ive')
  })

  t.test(`${collection}: a name of white space only is refused, naming /body/name`, async (t) => {
    const res = await post(`${base}/${collection}`, { name: ' \t ' })
    t.equal(res.statusCode, 400)
    t.match(res.json(), { code: 'ROPA_VALIDATION_FAILED', errors: [{ path: '/body/name', message: /white space/ }] })
    const created = await post(`${base}/${collection}`, { name: `Blank target ${collection}` })
    const blank = await patch(`${base}/${collection}/${created.json().id}`, { name: '   ' })
    t.equal(blank.statusCode, 400)
    t.match(blank.json(), { errors: [{ path: '/body/name' }] })
  })
}

t.test('activities: names stored in NFC and trimmed; blank refused (activity names need not be unique)', async (t) => {
  const created = await post(`${base}/activities`, { name: NFD_SPACED })
  t.equal(created.statusCode, 201)
  t.equal(created.json().name, NFC)
  const again = await post(`${base}/activities`, { name: NFC })
  t.equal(again.statusCode, 201, 'two activities may share a name')
  const renamed = await patch(`${base}/activities/${created.json().id}`, { name: ' Na\u0308ive ' })
  t.equal(renamed.json().name, 'N\u00e4ive')
  const blank = await post(`${base}/activities`, { name: '  ' })
  t.equal(blank.statusCode, 400)
  t.match(blank.json(), { errors: [{ path: '/body/name', message: /white space/ }] })
  const blankPatch = await patch(`${base}/activities/${created.json().id}`, { name: '\n' })
  t.equal(blankPatch.statusCode, 400)
  t.match(blankPatch.json(), { errors: [{ path: '/body/name' }] })
})

t.test('organisations: names stored in NFC and trimmed; blank refused', async (t) => {
  const created = await createOrganisationViaApi(app, { name: ' Bergen Cafe\u0301 AS ' })
  t.equal(created.name, 'Bergen Caf\u00e9 AS')
  const renamed = await patch(base, { name: ' Na\u0308ive AS\t' })
  t.equal(renamed.statusCode, 200)
  t.equal(renamed.json().name, 'N\u00e4ive AS')
  const blank = await patch(base, { name: '   ' })
  t.equal(blank.statusCode, 400)
  t.match(blank.json(), { errors: [{ path: '/body/name', message: /white space/ }] })
  const platform = await bearer({ sub: 'platform-admin', scopes: ['ropa:platform'] })
  const blankCreate = await app.inject({ method: 'POST', url: '/v1/organisations', headers: platform, payload: { name: ' ', country: 'NO' } })
  t.equal(blankCreate.statusCode, 400)
  t.match(blankCreate.json(), { errors: [{ path: '/body/name' }] })
})

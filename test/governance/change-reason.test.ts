import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, any>

const app = await buildTestApp(t)

async function organisation(body: Json = {}) {
  const created = await createOrganisationViaApi(app, body)
  const id = created.id as string
  return { id, headers: await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [id] }) }
}

const lastEvent = async (org: { id: string; headers: Json }) =>
  (await app.inject({ url: `/v1/organisations/${org.id}/audit-events?limit=1`, headers: org.headers })).json().items[0]
const activityCount = async (org: { id: string; headers: Json }) =>
  (await app.inject({ url: `/v1/organisations/${org.id}/activities`, headers: org.headers })).json().items.length

t.test('a Change-Reason is stored on the audit event and shown in the audit events, the history and the changes', async (t) => {
  const org = await organisation()
  const from = new Date().toISOString()
  const created = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers: { ...org.headers, 'change-reason': '  New payroll system  ' },
    payload: { name: 'Payroll' }
  })
  t.equal(created.statusCode, 201)
  const id = created.json().id
  t.match(await lastEvent(org), { action: 'create', entityId: id, reason: 'New payroll system' })

  // UTF-8 bytes, as a client sends them (HTTP headers are read as Latin-1).
  const norwegian = 'Endret etter ønske fra HR, jf. § 5'
  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${org.id}/activities/${id}`,
    headers: { ...org.headers, 'change-reason': Buffer.from(norwegian, 'utf8').toString('latin1') },
    payload: { description: 'Salaries' }
  })
  t.equal(patched.statusCode, 200)
  t.match(await lastEvent(org), { action: 'update', entityId: id, reason: norwegian })

  const category = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/data-categories`,
    headers: { ...org.headers, 'change-reason': 'Catalogue tidy-up' },
    payload: { name: 'Bank account' }
  })
  t.equal(category.statusCode, 201)
  t.match(await lastEvent(org), { entityType: 'data_category', reason: 'Catalogue tidy-up' })
  await app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}/activities/${id}`, headers: org.headers, payload: { owner: 'HR' } })
  t.match(await lastEvent(org), { action: 'update', reason: null }, 'a write without the header has no reason')

  const history = (await app.inject({ url: `/v1/organisations/${org.id}/activities/${id}/history`, headers: org.headers })).json().items
  t.same(
    history.map((version: Json) => version.reason),
    ['New payroll system', norwegian, null]
  )
  const changes = (await app.inject({ url: `/v1/organisations/${org.id}/ropa/changes?from=${from}`, headers: org.headers })).json().items
  t.same(
    changes.map((change: Json) => change.reason),
    ['New payroll system', norwegian, 'Catalogue tidy-up', null]
  )
  const csv = (await app.inject({ url: `/v1/organisations/${org.id}/ropa/changes?from=${from}&format=csv&bom=false`, headers: org.headers })).body
  t.match(csv.split('\r\n')[0], /,Reason$/)
  t.match(csv, /,Salaries,"Endret etter ønske fra HR, jf\. § 5"/)
})

t.test('a Change-Reason longer than 500 characters is a 400 naming the header, and nothing is written', async (t) => {
  const org = await organisation()
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers: { ...org.headers, 'change-reason': 'x'.repeat(501) },
    payload: { name: 'Payroll' }
  })
  t.equal(res.statusCode, 400)
  t.match(res.json(), { errors: [{ path: '/headers/change-reason' }] })
  t.equal(await activityCount(org), 0)
  const exactly = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers: { ...org.headers, 'change-reason': 'y'.repeat(500) },
    payload: { name: 'Payroll' }
  })
  t.equal(exactly.statusCode, 201)
})

t.test('requireChangeReason: writes touching an active activity without a reason answer 428 and write nothing', async (t) => {
  const org = await organisation({ requireChangeReason: true })
  const reason = { 'change-reason': 'Agreed with the DPO' }
  const post = (payload: Json, headers: Json = {}) =>
    app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/activities`, headers: { ...org.headers, ...headers }, payload })

  const refused = await post({ name: 'Payroll', status: 'active' })
  t.equal(refused.statusCode, 428)
  t.match(refused.json(), { type: '/problems/precondition-required', status: 428, code: 'ROPA_PRECONDITION_REQUIRED', detail: /Change-Reason/ })
  t.equal(await activityCount(org), 0)
  t.equal((await app.inject({ url: '/problems/precondition-required' })).statusCode, 200)

  const draft = await post({ name: 'Draft' })
  t.equal(draft.statusCode, 201, 'a draft needs no reason')
  const active = await post({ name: 'Payroll', status: 'active' }, reason)
  t.equal(active.statusCode, 201)
  const id = active.json().id
  const url = `/v1/organisations/${org.id}/activities/${id}`

  const patch = await app.inject({ method: 'PATCH', url, headers: org.headers, payload: { description: 'Salaries' } })
  t.equal(patch.statusCode, 428)
  t.equal((await app.inject({ url, headers: org.headers })).json().version, 1)
  const activate = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${org.id}/activities/${draft.json().id}`,
    headers: org.headers,
    payload: { status: 'active' }
  })
  t.equal(activate.statusCode, 428, 'making a draft active needs a reason')
  t.equal((await app.inject({ method: 'PATCH', url, headers: { ...org.headers, ...reason }, payload: { description: 'Salaries' } })).statusCode, 200)
  t.match(await lastEvent(org), { action: 'update', reason: 'Agreed with the DPO' })

  t.equal((await app.inject({ method: 'DELETE', url, headers: org.headers })).statusCode, 428)
  t.equal((await app.inject({ url, headers: org.headers })).statusCode, 200, 'still there')
  t.equal((await app.inject({ method: 'DELETE', url, headers: { ...org.headers, ...reason } })).statusCode, 204)
  t.match(await lastEvent(org), { action: 'delete', entityId: id, reason: 'Agreed with the DPO' })

  // A review documents itself: no Change-Reason needed.
  const again = (await post({ name: 'Pensions', status: 'active' }, reason)).json()
  const review = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${again.id}/reviews`,
    headers: org.headers,
    payload: { outcome: 'confirmed' }
  })
  t.equal(review.statusCode, 201)
})

t.test('requireChangeReason: bundle apply and spreadsheet import', async (t) => {
  const org = await organisation({ requireChangeReason: true })
  const reason = { 'change-reason': 'Quarterly sync from the repository' }
  const bundle = (await app.inject({ url: `/v1/organisations/${org.id}/bundle`, headers: org.headers })).json()
  const withActive = { ...bundle, activities: [{ key: 'payroll', name: 'Payroll', status: 'active' }] }
  const apply = (headers: Json = {}) =>
    app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/bundle/apply`, headers: { ...org.headers, ...headers }, payload: withActive })
  const refused = await apply()
  t.equal(refused.statusCode, 428)
  t.equal(await activityCount(org), 0)
  const applied = await apply(reason)
  t.equal(applied.statusCode, 200)
  t.match(await lastEvent(org), { entityType: 'activity', action: 'create', reason: 'Quarterly sync from the repository' })

  const csv = 'Processing activity,Status\r\nRecruitment,active\r\n'
  const importing = (headers: Json = {}) =>
    app.inject({
      method: 'POST',
      url: `/v1/organisations/${org.id}/imports?dryRun=false`,
      headers: { ...org.headers, 'content-type': 'text/csv', ...headers },
      payload: csv
    })
  const refusedImport = await importing()
  t.equal(refusedImport.statusCode, 428)
  t.equal(await activityCount(org), 1)
  const imported = await importing({ 'change-reason': 'Import of the HR sheet' })
  t.equal(imported.statusCode, 200)
  t.equal(await activityCount(org), 2)
  t.match(await lastEvent(org), { reason: 'Import of the HR sheet' })
})

t.test('the organisation settings: defaults, validation', async (t) => {
  const org = await createOrganisationViaApi(app)
  t.equal(org.reviewIntervalMonths, 12)
  t.equal(org.requireChangeReason, false)
  const admin = await bearer({ scopes: ['ropa:read', 'ropa:admin'], orgs: [org.id] })
  const bad = await app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}`, headers: admin, payload: { requireChangeReason: 'yes' } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/body/requireChangeReason' }])
})

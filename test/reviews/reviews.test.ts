import t from 'tap'
import { monthsAfter } from '../../src/compliance/review.ts'
import { dayAfter } from '../../src/modules/reviews/reviews.routes.ts'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, any>

const app = await buildTestApp(t)
const today = () => new Date().toISOString().slice(0, 10)

async function organisation(body: Json = {}) {
  const created = await createOrganisationViaApi(app, body)
  const id = created.id as string
  return { id, headers: await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [id] }) }
}

async function activity(org: { id: string; headers: Json }, body: Json): Promise<Json> {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/activities`, headers: org.headers, payload: body })
  if (res.statusCode !== 201) throw new Error(`creating an activity failed: ${res.statusCode} ${res.body}`)
  return res.json()
}

const get = async (url: string, headers: Json) => app.inject({ url, headers })

t.test('nextReviewDue: from creation, from the last review, by the activity interval or the organisation default', async (t) => {
  const org = await organisation()
  const fresh = await activity(org, { name: 'Fresh' })
  t.equal(fresh.reviewIntervalMonths, null)
  t.equal(fresh.nextReviewDue, monthsAfter(fresh.createdAt.slice(0, 10), 12))
  const monthly = await activity(org, { name: 'Monthly', lastReviewedAt: '2024-01-31', reviewIntervalMonths: 1 })
  t.equal(monthly.nextReviewDue, '2024-02-29', 'the end of a shorter month is clamped')
  const reviewed = await activity(org, { name: 'Reviewed', lastReviewedAt: '2025-05-10' })
  t.equal(reviewed.nextReviewDue, '2026-05-10')

  const patched = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${org.id}/activities/${reviewed.id}`,
    headers: org.headers,
    payload: { reviewIntervalMonths: 3 }
  })
  t.equal(patched.json().nextReviewDue, '2025-08-10')

  // The organisation's default moves the activities that set no interval of their own.
  const admin = await bearer({ scopes: ['ropa:read', 'ropa:admin'], orgs: [org.id] })
  const changed = await app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}`, headers: admin, payload: { reviewIntervalMonths: 24 } })
  t.equal(changed.statusCode, 200)
  t.equal(changed.json().reviewIntervalMonths, 24)
  t.equal((await get(`/v1/organisations/${org.id}/activities/${fresh.id}`, org.headers)).json().nextReviewDue, monthsAfter(fresh.createdAt.slice(0, 10), 24))
  t.equal((await get(`/v1/organisations/${org.id}/activities/${monthly.id}`, org.headers)).json().nextReviewDue, '2024-02-29')
  t.equal((await get(`/v1/organisations/${org.id}/activities/${reviewed.id}`, org.headers)).json().nextReviewDue, '2025-08-10')

  const bad = await app.inject({ method: 'PATCH', url: `/v1/organisations/${org.id}`, headers: admin, payload: { reviewIntervalMonths: 0 } })
  t.equal(bad.statusCode, 400)
  t.match(bad.json().errors, [{ path: '/body/reviewIntervalMonths' }])
  const badActivity = await activity(org, { name: 'x' }).then(() =>
    app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/activities`, headers: org.headers, payload: { name: 'Bad', nextReviewDue: '2030-01-01' } })
  )
  t.equal(badActivity.statusCode, 400, 'nextReviewDue is read only')
})

t.test('the activity list filters by reviewDue', async (t) => {
  const org = await organisation()
  await activity(org, { name: 'Early', lastReviewedAt: '2024-03-01' })
  await activity(org, { name: 'Late', lastReviewedAt: '2025-09-01' })
  const names = async (filter: string) =>
    (await get(`/v1/organisations/${org.id}/activities?reviewDue=${filter}`, org.headers)).json().items.map((item: Json) => item.name)
  t.same(await names('before:2026-01-01'), ['Early'])
  t.same(await names('after:2026-01-01'), ['Late'])
  t.same(await names('before:2025-03-01'), [])
  for (const filter of ['before:2026-02-30', 'before:0000-01-01', 'soon', 'before:26-01-01']) {
    const res = await get(`/v1/organisations/${org.id}/activities?reviewDue=${filter}`, org.headers)
    t.equal(res.statusCode, 400, filter)
    t.match(res.json().errors, [{ path: '/query/reviewDue' }])
  }
})

t.test('recording a review: the review, the activity moved on, both audited, listed and readable', async (t) => {
  const org = await organisation()
  const created = await activity(org, { name: 'Payroll', owner: 'HR', status: 'active', lastReviewedAt: '2024-01-15' })
  const res = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${created.id}/reviews`,
    headers: { ...org.headers, 'if-match': '"1"', 'change-reason': 'Yearly review' },
    payload: { outcome: 'confirmed', note: 'Checked with HR' }
  })
  t.equal(res.statusCode, 201)
  const review = res.json()
  t.match(review, { activityId: created.id, activityVersion: 1, outcome: 'confirmed', note: 'Checked with HR', reviewedBy: 'tester' })
  t.equal(res.headers.location, `/v1/organisations/${org.id}/activities/${created.id}/reviews/${review.id}`)

  const after = (await get(`/v1/organisations/${org.id}/activities/${created.id}`, org.headers)).json()
  t.equal(after.version, 2)
  t.equal(after.lastReviewedAt, today())
  t.equal(after.nextReviewDue, monthsAfter(today(), 12))

  const events = (await get(`/v1/organisations/${org.id}/audit-events?limit=2`, org.headers)).json().items
  t.match(events, [
    { action: 'create', entityType: 'activity_review', entityId: review.id, reason: 'Yearly review', snapshot: { outcome: 'confirmed' } },
    { action: 'update', entityType: 'activity', entityId: created.id, reason: 'Yearly review', snapshot: { version: 2, lastReviewedAt: today() } }
  ])
  const history = (await get(`/v1/organisations/${org.id}/activities/${created.id}/history`, org.headers)).json().items
  t.same(history.at(-1).changedFields, ['lastReviewedAt', 'nextReviewDue'])

  const second = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${created.id}/reviews`,
    headers: org.headers,
    payload: { outcome: 'changed' }
  })
  t.equal(second.json().activityVersion, 2)
  t.equal(second.json().note, null)
  const page = (await get(`/v1/organisations/${org.id}/activities/${created.id}/reviews?limit=1`, org.headers)).json()
  t.same(
    page.items.map((item: Json) => item.outcome),
    ['changed']
  )
  const next = (await get(`/v1/organisations/${org.id}/activities/${created.id}/reviews?limit=1&cursor=${page.nextCursor}`, org.headers)).json()
  t.same(
    next.items.map((item: Json) => item.id),
    [review.id]
  )
  t.equal(next.nextCursor, null)
  t.same((await get(`/v1/organisations/${org.id}/activities/${created.id}/reviews/${review.id}`, org.headers)).json(), review)

  const stale = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${created.id}/reviews`,
    headers: { ...org.headers, 'if-match': '"1"' },
    payload: { outcome: 'confirmed' }
  })
  t.equal(stale.statusCode, 412)
  t.equal((await get(`/v1/organisations/${org.id}/activities/${created.id}/reviews`, org.headers)).json().items.length, 2, 'the stale review wrote nothing')
})

t.test('reviews: validation, authentication, scopes and tenant isolation', async (t) => {
  const org = await organisation()
  const other = await organisation()
  const created = await activity(org, { name: 'Payroll' })
  const url = `/v1/organisations/${org.id}/activities/${created.id}/reviews`
  const post = (headers: Json, payload: unknown = { outcome: 'confirmed' }) => app.inject({ method: 'POST', url, headers, payload: payload as Json })

  const badOutcome = await post(org.headers, { outcome: 'approved' })
  t.equal(badOutcome.statusCode, 400)
  t.match(badOutcome.json().errors, [{ path: '/body/outcome' }])
  const unknown = await post(org.headers, { outcome: 'confirmed', reviewer: 'someone' })
  t.equal(unknown.statusCode, 400)
  const long = await post(org.headers, { outcome: 'confirmed', note: 'x'.repeat(2001) })
  t.equal(long.statusCode, 400)
  t.match(long.json().errors, [{ path: '/body/note' }])

  t.equal((await app.inject({ method: 'POST', url, payload: { outcome: 'confirmed' } })).statusCode, 401)
  t.equal((await app.inject({ url })).statusCode, 401)
  t.equal((await app.inject({ url: `/v1/organisations/${org.id}/reviews/due` })).statusCode, 401)
  t.equal((await post(await bearer({ scopes: ['ropa:read'], orgs: [org.id] }))).statusCode, 403)
  t.equal((await get(url, await bearer({ scopes: ['ropa:write'], orgs: [org.id] }))).statusCode, 403)
  t.equal((await get(`/v1/organisations/${org.id}/reviews/due`, await bearer({ scopes: ['ropa:write'], orgs: [org.id] }))).statusCode, 403)

  // Another organisation's token, and this organisation's token on another organisation's activity.
  t.equal((await post(other.headers)).statusCode, 404)
  t.equal((await get(url, other.headers)).statusCode, 404)
  t.equal((await get(`/v1/organisations/${org.id}/reviews/due`, other.headers)).statusCode, 404)
  const foreign = await activity(other, { name: 'Theirs' })
  const crossed = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${foreign.id}/reviews`,
    headers: org.headers,
    payload: { outcome: 'confirmed' }
  })
  t.equal(crossed.statusCode, 404)
  t.equal((await get(`/v1/organisations/${org.id}/activities/${foreign.id}/reviews`, org.headers)).statusCode, 404)
  const review = (await post(org.headers)).json()
  t.equal((await get(`/v1/organisations/${other.id}/activities/${foreign.id}/reviews/${review.id}`, other.headers)).statusCode, 404)
  t.equal((await get(`${url}/${foreign.id}`, org.headers)).statusCode, 404)
})

t.test('reviews due: overdue and due within the duration, with owner and due date; L-40 follows', async (t) => {
  const org = await organisation()
  const now = new Date()
  const overdue = await activity(org, { name: 'Overdue', owner: 'HR', status: 'active', lastReviewedAt: '2024-01-01' })
  // Reviewed 12 months less 10 days ago: due in 10 days.
  const soonReviewed = new Date(now)
  soonReviewed.setUTCDate(soonReviewed.getUTCDate() + 10)
  const soonFrom = monthsAfter(soonReviewed.toISOString().slice(0, 10), -12)
  const soon = await activity(org, { name: 'Soon', owner: 'Finance', lastReviewedAt: soonFrom })
  await activity(org, { name: 'Reviewed today', lastReviewedAt: today() })
  await activity(org, { name: 'Retired', status: 'retired', lastReviewedAt: '2020-01-01' })

  const due = await get(`/v1/organisations/${org.id}/reviews/due`, org.headers)
  t.equal(due.statusCode, 200)
  t.equal(due.json().until, dayAfter(now, 'P30D'))
  t.same(due.json().items, [
    {
      activityId: overdue.id,
      name: 'Overdue',
      owner: 'HR',
      status: 'active',
      lastReviewedAt: '2024-01-01',
      reviewIntervalMonths: 12,
      nextReviewDue: '2025-01-01',
      overdue: true
    },
    {
      activityId: soon.id,
      name: 'Soon',
      owner: 'Finance',
      status: 'draft',
      lastReviewedAt: soonFrom,
      reviewIntervalMonths: 12,
      nextReviewDue: soon.nextReviewDue,
      overdue: false
    }
  ])
  const onlyOverdue = (await get(`/v1/organisations/${org.id}/reviews/due?within=P1D`, org.headers)).json()
  t.same(
    onlyOverdue.items.map((item: Json) => item.name),
    ['Overdue']
  )
  const first = (await get(`/v1/organisations/${org.id}/reviews/due?limit=1`, org.headers)).json()
  t.equal(first.items[0].name, 'Overdue')
  const rest = (await get(`/v1/organisations/${org.id}/reviews/due?limit=1&cursor=${first.nextCursor}`, org.headers)).json()
  t.same(
    rest.items.map((item: Json) => item.name),
    ['Soon']
  )
  t.equal(rest.nextCursor, null)
  for (const within of ['30D', 'P', 'P99999999Y', 'P1.5D']) {
    const res = await get(`/v1/organisations/${org.id}/reviews/due?within=${within}`, org.headers)
    t.equal(res.statusCode, 400, within)
    t.match(res.json().errors, [{ path: '/query/within' }])
  }

  const l40 = async (id: string) =>
    (await get(`/v1/organisations/${org.id}/activities/${id}/findings`, org.headers)).json().items.filter((finding: Json) => finding.rule === 'review-overdue')
  t.match(await l40(overdue.id), [{ severity: 'warning', path: '/lastReviewedAt', message: /2024-01-01, more than 12 months ago/ }])
  t.same(await l40(soon.id), [])
  await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities/${overdue.id}/reviews`,
    headers: org.headers,
    payload: { outcome: 'confirmed' }
  })
  t.same(await l40(overdue.id), [], 'a recorded review clears L-40')
  t.same(
    (await get(`/v1/organisations/${org.id}/reviews/due`, org.headers)).json().items.map((item: Json) => item.name),
    ['Soon']
  )
  // The activity's own interval counts for L-40 too.
  const monthly = await activity(org, { name: 'Monthly', lastReviewedAt: monthsAfter(today(), -2), reviewIntervalMonths: 1 })
  t.match(await l40(monthly.id), [{ message: /more than 1 month ago/ }])
})

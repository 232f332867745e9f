import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

// An as-of export reads activities from their audit snapshots. A snapshot written before a field
// existed lacks it: it must read as that field's default, as a write would have filled it, not break.
const app = await buildTestApp(t)

t.test('an as-of export fills the fields an old audit snapshot lacks with their defaults', async (t) => {
  const org = await createOrganisationViaApi(app)
  const headers = await bearer({ orgs: [org.id] })
  const created = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers,
    payload: { name: 'Payroll', status: 'active', purposes: [{ description: 'Pay salaries', legalBasis: '6.1.b' }] }
  })
  t.equal(created.statusCode, 201)
  const after = new Date(Date.now() + 1000).toISOString()
  // A later update as an older version of the API would have stored it: no dataSources, no DPIA,
  // no automatedDecisionMaking, a purpose without directMarketing (audit events are append-only).
  await app.database.db.execute(sql`
    insert into audit_events (organisation_id, actor, action, entity_type, entity_id, snapshot)
    select organisation_id, actor, 'update', entity_type, entity_id,
           (snapshot - 'dataSources' - 'dpia' - 'automatedDecisionMaking')
           || jsonb_build_object('purposes', jsonb_build_array((snapshot->'purposes'->0) - 'directMarketing'))
      from audit_events where entity_type = 'activity' and entity_id = ${created.json().id}`)
  const res = await app.inject({ url: `/v1/organisations/${org.id}/ropa?asOf=${encodeURIComponent(after)}`, headers })
  t.equal(res.statusCode, 200, res.body)
  const [activity] = res.json().activities
  t.equal(activity.name, 'Payroll')
  t.same(activity.dataSources, [])
  t.equal(activity.automatedDecisionMaking, false)
  t.equal(activity.dpia.status, 'not_assessed')
  t.same(activity.dpia.criteria, [])
  t.equal(activity.purposes[0].directMarketing, false)
  t.equal(activity.purposes[0].legalBasis.code, '6.1.b')
})

t.test('an as-of processor record fills the client controller fields an old snapshot lacks', async (t) => {
  const org = await createOrganisationViaApi(app)
  const headers = await bearer({ orgs: [org.id] })
  const created = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${org.id}/activities`,
    headers,
    payload: { name: 'Payroll bureau', status: 'active', role: 'processor', controllers: [{ name: 'Client AS', contact: 'c@example.com' }] }
  })
  t.equal(created.statusCode, 201)
  const after = new Date(Date.now() + 1000).toISOString()
  // The client controller as snapshots before migration 0010 hold it: name, contact and representative only.
  await app.database.db.execute(sql`
    insert into audit_events (organisation_id, actor, action, entity_type, entity_id, snapshot)
    select organisation_id, actor, 'update', entity_type, entity_id,
           snapshot || jsonb_build_object('controllers', jsonb_build_array(jsonb_build_object('name', 'Client AS', 'contact', 'c@example.com', 'representative', null)))
      from audit_events where entity_type = 'activity' and entity_id = ${created.json().id}`)
  const res = await app.inject({ url: `/v1/organisations/${org.id}/ropa?record=processor&asOf=${encodeURIComponent(after)}`, headers })
  t.equal(res.statusCode, 200, res.body)
  const [group] = res.json().controllers
  const filled = {
    name: 'Client AS',
    contact: 'c@example.com',
    representative: null,
    processing: null,
    contractReference: null,
    subprocessorAuthorisation: 'unknown'
  }
  t.same(group.controller, filled, 'the group heading')
  t.same(group.activities[0].controllers, [filled], 'the activity')
})

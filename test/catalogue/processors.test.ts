import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app)
const other = await createOrganisationViaApi(app)
const headers = await bearer({ sub: 'vendor-manager', orgs: [org.id, other.id] })
const base = `/v1/organisations/${org.id}/processors`

async function processor(name: string, subProcessorIds: string[] = [], orgId = org.id) {
  const res = await app.inject({ method: 'POST', url: `/v1/organisations/${orgId}/processors`, headers, payload: { name, subProcessorIds } })
  if (res.statusCode !== 201) throw new Error(res.body)
  return res.json() as { id: string; subProcessorIds: string[]; version: number }
}
const patch = (id: string, payload: Record<string, unknown>) => app.inject({ method: 'PATCH', url: `${base}/${id}`, headers, payload })

const hosting = await processor('Hosting')
const backup = await processor('Backup')
const monitoring = await processor('Monitoring')

t.test('sub-processors are stored in the order given and replaced whole', async (t) => {
  const saas = await processor('SaaS', [backup.id, hosting.id])
  t.same(saas.subProcessorIds, [backup.id, hosting.id])
  const read = (await app.inject({ url: `${base}/${saas.id}`, headers })).json()
  t.same(read.subProcessorIds, [backup.id, hosting.id])
  const replaced = await patch(saas.id, { subProcessorIds: [monitoring.id] })
  t.equal(replaced.statusCode, 200)
  t.same(replaced.json().subProcessorIds, [monitoring.id])
  const renamed = await patch(saas.id, { name: 'SaaS platform' })
  t.same(renamed.json().subProcessorIds, [monitoring.id], 'a patch that does not name the links keeps them')
  const listed = (await app.inject({ url: `${base}?q=platform`, headers })).json().items
  t.same(
    listed.map((p: { subProcessorIds: string[] }) => p.subProcessorIds),
    [[monitoring.id]]
  )
  const cleared = await patch(saas.id, { subProcessorIds: [] })
  t.same(cleared.json().subProcessorIds, [])
})

t.test('links to processors that do not exist here answer 422 naming each', async (t) => {
  const theirs = await processor('Their processor', [], other.id)
  const missing = randomUUID()
  const res = await app.inject({ method: 'POST', url: base, headers, payload: { name: 'Broken links', subProcessorIds: [hosting.id, missing, theirs.id] } })
  t.equal(res.statusCode, 422)
  t.same(res.json().errors, [
    { path: '/body/subProcessorIds/1', message: `there is no processor ${missing} in this organisation` },
    { path: '/body/subProcessorIds/2', message: `there is no processor ${theirs.id} in this organisation` }
  ])
  t.equal((await app.inject({ url: `${base}?q=Broken`, headers })).json().items.length, 0, 'nothing was written')
  const duplicate = await app.inject({ method: 'POST', url: base, headers, payload: { name: 'Twice', subProcessorIds: [hosting.id, hosting.id] } })
  t.equal(duplicate.statusCode, 400)
  t.match(duplicate.json().errors, [{ path: '/body/subProcessorIds', message: /duplicate/ }])
})

t.test('the database itself refuses a link across organisations', async (t) => {
  const theirs = await processor('Their other processor', [], other.id)
  const attempt = app.database.db.execute(
    sql`insert into processor_subprocessors (organisation_id, processor_id, subprocessor_id, position) values (${org.id}, ${hosting.id}, ${theirs.id}, 0)`
  )
  await t.rejects(attempt)
})

t.test('cycles are refused: a processor cannot engage, directly or through others, one that engages it', async (t) => {
  const a = await processor('Cycle A')
  const b = await processor('Cycle B', [a.id])
  const c = await processor('Cycle C', [b.id])
  const self = await patch(a.id, { subProcessorIds: [a.id] })
  t.equal(self.statusCode, 422)
  t.same(self.json().errors, [{ path: '/body/subProcessorIds/0', message: 'a processor cannot be its own sub-processor' }])
  const direct = await patch(a.id, { subProcessorIds: [hosting.id, b.id] })
  t.equal(direct.statusCode, 422)
  t.same(direct.json().errors, [
    { path: '/body/subProcessorIds/1', message: `processor ${b.id} already engages this processor, directly or through others: the link would make a cycle` }
  ])
  const transitive = await patch(a.id, { subProcessorIds: [c.id] })
  t.equal(transitive.statusCode, 422)
  t.match(transitive.json().errors, [{ path: '/body/subProcessorIds/0' }])
  const fine = await patch(c.id, { subProcessorIds: [b.id, hosting.id] })
  t.equal(fine.statusCode, 200, 'a diamond is not a cycle')
  t.same((await app.inject({ url: `${base}/${a.id}`, headers })).json().subProcessorIds, [], 'refused changes wrote nothing')
})

t.test('deleting a processor still engaged by others answers 409 naming them; once free it goes', async (t) => {
  const core = await processor('Core infrastructure')
  const x = await processor('Uses core X', [core.id])
  const y = await processor('Uses core Y', [hosting.id, core.id])
  const res = await app.inject({ method: 'DELETE', url: `${base}/${core.id}`, headers })
  t.equal(res.statusCode, 409)
  t.same(res.json().references, [
    { entityType: 'processor', id: x.id, name: 'Uses core X' },
    { entityType: 'processor', id: y.id, name: 'Uses core Y' }
  ])
  t.match(res.json().detail, "The processor 'Core infrastructure' is still linked from processor 'Uses core X', processor 'Uses core Y'")
  t.equal((await app.inject({ url: `${base}/${core.id}`, headers })).statusCode, 200, 'nothing was deleted')
  t.equal((await patch(x.id, { subProcessorIds: [] })).statusCode, 200)
  t.equal((await patch(y.id, { subProcessorIds: [hosting.id] })).statusCode, 200)
  t.equal((await app.inject({ method: 'DELETE', url: `${base}/${core.id}`, headers })).statusCode, 204)
  const engaging = await app.inject({ method: 'DELETE', url: `${base}/${y.id}`, headers })
  t.equal(engaging.statusCode, 204, 'a processor that engages others can go; its own links go with it')
  const left = await app.database.db.execute(sql`select count(*)::int as n from processor_subprocessors where processor_id = ${y.id}`)
  t.equal(left.rows[0]?.n, 0)
})

t.test('deleting the organisation deletes its catalogue and links in one go', async (t) => {
  const doomed = await createOrganisationViaApi(app)
  const h = await bearer({ orgs: [doomed.id] })
  const first = await app.inject({ method: 'POST', url: `/v1/organisations/${doomed.id}/processors`, headers: h, payload: { name: 'First' } })
  await app.inject({
    method: 'POST',
    url: `/v1/organisations/${doomed.id}/processors`,
    headers: h,
    payload: { name: 'Second', subProcessorIds: [first.json().id] }
  })
  const category = await app.inject({ method: 'POST', url: `/v1/organisations/${doomed.id}/data-categories`, headers: h, payload: { name: 'Contact details' } })
  const activity = await app.inject({
    method: 'POST',
    url: `/v1/organisations/${doomed.id}/activities`,
    headers: h,
    payload: {
      name: 'Linked',
      dataCategoryIds: [category.json().id],
      processorIds: [first.json().id],
      transfers: [{ country: 'US', processorId: first.json().id }]
    }
  })
  t.equal(activity.statusCode, 201)
  const res = await app.inject({ method: 'DELETE', url: `/v1/organisations/${doomed.id}`, headers: await bearer({ scopes: ['ropa:platform'] }) })
  t.equal(res.statusCode, 204)
  const counts = await app.database.db.execute(sql`
    select (select count(*) from processors where organisation_id = ${doomed.id})::int as processors,
           (select count(*) from processor_subprocessors where organisation_id = ${doomed.id})::int as links,
           (select count(*) from data_categories where organisation_id = ${doomed.id})::int as categories,
           (select count(*) from activities where organisation_id = ${doomed.id})::int as activities,
           (select count(*) from activity_links where organisation_id = ${doomed.id})::int as activity_links,
           (select count(*) from audit_events where organisation_id = ${doomed.id})::int as events`)
  t.same(
    counts.rows[0],
    { processors: 0, links: 0, categories: 0, activities: 0, activity_links: 0, events: 6 },
    'records gone; the audit trail (5 creates and the delete) kept'
  )
})

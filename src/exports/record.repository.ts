import { getTableColumns, type SQL, sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import { nextReviewDue, REVIEW_MONTHS } from '../compliance/review.ts'
import type { Catalogue, CatalogueEntries } from '../compliance/types.ts'
import type { Row, Snapshot } from '../db/client.ts'
import { activities, organisations } from '../db/schema/index.ts'
import { toActivity } from '../modules/activities/activities.repository.ts'
import { type Activity, activityDefaults, ClientController, type ClientControllerInput, normaliseActivity } from '../modules/activities/activities.schemas.ts'
import { dataCategoriesResource } from '../modules/data-categories/data-categories.resource.ts'
import { dataSubjectCategoriesResource } from '../modules/data-subject-categories/data-subject-categories.resource.ts'
import { latestSnapshots } from '../modules/history/history.repository.ts'
import { toOrganisation } from '../modules/organisations/organisations.repository.ts'
import type { Organisation } from '../modules/organisations/organisations.schemas.ts'
import { processorsResource } from '../modules/processors/processors.resource.ts'
import { recipientsResource } from '../modules/recipients/recipients.resource.ts'
import { securityMeasuresResource } from '../modules/security-measures/security-measures.resource.ts'
import { keyFromName } from '../shared/keys.ts'
import { ApiProblem } from '../shared/problems.ts'

export type RecordKind = 'controller' | 'processor'

/** Which activities a record lists, and at which instant (undefined: now). */
export interface RecordScope {
  record: RecordKind
  includeDrafts: boolean
  asOf?: string | undefined
}

/**
 * A table's columns under drizzle's keys, so a row read through a cursor has the shape
 * `db.select().from(table)` returns and its mapper takes. Dates are read as text, as drizzle's
 * string mode reads them (the drivers would make local midnights of them).
 */
export function columnsOf(table: PgTable) {
  return sql.join(
    Object.entries(getTableColumns(table)).map(([key, column]) =>
      column.columnType === 'PgDateString' ? sql`${column}::text as ${sql.identifier(key)}` : sql`${column} as ${sql.identifier(key)}`
    ),
    sql`, `
  )
}

/**
 * The organisation, as it stood at `asOf` when given (from the audit trail). Before it existed
 * the record is empty, and its identity is then today's. 404 if it does not exist now.
 */
export async function readOrganisation(snapshot: Snapshot, organisationId: string, asOf?: string): Promise<Organisation> {
  const [current] = await snapshot.all(sql`select ${columnsOf(organisations)} from ${organisations} where ${organisations.id} = ${organisationId}`)
  if (!current) throw new ApiProblem('not_found', `There is no organisation ${organisationId}.`)
  // The select list is the table's own columns (columnsOf), so the row is what drizzle would return.
  const live = toOrganisation(current as typeof organisations.$inferSelect)
  if (!asOf) return live
  const [past] = await snapshot.all(sql`select snapshot from (${latestSnapshots(organisationId, asOf, ['organisation'])}) organisation`)
  // Audit snapshots are the entity as the API serialised it.
  return past ? (past.snapshot as Organisation) : live
}

const catalogueKinds = {
  data_category: 'dataCategories',
  data_subject_category: 'dataSubjectCategories',
  recipient: 'recipients',
  processor: 'processors',
  security_measure: 'securityMeasures'
} as const

/** The whole catalogue in one statement (rows of kind, id, entry): it is bounded by the organisation's size, not its activities. */
export function catalogueQuery(organisationId: string, asOf?: string) {
  if (asOf)
    return sql`
  select case entity_type ${sql.join(
    Object.entries(catalogueKinds).map(([type, kind]) => sql.raw(`when '${type}' then '${kind}'`)),
    sql` `
  )} end as kind, entity_id as id, snapshot as entry
    from (${latestSnapshots(organisationId, asOf, Object.keys(catalogueKinds))}) catalogue
   order by 1, 2`
  return sql`
  select 'dataCategories' as kind, id, jsonb_build_object('name', name, 'description', description, 'specialCategory', special_category, 'criminal', criminal) as entry
    from data_categories where organisation_id = ${organisationId}
  union all
  select 'dataSubjectCategories', id, jsonb_build_object('name', name, 'description', description, 'includesChildren', includes_children, 'vulnerable', vulnerable)
    from data_subject_categories where organisation_id = ${organisationId}
  union all
  select 'recipients', id, jsonb_build_object('name', name, 'type', type, 'country', country, 'description', description)
    from recipients where organisation_id = ${organisationId}
  union all
  select 'processors', p.id, jsonb_build_object('name', p.name, 'country', p.country, 'email', p.email, 'phone', p.phone, 'address', p.address, 'service', p.service,
         'dpaReference', p.dpa_reference, 'dpaSignedAt', p.dpa_signed_at, 'subprocessorAuthorisation', p.subprocessor_authorisation, 'dpfCertified', p.dpf_certified,
         'subProcessorIds', coalesce((select jsonb_agg(l.subprocessor_id order by l.position) from processor_subprocessors l where l.processor_id = p.id), '[]'::jsonb))
    from processors p where p.organisation_id = ${organisationId}
  union all
  select 'securityMeasures', id, jsonb_build_object('name', name, 'code', code, 'type', type, 'description', description, 'appliesToAllActivities', applies_to_all_activities)
    from security_measures where organisation_id = ${organisationId}
  order by 1, 2`
}

/** The fields a create fills when they are not given: the entry less its name. */
function defaultsOf<Entry extends { name: string }>(complete: (given: { name: string }) => Entry): Omit<Entry, 'name'> {
  const { name: _, ...defaults } = complete({ name: '' })
  return defaults
}

/**
 * What an entry reads as where the query gives less: an audit snapshot taken before a field existed
 * reads with the field's default, as a write fills it (each resource's own `complete`).
 */
export const catalogueDefaults: { [Kind in keyof CatalogueEntries]: Omit<CatalogueEntries[Kind], 'name'> } = {
  dataCategories: defaultsOf(dataCategoriesResource.complete),
  dataSubjectCategories: defaultsOf(dataSubjectCategoriesResource.complete),
  recipients: defaultsOf(recipientsResource.complete),
  processors: defaultsOf(processorsResource.complete),
  securityMeasures: defaultsOf(securityMeasuresResource.complete)
}

/** The entries of one kind among the rows of `catalogueQuery`, by id. */
function entries<Entry>(rows: Row[], kind: keyof Catalogue, defaults: Omit<Entry, 'name'>): Map<string, Entry> {
  return new Map(
    rows
      .filter((row) => row.kind === kind)
      // The query builds each kind's entry: jsonb_build_object of exactly these fields, or the audit snapshot (the entity as the API serialised it).
      .map((row) => [String(row.id), { ...defaults, ...(row.entry as Entry) }])
  )
}

/** The rows of `catalogueQuery` as maps by id, in id order; the compliance rules and the exports read the same maps. */
export function toCatalogue(rows: Row[]): Catalogue {
  return {
    dataCategories: entries(rows, 'dataCategories', catalogueDefaults.dataCategories),
    dataSubjectCategories: entries(rows, 'dataSubjectCategories', catalogueDefaults.dataSubjectCategories),
    recipients: entries(rows, 'recipients', catalogueDefaults.recipients),
    processors: entries(rows, 'processors', catalogueDefaults.processors),
    securityMeasures: entries(rows, 'securityMeasures', catalogueDefaults.securityMeasures)
  }
}

export async function readCatalogue(snapshot: Snapshot, organisationId: string, asOf?: string): Promise<Catalogue> {
  return toCatalogue(await snapshot.all(catalogueQuery(organisationId, asOf)))
}

/** Where the activities come from: the table now, or the audit snapshots at an instant. Both are read in the API's Activity shape. */
function activitySource(organisationId: string, asOf: string | undefined) {
  if (!asOf)
    return {
      select: columnsOf(activities),
      from: sql`${activities}`,
      where: sql`${activities.organisationId} = ${organisationId}`,
      name: sql`${activities.name}`,
      id: sql`${activities.id}`,
      status: sql`${activities.status}`,
      role: sql`${activities.role}`,
      controllers: sql`${activities.controllers}`
    }
  return {
    select: sql`a.snapshot`,
    from: sql`(${latestSnapshots(organisationId, asOf, ['activity'])}) a`,
    where: sql`true`,
    name: sql`a.snapshot->>'name'`,
    id: sql`a.snapshot->>'id'`,
    status: sql`a.snapshot->>'status'`,
    role: sql`a.snapshot->>'role'`,
    controllers: sql`a.snapshot->'controllers'`
  }
}

const list = (values: string[]) =>
  sql.join(
    values.map((value) => sql`${value}`),
    sql`, `
  )

function activitiesQuery(organisationId: string, scope: RecordScope): SQL {
  const source = activitySource(organisationId, scope.asOf)
  const statuses = scope.includeDrafts ? ['active', 'draft'] : ['active']
  const roles = scope.record === 'processor' ? ['processor'] : ['controller', 'joint_controller']
  const where = sql`${source.where} and ${source.status} in (${list(statuses)}) and ${source.role} in (${list(roles)})`
  const byName = sql`lower(${source.name}) collate "C", ${source.id}`
  if (scope.record === 'controller')
    return sql`select ${source.select}, null::jsonb as "clientController" from ${source.from} where ${where} order by ${byName}`
  // The processor record lists each activity under every client controller it serves (Art. 30(2)(a)).
  return sql`select ${source.select}, c.value as "clientController" from ${source.from} left join lateral jsonb_array_elements(${source.controllers}) c on true
    where ${where} order by c.value->>'name' collate "C" nulls last, c.value::text collate "C", ${byName}`
}

function pastActivity(stored: Activity): Activity {
  const { id, version, createdAt, updatedAt, createdBy, updatedBy } = stored
  // A snapshot taken before activities had keys reads with the key migration 0015 gave them.
  return {
    ...normaliseActivity({ ...activityDefaults, ...stored }),
    key: stored.key ?? keyFromName(stored.name),
    // A snapshot taken before reviews were scheduled (issue 19): due by the default interval.
    nextReviewDue: stored.nextReviewDue ?? nextReviewDue(stored, stored.reviewIntervalMonths ?? REVIEW_MONTHS),
    id,
    version,
    createdAt,
    updatedAt,
    createdBy,
    updatedBy
  }
}

/** The activities of a record in its order, streamed: each with the client controller it is listed under (processor record). */
export async function* readActivities(
  snapshot: Snapshot,
  organisationId: string,
  scope: RecordScope
): AsyncGenerator<{ activity: Activity; controller: ClientController | null }> {
  for await (const { clientController, snapshot: stored, ...columns } of snapshot.each(activitiesQuery(organisationId, scope))) {
    // Audit snapshots are activities as the API serialised them, filled as a write fills them so that one
    // taken before a field existed reads with its default; live rows are the table's own columns (columnsOf).
    const activity = scope.asOf ? pastActivity(stored as Activity) : toActivity(columns as typeof activities.$inferSelect)
    // A snapshot's client controller may predate fields it now has: filled like the activity around it.
    yield { activity, controller: clientController ? ClientController.fill(clientController as ClientControllerInput) : null }
  }
}

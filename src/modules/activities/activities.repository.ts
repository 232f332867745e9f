import { and, eq, getTableColumns, gt, gte, inArray, lt, type SQL, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { databaseError, UNIQUE_VIOLATION } from '../../db/errors.ts'
import { activities, activityLinks, dataCategories, dataSubjectCategories, processors, recipients, securityMeasures } from '../../db/schema/index.ts'
import { assignedKey, duplicateKey, retryingAssignedKey } from '../../resources/keys.repository.ts'
import { preconditionFailed, type WriteContext } from '../../shared/http.ts'
import { ApiProblem, describeErrors, type FieldError } from '../../shared/problems.ts'
import { withNormalisedName } from '../../shared/validation.ts'
import { recordAuditEvent } from '../audit-events/audit-events.repository.ts'
import { requireChangeReason } from '../organisations/organisations.repository.ts'
import { type Activity, type ActivityInput, type ActivityPatch, ActivitySchema, type UnkeyedActivityFields } from './activities.schemas.ts'

export type { Activity } from './activities.schemas.ts'

/** The catalogue an activity links to, by the list that holds the ids. */
const targets = {
  dataSubjectCategoryIds: { column: 'dataSubjectCategoryId', table: dataSubjectCategories, label: 'data subject category' },
  dataCategoryIds: { column: 'dataCategoryId', table: dataCategories, label: 'data category' },
  recipientIds: { column: 'recipientId', table: recipients, label: 'recipient' },
  processorIds: { column: 'processorId', table: processors, label: 'processor' },
  securityMeasureIds: { column: 'securityMeasureId', table: securityMeasures, label: 'security measure' }
} as const
type Target = keyof typeof targets
const linkedLists: Target[] = ['dataSubjectCategoryIds', 'dataCategoryIds', 'recipientIds', 'processorIds', 'securityMeasureIds']

interface Link {
  field: string
  item: number | null
  position: number
  target: Target
  id: string
  path: string
}

/** Every catalogue id the activity refers to, wherever it sits, with the JSON pointer of its place in a request body. */
export function linksOf(activity: UnkeyedActivityFields): Link[] {
  const links: Link[] = []
  for (const target of linkedLists) {
    activity[target].forEach((id, position) => {
      links.push({ field: target, item: null, position, target, id, path: `/body/${target}/${position}` })
    })
  }
  activity.transfers.forEach((transfer, item) => {
    if (transfer.processorId)
      links.push({
        field: 'transfers',
        item,
        position: 0,
        target: 'processorIds',
        id: transfer.processorId,
        path: `/body/transfers/${item}/processorId`
      })
  })
  activity.retention.forEach((rule, item) => {
    rule.dataCategoryIds.forEach((id, position) => {
      links.push({ field: 'retention', item, position, target: 'dataCategoryIds', id, path: `/body/retention/${item}/dataCategoryIds/${position}` })
    })
  })
  return links
}

export function toActivity(row: typeof activities.$inferSelect): Activity {
  const { organisationId: _, createdAt, updatedAt, ...rest } = row
  return { ...rest, createdAt: createdAt.toISOString(), updatedAt: updatedAt.toISOString() }
}

/** What reads select: every column but the organisation's, the timestamps last (the order of `toActivity`). */
const { organisationId: _organisationId, createdAt: _createdAt, updatedAt: _updatedAt, ...storedColumns } = getTableColumns(activities)
const readColumns = { ...storedColumns, createdAt: activities.createdAt, updatedAt: activities.updatedAt }
type ReadRow = Omit<typeof activities.$inferSelect, 'organisationId'>

/** A row of `readColumns` made the activity in place: a page maps fifty, and copying each cost more than reading it. */
function readActivity(row: ReadRow): Activity {
  const activity = row as unknown as Activity
  activity.createdAt = row.createdAt.toISOString()
  activity.updatedAt = row.updatedAt.toISOString()
  return activity
}

/**
 * `next_review_due` for a write: the last review, or the creation date (`since`) when never reviewed,
 * plus the activity's interval, else the organisation's.
 */
const reviewDue = (organisationId: string, fields: Pick<UnkeyedActivityFields, 'lastReviewedAt' | 'reviewIntervalMonths'>, since: SQL) =>
  sql<string>`(coalesce(${fields.lastReviewedAt}::date, ${since}) + make_interval(months => coalesce(${fields.reviewIntervalMonths}::int, (select o.review_interval_months from organisations o where o.id = ${organisationId}::uuid))))::date`
const today = sql`(now() at time zone 'UTC')::date`
const createdOn = sql`(${activities.createdAt} at time zone 'UTC')::date`

const notFound = (id: string) => new ApiProblem('not_found', `There is no activity ${id}.`)

/**
 * An activity as JSON text written by PostgreSQL, the properties in the schema's order, timestamps as
 * `toISOString` writes them, for the read and the list, which send it as it is. Otherwise every jsonb
 * column was parsed, mapped by drizzle, converted and serialised again: most of a list's CPU and garbage.
 */
const activityJson = sql.join(
  Object.keys(ActivitySchema.properties).map((name) => {
    const column = readColumns[name as keyof typeof readColumns]
    const value = column.columnType === 'PgTimestamp' ? sql`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')` : sql`${column}`
    return sql`${sql.raw(`'${name}'`)}, ${value}`
  }),
  sql`, `
)
const asJson = sql<string>`json_build_object(${activityJson})::text`

/** A statement prepared once per database (weakly held: a closed test database lets it go). */
function preparedPerDatabase<Statement>(prepare: (db: Database) => Statement): (db: Database) => Statement {
  const statements = new WeakMap<Database, Statement>()
  return (db) => {
    let statement = statements.get(db)
    if (!statement) {
      statement = prepare(db)
      statements.set(db, statement)
    }
    return statement
  }
}

const whereOrganisationAndId = () => and(eq(activities.organisationId, sql.placeholder('organisationId')), eq(activities.id, sql.placeholder('id')))
/** The read of one activity, the most frequent statement: as columns, and as the JSON the route sends. */
const byId = preparedPerDatabase((db) => db.select(readColumns).from(activities).where(whereOrganisationAndId()).prepare('activity_by_id'))
const jsonById = preparedPerDatabase((db) =>
  db.select({ version: activities.version, json: asJson }).from(activities).where(whereOrganisationAndId()).prepare('activity_json_by_id')
)

/** One statement: which of the linked ids exist in this organisation, per catalogue. 422 for the others. */
async function rejectBrokenLinks(tx: Database, organisationId: string, links: Link[]) {
  if (links.length === 0) return
  const wanted = [...new Set(links.map((link) => link.target))]
  const union = sql.join(
    wanted.map((target) => {
      const ids = [...new Set(links.filter((link) => link.target === target).map((link) => link.id))]
      const { table } = targets[target]
      return sql`select ${target}::text as target, id from ${table} where organisation_id = ${organisationId} and id in (${sql.join(
        ids.map((id) => sql`${id}::uuid`),
        sql`, `
      )})`
    }),
    sql` union all `
  )
  const found = new Set((await tx.execute(sql`${union}`)).rows.map((row) => `${String(row.target)}:${String(row.id)}`))
  const errors: FieldError[] = links
    .filter((link) => !found.has(`${link.target}:${link.id}`))
    .map((link) => ({ path: link.path, message: `there is no ${targets[link.target].label} ${link.id} in this organisation` }))
  if (errors.length > 0) throw new ApiProblem('unprocessable', describeErrors(errors), { errors })
}

async function writeLinks(tx: Database, organisationId: string, activityId: string, links: Link[]) {
  if (links.length === 0) return
  await tx.insert(activityLinks).values(
    links.map((link) => ({
      organisationId,
      activityId,
      field: link.field,
      item: link.item,
      position: link.position,
      [targets[link.target].column]: link.id
    }))
  )
}

const audited = (tx: Database, organisationId: string, action: 'create' | 'update' | 'delete', activity: Activity, context: WriteContext) =>
  recordAuditEvent(tx, { organisationId, action, entityType: 'activity', entityId: activity.id, snapshot: activity }, context)

export async function getActivity(db: Database, organisationId: string, id: string): Promise<Activity> {
  const [row] = await byId(db).execute({ organisationId, id })
  if (!row) throw notFound(id)
  return readActivity(row)
}

/** The activity as the read sends it: its JSON text and its version (for the ETag). */
export async function getActivityJson(db: Database, organisationId: string, id: string): Promise<{ version: number; json: string }> {
  const [row] = await jsonById(db).execute({ organisationId, id })
  if (!row) throw notFound(id)
  return row
}

export async function createActivity(db: Database, organisationId: string, given: UnkeyedActivityFields, context: WriteContext): Promise<Activity> {
  const named = withNormalisedName(given)
  let key = named.key
  try {
    return await retryingAssignedKey(named.key === undefined, async () =>
      db.transaction(async (tx) => {
        await context.idempotency?.claim(tx)
        // The checks before the key: assigning one takes a lock that other creates wait for.
        if (named.status === 'active') await requireChangeReason(tx, organisationId, context, 'this request creates an active one')
        const links = linksOf(named)
        await rejectBrokenLinks(tx, organisationId, links)
        key = named.key ?? (await assignedKey(tx, activities, organisationId, named.name))
        const fields = { ...named, key }
        const [row] = await tx
          .insert(activities)
          .values({ ...fields, organisationId, createdBy: context.actor, updatedBy: context.actor, nextReviewDue: reviewDue(organisationId, fields, today) })
          .returning()
        const activity = toActivity(row!)
        await writeLinks(tx, organisationId, activity.id, links)
        await audited(tx, organisationId, 'create', activity, context)
        await context.idempotency?.record(tx, activity)
        return activity
      })
    )
  } catch (error) {
    throw duplicateActivityKey(error, key) ?? error
  }
}

function duplicateActivityKey(error: unknown, key: unknown) {
  const { code, constraint } = databaseError(error)
  return code === UNIQUE_VIOLATION && constraint === 'activities_key_key' ? duplicateKey('processing activity', key) : undefined
}

/** Reads the stored activity (404; 412 against If-Match), merges, lets `prepare` normalise and check it, then writes it. */
export async function updateActivity(
  db: Database,
  organisationId: string,
  id: string,
  given: ActivityPatch,
  expectedVersions: number[] | undefined,
  context: WriteContext,
  prepare: (merged: ActivityInput) => UnkeyedActivityFields
) {
  const patch = withNormalisedName(given)
  try {
    return await db.transaction(async (tx) => {
      // Locked until the transaction ends: a concurrent write waits instead of failing.
      const [current] = await tx
        .select()
        .from(activities)
        .where(and(eq(activities.organisationId, organisationId), eq(activities.id, id)))
        .for('update')
      if (!current) throw notFound(id)
      if (expectedVersions && !expectedVersions.includes(current.version)) throw preconditionFailed(current.version)
      const {
        id: _id,
        organisationId: _org,
        version: _v,
        createdAt: _c,
        updatedAt: _u,
        createdBy: _cb,
        updatedBy: _ub,
        nextReviewDue: _due,
        ...stored
      } = current
      const fields = prepare({ ...stored, ...patch })
      if (current.status === 'active' || fields.status === 'active')
        await requireChangeReason(tx, organisationId, context, `this request changes the ${current.status} activity ${id}`)
      const links = linksOf(fields)
      await rejectBrokenLinks(tx, organisationId, links)
      const [row] = await tx
        .update(activities)
        .set({
          ...fields,
          nextReviewDue: reviewDue(organisationId, fields, createdOn),
          version: sql`${activities.version} + 1`,
          updatedAt: sql`now()`,
          updatedBy: context.actor
        })
        .where(and(eq(activities.organisationId, organisationId), eq(activities.id, id), eq(activities.version, current.version)))
        .returning()
      if (!row) throw preconditionFailed(current.version + 1)
      await tx.delete(activityLinks).where(and(eq(activityLinks.organisationId, organisationId), eq(activityLinks.activityId, id)))
      await writeLinks(tx, organisationId, id, links)
      const activity = toActivity(row)
      await audited(tx, organisationId, 'update', activity, context)
      return activity
    })
  } catch (error) {
    throw duplicateActivityKey(error, patch.key) ?? error
  }
}

export async function removeActivity(db: Database, organisationId: string, id: string, expectedVersions: number[] | undefined, context: WriteContext) {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .delete(activities)
      .where(
        and(eq(activities.organisationId, organisationId), eq(activities.id, id), expectedVersions ? inArray(activities.version, expectedVersions) : undefined)
      )
      .returning()
    if (!row) {
      const [current] = await tx
        .select({ version: activities.version })
        .from(activities)
        .where(and(eq(activities.organisationId, organisationId), eq(activities.id, id)))
      throw current ? preconditionFailed(current.version) : notFound(id)
    }
    // Thrown after the delete, inside its transaction: the activity stays.
    if (row.status === 'active') await requireChangeReason(tx, organisationId, context, `this request deletes the active activity ${id}`)
    await audited(tx, organisationId, 'delete', toActivity(row), context)
  })
}

/**
 * A page of activities in name order after `after`. `written: 'database'` answers each activity's JSON
 * as PostgreSQL wrote it (`itemsJson`); `'objects'` answers the activities. PGlite builds JSON more
 * slowly in WebAssembly than V8 serialises it (a page of 50: 8.0 against 5.6 ms of CPU, measured
 * in-process), so it lists objects; PostgreSQL writes it (the API's CPU per page 2.8 -> 1.9 ms).
 */
export async function listActivities(
  db: Database,
  organisationId: string,
  conditions: (SQL | undefined)[],
  limit: number,
  after: { name: string; id: string } | undefined,
  written: 'database' | 'objects'
) {
  const where = and(
    eq(activities.organisationId, organisationId),
    ...conditions,
    after && sql`(lower(${activities.name}), ${activities.id}) > (${after.name}, ${after.id}::uuid)`
  )
  const order = [sql`lower(${activities.name})`, activities.id]
  const position = (rows: { name: string; id: string }[]) => {
    const last = rows.length > limit ? rows[limit - 1] : undefined
    return last && { name: last.name.toLowerCase(), id: last.id }
  }
  if (written === 'objects') {
    const rows = await db
      .select(readColumns)
      .from(activities)
      .where(where)
      .orderBy(...order)
      .limit(limit + 1)
    return { items: rows.slice(0, limit).map(readActivity), last: position(rows) }
  }
  const rows = await db
    .select({ id: activities.id, name: activities.name, json: asJson })
    .from(activities)
    .where(where)
    .orderBy(...order)
    .limit(limit + 1)
  return { itemsJson: rows.slice(0, limit).map((row) => row.json), last: position(rows) }
}

/** Conditions of the activity list filters (each one SQL fragment on `activities`). */
export const activityFilters = {
  linksTo: (column: 'data_category_id' | 'data_subject_category_id' | 'processor_id', id: string) =>
    sql`exists (select 1 from activity_links l where l.organisation_id = ${activities.organisationId} and l.activity_id = ${activities.id} and l.${sql.identifier(column)} = ${id})`,
  legalBasis: (code: string) => sql`${activities.purposes} @> ${JSON.stringify([{ legalBasis: code }])}::jsonb`,
  transferCountry: (country: string) => sql`${activities.transfers} @> ${JSON.stringify([{ country }])}::jsonb`,
  specialCategory: (present: boolean) => {
    const exists = sql`exists (select 1 from activity_links l join data_categories d on d.id = l.data_category_id where l.organisation_id = ${activities.organisationId} and l.activity_id = ${activities.id} and d.special_category is not null)`
    return present ? exists : sql`not ${exists}`
  },
  text: (q: string) => {
    const pattern = `%${q.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
    return sql`(${activities.name} ilike ${pattern} or ${activities.description} ilike ${pattern} or exists (select 1 from jsonb_array_elements(${activities.purposes}) p where p->>'description' ilike ${pattern}))`
  },
  updatedSince: (instant: string) => gte(activities.updatedAt, new Date(instant)),
  /** `before:YYYY-MM-DD` (due before that day) or `after:YYYY-MM-DD` (due after it). */
  reviewDue: (filter: string) => {
    const [, comparison, day = ''] = /^(before|after):(.+)$/.exec(filter) ?? []
    const date = new Date(`${day}T00:00:00Z`)
    // The year 0000 (which Date admits and PostgreSQL does not) and days such as 02-30 are refused here.
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== day || day.startsWith('0000'))
      throw new ApiProblem('validation_failed', `/query/reviewDue names no calendar day: ${day}`, {
        errors: [{ path: '/query/reviewDue', message: 'must be before: or after: followed by a calendar day (YYYY-MM-DD)' }]
      })
    return comparison === 'after' ? gt(activities.nextReviewDue, day) : lt(activities.nextReviewDue, day)
  }
}

/** For catalogue resources: the activities that link to an entry, so deleting it answers 409 naming them. */
export const linkedActivities =
  (column: 'data_category_id' | 'data_subject_category_id' | 'recipient_id' | 'processor_id' | 'security_measure_id') => (organisationId: string, id: string) =>
    sql`select distinct 'activity' as entity_type, a.id, a.name from activity_links l join activities a on a.id = l.activity_id where l.organisation_id = ${organisationId} and l.${sql.identifier(column)} = ${id}`

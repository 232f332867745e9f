import { sql } from 'drizzle-orm'
import type { PgTable } from 'drizzle-orm/pg-core'
import type { Snapshot } from '../../db/client.ts'
import {
  activities,
  dataCategories,
  dataSubjectCategories,
  organisations,
  processorSubprocessors,
  processors,
  recipients,
  securityMeasures
} from '../../db/schema/index.ts'
import { catalogueDefaults, columnsOf, readOrganisation } from '../../exports/record.repository.ts'
import { freeKey, keyFromName } from '../../shared/keys.ts'
import { ApiProblem } from '../../shared/problems.ts'
import { type Activity, activityDefaults, normaliseActivity } from '../activities/activities.schemas.ts'
import { latestSnapshots } from '../history/history.repository.ts'
import type { BundleDocument } from './bundle.schemas.ts'

type Json = Record<string, unknown>

/** The catalogues of a bundle, their tables and the entity types their audit events carry. */
export const catalogueKinds = [
  { kind: 'dataCategories', table: dataCategories, entityType: 'data_category' },
  { kind: 'dataSubjectCategories', table: dataSubjectCategories, entityType: 'data_subject_category' },
  { kind: 'recipients', table: recipients, entityType: 'recipient' },
  { kind: 'processors', table: processors, entityType: 'processor' },
  { kind: 'securityMeasures', table: securityMeasures, entityType: 'security_measure' }
] as const satisfies readonly { kind: string; table: PgTable; entityType: string }[]

export type CatalogueKind = (typeof catalogueKinds)[number]['kind']

/** An organisation's record as the API serialises its entities: what a bundle is read from and planned against. */
export interface StoredRecord {
  organisation: Json & { id: string; version: number }
  catalogue: Record<CatalogueKind, (Json & { id: string; key: string; name: string; version: number })[]>
  activities: (Activity & Json)[]
}

// `nextReviewDue` is derived from the fields and the organisation: a bundle leaves it out as it does metadata.
const METADATA = ['id', 'version', 'createdAt', 'updatedAt', 'createdBy', 'updatedBy', 'organisationId', 'nextReviewDue']
const fieldsOf = (entity: Json): Json => Object.fromEntries(Object.entries(entity).filter(([name]) => !METADATA.includes(name)))

/**
 * The record now, or as it stood at `asOf` (from the audit trail), in one snapshot: the organisation,
 * every catalogue entry and every activity (retired ones too), in a constant number of statements.
 */
export async function readRecord(snapshot: Snapshot, organisationId: string, asOf?: string): Promise<StoredRecord> {
  if (asOf)
    return {
      organisation: (await readOrganisation(snapshot, organisationId, asOf)) as StoredRecord['organisation'],
      ...(await pastEntries(snapshot, organisationId, asOf))
    }
  // Live rows are read as the table's columns; their instants (a Date or text, by driver) are metadata a bundle leaves out.
  const [organisation] = await snapshot.all(sql`select ${columnsOf(organisations)} from ${organisations} where ${organisations.id} = ${organisationId}`)
  if (!organisation) throw new ApiProblem('not_found', `There is no organisation ${organisationId}.`)
  return { organisation: organisation as StoredRecord['organisation'], ...(await liveEntries(snapshot, organisationId)) }
}

async function liveEntries(snapshot: Snapshot, organisationId: string): Promise<Omit<StoredRecord, 'organisation'>> {
  const catalogue = {} as StoredRecord['catalogue']
  for (const { kind, table } of catalogueKinds) {
    // The select list is the table's own columns, so a row is what drizzle returns for it.
    catalogue[kind] = (await snapshot.all(
      sql`select ${columnsOf(table)} from ${table} where organisation_id = ${organisationId}`
    )) as StoredRecord['catalogue'][CatalogueKind]
  }
  const links = await snapshot.all(
    sql`select ${processorSubprocessors.processorId} as "processorId", ${processorSubprocessors.subprocessorId} as "subprocessorId" from ${processorSubprocessors} where ${processorSubprocessors.organisationId} = ${organisationId} order by ${processorSubprocessors.processorId}, ${processorSubprocessors.position}`
  )
  const engaged = new Map<string, string[]>()
  for (const link of links) engaged.set(String(link.processorId), [...(engaged.get(String(link.processorId)) ?? []), String(link.subprocessorId)])
  for (const processor of catalogue.processors) processor.subProcessorIds = engaged.get(processor.id) ?? []
  const rows = await snapshot.all(sql`select ${columnsOf(activities)} from ${activities} where organisation_id = ${organisationId}`)
  return { catalogue, activities: rows as StoredRecord['activities'] }
}

/** Audit snapshots are the entities as the API serialised them; one taken before a field existed reads with its default, and before keys existed with the key of its name. */
async function pastEntries(snapshot: Snapshot, organisationId: string, asOf: string): Promise<Omit<StoredRecord, 'organisation'>> {
  const rows = await snapshot.all(latestSnapshots(organisationId, asOf, [...catalogueKinds.map((kind) => kind.entityType), 'activity']))
  const of = (entityType: string) => rows.filter((row) => row.entity_type === entityType).map((row) => row.snapshot as Json & { name: string })
  const catalogue = {} as StoredRecord['catalogue']
  for (const { kind, entityType } of catalogueKinds)
    catalogue[kind] = withKeys(
      of(entityType).map((entry) => ({ ...catalogueDefaults[kind], managedBy: null, ...entry }))
    ) as unknown as StoredRecord['catalogue'][CatalogueKind]
  const past = withKeys(of('activity')).map((stored) => ({
    ...normaliseActivity({ ...activityDefaults, ...(stored as unknown as Activity) }),
    ...metadataOf(stored)
  }))
  return { catalogue, activities: past as StoredRecord['activities'] }
}

const metadataOf = (entity: Json) => Object.fromEntries(Object.entries(entity).filter(([name]) => METADATA.includes(name)))

/** Entries with their keys: those a snapshot lacks are made from the name, as a create would. */
function withKeys<Entry extends Json & { name: string }>(entries: Entry[]): (Entry & { key: string })[] {
  const taken = new Set(entries.map((entry) => entry.key).filter((key): key is string => typeof key === 'string'))
  return entries.map((entry) => {
    if (typeof entry.key === 'string') return entry as Entry & { key: string }
    const key = freeKey(keyFromName(entry.name), taken)
    taken.add(key)
    return { ...entry, key }
  })
}

const byKey = <Entry extends { key: string }>(a: Entry, b: Entry) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

/** The record as a bundle: ids become keys, metadata is left out, entries are in key order so that a bundle diffs well. */
export function toBundle(record: StoredRecord): BundleDocument {
  const keys = new Map<string, string>()
  for (const { kind } of catalogueKinds) for (const entry of record.catalogue[kind]) keys.set(`${kind}:${entry.id}`, entry.key)
  const keyOf = (kind: CatalogueKind, id: string) => keys.get(`${kind}:${id}`) ?? id
  const keysOf = (kind: CatalogueKind, ids: unknown) => (ids as string[]).map((id) => keyOf(kind, id))
  const catalogue = (kind: Exclude<CatalogueKind, 'processors'>) =>
    [...record.catalogue[kind]].sort(byKey).map((entry) => ({ key: entry.key, ...fieldsOf(entry) }))
  const { id: _, ...organisation } = fieldsOf(record.organisation)
  const bundle = {
    organisation,
    dataCategories: catalogue('dataCategories'),
    dataSubjectCategories: catalogue('dataSubjectCategories'),
    recipients: catalogue('recipients'),
    processors: [...record.catalogue.processors].sort(byKey).map(({ subProcessorIds, ...processor }) => ({
      key: processor.key,
      ...fieldsOf(processor),
      subProcessorKeys: keysOf('processors', subProcessorIds ?? [])
    })),
    securityMeasures: catalogue('securityMeasures'),
    activities: [...record.activities].sort(byKey).map((activity) => {
      const { dataSubjectCategoryIds, dataCategoryIds, recipientIds, processorIds, securityMeasureIds, transfers, retention, ...rest } = activity
      return {
        key: activity.key,
        ...fieldsOf(rest),
        dataSubjectCategoryKeys: keysOf('dataSubjectCategories', dataSubjectCategoryIds),
        dataCategoryKeys: keysOf('dataCategories', dataCategoryIds),
        recipientKeys: keysOf('recipients', recipientIds),
        processorKeys: keysOf('processors', processorIds),
        securityMeasureKeys: keysOf('securityMeasures', securityMeasureIds),
        transfers: transfers.map(({ processorId, ...transfer }) => ({
          ...transfer,
          processorKey: processorId === null ? null : keyOf('processors', processorId)
        })),
        retention: retention.map(({ dataCategoryIds: ids, ...rule }) => ({ ...rule, dataCategoryKeys: keysOf('dataCategories', ids) }))
      }
    })
  }
  // The entities were written through the API's schemas; the bundle holds the same fields with ids as keys.
  return bundle as unknown as BundleDocument
}

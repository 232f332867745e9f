import type { Database } from '../../db/client.ts'
import { catalogueDefinition } from '../../resources/catalogue-resource.ts'
import type { ResourceDefinition } from '../../resources/resource-routes.ts'
import type { WriteContext } from '../../shared/http.ts'
import { ApiProblem, describeErrors } from '../../shared/problems.ts'
import { activitiesDefinition } from '../activities/activities.routes.ts'
import { dataCategoriesResource } from '../data-categories/data-categories.resource.ts'
import { dataSubjectCategoriesResource } from '../data-subject-categories/data-subject-categories.resource.ts'
import { updateOrganisation } from '../organisations/organisations.repository.ts'
import { processorsResource } from '../processors/processors.resource.ts'
import { recipientsResource } from '../recipients/recipients.resource.ts'
import { securityMeasuresResource } from '../security-measures/security-measures.resource.ts'
import type { CatalogueKind, StoredRecord } from './bundle.repository.ts'
import type { BundleDocument } from './bundle.schemas.ts'
import { activityWithIds } from './links.ts'
import { type Change, catalogueOrder } from './plan.ts'

type Json = Record<string, unknown>
type Kind = CatalogueKind | 'activities'

/** The resources a bundle writes, through the same stores (checks, links, audit) as their routes. */
const definitions: Record<Kind, ResourceDefinition> = {
  dataCategories: catalogueDefinition(dataCategoriesResource),
  dataSubjectCategories: catalogueDefinition(dataSubjectCategoriesResource),
  recipients: catalogueDefinition(recipientsResource),
  processors: catalogueDefinition(processorsResource),
  securityMeasures: catalogueDefinition(securityMeasuresResource),
  activities: activitiesDefinition
}

/** An id field of the API and the key field a bundle has instead. */
const keyField = (segment: string) => (segment.endsWith('Ids') ? `${segment.slice(0, -3)}Keys` : segment === 'processorId' ? 'processorKey' : segment)

/**
 * A problem a resource's checks raise names the request body (`/body/purposes/0/legalBasis`); in a
 * bundle, the same field is at the entry's place in the bundle (`/body/activities/3/purposes/0/legalBasis`),
 * as the schema's own errors name it.
 */
async function inBundle<T>(wanted: BundleDocument, kind: Kind | 'organisation', key: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (!(error instanceof ApiProblem)) throw error
    const index = kind === 'organisation' ? -1 : (wanted[kind] as Json[]).findIndex((entry) => entry.key === key)
    const place = kind === 'organisation' ? '/body/organisation' : `/body/${kind}/${index}`
    const errors = error.errors?.map((fieldError) => ({
      ...fieldError,
      path: fieldError.path.startsWith('/body') ? place + fieldError.path.slice(5).split('/').map(keyField).join('/') : fieldError.path
    }))
    const detail = errors && errors.length > 0 ? describeErrors(errors) : `${place.slice(6)} (${key}): ${error.message}`
    throw new ApiProblem(error.kind, detail, { errors, headers: error.headers, ...(error.references ? { references: error.references } : {}) })
  }
}

/**
 * Applies a plan inside `tx`, one entity at a time through its resource's store, so every write is
 * checked and audited as through the API (all with the request's id): the organisation, the
 * catalogues (processors' sub-processor links once all exist), the activities, then the deletes,
 * activities first. Keys become ids as the entries are created.
 */
export async function applyChanges(
  tx: Database,
  organisationId: string,
  record: StoredRecord,
  wanted: BundleDocument,
  changes: Change[],
  context: WriteContext
) {
  const ids = new Map<string, string>()
  for (const kind of catalogueOrder) for (const entry of record.catalogue[kind]) ids.set(`${kind}:${entry.key}`, entry.id)
  for (const activity of record.activities) ids.set(`activities:${activity.key}`, activity.id)
  const idOf = (kind: Kind, key: string) => ids.get(`${kind}:${key}`) ?? key
  const idsOf = (kind: CatalogueKind, keys: unknown) => ((keys ?? []) as string[]).map((key) => idOf(kind, key))
  const entries = new Map(
    ([...catalogueOrder, 'activities'] as const).flatMap((kind) => (wanted[kind] as Json[]).map((entry) => [`${kind}:${String(entry.key)}`, entry] as const))
  )
  const entryOf = (kind: Kind, key: string) => entries.get(`${kind}:${key}`) as Json
  const store = (kind: Kind) => definitions[kind].store(tx)
  const of = (kind: Kind, op: Change['op']) => changes.filter((change) => change.entityType === kind && change.op === op)

  const organisationChange = changes.find((change) => change.entityType === 'organisation')
  if (organisationChange)
    await inBundle(wanted, 'organisation', 'organisation', () =>
      updateOrganisation(tx, organisationId, Object.fromEntries(organisationChange.fields.map((field) => [field.path.slice(1), field.to])), undefined, context)
    )

  for (const kind of catalogueOrder) {
    for (const change of of(kind, 'create')) {
      const { subProcessorKeys: _, ...entry } = entryOf(kind, change.key)
      const created = await inBundle(wanted, kind, change.key, () =>
        store(kind).create(organisationId, (kind === 'processors' ? { ...entry, subProcessorIds: [] } : entry) as never, context)
      )
      ids.set(`${kind}:${change.key}`, created.id)
    }
    for (const change of of(kind, 'update')) {
      const patch = Object.fromEntries(change.fields.filter((field) => field.path !== '/subProcessorKeys').map((field) => [field.path.slice(1), field.to]))
      if (Object.keys(patch).length > 0)
        await inBundle(wanted, kind, change.key, () => store(kind).update(organisationId, idOf(kind, change.key), patch as never, undefined, context))
    }
  }
  // Sub-processors link processors to each other: set once every processor of the bundle exists.
  for (const change of changes.filter((change) => change.entityType === 'processors' && change.op !== 'delete')) {
    const field = change.fields.find((candidate) => candidate.path === '/subProcessorKeys')
    if (field && ((field.to ?? []) as string[]).length + ((field.from ?? []) as string[]).length > 0)
      await inBundle(wanted, 'processors', change.key, () =>
        store('processors').update(
          organisationId,
          idOf('processors', change.key),
          { subProcessorIds: idsOf('processors', field.to) } as never,
          undefined,
          context
        )
      )
  }

  for (const change of [...of('activities', 'create'), ...of('activities', 'update')]) {
    const { key: _, ...fields } = activityWithIds(entryOf('activities', change.key), idOf)
    const body = change.op === 'create' ? { ...fields, key: change.key } : fields
    await inBundle(wanted, 'activities', change.key, async () => {
      if (change.op === 'create') ids.set(`activities:${change.key}`, (await store('activities').create(organisationId, body as never, context)).id)
      else await store('activities').update(organisationId, idOf('activities', change.key), body as never, undefined, context)
    })
  }

  for (const change of of('activities', 'delete')) await store('activities').remove(organisationId, idOf('activities', change.key), undefined, context)
  const deleted = of('processors', 'delete')
  for (const kind of catalogueOrder)
    for (const change of kind === 'processors' ? engagingFirst(record, deleted) : of(kind, 'delete'))
      await store(kind).remove(organisationId, idOf(kind, change.key), undefined, context)
}

/** Processors to delete, each after every other one to delete that engages it (its link goes with that one). */
function engagingFirst(record: StoredRecord, changes: Change[]): Change[] {
  const byKey = new Map(record.catalogue.processors.map((processor) => [processor.key, processor]))
  const engaged = (change: Change, among: Change[]) =>
    among.some((other) => other !== change && ((byKey.get(other.key)?.subProcessorIds ?? []) as string[]).includes(String(byKey.get(change.key)?.id)))
  const order: Change[] = []
  let left = [...changes]
  while (left.length > 0) {
    const free = left.filter((change) => !engaged(change, left))
    // A cycle of processors engaging each other: the database refuses its last link either way.
    const next = free.length > 0 ? free : left
    order.push(...next)
    left = left.filter((change) => !next.includes(change))
  }
  return order
}

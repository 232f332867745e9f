import { readFileSync } from 'node:fs'
import { type Static, Type } from 'typebox'
import { Value } from 'typebox/value'
import { activityWithIds } from '../modules/bundle/links.ts'

type Json = Record<string, unknown>

// The API validates every field; the bundle's shape only has to hold what loadBundle itself reads.
const Fields = Type.Record(Type.String(), Type.Unknown())
const Keys = Type.Optional(Type.Array(Type.Unknown()))
const Entry = Type.Intersect([Fields, Type.Object({ subProcessorKeys: Keys })])
const Activity = Type.Intersect([
  Fields,
  Type.Object({
    dataSubjectCategoryKeys: Keys,
    dataCategoryKeys: Keys,
    recipientKeys: Keys,
    processorKeys: Keys,
    securityMeasureKeys: Keys,
    transfers: Type.Optional(Type.Array(Fields)),
    retention: Type.Optional(Type.Array(Type.Intersect([Fields, Type.Object({ dataCategoryKeys: Keys })])))
  })
])

/** An organisation as a bundle: entries carry a `key` (kept as the entry's key), and activities refer to catalogue entries by `*Keys`. */
const BundleSchema = Type.Object({
  organisation: Fields,
  dataCategories: Type.Array(Entry),
  dataSubjectCategories: Type.Array(Entry),
  recipients: Type.Array(Entry),
  processors: Type.Array(Entry),
  securityMeasures: Type.Array(Entry),
  activities: Type.Array(Activity)
})
export type Bundle = Static<typeof BundleSchema>

/** A bundle from its JSON text, checked to have the lists and key lists loadBundle reads. */
export function parseBundle(text: string): Bundle {
  const bundle: unknown = JSON.parse(text)
  if (!Value.Check(BundleSchema, bundle)) throw new BundleError(`not a bundle: ${[...Value.Errors(BundleSchema, bundle)][0]?.message}`)
  return bundle
}

export const exampleBundlePath = new URL('./example-consulting-as.json', import.meta.url)
export const readExampleBundle = (): Bundle => parseBundle(readFileSync(exampleBundlePath, 'utf8'))

/** One call to the API: `fetch` from the command line (`npm run example`), `app.inject` in tests. */
export type ApiCall = (method: 'POST' | 'PATCH', path: string, body: Json) => Promise<{ status: number; body: Json }>

/**
 * Where a bundle is written, one resource at a time: the API of a running instance, or (the first
 * run) the resources' own stores inside one transaction. Each call answers the id of what it created.
 */
export interface BundleTarget {
  createOrganisation(body: Json): Promise<string>
  /** `path` is the resource's URL segment under the organisation, e.g. `data-categories`. */
  create(path: string, organisationId: string, body: Json): Promise<string>
  update(path: string, organisationId: string, id: string, body: Json): Promise<void>
}

/** A target that writes through a running instance's API, as any client does. */
export function apiTarget(call: ApiCall): BundleTarget {
  const send = async (method: 'POST' | 'PATCH', path: string, body: Json) => {
    const response = await call(method, path, body)
    if (response.status >= 300) throw new Error(`${response.status} ${JSON.stringify(response.body)}`)
    return response.body
  }
  return {
    createOrganisation: async (body) => idIn(await send('POST', '/v1/organisations', body)),
    create: async (path, organisationId, body) => idIn(await send('POST', `/v1/organisations/${organisationId}/${path}`, body)),
    update: async (path, organisationId, id, body) => void (await send('PATCH', `/v1/organisations/${organisationId}/${path}/${id}`, body))
  }
}

function idIn(created: Json): string {
  if (typeof created.id !== 'string') throw new Error(`no id in ${JSON.stringify(created)}`)
  return created.id
}

export class BundleError extends Error {
  override name = 'BundleError'
}

const catalogues = [
  ['dataCategories', 'data-categories'],
  ['dataSubjectCategories', 'data-subject-categories'],
  ['recipients', 'recipients'],
  ['securityMeasures', 'security-measures'],
  ['processors', 'processors']
] as const

/**
 * Writes a bundle into `target`: the organisation (unless `organisationId` names one to load into),
 * the five catalogues, the processors' sub-processor links, then the activities, with keys resolved to ids.
 * An `ApiCall` stands for the API target it calls through.
 */
export async function loadBundle(into: BundleTarget | ApiCall, bundle: Bundle, organisationId?: string) {
  const target = typeof into === 'function' ? apiTarget(into) : into
  const step = async <T>(what: string, write: () => Promise<T>): Promise<T> => {
    try {
      return await write()
    } catch (error) {
      throw new BundleError(`${what}: ${error instanceof Error ? error.message : String(error)}`, { cause: error })
    }
  }
  const orgId = organisationId ?? (await step('organisation', () => target.createOrganisation(bundle.organisation)))
  const ids = new Map<string, string>()
  const idOf = (list: string, key: unknown, where: string) => {
    const id = ids.get(`${list}:${String(key)}`)
    if (!id) throw new BundleError(`${where} refers to ${list} key '${String(key)}', which the bundle does not define`)
    return id
  }
  const idsOf = (list: string, keys: unknown[] | undefined, where: string) => (keys ?? []).map((key) => idOf(list, key, where))

  for (const [list, path] of catalogues) {
    for (const { subProcessorKeys: _, ...entry } of bundle[list]) {
      const { key } = entry
      const body = list === 'processors' ? { ...entry, subProcessorIds: [] } : entry
      ids.set(`${list}:${String(key)}`, await step(`${list} '${String(key)}'`, () => target.create(path, orgId, body)))
    }
  }
  for (const processor of bundle.processors.filter((entry) => (entry.subProcessorKeys ?? []).length > 0)) {
    const where = `processors '${String(processor.key)}'`
    const body = { subProcessorIds: idsOf('processors', processor.subProcessorKeys, where) }
    await step(where, () => target.update('processors', orgId, idOf('processors', processor.key, where), body))
  }
  for (const activity of bundle.activities) {
    const where = `activities '${String(activity.key)}'`
    const body = activityWithIds(activity, (kind, key) => idOf(kind, key, where))
    await step(where, () => target.create('activities', orgId, body))
  }
  return { organisationId: orgId, ids, activities: bundle.activities.length }
}

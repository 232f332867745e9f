import { readFileSync } from 'node:fs'

type Json = Record<string, unknown>

/** An organisation as a bundle: catalogue entries carry a `key`, and activities refer to them by `*Keys`. */
export interface Bundle {
  organisation: Json
  dataCategories: Json[]
  dataSubjectCategories: Json[]
  recipients: Json[]
  processors: Json[]
  securityMeasures: Json[]
  activities: Json[]
}

export const exampleBundlePath = new URL('./example-consulting-as.json', import.meta.url)
export const readExampleBundle = (): Bundle => JSON.parse(readFileSync(exampleBundlePath, 'utf8'))

/** One call to the API: `app.inject` inside the server, `fetch` from the command line. */
export type ApiCall = (method: 'POST' | 'PATCH', path: string, body: Json) => Promise<{ status: number; body: Json }>

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
 * Loads a bundle through the API itself, so it passes the same validation as any client's data.
 * Creates the organisation unless `organisationId` names one to load into.
 */
export async function loadBundle(call: ApiCall, bundle: Bundle, organisationId?: string) {
  const send = async (method: 'POST' | 'PATCH', path: string, body: Json, what: string) => {
    const response = await call(method, path, body)
    if (response.status >= 300) throw new BundleError(`${what}: ${response.status} ${JSON.stringify(response.body)}`)
    return response.body
  }
  const orgId = organisationId ?? ((await send('POST', '/v1/organisations', bundle.organisation, 'organisation')).id as string)
  const base = `/v1/organisations/${orgId}`
  const ids = new Map<string, string>()
  const idOf = (list: string, key: unknown, where: string) => {
    const id = ids.get(`${list}:${String(key)}`)
    if (!id) throw new BundleError(`${where} refers to ${list} key '${String(key)}', which the bundle does not define`)
    return id
  }
  const idsOf = (list: string, keys: unknown, where: string) => ((keys as unknown[] | undefined) ?? []).map((key) => idOf(list, key, where))

  for (const [list, path] of catalogues) {
    for (const { key, subProcessorKeys: _, ...entry } of bundle[list]) {
      const created = await send('POST', `${base}/${path}`, list === 'processors' ? { ...entry, subProcessorIds: [] } : entry, `${list} '${String(key)}'`)
      ids.set(`${list}:${String(key)}`, created.id as string)
    }
  }
  for (const processor of bundle.processors.filter((entry) => ((entry.subProcessorKeys as unknown[] | undefined) ?? []).length > 0)) {
    const where = `processors '${String(processor.key)}'`
    await send('PATCH', `${base}/processors/${idOf('processors', processor.key, where)}`, { subProcessorIds: idsOf('processors', processor.subProcessorKeys, where) }, where)
  }
  for (const { key, dataSubjectCategoryKeys, dataCategoryKeys, recipientKeys, processorKeys, securityMeasureKeys, transfers, retention, ...activity } of bundle.activities) {
    const where = `activities '${String(key)}'`
    await send(
      'POST',
      `${base}/activities`,
      {
        ...activity,
        dataSubjectCategoryIds: idsOf('dataSubjectCategories', dataSubjectCategoryKeys, where),
        dataCategoryIds: idsOf('dataCategories', dataCategoryKeys, where),
        recipientIds: idsOf('recipients', recipientKeys, where),
        processorIds: idsOf('processors', processorKeys, where),
        securityMeasureIds: idsOf('securityMeasures', securityMeasureKeys, where),
        transfers: ((transfers as Json[] | undefined) ?? []).map(({ processorKey, ...transfer }) => ({
          ...transfer,
          processorId: processorKey ? idOf('processors', processorKey, where) : null
        })),
        retention: ((retention as Json[] | undefined) ?? []).map(({ dataCategoryKeys: keys, ...rule }) => ({ ...rule, dataCategoryIds: idsOf('dataCategories', keys, where) }))
      },
      where
    )
  }
  return { organisationId: orgId, ids, activities: bundle.activities.length }
}

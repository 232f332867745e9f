type Json = Record<string, unknown>

/** The catalogues an activity links to. */
export type LinkedKind = 'dataCategories' | 'dataSubjectCategories' | 'recipients' | 'processors' | 'securityMeasures'

/**
 * An activity of a bundle as the API takes it: its links by key (`dataCategoryKeys`, a transfer's
 * `processorKey`, a retention rule's `dataCategoryKeys` …) turned into ids by `idOf`.
 */
export function activityWithIds(activity: Json, idOf: (kind: LinkedKind, key: string) => string): Json {
  const { dataSubjectCategoryKeys, dataCategoryKeys, recipientKeys, processorKeys, securityMeasureKeys, transfers, retention, ...fields } = activity
  const idsOf = (kind: LinkedKind, keys: unknown) => ((keys ?? []) as string[]).map((key) => idOf(kind, key))
  return {
    ...fields,
    dataSubjectCategoryIds: idsOf('dataSubjectCategories', dataSubjectCategoryKeys),
    dataCategoryIds: idsOf('dataCategories', dataCategoryKeys),
    recipientIds: idsOf('recipients', recipientKeys),
    processorIds: idsOf('processors', processorKeys),
    securityMeasureIds: idsOf('securityMeasures', securityMeasureKeys),
    transfers: ((transfers ?? []) as Json[]).map(({ processorKey, ...transfer }) => ({
      ...transfer,
      processorId: typeof processorKey === 'string' ? idOf('processors', processorKey) : null
    })),
    retention: ((retention ?? []) as Json[]).map(({ dataCategoryKeys: keys, ...rule }) => ({ ...rule, dataCategoryIds: idsOf('dataCategories', keys) }))
  }
}

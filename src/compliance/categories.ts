import { type Activity, type ActivityRule, blank, type Context, controllerRoles } from './types.ts'

export const categoriesMissing: ActivityRule = {
  id: 'categories-missing',
  code: 'L-05',
  severity: 'error',
  article: 'Art. 30(1)(c)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'The activity names its categories of data subjects and of personal data.',
  evaluate: (activity) => [
    ...(activity.dataSubjectCategoryIds.length === 0
      ? [
          {
            severity: 'error' as const,
            article: 'Art. 30(1)(c)',
            path: '/dataSubjectCategoryIds',
            message: 'Name the categories of data subjects (Art. 30(1)(c)).'
          }
        ]
      : []),
    ...(activity.dataCategoryIds.length === 0
      ? [{ severity: 'error' as const, article: 'Art. 30(1)(c)', path: '/dataCategoryIds', message: 'Name the categories of personal data (Art. 30(1)(c)).' }]
      : [])
  ]
}

export const recipientsMissing: ActivityRule = {
  id: 'recipients-missing',
  code: 'L-06',
  severity: 'error',
  article: 'Art. 30(1)(d)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'The activity names its categories of recipients, or states that there are none (`noRecipients`); processors count as recipients (Art. 4(9)), so an activity that uses one has a recipient. A statement of no recipients next to listed recipients or processors is a contradiction.',
  evaluate: (activity) => {
    const disclosed = activity.recipientIds.length > 0 || activity.processorIds.length > 0
    if (!disclosed && !activity.noRecipients)
      return [
        {
          severity: 'error',
          article: 'Art. 30(1)(d)',
          path: '/recipientIds',
          message: 'Name the categories of recipients the data are disclosed to, or state that there are none (noRecipients) (Art. 30(1)(d)).'
        }
      ]
    if (disclosed && activity.noRecipients)
      return [
        {
          severity: 'error',
          article: 'Art. 4(9)',
          path: '/noRecipients',
          message: `The activity states that it has no recipients, but lists ${activity.recipientIds.length > 0 ? 'recipients' : 'processors, which are recipients (Art. 4(9))'}: correct one or the other.`
        }
      ]
    return []
  }
}

export const specialCategories = (activity: Activity, { catalogue }: Context) =>
  activity.dataCategoryIds.map((id) => catalogue.dataCategories.get(id)).filter((category) => category?.specialCategory)

export const criminalCategories = (activity: Activity, { catalogue }: Context) =>
  activity.dataCategoryIds.map((id) => catalogue.dataCategories.get(id)).filter((category) => category?.criminal)

export const specialCategoryWithoutCondition: ActivityRule = {
  id: 'special-category-without-condition',
  code: 'L-27',
  severity: 'error',
  article: 'Art. 9(2)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Special category data (Art. 9(1)) are processed only with an Art. 9(2) condition.',
  evaluate: (activity, context) => {
    const special = specialCategories(activity, context)
    return special.length > 0 && activity.specialCategoryConditions.length === 0
      ? [
          {
            severity: 'error',
            article: 'Art. 9(2)',
            path: '/specialCategoryConditions',
            message: `${special.map((c) => `'${c!.name}'`).join(', ')} ${special.length > 1 ? 'are' : 'is'} special category data (Art. 9(1)): record the Art. 9(2) condition that allows the processing.`
          }
        ]
      : []
  }
}

const NEEDS_REFERENCE = new Set(['9.2.b', '9.2.g', '9.2.h', '9.2.i', '9.2.j'])

/** What a condition rests on, as Art. 9(2) words it: 9.2.h also on a contract with a health professional. */
const conditionReferenceMessage = (condition: string) =>
  condition === '9.2.h'
    ? 'Condition 9.2.h applies on the basis of Union or Member State law or under a contract with a health professional, with staff bound by professional secrecy (Art. 9(3)): cite the law or the contract.'
    : `Condition ${condition} applies only on the basis of Union or Member State law${condition === '9.2.b' ? ' or a collective agreement' : ''}: cite it.`

export const conditionWithoutReference: ActivityRule = {
  id: 'special-category-condition-without-reference',
  code: 'L-28',
  severity: 'error',
  article: 'Art. 9(2)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Conditions 9.2.b, g, h, i and j cite the law they rest on (for b, or the collective agreement; for h, or the contract with a health professional).',
  evaluate: (activity) =>
    activity.specialCategoryConditions.flatMap((condition, index) =>
      NEEDS_REFERENCE.has(condition.condition) && blank(condition.reference)
        ? [
            {
              severity: 'error' as const,
              article: `Art. 9(2)(${condition.condition.slice(-1)})`,
              path: `/specialCategoryConditions/${index}/reference`,
              message: conditionReferenceMessage(condition.condition)
            }
          ]
        : []
    )
}

export const criminalDataWithoutAuthority: ActivityRule = {
  id: 'criminal-data-without-authority',
  code: 'L-29',
  severity: 'error',
  article: 'Art. 10',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Data on criminal convictions and offences are processed under official authority or a law that authorises it, and the record names it.',
  evaluate: (activity, context) =>
    criminalCategories(activity, context).length > 0 && blank(activity.criminalDataReference)
      ? [
          {
            severity: 'error',
            article: 'Art. 10',
            path: '/criminalDataReference',
            message: 'The activity processes data on criminal convictions and offences: name the official authority or the law that authorises it (Art. 10).'
          }
        ]
      : []
}

import { criminalCategories, specialCategories } from './categories.ts'
import { type ActivityRule, allRoles, type Catalogue, type CatalogueEntries } from './types.ts'

type Measures = Catalogue['securityMeasures']
const organisationWide = new WeakMap<Measures, [string, CatalogueEntries['securityMeasures']][]>()

/** The catalogue's measures that apply to every activity, in catalogue order: found once per catalogue, not once per activity. */
export function organisationWideMeasures(measures: Measures): [string, CatalogueEntries['securityMeasures']][] {
  let found = organisationWide.get(measures)
  if (!found) {
    found = [...measures].filter(([, measure]) => measure.appliesToAllActivities)
    organisationWide.set(measures, found)
  }
  return found
}

export const securityMeasuresMissing: ActivityRule = {
  id: 'security-measures-missing',
  code: 'L-18',
  severity: 'error',
  article: 'Art. 30(1)(g)',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks: 'The activity has security measures of its own or organisation-wide ones; a warning, an error for special category or criminal data.',
  evaluate: (activity, context) => {
    if (activity.securityMeasureIds.length > 0 || organisationWideMeasures(context.catalogue.securityMeasures).length > 0) return []
    const sensitive = specialCategories(activity, context).length > 0 || criminalCategories(activity, context).length > 0
    return [
      {
        severity: sensitive ? 'error' : 'warning',
        article: 'Art. 32(1)',
        path: '/securityMeasureIds',
        message: 'Describe the technical and organisational security measures (Arts. 30(1)(g), 32(1)).'
      }
    ]
  }
}

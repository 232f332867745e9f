import { criminalCategories, specialCategories } from './categories.ts'
import { type ActivityRule, allRoles } from './types.ts'

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
    const organisationWide = [...context.catalogue.securityMeasures.values()].some((measure) => measure.appliesToAllActivities)
    if (activity.securityMeasureIds.length > 0 || organisationWide) return []
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

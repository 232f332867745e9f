import { criminalCategories, specialCategories } from './categories.ts'
import { type Activity, type ActivityRule, type Context, controllerRoles } from './types.ts'

/** The WP248 criteria the activity meets: those recorded, plus those its own fields show. */
export function wp248Criteria(activity: Activity, context: Context): Set<string> {
  const criteria = new Set(activity.dpia.criteria.filter((code) => !code.startsWith('35.')))
  if (activity.profiling) criteria.add('evaluation_scoring')
  if (activity.automatedDecisionMaking) criteria.add('automated_decision_with_legal_effect')
  if (specialCategories(activity, context).length > 0 || criminalCategories(activity, context).length > 0) criteria.add('sensitive_data')
  const subjects = activity.dataSubjectCategoryIds.map((id) => context.catalogue.dataSubjectCategories.get(id))
  if (subjects.some((subject) => subject?.vulnerable || subject?.includesChildren)) criteria.add('vulnerable_data_subjects')
  return criteria
}

export const dpiaMandatory: ActivityRule = {
  id: 'dpia-mandatory-not-completed',
  code: 'L-35',
  severity: 'error',
  article: 'Art. 35(3)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'When a case of Art. 35(3) applies (recorded, or automated decisions based on profiling), the DPIA is completed.',
  evaluate: (activity) => {
    const cases = activity.dpia.criteria.filter((code) => code.startsWith('35.3.'))
    if (activity.automatedDecisionMaking && activity.profiling && !cases.includes('35.3.a')) cases.push('35.3.a')
    return cases.length > 0 && activity.dpia.status !== 'completed'
      ? [
          {
            severity: 'error',
            article: 'Art. 35(3)',
            path: '/dpia/status',
            message: `A DPIA is mandatory here (Art. 35(3)${cases.map((code) => `(${code.slice(-1)})`).join('')}): complete it before the processing.`
          }
        ]
      : []
  }
}

export const dpiaScreening: ActivityRule = {
  id: 'dpia-likely-required',
  code: 'L-36',
  severity: 'warning',
  article: 'Art. 35(1)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks:
    'Two or more WP248 criteria call for a DPIA or a recorded reason why none is needed (warning), completed before an active processing starts (warning); one criterion is worth considering (info).',
  evaluate: (activity, context) => {
    const criteria = [...wp248Criteria(activity, context)]
    const unfinished = activity.dpia.status === 'required' || activity.dpia.status === 'in_progress'
    if (unfinished && activity.status === 'active' && criteria.length >= 2)
      return [
        {
          severity: 'warning',
          article: 'Art. 35(1)',
          path: '/dpia/status',
          message: `The processing is active, but its DPIA (${criteria.length} WP248 criteria: ${criteria.join(', ')}) is ${activity.dpia.status.replace('_', ' ')}: it is to be carried out prior to the processing (Art. 35(1)).`
        }
      ]
    if (activity.dpia.status !== 'not_assessed' || activity.dpia.notRequiredReason) return []
    if (criteria.length >= 2)
      return [
        {
          severity: 'warning',
          article: 'Art. 35(1)',
          path: '/dpia',
          message: `The activity meets ${criteria.length} WP248 criteria (${criteria.join(', ')}): carry out a DPIA, or record why none is needed.`
        }
      ]
    if (criteria.length === 1)
      return [
        {
          severity: 'info',
          article: 'Art. 35(1)',
          path: '/dpia',
          message: `The activity meets one WP248 criterion (${criteria[0]}): consider whether a DPIA is needed.`
        }
      ]
    return []
  }
}

import { criminalCategories, specialCategories } from './categories.ts'
import { employmentSubjects } from './purposes.ts'
import { type ActivityFinding, type ActivityRule, controllerRoles } from './types.ts'

/** The Art. 30(5) threshold: fewer than this many employees. */
const EMPLOYEE_THRESHOLD = 250

export const recordExemption: ActivityRule = {
  id: 'record-exemption-cannot-hold',
  code: 'L-38',
  severity: 'error',
  article: 'Art. 30(5)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'A claim of the Art. 30(5) derogation holds only with fewer than 250 employees and processing that is occasional (HR processing never is), includes no special category or criminal data and is unlikely to result in a risk (no DPIA criterion, automated decision or profiling); WP29 position paper of 19 April 2018.',
  evaluate: (activity, context) => {
    if (!activity.recordExemptionClaimed) return []
    const employees = context.organisation.employeeCount
    const fail = (path: string, message: string): ActivityFinding => ({ severity: 'error', article: 'Art. 30(5)', path, message })
    const findings: ActivityFinding[] = []
    if (employees === null)
      findings.push({
        severity: 'warning',
        article: 'Art. 30(5)',
        path: '/recordExemptionClaimed',
        message: "The Art. 30(5) derogation is claimed, but the organisation's employeeCount is not recorded: it holds only below 250 persons."
      })
    else if (employees >= EMPLOYEE_THRESHOLD)
      findings.push(fail('/recordExemptionClaimed', `The organisation employs ${employees} persons: the Art. 30(5) derogation is for fewer than 250.`))
    const hr = employmentSubjects(activity, context)
    if (!activity.occasional)
      findings.push(fail('/occasional', 'The processing is not recorded as occasional: regular processing must be recorded (Art. 30(5)).'))
    else if (hr.length > 0)
      findings.push(
        fail(
          '/occasional',
          `Processing about ${hr.map((category) => `'${category.name}'`).join(', ')} is part of the regular course of business, never occasional (WP29, 19 April 2018).`
        )
      )
    if (specialCategories(activity, context).length > 0 || criminalCategories(activity, context).length > 0)
      findings.push(
        fail('/dataCategoryIds', 'The processing includes special category (Art. 9(1)) or criminal (Art. 10) data: it must be recorded (Art. 30(5)).')
      )
    if (
      activity.dpia.criteria.length > 0 ||
      activity.automatedDecisionMaking ||
      activity.profiling ||
      ['required', 'in_progress', 'completed'].includes(activity.dpia.status)
    )
      findings.push(
        fail(
          '/recordExemptionClaimed',
          'The processing is likely to result in a risk (DPIA criteria, automated decisions or profiling): it must be recorded (Art. 30(5)).'
        )
      )
    return findings
  }
}

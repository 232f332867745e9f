import { consentGaps } from './purposes.ts'
import type { RightsInput } from './rights.ts'
import { type Activity, type ActivityFinding, type ActivityRule, blank, controllerRoles } from './types.ts'

/** The Art. 22(2) exception an activity's bases can support when its decisions are not described one by one. */
export function exceptionFromBases(activity: Pick<RightsInput, 'purposes' | 'specialCategoryConditions'>): '22.2.a' | '22.2.b' | '22.2.c' | null {
  const bases = new Set(activity.purposes.map((purpose) => purpose.legalBasis))
  if (bases.has('6.1.b')) return '22.2.a'
  if (bases.has('6.1.c') || bases.has('6.1.e')) return '22.2.b'
  // Ordinary consent (6.1.a) is not the explicit consent 22(2)(c) asks for; a 9.2.a condition is.
  if (activity.specialCategoryConditions.some((condition) => condition.condition === '9.2.a')) return '22.2.c'
  return null
}

const SAFEGUARDS = {
  human_intervention: 'human intervention',
  express_point_of_view: 'expressing a point of view',
  contest_decision: 'contesting the decision'
}

export const automatedDecisions: ActivityRule = {
  id: 'automated-decision-unlawful',
  code: 'L-31',
  severity: 'error',
  article: 'Art. 22',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'Each solely automated decision with legal or similar effect rests on an Art. 22(2) exception (legitimate or vital interests are none): a contract (with a 6.1.b purpose), a law (cited) or explicit consent (documented; ordinary 6.1.a consent is not explicit); (a) and (c) offer human intervention, a point of view and contest (22(3)); special category data only with 9.2.a or 9.2.g (22(4)); people learn the logic involved (13(2)(f)).',
  evaluate: (activity) => {
    if (activity.automatedDecisions.length === 0) return activity.automatedDecisionMaking ? undescribed(activity) : []
    const findings: ActivityFinding[] = []
    if (!activity.automatedDecisionMaking)
      findings.push({
        severity: 'error',
        article: 'Art. 22(1)',
        path: '/automatedDecisionMaking',
        message: 'Automated decisions are described, but the activity says it makes none: set automatedDecisionMaking.'
      })
    activity.automatedDecisions.forEach((decision, index) => {
      if (!decision.legalOrSimilarEffect) return
      const at = `/automatedDecisions/${index}`
      const name = `'${decision.description}'`
      const add = (severity: ActivityFinding['severity'], article: string, path: string, message: string) =>
        findings.push({ severity, article, path: `${at}${path}`, message })
      if (decision.exception === null)
        add(
          'error',
          'Art. 22(1)',
          '/exception',
          `${name} has legal or similarly significant effects but no Art. 22(2) exception: it needs a contract, a law or explicit consent; legitimate interests (6.1.f) and vital interests (6.1.d) are none, so people may not be subject to it (Art. 22(1)).`
        )
      if (decision.exception === '22.2.a' && !activity.purposes.some((purpose) => purpose.legalBasis === '6.1.b'))
        add(
          'warning',
          'Art. 22(2)(a)',
          '/exception',
          `${name} relies on a contract with the person, but no purpose rests on 6.1.b: the decision must be necessary for entering into or performing that contract (Art. 22(2)(a)).`
        )
      if (decision.exception === '22.2.b' && blank(decision.lawReference))
        add('error', 'Art. 22(2)(b)', '/lawReference', `Cite the Union or Member State law that authorises ${name} and lays down safeguards (Art. 22(2)(b)).`)
      if (decision.exception === '22.2.c')
        findings.push(
          ...consentGaps(decision.consent, at, `${name} (explicit consent, Art. 22(2)(c); ordinary consent to a purpose is not enough)`).map((finding) => ({
            ...finding,
            article: finding.article === 'Art. 7(1)' ? 'Art. 22(2)(c)' : finding.article
          }))
        )
      const missing = Object.entries(SAFEGUARDS).filter(([code]) => !decision.safeguards.some((safeguard) => safeguard === code))
      if ((decision.exception === '22.2.a' || decision.exception === '22.2.c') && missing.length > 0)
        add(
          'warning',
          'Art. 22(3)',
          '/safeguards',
          `${name} must offer at least human intervention, expressing a point of view and contesting the decision; missing: ${missing.map(([, label]) => label).join(', ')} (Art. 22(3)).`
        )
      if (decision.specialCategories && !activity.specialCategoryConditions.some((condition) => ['9.2.a', '9.2.g'].includes(condition.condition)))
        add(
          'error',
          'Art. 22(4)',
          '/specialCategories',
          `${name} uses special category data: only with explicit consent (9.2.a) or a substantial public interest in law (9.2.g), with suitable measures (Art. 22(4)).`
        )
      if (blank(decision.logicInformation))
        add(
          'warning',
          'Art. 13(2)(f)',
          '/logicInformation',
          `Record where people are told about the logic involved in ${name} and its significance and envisaged consequences (Arts. 13(2)(f), 14(2)(g), 15(1)(h)).`
        )
    })
    return findings
  }
}

/** A record that only says "automated decisions" is checked against its purposes' bases. */
function undescribed(activity: Activity): ActivityFinding[] {
  const exception = exceptionFromBases(activity)
  return exception === null
    ? [
        {
          severity: 'error',
          article: 'Art. 22(1)',
          path: '/automatedDecisionMaking',
          message:
            'The activity makes solely automated decisions, but its purposes rest on no basis an Art. 22(2) exception can follow from: legitimate interests (6.1.f), vital interests (6.1.d) and ordinary consent (6.1.a) are none. Describe each decision in automatedDecisions with its exception.'
        }
      ]
    : [
        {
          severity: 'warning',
          article: 'Art. 22',
          path: '/automatedDecisions',
          message: `Describe each automated decision: its Art. 22(2) exception (the bases suggest ${exception}), the safeguards offered (22(3)) and where people learn the logic involved (13(2)(f)).`
        }
      ]
}

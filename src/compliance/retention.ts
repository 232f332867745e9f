import { criminalCategories, specialCategories } from './categories.ts'
import { type ActivityRule, blank, controllerRoles } from './types.ts'

export const retentionMissing: ActivityRule = {
  id: 'retention-missing',
  code: 'L-15',
  severity: 'error',
  article: 'Art. 30(1)(f)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Every data category of the activity has a retention rule with a period or a criterion; a warning, an error for special category or criminal data.',
  evaluate: (activity, context) => {
    const sensitive = specialCategories(activity, context).length > 0 || criminalCategories(activity, context).length > 0
    const covered = (id: string) =>
      activity.retention.some(
        (rule) => (rule.dataCategoryIds.length === 0 || rule.dataCategoryIds.includes(id)) && (!blank(rule.period) || !blank(rule.trigger))
      )
    return activity.dataCategoryIds.flatMap((id, index) =>
      covered(id)
        ? []
        : [
            {
              severity: sensitive ? ('error' as const) : ('warning' as const),
              article: 'Art. 30(1)(f)',
              path: `/dataCategoryIds/${index}`,
              message: `Record how long '${context.catalogue.dataCategories.get(id)?.name ?? id}' is kept, or the criterion that decides it (Art. 30(1)(f)).`
            }
          ]
    )
  }
}

const OPEN_ENDED =
  /indefinite|forever|permanent|as long as (needed|necessary|required)|until (the )?consent (is )?withdrawn|consent withdrawn|withdraws consent/i

export const retentionOpenEnded: ActivityRule = {
  id: 'retention-open-ended',
  code: 'L-16',
  severity: 'warning',
  article: 'Art. 5(1)(e)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'No retention rule is open-ended ("indefinitely", "until consent is withdrawn", "as long as needed") without a maximum period.',
  evaluate: (activity) =>
    activity.retention.flatMap((rule, index) =>
      blank(rule.period) && OPEN_ENDED.test(`${rule.trigger ?? ''} ${rule.description ?? ''}`)
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 5(1)(e)',
              path: `/retention/${index}/period`,
              message: 'The retention is open-ended: set a maximum period or a review cycle (Art. 5(1)(e), Recital 39).'
            }
          ]
        : []
    )
}

export const retentionLawWithoutObligation: ActivityRule = {
  id: 'retention-law-without-legal-obligation',
  code: 'L-17',
  severity: 'warning',
  article: 'Art. 5(1)(e)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'A retention rule that cites a law goes with a purpose on 6.1.c (legal obligation).',
  evaluate: (activity) =>
    activity.purposes.some((purpose) => purpose.legalBasis === '6.1.c')
      ? []
      : activity.retention.flatMap((rule, index) =>
          blank(rule.legalReference)
            ? []
            : [
                {
                  severity: 'warning' as const,
                  article: 'Art. 5(1)(e)',
                  path: `/retention/${index}/legalReference`,
                  message: `The rule is justified by ${rule.legalReference}, but no purpose of the activity rests on that legal obligation (6.1.c): add the purpose or review the rule.`
                }
              ]
        )
}

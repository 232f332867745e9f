import type { RetentionKind } from '../modules/activities/activities.schemas.ts'
import { criminalCategories, specialCategories } from './categories.ts'
import { type ActivityFinding, type ActivityRule, blank, controllerRoles } from './types.ts'

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

/** Kinds of retention a law bounds: the period is the cited law's, even when none is recorded. */
const BOUNDED_BY_LAW: ReadonlySet<RetentionKind | null> = new Set<RetentionKind | null>(['statutory_minimum', 'statutory_maximum', 'limitation_period'])

export const retentionOpenEnded: ActivityRule = {
  id: 'retention-open-ended',
  code: 'L-16',
  severity: 'warning',
  article: 'Art. 5(1)(e)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks:
    'No retention rule is open-ended: a rule without a period is bounded when its kind is set by law (statutory minimum or maximum, limitation period); a rule of unstated kind without a period has no time limit (warning); "until an event" without a maximum is a criterion that holds only if the event comes (info).',
  evaluate: (activity) =>
    activity.retention.flatMap((rule, index): ActivityFinding[] =>
      blank(rule.period) && rule.kind === 'until_event'
        ? [
            {
              severity: 'info' as const,
              article: 'Art. 5(1)(e)',
              path: `/retention/${index}/period`,
              message: `The data are kept until ${blank(rule.trigger) ? 'an event' : `'${rule.trigger}'`}, a criterion (Art. 13(2)(a)); if that event may never come, set a maximum period or a review cycle (Art. 5(1)(e)).`
            }
          ]
        : blank(rule.period) && !BOUNDED_BY_LAW.has(rule.kind)
          ? [
              {
                severity: 'warning' as const,
                article: 'Art. 5(1)(e)',
                path: `/retention/${index}/period`,
                message: `The retention${blank(rule.trigger) ? '' : ` '${rule.trigger}'`} has no maximum period: set one, or the law that bounds it (kind statutory_maximum, statutory_minimum or limitation_period), or a review cycle (Art. 5(1)(e), Recital 39).`
              }
            ]
          : []
    )
}

const kindLabels: Record<RetentionKind, string> = {
  fixed_period: 'fixed period',
  statutory_minimum: 'statutory minimum',
  statutory_maximum: 'statutory maximum',
  limitation_period: 'limitation period',
  until_event: 'until an event'
}

export const retentionLawWithoutObligation: ActivityRule = {
  id: 'retention-law-without-legal-obligation',
  code: 'L-17',
  severity: 'warning',
  article: 'Art. 5(1)(e)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks:
    'A retention set by law (statutory minimum or maximum, limitation period) cites the law; a statutory minimum is a legal obligation, so a purpose rests on 6.1.c. A law cited on a rule of unstated kind is read as a possible minimum: state the kind.',
  evaluate: (activity) => {
    const obligation = activity.purposes.some((purpose) => purpose.legalBasis === '6.1.c')
    return activity.retention.flatMap((rule, index) => {
      if (rule.kind !== null && BOUNDED_BY_LAW.has(rule.kind) && blank(rule.legalReference))
        return [
          {
            severity: 'warning' as const,
            article: 'Art. 5(1)(e)',
            path: `/retention/${index}/legalReference`,
            message: `The retention is a ${kindLabels[rule.kind]}: cite the law that sets it (Arts. 5(1)(e), 6(3); EDPB 2025 report on erasure).`
          }
        ]
      if (obligation || blank(rule.legalReference)) return []
      if (rule.kind === 'statutory_minimum')
        return [
          {
            severity: 'warning' as const,
            article: 'Art. 5(1)(e)',
            path: `/retention/${index}/legalReference`,
            message: `${rule.legalReference} obliges keeping the data, which is a legal obligation, but no purpose of the activity rests on 6.1.c: add the purpose of complying with it.`
          }
        ]
      if (rule.kind === null)
        return [
          {
            severity: 'warning' as const,
            article: 'Art. 5(1)(e)',
            path: `/retention/${index}/kind`,
            message: `The rule is justified by ${rule.legalReference}, but no purpose rests on a legal obligation (6.1.c). If the law obliges keeping the data, add that purpose; if it only caps the period or sets a limitation period, say so in the rule's kind.`
          }
        ]
      return []
    })
  }
}

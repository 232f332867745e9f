import { type ActivityRule, allRoles, monthsBefore } from './types.ts'

/** `day` (`YYYY-MM-DD`) plus `months`, the end of a shorter month clamped as PostgreSQL does (`2026-01-31` + 1 → `2026-02-28`). */
export function monthsAfter(day: string, months: number): string {
  const [year, month, date] = day.split('-').map(Number) as [number, number, number]
  const target = new Date(Date.UTC(year, month - 1 + months, 1))
  const last = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate()
  target.setUTCDate(Math.min(date, last))
  return target.toISOString().slice(0, 10)
}

/** When an activity's next review is due, as `activities.next_review_due` keeps it (for snapshots taken before it existed). */
export const nextReviewDue = (activity: { lastReviewedAt: string | null; createdAt: string }, months: number) =>
  monthsAfter(activity.lastReviewedAt ?? activity.createdAt.slice(0, 10), months)

/** The review interval when neither the activity nor the organisation sets one (L-40's "12 months (configurable)"). */
export const REVIEW_MONTHS = 12

export const reviewOverdue: ActivityRule = {
  id: 'review-overdue',
  code: 'L-40',
  severity: 'warning',
  article: 'Art. 5(2)',
  scope: 'activity',
  roles: allRoles,
  kind: 'heuristic',
  checks: `The entry was reviewed within its review interval (the activity's \`reviewIntervalMonths\`, else the organisation's, ${REVIEW_MONTHS} months by default), or, never reviewed, was created less than that interval ago: the record is a living document (Arts. 5(2), 24(1)).`,
  evaluate: (activity, { now, organisation }) => {
    const months = activity.reviewIntervalMonths ?? organisation.reviewIntervalMonths ?? REVIEW_MONTHS
    const since = activity.lastReviewedAt ?? activity.createdAt.slice(0, 10)
    if (since >= monthsBefore(now, months)) return []
    const interval = months === 1 ? '1 month' : `${months} months`
    return [
      {
        severity: 'warning',
        article: 'Art. 5(2)',
        path: '/lastReviewedAt',
        message: activity.lastReviewedAt
          ? `The entry was last reviewed on ${activity.lastReviewedAt}, more than ${interval} ago (its review interval): review it and record the review (POST …/reviews).`
          : `The entry has not been reviewed since it was created on ${since}, more than ${interval} ago (its review interval): review it and record the review (POST …/reviews; Arts. 5(2), 24(1)).`
      }
    ]
  }
}

import { type ActivityRule, allRoles, monthsBefore } from './types.ts'

export const REVIEW_MONTHS = 12

export const reviewOverdue: ActivityRule = {
  id: 'review-overdue',
  code: 'L-40',
  severity: 'warning',
  article: 'Art. 5(2)',
  scope: 'activity',
  roles: allRoles,
  kind: 'heuristic',
  checks: `The entry was reviewed in the last ${REVIEW_MONTHS} months, or, never reviewed, was created less than ${REVIEW_MONTHS} months ago: the record is a living document (Arts. 5(2), 24(1)).`,
  evaluate: (activity, { now }) => {
    const since = activity.lastReviewedAt ?? activity.createdAt.slice(0, 10)
    if (since >= monthsBefore(now, REVIEW_MONTHS)) return []
    return [
      {
        severity: 'warning',
        article: 'Art. 5(2)',
        path: '/lastReviewedAt',
        message: activity.lastReviewedAt
          ? `The entry was last reviewed on ${activity.lastReviewedAt}, more than ${REVIEW_MONTHS} months ago: review it and record the date.`
          : `The entry has not been reviewed since it was created on ${since}, more than ${REVIEW_MONTHS} months ago: review it and record the date (Arts. 5(2), 24(1)).`
      }
    ]
  }
}

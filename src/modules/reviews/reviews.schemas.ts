import { type Static, Type } from 'typebox'
import { CalendarDate, Instant, Nullable, Text, Uuid } from '../../shared/schemas.ts'
import { statuses } from '../activities/activities.schemas.ts'

export const outcomes = ['confirmed', 'changed'] as const

export const ReviewCreateSchema = Type.Object(
  {
    outcome: Type.Enum([...outcomes], {
      description: '`confirmed`: the entry still describes the processing; `changed`: the review found changes (made, or to be made, by writes of their own).'
    }),
    note: Type.Optional(Nullable(Text(2000), 'What was checked, with whom, and what was found.'))
  },
  { additionalProperties: false }
)
export type ReviewCreate = Static<typeof ReviewCreateSchema>

export const ReviewSchema = Type.Object(
  {
    id: Uuid(),
    activityId: Uuid('The activity reviewed.'),
    activityVersion: Type.Integer({ minimum: 1, description: 'The version of the activity the reviewer saw; recording the review writes the next one.' }),
    outcome: Type.Enum([...outcomes]),
    note: Nullable(Type.String()),
    reviewedBy: Type.String({ description: 'The `sub` of the token that recorded the review.' }),
    reviewedAt: Instant('When the review was recorded.')
  },
  { additionalProperties: false, description: 'A review of a processing activity (Arts. 5(2), 24(1): the record is kept up to date).' }
)
export type Review = Static<typeof ReviewSchema>

export const DueReviewSchema = Type.Object(
  {
    activityId: Uuid(),
    name: Type.String(),
    owner: Nullable(Type.String(), 'Who answers for the activity, who should review it.'),
    status: Type.Enum([...statuses]),
    lastReviewedAt: Nullable(CalendarDate('The last review.')),
    reviewIntervalMonths: Type.Integer({ description: "The interval that applies: the activity's own, else the organisation's." }),
    nextReviewDue: CalendarDate('When the review is (or was) due.'),
    overdue: Type.Boolean({ description: 'The due date has passed (the activity has the L-40 finding).' })
  },
  { additionalProperties: false }
)
export type DueReview = Static<typeof DueReviewSchema>

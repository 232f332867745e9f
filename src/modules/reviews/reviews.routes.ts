import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { reviewExamples, withExample } from '../../example/openapi-examples.ts'
import { sendCreatedOnce } from '../../plugins/idempotency.ts'
import { decodeCursor, encodeCursor, ifMatchVersions } from '../../shared/http.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import {
  CalendarDate,
  DATE_PATTERN,
  EntityParams,
  IfMatchHeaders,
  INSTANT_PATTERN,
  ISO_DURATION,
  Nullable,
  OrganisationParams,
  Page,
  PageQuery,
  Uuid
} from '../../shared/schemas.ts'
import { getReview, listReviews, recordReview, reviewsDue } from './reviews.repository.ts'
import { DueReviewSchema, ReviewCreateSchema, ReviewSchema } from './reviews.schemas.ts'

const tags = ['Reviews']

// Instants and days both databases can hold (no year 0000), as issued.
const ReviewCursor = Type.Object(
  { at: Type.String({ format: 'date-time', pattern: INSTANT_PATTERN }), id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false }
)
const DueCursor = Type.Object(
  { due: Type.String({ format: 'date', pattern: DATE_PATTERN }), id: Type.String({ format: 'uuid' }) },
  { additionalProperties: false }
)

/** The day `duration` (ISO 8601, `P30D`, `P1Y2M`, `PT36H`) after `now`, in UTC; 400 beyond the year 9999. */
export function dayAfter(now: Date, duration: string): string {
  const [, years, months, weeks, days, hours, minutes, seconds] = (
    /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(duration) ?? []
  ).map((part) => Number(part ?? 0))
  const until = new Date(now)
  until.setUTCFullYear(until.getUTCFullYear() + years!, until.getUTCMonth() + months!, until.getUTCDate() + weeks! * 7 + days!)
  until.setUTCSeconds(until.getUTCSeconds() + hours! * 3600 + minutes! * 60 + seconds!)
  if (Number.isNaN(until.getTime()) || until.getUTCFullYear() > 9999)
    throw new ApiProblem('validation_failed', `/query/within reaches past the year 9999: ${duration}`, {
      errors: [{ path: '/query/within', message: 'must end before the year 10000' }]
    })
  return until.toISOString().slice(0, 10)
}

const ReviewParams = Type.Object(
  { orgId: Uuid('The organisation.'), id: Uuid('The activity.'), reviewId: Uuid('The review.') },
  { additionalProperties: false }
)

const reviewsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db

  app.post(
    '/:orgId/activities/:id/reviews',
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'createActivityReview',
        summary: 'Record a review of an activity',
        description:
          "Records that the activity was reviewed (Arts. 5(2), 24(1)): who, when, the version reviewed and the outcome. In the same transaction the activity's `lastReviewedAt` becomes today and its `nextReviewDue` moves one interval on (a new version of the activity); both are audited. With `If-Match`, only if the activity is still the version reviewed (412 otherwise). A review needs no `Change-Reason` even where the organisation requires one: its note says what was found.",
        params: EntityParams,
        headers: IfMatchHeaders,
        body: withExample(ReviewCreateSchema, reviewExamples.create),
        response: {
          201: { ...ReviewSchema, description: 'The review, with `Location`.', examples: [reviewExamples.entity] },
          ...problemResponses(400, 412)
        }
      }
    },
    async (request, reply) => {
      const { orgId, id } = request.params
      const expected = ifMatchVersions(request)
      return sendCreatedOnce(
        request,
        reply,
        (context) => recordReview(db, orgId, id, request.body, expected, context),
        (review) => `/v1/organisations/${orgId}/activities/${id}/reviews/${review.id}`
      )
    }
  )

  app.get(
    '/:orgId/activities/:id/reviews',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'listActivityReviews',
        summary: 'The reviews of an activity, newest first',
        params: EntityParams,
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: withExample(Page(ReviewSchema, 'A page of reviews, newest first.'), reviewExamples.page), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor } = request.query
      const { items, last } = await listReviews(db, request.params.orgId, request.params.id, limit, decodeCursor(ReviewCursor, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.get(
    '/:orgId/activities/:id/reviews/:reviewId',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'getActivityReview',
        summary: 'Read one review of an activity',
        params: ReviewParams,
        response: { 200: { ...ReviewSchema, examples: [reviewExamples.entity] }, ...problemResponses(400) }
      }
    },
    async (request) => getReview(db, request.params.orgId, request.params.id, request.params.reviewId)
  )

  app.get(
    '/:orgId/reviews/due',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'listReviewsDue',
        summary: 'Activities whose review is overdue or due soon',
        description:
          'Activities (retired ones left out) whose `nextReviewDue` has passed or falls within `within` from today, most overdue first, with their owner and due date: the review work list.',
        params: OrganisationParams,
        querystring: Type.Object(
          {
            ...PageQuery,
            within: Type.Optional(
              Type.String({
                pattern: ISO_DURATION,
                maxLength: 32,
                default: 'P30D',
                description: 'An ISO 8601 duration from today (default `P30D`): `P0D` lists only overdue activities and those due today.',
                examples: ['P30D']
              })
            )
          },
          { additionalProperties: false }
        ),
        response: {
          200: withExample(
            Type.Object(
              {
                until: CalendarDate('The last day the list covers (today plus `within`, UTC).'),
                items: Type.Array(DueReviewSchema),
                nextCursor: Nullable(Type.String(), 'Pass as `cursor` for the next page; null on the last page.')
              },
              { additionalProperties: false, description: 'A page of activities due for review, soonest due first.' }
            ),
            reviewExamples.due
          ),
          ...problemResponses(400)
        }
      }
    },
    async (request) => {
      const { limit = 50, cursor, within = 'P30D' } = request.query
      const until = dayAfter(new Date(), within)
      const { items, last } = await reviewsDue(db, request.params.orgId, until, limit, decodeCursor(DueCursor, cursor))
      return { until, items, nextCursor: last ? encodeCursor(last) : null }
    }
  )
}

export default reviewsRoutes

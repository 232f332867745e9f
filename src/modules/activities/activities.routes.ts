import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { eq } from 'drizzle-orm'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { activities } from '../../db/schema/index.ts'
import { decodeCursor, encodeCursor, etagOf, ifMatchVersions, sendCreated, writeContext } from '../../shared/http.ts'
import { problemResponses } from '../../shared/problems.ts'
import { CountryCode, EntityParams, Instant, OrganisationParams, Page, PageQuery, Uuid } from '../../shared/schemas.ts'
import { assertValid } from '../../shared/validation.ts'
import { activitiesRepository, activityFilters } from './activities.repository.ts'
import { activityErrors } from './activities.rules.ts'
import { ActivityCreateSchema, ActivityPatchSchema, ActivitySchema, activityDefaults, lawfulBasisCodes, normaliseActivity, roles, statuses } from './activities.schemas.ts'

type Fields = Record<string, unknown>
const tags = ['Activities']
const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The ETag of the version the change is based on; a stale one answers 412.' })) })
const CursorSchema = Type.Object({ name: Type.String(), id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

const ListQuery = Type.Object(
  {
    ...PageQuery,
    status: Type.Optional(Type.Enum([...statuses], { description: 'Only activities with this status.' })),
    role: Type.Optional(Type.Enum([...roles], { description: 'Only activities in which the organisation has this role.' })),
    legalBasis: Type.Optional(Type.Enum(lawfulBasisCodes, { description: 'Only activities with a purpose on this Art. 6(1) basis.' })),
    dataCategoryId: Type.Optional(Uuid('Only activities that process this data category.')),
    dataSubjectCategoryId: Type.Optional(Uuid('Only activities that concern this category of data subjects.')),
    processorId: Type.Optional(Uuid('Only activities that use this processor (as processor or as a transfer importer).')),
    country: Type.Optional(CountryCode('Only activities with a transfer to this country.')),
    specialCategory: Type.Optional(Type.Boolean({ description: 'Only activities that process (true) or do not process (false) special category data (Art. 9(1)).' })),
    q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only activities whose name, description or a purpose contains this text (any case).' })),
    updatedSince: Type.Optional(Instant('Only activities changed at or after this instant.'))
  },
  { additionalProperties: false }
)

/** The activity as it will be stored, or a 400 naming what is malformed. */
function prepared(fields: Fields): Fields {
  const activity = normaliseActivity(fields)
  assertValid(activityErrors(activity))
  return activity
}

const activitiesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const repository = activitiesRepository(app.database.db)
  const base = '/:orgId/activities'
  const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/activities/${id}`

  app.get(
    base,
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'listActivities',
        summary: 'List the processing activities',
        description: 'Ordered by name (any case), then id. Filters combine.',
        params: OrganisationParams,
        querystring: ListQuery,
        response: { 200: Page(ActivitySchema, 'A page of activities.'), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor, ...query } = request.query
      const conditions = [
        query.status === undefined ? undefined : eq(activities.status, query.status),
        query.role === undefined ? undefined : eq(activities.role, query.role),
        query.legalBasis === undefined ? undefined : activityFilters.legalBasis(query.legalBasis),
        query.dataCategoryId === undefined ? undefined : activityFilters.linksTo('data_category_id', query.dataCategoryId),
        query.dataSubjectCategoryId === undefined ? undefined : activityFilters.linksTo('data_subject_category_id', query.dataSubjectCategoryId),
        query.processorId === undefined ? undefined : activityFilters.linksTo('processor_id', query.processorId),
        query.country === undefined ? undefined : activityFilters.transferCountry(query.country),
        query.specialCategory === undefined ? undefined : activityFilters.specialCategory(query.specialCategory),
        query.q === undefined ? undefined : activityFilters.text(query.q),
        query.updatedSince === undefined ? undefined : activityFilters.updatedSince(query.updatedSince)
      ]
      const { items, last } = await repository.list(request.params.orgId, conditions, limit, decodeCursor(CursorSchema, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.post(
    base,
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'createActivity',
        summary: 'Record a processing activity',
        description:
          'Creates one entry of the record with everything it owns (purposes, transfers, retention rules, ...) in one transaction. Only `name` is required: a draft may be incomplete, and the findings say what is missing. Malformed values answer 400; ids that do not exist in this organisation answer 422 naming each path.',
        params: OrganisationParams,
        body: ActivityCreateSchema,
        response: { 201: { ...ActivitySchema, description: 'The activity, with `Location` and `ETag` headers.' }, ...problemResponses(400, 422) }
      }
    },
    async (request, reply) => {
      const activity = await repository.create(request.params.orgId, prepared({ ...activityDefaults, ...(request.body as Fields) }), writeContext(request))
      return sendCreated(reply, location(request.params.orgId, activity.id), activity)
    }
  )

  app.get(
    `${base}/:id`,
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'getActivity',
        summary: 'Read a processing activity',
        description: 'The whole activity as the last write stored it, with its `ETag`.',
        params: EntityParams,
        response: { 200: { ...ActivitySchema, description: 'The activity.' }, ...problemResponses(400) }
      }
    },
    async (request, reply) => {
      const activity = await repository.get(request.params.orgId, request.params.id)
      reply.header('etag', etagOf(activity.version))
      return activity
    }
  )

  app.patch(
    `${base}/:id`,
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'updateActivity',
        summary: 'Change a processing activity',
        description: 'Replaces the given fields; lists and the DPIA are replaced whole. Send `If-Match` with the ETag you read to avoid overwriting a change made meanwhile.',
        params: EntityParams,
        headers: IfMatchHeaders,
        body: ActivityPatchSchema,
        response: { 200: { ...ActivitySchema, description: 'The whole activity after the change, with its new `ETag`.' }, ...problemResponses(400, 412, 422) }
      }
    },
    async (request, reply) => {
      const activity = await repository.update(request.params.orgId, request.params.id, request.body as Fields, ifMatchVersions(request), writeContext(request), prepared)
      reply.header('etag', etagOf(activity.version))
      return activity
    }
  )

  app.delete(
    `${base}/:id`,
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'deleteActivity',
        summary: 'Delete a processing activity',
        description: 'Deletes the activity and what it owns. To keep it in the history but out of exports, set `status` to `retired` instead. Honours `If-Match`.',
        params: EntityParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 412) }
      }
    },
    async (request, reply) => {
      await repository.remove(request.params.orgId, request.params.id, ifMatchVersions(request), writeContext(request))
      return reply.code(204).send(null)
    }
  )
}

export default activitiesRoutes


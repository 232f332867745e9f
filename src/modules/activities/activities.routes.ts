import { eq, type SQL } from 'drizzle-orm'
import { type Static, type TObject, Type } from 'typebox'
import { activities } from '../../db/schema/index.ts'
import { activityExamples } from '../../example/openapi-examples.ts'
import { type ResourceDefinition, resourceRoutes } from '../../resources/resource-routes.ts'
import { CountryCode, Instant, Uuid } from '../../shared/schemas.ts'
import { assertValid } from '../../shared/validation.ts'
import { activityFilters, createActivity, getActivity, getActivityJson, listActivities, removeActivity, updateActivity } from './activities.repository.ts'
import { activityErrors } from './activities.rules.ts'
import {
  type ActivityCreate,
  ActivityCreateSchema,
  type ActivityInput,
  type ActivityPatch,
  ActivityPatchSchema,
  ActivitySchema,
  activityDefaults,
  lawfulBasisCodes,
  normaliseActivity,
  roles,
  statuses
} from './activities.schemas.ts'

const filters = {
  status: Type.Optional(Type.Enum([...statuses], { description: 'Only activities with this status.' })),
  role: Type.Optional(Type.Enum([...roles], { description: 'Only activities in which the organisation has this role.' })),
  legalBasis: Type.Optional(Type.Enum(lawfulBasisCodes, { description: 'Only activities with a purpose on this Art. 6(1) basis.' })),
  dataCategoryId: Type.Optional(Uuid('Only activities that process this data category (directly or in a retention rule).')),
  dataSubjectCategoryId: Type.Optional(Uuid('Only activities that concern this category of data subjects.')),
  processorId: Type.Optional(Uuid('Only activities that use this processor (as processor or as a transfer importer).')),
  country: Type.Optional(CountryCode('Only activities with a transfer to this country.')),
  specialCategory: Type.Optional(
    Type.Boolean({ description: 'Only activities that process (true) or do not process (false) special category data (Art. 9(1)).' })
  ),
  q: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: 'Only activities whose name, description or a purpose contains this text (any case).' })
  ),
  updatedSince: Type.Optional(Instant('Only activities changed at or after this instant.')),
  reviewDue: Type.Optional(
    Type.String({
      pattern: '^(before|after):\\d{4}-\\d{2}-\\d{2}$',
      maxLength: 17,
      description: 'Only activities whose `nextReviewDue` is before (`before:2027-01-01`) or after (`after:2027-01-01`) this day.',
      examples: ['before:2027-01-01']
    })
  )
}

type ActivityQuery = Static<TObject<typeof filters>>

const when = <T>(value: T | undefined, condition: (value: T) => SQL) => (value === undefined ? undefined : condition(value))

function conditions(query: ActivityQuery) {
  return [
    when(query.status, (status) => eq(activities.status, status)),
    when(query.role, (role) => eq(activities.role, role)),
    when(query.legalBasis, activityFilters.legalBasis),
    when(query.dataCategoryId, (id) => activityFilters.linksTo('data_category_id', id)),
    when(query.dataSubjectCategoryId, (id) => activityFilters.linksTo('data_subject_category_id', id)),
    when(query.processorId, (id) => activityFilters.linksTo('processor_id', id)),
    when(query.country, activityFilters.transferCountry),
    when(query.specialCategory, activityFilters.specialCategory),
    when(query.q, activityFilters.text),
    when(query.updatedSince, activityFilters.updatedSince),
    when(query.reviewDue, activityFilters.reviewDue)
  ]
}

/** The activity as it will be stored, or a 400 naming what is malformed. */
function prepared(fields: Omit<ActivityInput, 'key'> & { key?: string }) {
  const activity = normaliseActivity(fields)
  assertValid(activityErrors(activity))
  return activity
}

/** The activities resource: its schemas and its store (also used without HTTP, by the first run). */
export const activitiesDefinition: ResourceDefinition = {
  path: 'activities',
  names: { one: 'Activity', many: 'Activities' },
  label: 'processing activity',
  entityType: 'activity',
  tag: 'Activities',
  about:
    'A processing activity: one entry of the Art. 30 record, read and written as one document with everything it owns (purposes, transfers, retention rules, ...).',
  entity: ActivitySchema,
  create: ActivityCreateSchema,
  patch: ActivityPatchSchema,
  filters,
  createNote:
    'Only `name` is required: a draft may be incomplete, and the findings say what is missing. Malformed values answer 400; ids that do not exist in this organisation answer 422 naming each path.',
  deleteNote: 'Deletes the activity and what it owns. To keep it in the history but out of exports, set `status` to `retired` instead.',
  problems: { create: [422, 428], patch: [422, 428], delete: [428] },
  examples: activityExamples,
  store: (db, kind) => ({
    list: (organisationId, query: ActivityQuery, limit, after) =>
      listActivities(db, organisationId, conditions(query), limit, after, kind === 'pglite' ? 'objects' : 'database'),
    create: (organisationId, body: ActivityCreate, context) => createActivity(db, organisationId, prepared({ ...activityDefaults, ...body }), context),
    get: (organisationId, id) => getActivity(db, organisationId, id),
    getJson: (organisationId, id) => getActivityJson(db, organisationId, id),
    update: (organisationId, id, patch: ActivityPatch, expectedVersions, context) =>
      updateActivity(db, organisationId, id, patch, expectedVersions, context, prepared),
    remove: (organisationId, id, expectedVersions, context) => removeActivity(db, organisationId, id, expectedVersions, context)
  })
}

export default resourceRoutes(activitiesDefinition)

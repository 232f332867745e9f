import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { activityHistoryExample, changesExample } from '../../example/openapi-examples.ts'
import { BOM, csvLine } from '../../exports/render-csv.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { EntityParams, Instant, Nullable, OrganisationParams, Uuid } from '../../shared/schemas.ts'
import { ActivitySchema } from '../activities/activities.schemas.ts'
import { changesBetween, clampToNow, historyOf } from './history.repository.ts'

const VersionSchema = Type.Object(
  {
    version: Nullable(Type.Integer(), 'The version the change produced (the version deleted, for a delete).'),
    at: Instant('When the change was committed.'),
    actor: Type.String({ description: 'The `sub` of the token that made it.' }),
    action: Type.Enum(['create', 'update', 'delete']),
    requestId: Nullable(Type.String()),
    reason: Nullable(Type.String(), 'Why the change was made: the `Change-Reason` header of its request, or null.'),
    changedFields: Type.Array(Type.String(), { description: 'The fields an update changed (empty for a create or a delete).' }),
    snapshot: ActivitySchema
  },
  { additionalProperties: false }
)

const ChangeSchema = Type.Object(
  {
    at: Instant('When the change was committed.'),
    actor: Type.String(),
    action: Type.Enum(['create', 'update', 'delete']),
    entityType: Type.String({ examples: ['activity'] }),
    entityId: Uuid(),
    name: Nullable(Type.String(), 'The name of the entity after the change (before it, for a delete).'),
    requestId: Nullable(Type.String()),
    reason: Nullable(Type.String(), 'Why the change was made: the `Change-Reason` header of its request, or null.'),
    changes: Type.Array(Type.Object({ field: Type.String(), old: Type.Unknown(), new: Type.Unknown() }, { additionalProperties: false }), {
      description: 'For an update: each field it changed, with the old and the new value.'
    })
  },
  { additionalProperties: false }
)

const changeColumns = ['At', 'Actor', 'Action', 'Entity type', 'Entity id', 'Name', 'Field', 'Old value', 'New value', 'Reason']
const csvCell = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value))

const historyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db

  app.get(
    '/:orgId/activities/:id/history',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['History'],
        operationId: 'listActivityHistory',
        summary: 'The versions of one activity',
        description:
          'Every version of the activity, oldest first: who made it, when, which fields changed, and the activity as it then stood. Also for a deleted activity.',
        params: EntityParams,
        response: {
          200: Type.Object(
            { items: Type.Array(VersionSchema) },
            { additionalProperties: false, description: 'The versions.', examples: [activityHistoryExample] }
          ),
          ...problemResponses(400)
        }
      }
    },
    // Cast: history items are stored snapshots typed as JSON; their schema is the activity's, which the stored rows were serialised from.
    async (request) => ({ items: (await historyOf(db, request.params.orgId, 'activity', request.params.id, 'activity')) as never })
  )

  app.get(
    '/:orgId/ropa/changes',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['History'],
        operationId: 'listChanges',
        summary: 'What changed in the record between two instants',
        description:
          'Every create, update and delete after `from` up to and including `to`, oldest first, of the organisation, its catalogue and its activities: for updates each changed field with its old and new value, and the actor, time and reason (`Change-Reason`) of each change. `?format=csv` gives one row per changed field, UTF-8 with a byte-order mark unless `?bom=false`, quoted and neutralised against formulas as the record export is. A `to` in the future reads as now; `from` after `to` answers 400.',
        params: OrganisationParams,
        querystring: Type.Object(
          {
            from: Instant('Changes after this instant.'),
            to: Type.Optional(Instant('Changes up to this instant (default: now).')),
            format: Type.Optional(Type.Enum(['json', 'csv'], { description: 'JSON (default) or CSV.' })),
            bom: Type.Optional(
              Type.Boolean({
                description:
                  'CSV only: start the file with a UTF-8 byte-order mark (default `true`), which Excel on Windows needs to read ø, § or ü; `false` for scripts.'
              })
            )
          },
          { additionalProperties: false }
        ),
        response: {
          200: {
            description: 'The changes.',
            content: {
              'application/json': {
                schema: Type.Object(
                  { from: Instant('As asked.'), to: Instant('As read (a future instant reads as now).'), items: Type.Array(ChangeSchema) },
                  { additionalProperties: false }
                ),
                example: changesExample
              },
              'text/csv': { schema: Type.String({ description: `Columns: ${changeColumns.join(', ')}.` }) }
            }
          },
          ...problemResponses(400)
        }
      }
    },
    async (request, reply) => {
      const from = new Date(request.query.from).toISOString()
      const to = clampToNow(request.query.to ?? new Date().toISOString())
      if (request.query.to !== undefined && new Date(request.query.from) > new Date(request.query.to)) {
        throw new ApiProblem('validation_failed', '/query/from is after /query/to', { errors: [{ path: '/query/from', message: 'must not be after to' }] })
      }
      const changes = await changesBetween(db, request.params.orgId, from, to)
      if (request.query.format !== 'csv') return reply.type('application/json; charset=utf-8').send({ from, to, items: changes })
      const rows = changes.flatMap((change) =>
        (change.changes.length > 0 ? change.changes : [{ field: '', old: null, new: null }]).map((field) =>
          [change.at, change.actor, change.action, change.entityType, change.entityId, change.name, field.field, field.old, field.new, change.reason].map(
            csvCell
          )
        )
      )
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="ropa-changes-${from.slice(0, 10)}-${to.slice(0, 10)}.csv"`)
        .send((request.query.bom === false ? '' : BOM) + [changeColumns, ...rows].map(csvLine).join(''))
    }
  )
}

export default historyRoutes

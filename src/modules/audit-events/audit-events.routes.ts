import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { auditEventPageExample, withExample } from '../../example/openapi-examples.ts'
import { decodeCursor, encodeCursor } from '../../shared/http.ts'
import { problemResponses } from '../../shared/problems.ts'
import { Instant, Nullable, OrganisationParams, Page, PageQuery, Uuid } from '../../shared/schemas.ts'
import { listAuditEvents } from './audit-events.repository.ts'

const AuditEventSchema = Type.Object(
  {
    id: Uuid(),
    at: Instant('When the change was committed.'),
    actor: Type.String({ description: 'The `sub` of the token that made the change.' }),
    action: Type.Enum(['create', 'update', 'delete']),
    entityType: Type.String({ description: 'What kind of entity changed, e.g. `organisation`.', examples: ['organisation'] }),
    entityId: Uuid(),
    snapshot: Type.Unknown({ description: 'The whole entity after the change (before it, for a delete), as the API serialises it.' }),
    requestId: Nullable(Type.String(), 'The request that made the change (the `x-request-id` of its answer).'),
    reason: Nullable(Type.String(), 'Why the change was made: the `Change-Reason` header of its request, or null.')
  },
  { additionalProperties: false }
)

const AuditQuery = Type.Object(
  {
    ...PageQuery,
    entityType: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only events of this entity type.' })),
    entityId: Type.Optional(Uuid('Only events of this entity.')),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 256, description: 'Only changes made by this `sub`.' })),
    since: Type.Optional(Instant('Only events at or after this instant.')),
    until: Type.Optional(Instant('Only events at or before this instant.'))
  },
  { additionalProperties: false }
)

const CursorSchema = Type.Object({ seq: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false })

const auditEventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:orgId/audit-events',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Audit'],
        operationId: 'listAuditEvents',
        summary: "Page through the organisation's change feed, newest first",
        description:
          'Every create, update and delete of the organisation and its records, with the actor, the time, and the full entity after the change (before it, for a delete). Events are written in the same transaction as the change and can never be altered or removed.',
        params: OrganisationParams,
        querystring: AuditQuery,
        response: { 200: withExample(Page(AuditEventSchema, 'A page of audit events, newest first.'), auditEventPageExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor, ...filters } = request.query
      const position = decodeCursor(CursorSchema, cursor)
      const { items, lastSeq } = await listAuditEvents(app.database.db, request.params.orgId, filters, limit, position?.seq)
      return { items, nextCursor: lastSeq === undefined ? null : encodeCursor({ seq: lastSeq }) }
    }
  )
}

export default auditEventRoutes

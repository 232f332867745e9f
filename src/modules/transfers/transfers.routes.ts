import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { transferPageExample, withExample } from '../../example/openapi-examples.ts'
import { decodeCursor, encodeCursor } from '../../shared/http.ts'
import { problemResponses } from '../../shared/problems.ts'
import { CountryCode, OrganisationParams, Page, PageQuery, Uuid } from '../../shared/schemas.ts'
import { mechanismCodes, statuses, Transfer } from '../activities/activities.schemas.ts'
import { listTransfers } from './transfers.repository.ts'

const TransferRowSchema = Type.Object(
  {
    activityId: Uuid('The activity the transfer belongs to.'),
    activityName: Type.String(),
    activityStatus: Type.Enum([...statuses]),
    index: Type.Integer({ minimum: 0, description: "Position of the transfer in the activity's `transfers`." }),
    ...Transfer.output.properties
  },
  { additionalProperties: false, description: 'A transfer of one activity (Art. 30(1)(e)).' }
)

const TransferQuery = Type.Object(
  {
    ...PageQuery,
    country: Type.Optional(CountryCode('Only transfers to this country.')),
    mechanism: Type.Optional(Type.Enum(mechanismCodes, { description: 'Only transfers on this mechanism.' })),
    status: Type.Optional(Type.Enum([...statuses], { description: 'Only transfers of activities with this status.' }))
  },
  { additionalProperties: false }
)

const CursorSchema = Type.Object(
  { name: Type.String(), id: Type.String({ format: 'uuid' }), index: Type.Integer({ minimum: 0, maximum: 2 ** 31 - 1 }) },
  { additionalProperties: false }
)

const transfersRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  app.get(
    '/:orgId/transfers',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Activities'],
        operationId: 'listTransfers',
        summary: 'List every transfer to a third country, across activities',
        description: 'Read only: transfers are written as part of their activity. Ordered by activity name, then position.',
        params: OrganisationParams,
        querystring: TransferQuery,
        response: { 200: withExample(Page(TransferRowSchema, 'A page of transfers.'), transferPageExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor, country, mechanism, status } = request.query
      const after = decodeCursor(CursorSchema, cursor)
      const { items, next } = await listTransfers(db, request.params.orgId, { country, mechanism, status }, limit, after)
      return {
        // Cast: `transfer` is the stored JSON of a transfer the activity schema validated; the spread cannot recover its field types.
        items: items.map(({ transfer, ...row }) => ({ ...row, ...transfer })) as never,
        nextCursor: next ? encodeCursor(next) : null
      }
    }
  )
}

export default transfersRoutes

import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { transferPageExample, withExample } from '../../example/openapi-examples.ts'
import { decodeCursor, encodeCursor } from '../../shared/http.ts'
import { problemResponses } from '../../shared/problems.ts'
import { CountryCode, OrganisationParams, Page, PageQuery, Uuid } from '../../shared/schemas.ts'
import { mechanismCodes, statuses, Transfer } from '../activities/activities.schemas.ts'

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
      const result = await db.execute(sql`
        select a.id as "activityId", a.name as "activityName", a.status as "activityStatus", (t.ordinality - 1)::int as "index", t.value as transfer
          from activities a cross join lateral jsonb_array_elements(a.transfers) with ordinality as t(value, ordinality)
         where a.organisation_id = ${request.params.orgId}
           ${country === undefined ? sql`` : sql`and t.value->>'country' = ${country}`}
           ${mechanism === undefined ? sql`` : sql`and t.value->>'mechanism' = ${mechanism}`}
           ${status === undefined ? sql`` : sql`and a.status = ${status}`}
           ${after === undefined ? sql`` : sql`and (lower(a.name), a.id, t.ordinality - 1) > (${after.name}, ${after.id}::uuid, ${after.index})`}
         order by lower(a.name), a.id, t.ordinality
         limit ${limit + 1}`)
      const rows = result.rows as { activityId: string; activityName: string; activityStatus: string; index: number; transfer: Record<string, unknown> }[]
      const page = rows.slice(0, limit)
      const last = rows.length > limit ? page.at(-1) : undefined
      return {
        items: page.map(({ transfer, ...row }) => ({ ...row, ...transfer })) as never,
        nextCursor: last ? encodeCursor({ name: last.activityName.toLowerCase(), id: last.activityId, index: last.index }) : null
      }
    }
  )
}

export default transfersRoutes

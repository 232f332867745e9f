import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { withExample } from '../../example/openapi-examples.ts'
import { errorMessage } from '../../shared/objects.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'

const READY_TIMEOUT_MS = 2000

const HealthSchema = Type.Object(
  {
    status: Type.Literal('ok'),
    database: Type.Optional(Type.Enum(['postgres', 'pglite'], { description: 'Which database answered.' }))
  },
  { additionalProperties: false, description: 'The service is healthy.' }
)

const healthRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/health/live',
    {
      config: { probe: 'liveness' },
      schema: {
        tags: ['Health'],
        operationId: 'getLiveness',
        summary: 'Liveness: the process is up',
        description:
          'Answers 200 while the process serves HTTP. It does not touch the database, so a database outage never gets the process restarted; it is never rate limited nor shed under load.',
        response: { 200: withExample(HealthSchema, { status: 'ok' }) }
      }
    },
    async () => ({ status: 'ok' as const })
  )

  app.get(
    '/health/ready',
    {
      config: { probe: 'readiness' },
      schema: {
        tags: ['Health'],
        operationId: 'getReadiness',
        summary: 'Readiness: the database answers',
        description: `Answers 200 when the database answers a trivial query within ${READY_TIMEOUT_MS} ms, otherwise 503 problem+json with Retry-After. Route traffic away while it is 503; it turns 200 again by itself when the database is back. It is never rate limited, but it answers 503 (service-unavailable) while the instance sheds load: an overloaded instance is not ready for more traffic.`,
        response: { 200: withExample(HealthSchema, { status: 'ok', database: 'postgres' }), ...problemResponses(503) }
      }
    },
    async () => {
      try {
        await app.database.ping(READY_TIMEOUT_MS)
      } catch (error) {
        throw new ApiProblem('database_unavailable', `The database did not answer: ${errorMessage(error)}`, { headers: { 'retry-after': '5' } })
      }
      return { status: 'ok' as const, database: app.database.kind }
    }
  )
}

export default healthRoutes

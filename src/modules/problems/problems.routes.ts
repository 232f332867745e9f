import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ApiProblem, problemCode, problemResponses, problemTypes, problemTypeUri, type ProblemKind } from '../../shared/problems.ts'

const ProblemTypeSchema = Type.Object(
  {
    type: Type.String({ examples: ['/problems/not-found'] }),
    code: Type.String({ examples: ['ROPA_NOT_FOUND'] }),
    status: Type.Integer(),
    title: Type.String(),
    description: Type.String()
  },
  { additionalProperties: false }
)

const kinds = Object.keys(problemTypes) as ProblemKind[]
const describe = (kind: ProblemKind) => ({
  type: problemTypeUri(kind),
  code: problemCode(kind),
  status: problemTypes[kind].status,
  title: problemTypes[kind].title,
  description: problemTypes[kind].description
})

const problemsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/problems',
    {
      schema: {
        tags: ['Problems'],
        operationId: 'listProblemTypes',
        summary: 'List the problem types',
        response: { 200: Type.Object({ items: Type.Array(ProblemTypeSchema) }, { additionalProperties: false, description: 'Every problem type.' }) }
      }
    },
    async () => ({ items: kinds.map(describe) })
  )

  app.get(
    '/problems/:slug',
    {
      schema: {
        tags: ['Problems'],
        operationId: 'getProblemType',
        summary: 'Describe one problem type',
        description: 'The `type` of every problem answer resolves here.',
        params: Type.Object({ slug: Type.String({ maxLength: 64, examples: ['validation-failed'] }) }, { additionalProperties: false }),
        response: { 200: { ...ProblemTypeSchema, description: 'The problem type.' }, ...problemResponses(400, 404) }
      }
    },
    async (request) => {
      const kind = kinds.find((candidate) => problemTypes[candidate].slug === request.params.slug)
      if (!kind) throw new ApiProblem('not_found', `There is no problem type '${request.params.slug}'.`)
      return describe(kind)
    }
  )
}

export default problemsRoutes

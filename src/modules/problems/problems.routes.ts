import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { ApiProblem, type ProblemKind, problemCode, problemResponses, problemTypes, problemTypeUri } from '../../shared/problems.ts'

const ProblemTypeSchema = Type.Object(
  {
    type: Type.String({ examples: ['/problems/not-found'] }),
    code: Type.String({ examples: ['ROPA_NOT_FOUND'] }),
    status: Type.Integer({ description: 'The HTTP status answers of this type carry.' }),
    title: Type.String({ description: 'The `title` of those answers.' }),
    description: Type.String({ description: 'What the problem means and what to do about it.' })
  },
  { additionalProperties: false }
)

// Cast: Object.keys types its keys as string; problemTypes is keyed by ProblemKind.
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
        description:
          'Every problem type the API answers with: its `type` URI, its stable `code`, the HTTP status, the title and what it means. The `type` of every problem+json answer is one of these URIs, a reference relative to the API base URL that resolves to GET /problems/{slug}. No token needed.',
        response: {
          200: Type.Object(
            { items: Type.Array(ProblemTypeSchema) },
            { additionalProperties: false, description: 'Every problem type.', examples: [{ items: [describe('validation_failed'), describe('not_found')] }] }
          )
        }
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
        description: `The problem type whose \`type\` URI is \`/problems/{slug}\`: a problem answer with \`"type": "/problems/validation-failed"\` is described at GET /problems/validation-failed. Slugs: ${kinds.map((kind) => `\`${problemTypes[kind].slug}\``).join(', ')}. Any other slug answers 404 (\`/problems/not-found\`). No token needed.`,
        params: Type.Object(
          { slug: Type.String({ maxLength: 64, description: 'The last segment of a problem `type` URI.', examples: ['validation-failed'] }) },
          { additionalProperties: false }
        ),
        response: { 200: { ...ProblemTypeSchema, description: 'The problem type.', examples: [describe('validation_failed')] }, ...problemResponses(400, 404) }
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

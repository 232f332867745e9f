import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import type { DatabaseHandle } from '../../db/client.ts'
import { bundleExample, bundleSchemaExample, withExample } from '../../example/openapi-examples.ts'
import { problemResponses } from '../../shared/problems.ts'
import { Instant, OrganisationParams } from '../../shared/schemas.ts'
import { clampToNow } from '../history/history.repository.ts'
import { readRecord, type StoredRecord, toBundle } from './bundle.repository.ts'
import { BundleSchema } from './bundle.schemas.ts'

/** The record read in one consistent snapshot. */
export async function storedRecord(database: DatabaseHandle, organisationId: string, asOf?: string): Promise<StoredRecord> {
  for await (const record of database.readSnapshot(async function* (snapshot) {
    yield await readRecord(snapshot, organisationId, asOf)
  }))
    return record
  throw new Error('the snapshot read yielded nothing')
}

/** GET /v1/schemas/bundle.json: public, so that editors can validate a bundle kept in a repository. */
export const bundleSchemaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/bundle.json',
    {
      schema: {
        tags: ['Bundles'],
        operationId: 'getBundleSchema',
        summary: 'The JSON Schema of a bundle',
        description:
          'The schema `GET …/bundle` answers with and the plan and apply endpoints accept (JSON Schema 2020-12), for editors and CI to validate bundles kept as code.',
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'A JSON Schema document.', examples: [bundleSchemaExample] }) }
      }
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600')
      return bundleJsonSchema
    }
  )
}

/** The bundle schema as a plain JSON Schema document (TypeBox schemas are JSON Schema). */
export const bundleJsonSchema = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...JSON.parse(JSON.stringify(BundleSchema)) }

const bundleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:orgId/bundle',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Bundles'],
        operationId: 'pullBundle',
        summary: 'Pull the record as a bundle',
        description:
          'The whole record as one document to keep as code: the organisation profile, the five catalogues and every activity (retired ones too), entries in key order, linked by keys, without ids or metadata. Applying it unchanged changes nothing. `asOf` gives the record as it stood then, from the audit trail.',
        params: OrganisationParams,
        querystring: Type.Object(
          {
            asOf: Type.Optional(
              Instant(
                'The record as it stood at this instant (RFC 3339); a future instant reads as now. Entries written before keys existed get the key of their name.'
              )
            )
          },
          { additionalProperties: false }
        ),
        response: { 200: withExample(BundleSchema, bundleExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const asOf = request.query.asOf && clampToNow(request.query.asOf)
      return toBundle(await storedRecord(app.database, request.params.orgId, asOf))
    }
  )
}

export default bundleRoutes

import etag from '@fastify/etag'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { contextPath, ropaContextV1 } from './dpv-context.ts'

/** A released context never changes (a change is published as a new version), so clients may keep it for a year. */
const CACHE_CONTROL = 'public, max-age=31536000, immutable'

/** The JSON-LD context of the DPV export, public so that any JSON-LD processor can load it. */
const contextRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(etag)
  app.get(
    contextPath,
    {
      schema: {
        tags: ['Exports'],
        operationId: 'getRopaContext',
        summary: 'The JSON-LD context of the DPV export (version 1)',
        description:
          "The `@context` that `GET …/ropa?format=jsonld` refers to: the prefixes `dpv`, `eu-gdpr`, `loc`, `pd` and `ropa` (the API's own terms, `urn:ropa-api:ns#`) and a term for every key of the export. This version never changes; a change of meaning or a new term is published as `ropa-v2.jsonld`, and this one stays. No token needed; cacheable for a year (`immutable`), with an `ETag`.",
        response: {
          200: {
            description: 'The context document.',
            content: {
              'application/ld+json': {
                schema: Type.Object({ '@context': Type.Object({}, { additionalProperties: true }) }, { additionalProperties: false }),
                example: ropaContextV1
              }
            }
          }
        }
      }
    },
    async (_request, reply) => reply.type('application/ld+json; charset=utf-8').header('cache-control', CACHE_CONTROL).send(ropaContextV1)
  )
}

export default contextRoutes

import { readFileSync } from 'node:fs'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'

const description = readFileSync(new URL('./openapi.md', import.meta.url), 'utf8')

export const tags = [
  { name: 'Health', description: 'Liveness and readiness for orchestrators and load balancers.' },
  { name: 'Reference', description: 'GDPR reference data: the codes every record uses, each with its article. No token needed.' },
  { name: 'Problems', description: 'Descriptions of the problem types errors refer to.' },
  { name: 'Organisations', description: 'The controllers (or processors) whose records are kept: identity, contact, DPO and representative (Art. 30(1)(a)).' },
  { name: 'Data categories', description: 'Categories of personal data (Art. 30(1)(c)), with their Art. 9 and Art. 10 flags.' },
  { name: 'Data subject categories', description: 'Categories of data subjects (Art. 30(1)(c)).' },
  { name: 'Recipients', description: 'Categories of recipients (Art. 30(1)(d)).' },
  { name: 'Processors', description: 'Processors and their Art. 28 contracts and sub-processors.' },
  { name: 'Security measures', description: 'Technical and organisational measures (Arts. 30(1)(g), 32).' },
  {
    name: 'Activities',
    description:
      'The processing activities: the entries of the Art. 30 record, each with its purposes, categories, recipients, transfers, retention and security.'
  },
  {
    name: 'Findings',
    description: 'The record checked against the GDPR, rule by rule with the article each rests on, and the data subject rights each activity gives.'
  },
  { name: 'History', description: 'The record as it stood at any past instant, and what changed between two: read from the audit trail.' },
  { name: 'Exports', description: 'The whole record as JSON, CSV or XLSX, for auditors, supervisory authorities and scripts.' },
  {
    name: 'Bundles',
    description:
      'The record as code: the whole record as one document linked by keys, to keep in a repository, review in pull requests and apply; its JSON Schema for editors.'
  },
  {
    name: 'Snapshots',
    description:
      'The record frozen as it was at one instant, for a supervisory authority or an auditor: stored, hashed (SHA-256 over RFC 8785 canonical JSON) and signed (EdDSA), verifiable against /.well-known/jwks.json.'
  },
  { name: 'Audit', description: 'The change feed: who changed what, when, with the entity as it was after the change.' },
  {
    name: 'Webhooks',
    description: "The record's events POSTed to a URL as they happen, signed as Standard Webhooks says, retried for a day, every attempt listed."
  }
]

/** The OpenAPI 3.1 document (from the route schemas), served at /openapi.json and rendered at /docs. */
export default fp(
  async function openapi(app: FastifyInstance) {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'ROPA API', version: '1', description, license: { name: 'Apache-2.0', identifier: 'Apache-2.0' } },
        // Relative: the API is served from the origin that serves this document.
        servers: [{ url: '/', description: 'The server this document was read from.' }],
        tags,
        components: {
          securitySchemes: {
            bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A JWT with `sub`, `scope` and `orgs` claims.' }
          }
        }
      },
      refResolver: {
        buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`)
      }
    })
    // staticCSP: the pages get a Content-Security-Policy that admits Swagger UI's own scripts (the API's default would not).
    await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true, uiConfig: { deepLinking: true, defaultModelsExpandDepth: 0 } })
    app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' }
)

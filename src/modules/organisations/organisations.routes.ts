import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { organisationExamples as examples, withExample } from '../../example/openapi-examples.ts'
import { sendCreatedOnce } from '../../plugins/idempotency.ts'
import { unknownCountry } from '../../reference/country-checks.ts'
import { decodeCursor, encodeCursor, etagOf, ifMatchVersions, writeContext } from '../../shared/http.ts'
import { problemResponses } from '../../shared/problems.ts'
import { IfMatchHeaders, NameCursor, OrganisationParams, Page, PageQuery } from '../../shared/schemas.ts'
import { assertValid } from '../../shared/validation.ts'
import { createOrganisation, deleteOrganisation, getOrganisation, listOrganisations, updateOrganisation } from './organisations.repository.ts'
import { OrganisationCreateSchema, OrganisationPatchSchema, OrganisationSchema } from './organisations.schemas.ts'

const tags = ['Organisations']

const organisationsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db

  app.post(
    '',
    {
      config: { scope: scopes.platform },
      schema: {
        tags,
        operationId: 'createOrganisation',
        summary: 'Create an organisation',
        description:
          'Creates the controller (or processor) whose record will be kept. Only `name` and `country` are required. A `slug` another organisation has answers 409; `publicRegister` without a `slug` answers 422.',
        body: withExample(OrganisationCreateSchema, examples.create),
        response: {
          201: { ...OrganisationSchema, description: 'The organisation, with `Location` and `ETag` headers.', examples: [examples.entity] },
          ...problemResponses(400, 409, 422)
        }
      }
    },
    async (request, reply) => {
      assertValid([unknownCountry(request.body.country, '/body/country')])
      return sendCreatedOnce(
        request,
        reply,
        (context) => createOrganisation(db, request.body, context),
        (organisation) => `/v1/organisations/${organisation.id}`
      )
    }
  )

  app.get(
    '',
    {
      config: { scope: [scopes.read, scopes.platform] },
      schema: {
        tags,
        operationId: 'listOrganisations',
        summary: 'List the organisations the token may use',
        description: "The organisations in the token's `orgs` claim; with `ropa:platform`, all of them. Ordered by name.",
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: withExample(Page(OrganisationSchema, 'A page of organisations.'), examples.page), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor } = request.query
      const visible = request.principal.scopes.has(scopes.platform) ? undefined : request.principal.orgs
      const { items, last } = await listOrganisations(db, visible, limit, decodeCursor(NameCursor, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.get(
    '/:orgId',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'getOrganisation',
        summary: 'Read an organisation',
        params: OrganisationParams,
        response: { 200: { ...OrganisationSchema, description: 'The organisation, with its `ETag`.', examples: [examples.patched] }, ...problemResponses(400) }
      }
    },
    async (request, reply) => {
      const organisation = await getOrganisation(db, request.params.orgId)
      reply.header('etag', etagOf(organisation.version))
      return organisation
    }
  )

  app.patch(
    '/:orgId',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'updateOrganisation',
        summary: "Change the organisation's profile",
        description:
          'Replaces the given fields of the controller profile (identity, contact, DPO, Art. 27 representative, public-authority flag, employee count, supervisory authority). Send `If-Match` with the ETag you read to avoid overwriting a change made meanwhile. A `slug` another organisation has answers 409; `publicRegister` true without a `slug` (given or stored) answers 422.',
        params: OrganisationParams,
        headers: IfMatchHeaders,
        body: withExample(OrganisationPatchSchema, examples.patch),
        response: {
          200: { ...OrganisationSchema, description: 'The whole organisation after the change, with its new `ETag`.', examples: [examples.patched] },
          ...problemResponses(400, 409, 412, 422)
        }
      }
    },
    async (request, reply) => {
      assertValid([unknownCountry(request.body.country, '/body/country')])
      const organisation = await updateOrganisation(db, request.params.orgId, request.body, ifMatchVersions(request), writeContext(request))
      reply.header('etag', etagOf(organisation.version))
      return organisation
    }
  )

  app.delete(
    '/:orgId',
    {
      config: { scope: scopes.platform },
      schema: {
        tags,
        operationId: 'deleteOrganisation',
        summary: 'Delete an organisation and its whole record',
        description: 'Deletes the organisation and every record it owns in one transaction. Its audit events are kept. Honours `If-Match`.',
        params: OrganisationParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 412) }
      }
    },
    async (request, reply) => {
      await deleteOrganisation(db, request.params.orgId, ifMatchVersions(request), writeContext(request))
      return reply.code(204).send(null)
    }
  )
}

export default organisationsRoutes

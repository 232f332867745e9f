import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { SQL } from 'drizzle-orm'
import { Type, type TProperties, type TSchema } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { decodeCursor, encodeCursor, etagOf, ifMatchVersions, sendCreated, writeContext } from '../../shared/http.ts'
import { type FieldError, problemResponses } from '../../shared/problems.ts'
import { EntityMetadata, EntityParams, OrganisationParams, Page, PageQuery } from '../../shared/schemas.ts'
import { assertValid } from '../../shared/validation.ts'
import { catalogueRepository, type CatalogueStorage, type Entity, type Fields } from './catalogue.repository.ts'

export interface CatalogueResource extends CatalogueStorage {
  /** URL segment under /v1/organisations/{orgId}/, e.g. `data-categories`. */
  path: string
  /** For operationIds: `DataCategory`, `DataCategories`. */
  names: { one: string; many: string }
  tag: string
  /** What the resource is, with the article it serves; opens every operation's description. */
  about: string
  /** The fields a client sets. Each must accept every value it can store. */
  fields: TProperties
  /** Fields a create must name; the others take `defaults` (which may depend on what was given). */
  required: string[]
  defaults: (given: Fields) => Fields
  /** Query parameters besides `limit`, `cursor` and `q`. */
  filters: TProperties
  where: (query: Record<string, unknown>) => (SQL | undefined)[]
  /** Rules the schema cannot express, on the whole entry as it would be stored: 400 errors. */
  check: (entry: Fields) => (FieldError | undefined)[]
  example: Fields
}

const IfMatchHeaders = Type.Object({ 'if-match': Type.Optional(Type.String({ description: 'The ETag of the version the change is based on; a stale one answers 412.' })) })
const CursorSchema = Type.Object({ name: Type.String(), id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

/** The five operations of a catalogue resource: list, create, get, patch, delete. */
export function catalogueRoutes(resource: CatalogueResource): FastifyPluginAsyncTypebox {
  return async (app) => {
    const db = app.database.db
    const repository = catalogueRepository(resource)
    const tags = [resource.tag]
    const base = `/:orgId/${resource.path}`
    const EntitySchema = Type.Object({ ...EntityMetadata, ...resource.fields }, { additionalProperties: false, description: resource.about })
    const optional = Object.fromEntries(
      Object.entries(resource.fields).map(([key, schema]) => [key, resource.required.includes(key) ? schema : Type.Optional(schema as TSchema)])
    )
    const CreateSchema = Type.Object(optional, { additionalProperties: false, examples: [resource.example] })
    const PatchSchema = Type.Partial(Type.Object(resource.fields), { additionalProperties: false, minProperties: 1, description: 'The fields to replace; lists are replaced whole.' })
    const ListQuery = Type.Object(
      { ...PageQuery, q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only entries whose name or description contains this text (any case).' })), ...resource.filters },
      { additionalProperties: false }
    )
    const withPrefix = (errors: (FieldError | undefined)[]) => errors.map((error) => error && { ...error, path: `/body${error.path}` })
    const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/${resource.path}/${id}`

    app.get(
      base,
      {
        config: { scope: scopes.read },
        schema: {
          tags,
          operationId: `list${resource.names.many}`,
          summary: `List the ${resource.label} entries`,
          description: `${resource.about}\n\nOrdered by name (any case), then id; filters combine.`,
          params: OrganisationParams,
          querystring: ListQuery,
          response: { 200: Page(EntitySchema, `A page of ${resource.label} entries.`), ...problemResponses(400) }
        }
      },
      async (request) => {
        const { limit = 50, cursor, ...query } = request.query as { limit?: number; cursor?: string } & Record<string, unknown>
        const { items, last } = await repository.list(db, request.params.orgId, resource.where(query), limit, decodeCursor(CursorSchema, cursor))
        return { items, nextCursor: last ? encodeCursor(last) : null }
      }
    )

    app.post(
      base,
      {
        config: { scope: scopes.write },
        schema: {
          tags,
          operationId: `create${resource.names.one}`,
          summary: `Create a ${resource.label}`,
          description: `${resource.about}\n\nNames are unique in the organisation regardless of case (409 otherwise).`,
          params: OrganisationParams,
          body: CreateSchema,
          response: { 201: { ...EntitySchema, description: `The ${resource.label}, with \`Location\` and \`ETag\` headers.` }, ...problemResponses(400, 409, 422) }
        }
      },
      async (request, reply) => {
        const fields = { ...resource.defaults(request.body as Fields), ...(request.body as Fields) }
        assertValid(withPrefix(resource.check(fields)))
        const entity = await repository.create(db, request.params.orgId, fields, writeContext(request))
        return sendCreated(reply, location(request.params.orgId, entity.id), entity)
      }
    )

    app.get(
      `${base}/:id`,
      {
        config: { scope: scopes.read },
        schema: {
          tags,
          operationId: `get${resource.names.one}`,
          summary: `Read a ${resource.label}`,
          description: resource.about,
          params: EntityParams,
          response: { 200: { ...EntitySchema, description: `The ${resource.label}, with its \`ETag\`.` }, ...problemResponses(400) }
        }
      },
      async (request, reply) => {
        const entity = await repository.get(db, request.params.orgId, request.params.id)
        reply.header('etag', etagOf(entity.version))
        return entity
      }
    )

    app.patch(
      `${base}/:id`,
      {
        config: { scope: scopes.write },
        schema: {
          tags,
          operationId: `update${resource.names.one}`,
          summary: `Change a ${resource.label}`,
          description: `Replaces the given fields. Send \`If-Match\` with the ETag you read to avoid overwriting a change made meanwhile.`,
          params: EntityParams,
          headers: IfMatchHeaders,
          body: PatchSchema,
          response: { 200: { ...EntitySchema, description: `The whole ${resource.label} after the change, with its new \`ETag\`.` }, ...problemResponses(400, 409, 412, 422) }
        }
      },
      async (request, reply) => {
        const entity = await repository.update(db, request.params.orgId, request.params.id, request.body as Fields, ifMatchVersions(request), writeContext(request), (merged: Entity) =>
          assertValid(withPrefix(resource.check(merged)))
        )
        reply.header('etag', etagOf(entity.version))
        return entity
      }
    )

    app.delete(
      `${base}/:id`,
      {
        config: { scope: scopes.write },
        schema: {
          tags,
          operationId: `delete${resource.names.one}`,
          summary: `Delete a ${resource.label}`,
          description: 'Deletes the entry if nothing links to it; otherwise answers 409 and lists what does (`references`). Honours `If-Match`.',
          params: EntityParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 409, 412) }
        }
      },
      async (request, reply) => {
        await repository.remove(db, request.params.orgId, request.params.id, ifMatchVersions(request), writeContext(request))
        return reply.code(204).send(null)
      }
    )
  }
}

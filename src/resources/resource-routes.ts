import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type Static, type TObject, type TProperties, type TSchema, Type } from 'typebox'
import { scopes } from '../auth/scopes.ts'
import type { Database, DatabaseHandle } from '../db/client.ts'
import { type ResourceExamples, withExample } from '../example/openapi-examples.ts'
import { entityAsOf } from '../modules/history/history.repository.ts'
import { sendCreatedOnce } from '../plugins/idempotency.ts'
import { decodeCursor, encodeCursor, etagOf, ifMatchVersions, type WriteContext, writeContext } from '../shared/http.ts'
import { problemResponses } from '../shared/problems.ts'
import { EntityParams, IfMatchHeaders, Instant, NameCursor, OrganisationParams, Page, PageQuery } from '../shared/schemas.ts'

type Position = { name: string; id: string }
/** What the routes need of every stored entity: its URL and its ETag. */
type Stored = { id: string; version: number }

/**
 * A page of entries: as objects, or as each entry's JSON text when the database wrote it (in the
 * entity schema's shape), which is sent as it is instead of being parsed and serialised again.
 */
export type ListedPage<Entity> = ({ items: Entity[] } | { itemsJson: string[] }) & { last?: Position | undefined }

/** What an organisation-owned resource stores and how; the routes are the same for all of them. */
export interface ResourceStore<Entity extends Stored, Create, Patch, Query> {
  list(organisationId: string, query: Query, limit: number, after?: Position): Promise<ListedPage<Entity>>
  create(organisationId: string, body: Create, context: WriteContext): Promise<Entity>
  get(organisationId: string, id: string): Promise<Entity>
  /** The entry's JSON text as the database wrote it (in the entity schema's shape), and its version; used by the read when present. */
  getJson?(organisationId: string, id: string): Promise<{ version: number; json: string }>
  update(organisationId: string, id: string, patch: Patch, expectedVersions: number[] | undefined, context: WriteContext): Promise<Entity>
  remove(organisationId: string, id: string, expectedVersions: number[] | undefined, context: WriteContext): Promise<void>
}

/** The schemas of a resource and its store, whose types are those of the schemas (the defaults admit any object schema). */
export interface ResourceDefinition<
  Entity extends TObject = TObject,
  Create extends TObject = TObject,
  Patch extends TObject = TObject,
  Filters extends TProperties = TProperties
> {
  /** URL segment under /v1/organisations/{orgId}/, e.g. `data-categories`. */
  path: string
  /** For operationIds: `DataCategory`, `DataCategories`. */
  names: { one: string; many: string }
  label: string
  /** The entity type of its audit events, which the `asOf` reads come from. */
  entityType: string
  tag: string
  /** What the resource is, with the article it serves. */
  about: string
  entity: Entity
  create: Create
  patch: Patch
  /** Query parameters besides `limit` and `cursor`. */
  filters: Filters
  /** Extra words for the create and delete descriptions. */
  createNote: string
  deleteNote: string
  /** The problems a create, a patch and a delete may answer besides 400 (and the auth ones). */
  problems: { create: number[]; patch: number[]; delete: number[] }
  /** The examples of the OpenAPI document (src/example/openapi-examples.ts). */
  examples: ResourceExamples
  /** `kind` lets a store choose how it reads on each database (the first run and bundles pass none). */
  store: (db: Database, kind?: DatabaseHandle['kind']) => ResourceStore<Static<Entity> & Stored, Static<Create>, Static<Patch>, Static<TObject<Filters>>>
}

/**
 * The request part Fastify validated against `schema` before the handler ran. Its type provider cannot
 * follow a schema that is a type parameter, so this says what the validation proved.
 */
const validated = <S extends TSchema>(_schema: S, value: unknown) => value as Static<S>

// Route types named outright, for the same reason; the response schemas still shape what is sent.
type OnOrganisation<Reply> = { Params: Static<typeof OrganisationParams>; Reply: Reply }
type OnEntity<Reply> = { Params: Static<typeof EntityParams>; Headers: Static<typeof IfMatchHeaders>; Reply: Reply }

/** List, create, get, patch and delete of one organisation-owned resource, with ETags, If-Match, keyset pages and audit. */
export function resourceRoutes<Entity extends TObject, Create extends TObject, Patch extends TObject, Filters extends TProperties>(
  resource: ResourceDefinition<Entity, Create, Patch, Filters>
): FastifyPluginAsyncTypebox {
  return async (app) => {
    const store = resource.store(app.database.db, app.database.kind)
    const tags = [resource.tag]
    const base = `/:orgId/${resource.path}`
    const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/${resource.path}/${id}`
    const ListQuery = Type.Object({ ...PageQuery, ...resource.filters }, { additionalProperties: false })
    const AsOfQuery = Type.Object({ asOf: Type.Optional(Instant('Read the entry as it stood at this instant (RFC 3339).')) }, { additionalProperties: false })

    app.get<OnOrganisation<{ items: Stored[]; nextCursor: string | null } | string>>(
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
          response: { 200: withExample(Page(resource.entity, `A page of ${resource.label} entries.`), resource.examples.page), ...problemResponses(400) }
        }
      },
      async (request, reply) => {
        const { limit = 50, cursor } = validated(Type.Object(PageQuery), request.query)
        const page = await store.list(request.params.orgId, validated(Type.Object(resource.filters), request.query), limit, decodeCursor(NameCursor, cursor))
        const nextCursor = page.last ? encodeCursor(page.last) : null
        if ('items' in page) return { items: page.items, nextCursor }
        // A JSON string with a JSON content type is sent as it is: Fastify serialises only objects.
        return reply.type('application/json; charset=utf-8').send(`{"items":[${page.itemsJson.join(',')}],"nextCursor":${JSON.stringify(nextCursor)}}`)
      }
    )

    app.post<OnOrganisation<Stored>>(
      base,
      {
        config: { scope: scopes.write },
        schema: {
          tags,
          operationId: `create${resource.names.one}`,
          summary: `Create a ${resource.label}`,
          description: `${resource.about}\n\n${resource.createNote}`,
          params: OrganisationParams,
          body: withExample(resource.create, resource.examples.create),
          response: {
            201: { ...resource.entity, description: `The ${resource.label}, with \`Location\` and \`ETag\` headers.`, examples: [resource.examples.entity] },
            ...problemResponses(400, ...resource.problems.create)
          }
        }
      },
      async (request, reply) => {
        const { orgId } = request.params
        return sendCreatedOnce(
          request,
          reply,
          (context) => store.create(orgId, validated(resource.create, request.body), context),
          (entity) => location(orgId, entity.id)
        )
      }
    )

    app.get<OnEntity<Stored | string>>(
      `${base}/:id`,
      {
        config: { scope: scopes.read },
        schema: {
          tags,
          operationId: `get${resource.names.one}`,
          summary: `Read a ${resource.label}`,
          description: `${resource.about}\n\nAnswers the entry as the last write stored it, with its \`ETag\`; with \`asOf\`, as it stood at that instant (404 if it did not exist then; a future instant reads as now).`,
          params: EntityParams,
          querystring: AsOfQuery,
          response: { 200: { ...resource.entity, description: `The ${resource.label}.`, examples: [resource.examples.patched] }, ...problemResponses(400) }
        }
      },
      async (request, reply) => {
        const { asOf } = validated(AsOfQuery, request.query)
        if (!asOf && store.getJson) {
          const { version, json } = await store.getJson(request.params.orgId, request.params.id)
          return reply.header('etag', etagOf(version)).type('application/json; charset=utf-8').send(json)
        }
        const entity = asOf
          ? // Cast: a snapshot is the entity as its store answered it when the audit event was recorded (see above).
            ((await entityAsOf(app.database.db, request.params.orgId, resource.entityType, request.params.id, asOf, resource.label)) as Stored)
          : await store.get(request.params.orgId, request.params.id)
        reply.header('etag', etagOf(entity.version))
        return entity
      }
    )

    app.patch<OnEntity<Stored>>(
      `${base}/:id`,
      {
        config: { scope: scopes.write },
        schema: {
          tags,
          operationId: `update${resource.names.one}`,
          summary: `Change a ${resource.label}`,
          description:
            'Replaces the given fields; lists (and nested objects) are replaced whole. Send `If-Match` with the ETag you read to avoid overwriting a change made meanwhile.',
          params: EntityParams,
          headers: IfMatchHeaders,
          body: withExample(resource.patch, resource.examples.patch),
          response: {
            200: {
              ...resource.entity,
              description: `The whole ${resource.label} after the change, with its new \`ETag\`.`,
              examples: [resource.examples.patched]
            },
            ...problemResponses(400, 412, ...resource.problems.patch)
          }
        }
      },
      async (request, reply) => {
        const entity = await store.update(
          request.params.orgId,
          request.params.id,
          validated(resource.patch, request.body),
          ifMatchVersions(request),
          writeContext(request)
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
          description: `${resource.deleteNote} Honours \`If-Match\`.`,
          params: EntityParams,
          headers: IfMatchHeaders,
          response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 412, ...resource.problems.delete) }
        }
      },
      async (request, reply) => {
        await store.remove(request.params.orgId, request.params.id, ifMatchVersions(request), writeContext(request))
        return reply.code(204).send(null)
      }
    )
  }
}

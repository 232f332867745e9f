import type { SQL } from 'drizzle-orm'
import { type TProperties, type TSchema, Type } from 'typebox'
import type { ResourceExamples } from '../example/openapi-examples.ts'
import type { FieldError } from '../shared/problems.ts'
import { EntityMetadata } from '../shared/schemas.ts'
import { assertValid } from '../shared/validation.ts'
import { type CatalogueStorage, catalogueRepository, type Fields } from './catalogue.repository.ts'
import { type ResourceDefinition, resourceRoutes } from './resource-routes.ts'

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
  examples: ResourceExamples
}

/** The five operations of a catalogue resource, on the generic repository. */
export const catalogueRoutes = (resource: CatalogueResource) => resourceRoutes(catalogueDefinition(resource))

/** The resource definition of a catalogue resource: its schemas and its store (also used without HTTP, by the first run). */
export function catalogueDefinition(resource: CatalogueResource): ResourceDefinition {
  const optional = Object.fromEntries(
    Object.entries(resource.fields).map(([key, schema]) => [key, resource.required.includes(key) ? schema : Type.Optional(schema as TSchema)])
  )
  const checked = (entry: Fields) => assertValid(resource.check(entry).map((error) => error && { ...error, path: `/body${error.path}` }))
  return {
    ...resource,
    entity: Type.Object({ ...EntityMetadata, ...resource.fields }, { additionalProperties: false, description: resource.about }),
    create: Type.Object(optional, { additionalProperties: false }),
    patch: Type.Partial(Type.Object(resource.fields), {
      additionalProperties: false,
      minProperties: 1,
      description: 'The fields to replace; lists are replaced whole.'
    }),
    filters: {
      q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only entries whose name or description contains this text (any case).' })),
      ...resource.filters
    },
    createNote: 'Names are unique in the organisation regardless of case (409 otherwise).',
    deleteNote: 'Deletes the entry if nothing links to it; otherwise answers 409 and lists what does (`references`).',
    problems: { create: [409, 422], patch: [409, 422], delete: [409] },
    store: (db) => {
      const repository = catalogueRepository(resource)
      return {
        list: (organisationId, query, limit, after) => repository.list(db, organisationId, resource.where(query), limit, after),
        create: (organisationId, body, context) => {
          const fields = { ...resource.defaults(body), ...body }
          checked(fields)
          return repository.create(db, organisationId, fields, context)
        },
        get: (organisationId, id) => repository.get(db, organisationId, id),
        update: (organisationId, id, patch, expectedVersions, context) => repository.update(db, organisationId, id, patch, expectedVersions, context, checked),
        remove: (organisationId, id, expectedVersions, context) => repository.remove(db, organisationId, id, expectedVersions, context)
      }
    }
  }
}

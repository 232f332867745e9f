import { type Static, type TObject, type TProperties, type TSchema, Type } from 'typebox'
import type { ResourceExamples } from '../example/openapi-examples.ts'
import { Key, ManagedBy } from '../shared/keys.ts'
import type { FieldError } from '../shared/problems.ts'
import { EntityMetadata } from '../shared/schemas.ts'
import { assertValid } from '../shared/validation.ts'
import { type CatalogueEntity, type CatalogueStorage, catalogueRepository } from './catalogue.repository.ts'
import { type ResourceDefinition, resourceRoutes } from './resource-routes.ts'

/** The query parameter every catalogue list has besides its own filters. */
const textQuery = {
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Only entries whose name or description contains this text (any case).' }))
}

/** The query of a list of catalogue entries with these filters. */
export type CatalogueQuery<Filters extends TProperties> = Static<TObject<typeof textQuery & Filters>>

/** A catalogue entry as stored, without the metadata the server keeps. */
export type EntryFields<Entity extends TObject> = Omit<Static<Entity>, keyof typeof EntityMetadata>

/**
 * The schemas of a catalogue entry from the fields a client sets: those not required on create are
 * `Type.Optional`. The entry answers every field; a patch names at least one.
 */
export function catalogueSchemas<Fields extends TProperties & { name: TSchema }>(fields: Fields, about: string) {
  const all = { ...fields, ...bundleFields }
  return {
    entity: Type.Required(Type.Object({ ...EntityMetadata, ...all }), { additionalProperties: false, description: about }),
    create: Type.Object(all, { additionalProperties: false }),
    patch: Type.Partial(Type.Object(all), { additionalProperties: false, minProperties: 1, description: 'The fields to replace; lists are replaced whole.' })
  }
}

/** The fields of every entry that a bundle (the record as code) relies on. */
export const bundleFields = {
  key: Type.Optional(
    Key(
      'The key bundles link by: unique for this kind of entry in the organisation, and stable when the name changes. Assigned from the name when not given (`Contact details` → `contact-details`, then `-2`, `-3` …).'
    )
  ),
  managedBy: Type.Optional(
    ManagedBy(
      'Who manages the entry, e.g. `repo:acme/shop`: applying a bundle with pruning deletes only entries of the owner it names. Null (the default) for entries kept by hand.'
    )
  )
}

/** An entry as a create completes it: the key may still be missing (the repository assigns one from the name). */
export type Completed<Entry> = Omit<Entry, 'key' | 'managedBy'> & { key?: string; managedBy?: string | null }

export interface CatalogueResource<Entity extends TObject, Create extends TObject, Patch extends TObject, Filters extends TProperties>
  extends CatalogueStorage<EntryFields<Entity>, Static<Patch>, CatalogueQuery<Filters>> {
  /** URL segment under /v1/organisations/{orgId}/, e.g. `data-categories`. */
  path: string
  /** For operationIds: `DataCategory`, `DataCategories`. */
  names: { one: string; many: string }
  tag: string
  /** What the resource is, with the article it serves; opens every operation's description. */
  about: string
  /** From `catalogueSchemas`. */
  schemas: { entity: Entity; create: Create; patch: Patch }
  /** The entry a create stores: the fields given, the others at their defaults (which may depend on what was given). */
  complete: (given: Static<Create>) => Completed<EntryFields<Entity>>
  /** Query parameters besides `limit`, `cursor` and `q`. */
  filters: Filters
  /** Rules the schema cannot express, on the whole entry as it would be stored: 400 errors. */
  check: (entry: Completed<EntryFields<Entity>>) => (FieldError | undefined)[]
  examples: ResourceExamples
}

/** A catalogue resource, its functions typed by its schemas and filters. */
export const catalogueResource = <Entity extends TObject, Create extends TObject, Patch extends TObject, Filters extends TProperties>(
  resource: CatalogueResource<Entity, Create, Patch, Filters>
) => resource

/** The five operations of a catalogue resource, on the generic repository. */
export const catalogueRoutes = <Entity extends TObject, Create extends TObject, Patch extends TObject, Filters extends TProperties>(
  resource: CatalogueResource<Entity, Create, Patch, Filters>
) => resourceRoutes(catalogueDefinition(resource))

/** The resource definition of a catalogue resource: its schemas and its store (also used without HTTP, by the first run). */
export function catalogueDefinition<Entity extends TObject, Create extends TObject, Patch extends TObject, Filters extends TProperties>(
  resource: CatalogueResource<Entity, Create, Patch, Filters>
): ResourceDefinition<Entity, Create, Patch, typeof textQuery & Filters> {
  const checked = (entry: Completed<EntryFields<Entity>>) =>
    assertValid(resource.check(entry).map((error) => error && { ...error, path: `/body${error.path}` }))
  return {
    ...resource,
    ...resource.schemas,
    filters: { ...textQuery, ...resource.filters },
    createNote: 'Names are unique in the organisation regardless of case, and so are keys (409 otherwise).',
    deleteNote: 'Deletes the entry if nothing links to it; otherwise answers 409 and lists what does (`references`).',
    problems: { create: [409, 422], patch: [409, 422], delete: [409] },
    store: (db) => {
      const repository = catalogueRepository<Static<Entity> & CatalogueEntity, EntryFields<Entity>, Static<Patch>, CatalogueQuery<Filters>>(resource)
      return {
        list: (organisationId, query, limit, after) => repository.list(db, organisationId, query, limit, after),
        create: (organisationId, body, context) => {
          const entry = resource.complete(body)
          checked(entry)
          return repository.create(db, organisationId, entry, context)
        },
        get: (organisationId, id) => repository.get(db, organisationId, id),
        update: (organisationId, id, patch, expectedVersions, context) => repository.update(db, organisationId, id, patch, expectedVersions, context, checked),
        remove: (organisationId, id, expectedVersions, context) => repository.remove(db, organisationId, id, expectedVersions, context)
      }
    }
  }
}

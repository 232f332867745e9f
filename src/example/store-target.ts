import type { Static, TSchema } from 'typebox'
import { Value } from 'typebox/value'
import type { Database } from '../db/client.ts'
import { activitiesDefinition } from '../modules/activities/activities.routes.ts'
import { dataCategoriesResource } from '../modules/data-categories/data-categories.resource.ts'
import { dataSubjectCategoriesResource } from '../modules/data-subject-categories/data-subject-categories.resource.ts'
import { createOrganisation } from '../modules/organisations/organisations.repository.ts'
import { OrganisationCreateSchema } from '../modules/organisations/organisations.schemas.ts'
import { processorsResource } from '../modules/processors/processors.resource.ts'
import { recipientsResource } from '../modules/recipients/recipients.resource.ts'
import { securityMeasuresResource } from '../modules/security-measures/security-measures.resource.ts'
import { unknownCountry } from '../reference/country-checks.ts'
import { catalogueDefinition } from '../resources/catalogue-resource.ts'
import type { ResourceDefinition } from '../resources/resource-routes.ts'
import type { WriteContext } from '../shared/http.ts'
import { ApiProblem, describeErrors, type FieldError } from '../shared/problems.ts'
import { assertValid } from '../shared/validation.ts'
import type { BundleTarget } from './bundle.ts'

const definitions = new Map<string, ResourceDefinition>(
  [
    catalogueDefinition(dataCategoriesResource),
    catalogueDefinition(dataSubjectCategoriesResource),
    catalogueDefinition(recipientsResource),
    catalogueDefinition(securityMeasuresResource),
    catalogueDefinition(processorsResource),
    activitiesDefinition
  ].map((definition) => [definition.path, definition])
)

/** The body checked against the schema its route validates it with: a 400 naming each offending field otherwise. */
function validBody<S extends TSchema>(schema: S, body: Record<string, unknown>): Static<S> {
  if (Value.Check(schema, body)) return body
  const errors: FieldError[] = [...Value.Errors(schema, body)].map((error) =>
    error.keyword === 'additionalProperties'
      ? { path: `/body${error.instancePath}/${error.params.additionalProperties.join(', ')}`, message: 'is not a known property' }
      : { path: `/body${error.instancePath}`, message: error.message }
  )
  throw new ApiProblem('validation_failed', describeErrors(errors), { errors })
}

function definitionOf(path: string): ResourceDefinition {
  const definition = definitions.get(path)
  if (!definition) throw new Error(`there is no resource ${path}`)
  return definition
}

/**
 * A target that writes with the resources' own stores on `db` (pass a transaction to make the whole
 * load one), after the same checks their routes make: the create or patch schema, then the store's
 * rules. No HTTP hook runs, so neither load shedding nor rate limits can refuse a step.
 */
export function storeTarget(db: Database, context: WriteContext): BundleTarget {
  return {
    async createOrganisation(body) {
      const input = validBody(OrganisationCreateSchema, body)
      assertValid([unknownCountry(input.country, '/body/country')])
      return (await createOrganisation(db, input, context)).id
    },
    async create(path, organisationId, body) {
      const definition = definitionOf(path)
      return (await definition.store(db).create(organisationId, validBody(definition.create, body), context)).id
    },
    async update(path, organisationId, id, body) {
      const definition = definitionOf(path)
      await definition.store(db).update(organisationId, id, validBody(definition.patch, body), undefined, context)
    }
  }
}

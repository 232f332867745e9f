import { type Static, Type } from 'typebox'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { specialCategories } from '../../reference/special-categories.ts'
import { type CatalogueQuery, catalogueResource, catalogueRoutes, catalogueSchemas } from '../../resources/catalogue-resource.ts'
import { Description, Nullable, Text } from '../../shared/schemas.ts'
import { dataCategoriesStorage } from './data-categories.repository.ts'

const specialCategoryCodes = specialCategories.map((category) => category.code)

const about =
  'A category of personal data the organisation processes (Art. 30(1)(c)), flagged when it is a special category of Art. 9(1) or concerns criminal convictions and offences (Art. 10). Activities link to it, and retention is recorded per data category (Art. 30(1)(f)).'

const filters = {
  specialCategory: Type.Optional(
    Type.Enum([...specialCategoryCodes, 'any', 'none'], { description: 'One special category, `any` special category, or `none`.' })
  ),
  criminal: Type.Optional(Type.Boolean({ description: 'Only Art. 10 data (true) or only other data (false).' }))
}

export const dataCategorySchemas = catalogueSchemas(
  {
    name: Text(300, 'Name of the category, unique in the organisation regardless of case.', ['Contact details']),
    description: Type.Optional(Description()),
    specialCategory: Type.Optional(
      Nullable(Type.Enum(specialCategoryCodes), 'The Art. 9(1) special category the data reveal or concern (see /v1/reference/special-categories), or null.')
    ),
    criminal: Type.Optional(Type.Boolean({ description: 'Personal data relating to criminal convictions and offences (Art. 10).' }))
  },
  about
)

export type DataCategory = Static<typeof dataCategorySchemas.entity>
export type DataCategoryCreate = Static<typeof dataCategorySchemas.create>
export type DataCategoryPatch = Static<typeof dataCategorySchemas.patch>
export type DataCategoryQuery = CatalogueQuery<typeof filters>

export const dataCategoriesResource = catalogueResource({
  ...dataCategoriesStorage,
  path: 'data-categories',
  names: { one: 'DataCategory', many: 'DataCategories' },
  tag: 'Data categories',
  label: 'data category',
  entityType: 'data_category',
  about,
  schemas: dataCategorySchemas,
  complete: (given) => ({ description: null, specialCategory: null, criminal: false, ...given }),
  filters,
  check: () => [],
  examples: catalogueExamples['data-categories']
})

export default catalogueRoutes(dataCategoriesResource)

import { isNotNull, isNull } from 'drizzle-orm'
import { Type } from 'typebox'
import { dataCategories } from '../../db/schema/index.ts'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { specialCategories } from '../../reference/special-categories.ts'
import { equalsIfGiven, textFilter } from '../../resources/catalogue.repository.ts'
import { type CatalogueResource, catalogueRoutes } from '../../resources/catalogue-resource.ts'
import { Description, Nullable, Text } from '../../shared/schemas.ts'
import { linkedActivities } from '../activities/activities.repository.ts'

const specialCategoryCodes = specialCategories.map((category) => category.code)

export const dataCategoriesResource: CatalogueResource = {
  path: 'data-categories',
  names: { one: 'DataCategory', many: 'DataCategories' },
  tag: 'Data categories',
  label: 'data category',
  entityType: 'data_category',
  about:
    'A category of personal data the organisation processes (Art. 30(1)(c)), flagged when it is a special category of Art. 9(1) or concerns criminal convictions and offences (Art. 10). Activities link to it, and retention is recorded per data category (Art. 30(1)(f)).',
  table: dataCategories,
  fields: {
    name: Text(300, 'Name of the category, unique in the organisation regardless of case.', ['Contact details']),
    description: Description(),
    specialCategory: Nullable(
      Type.Enum(specialCategoryCodes),
      'The Art. 9(1) special category the data reveal or concern (see /v1/reference/special-categories), or null.'
    ),
    criminal: Type.Boolean({ description: 'Personal data relating to criminal convictions and offences (Art. 10).' })
  },
  required: ['name'],
  defaults: () => ({ description: null, specialCategory: null, criminal: false }),
  filters: {
    specialCategory: Type.Optional(
      Type.Enum([...specialCategoryCodes, 'any', 'none'], { description: 'One special category, `any` special category, or `none`.' })
    ),
    criminal: Type.Optional(Type.Boolean({ description: 'Only Art. 10 data (true) or only other data (false).' }))
  },
  where: (query) => [
    textFilter(dataCategories, query.q as string | undefined),
    query.specialCategory === 'any'
      ? isNotNull(dataCategories.specialCategory)
      : query.specialCategory === 'none'
        ? isNull(dataCategories.specialCategory)
        : equalsIfGiven(dataCategories.specialCategory, query.specialCategory),
    equalsIfGiven(dataCategories.criminal, query.criminal)
  ],
  check: () => [],
  referencedBy: [linkedActivities('data_category_id')],
  examples: catalogueExamples['data-categories']
}

export default catalogueRoutes(dataCategoriesResource)

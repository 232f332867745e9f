import { type Static, Type } from 'typebox'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { type CatalogueQuery, catalogueResource, catalogueRoutes, catalogueSchemas } from '../../resources/catalogue-resource.ts'
import { Description, Text } from '../../shared/schemas.ts'
import { dataSubjectCategoriesStorage } from './data-subject-categories.repository.ts'

const about =
  'A category of data subjects (Art. 30(1)(c)): the people whose data an activity concerns. Children and vulnerable people are flagged, since they weigh in the balancing test of Art. 6(1)(f), in consent (Art. 8) and in DPIA screening (WP248 criterion 7).'

const filters = {
  includesChildren: Type.Optional(Type.Boolean({ description: 'Only categories that include (true) or exclude (false) children.' })),
  vulnerable: Type.Optional(Type.Boolean({ description: 'Only vulnerable (true) or other (false) categories.' }))
}

export const dataSubjectCategorySchemas = catalogueSchemas(
  {
    name: Text(300, 'Name of the category, unique in the organisation regardless of case.', ['Employees']),
    description: Type.Optional(Description()),
    includesChildren: Type.Optional(Type.Boolean({ description: 'The category includes children (Arts. 6(1)(f), 8).' })),
    vulnerable: Type.Optional(
      Type.Boolean({ description: 'The category includes vulnerable people: employees, patients, the elderly, asylum seekers (WP248 criterion 7).' })
    )
  },
  about
)

export type DataSubjectCategory = Static<typeof dataSubjectCategorySchemas.entity>
export type DataSubjectCategoryCreate = Static<typeof dataSubjectCategorySchemas.create>
export type DataSubjectCategoryPatch = Static<typeof dataSubjectCategorySchemas.patch>
export type DataSubjectCategoryQuery = CatalogueQuery<typeof filters>

export const dataSubjectCategoriesResource = catalogueResource({
  ...dataSubjectCategoriesStorage,
  path: 'data-subject-categories',
  names: { one: 'DataSubjectCategory', many: 'DataSubjectCategories' },
  tag: 'Data subject categories',
  label: 'data subject category',
  entityType: 'data_subject_category',
  about,
  schemas: dataSubjectCategorySchemas,
  complete: (given) => ({ description: null, includesChildren: false, vulnerable: false, ...given }),
  filters,
  check: () => [],
  examples: catalogueExamples['data-subject-categories']
})

export default catalogueRoutes(dataSubjectCategoriesResource)

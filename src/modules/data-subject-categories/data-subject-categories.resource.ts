import { Type } from 'typebox'
import { dataSubjectCategories } from '../../db/schema/index.ts'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { equalsIfGiven, textFilter } from '../../resources/catalogue.repository.ts'
import { type CatalogueResource, catalogueRoutes } from '../../resources/catalogue-resource.ts'
import { Description, Text } from '../../shared/schemas.ts'
import { linkedActivities } from '../activities/activities.repository.ts'

export const dataSubjectCategoriesResource: CatalogueResource = {
  path: 'data-subject-categories',
  names: { one: 'DataSubjectCategory', many: 'DataSubjectCategories' },
  tag: 'Data subject categories',
  label: 'data subject category',
  entityType: 'data_subject_category',
  about:
    'A category of data subjects (Art. 30(1)(c)): the people whose data an activity concerns. Children and vulnerable people are flagged, since they weigh in the balancing test of Art. 6(1)(f), in consent (Art. 8) and in DPIA screening (WP248 criterion 7).',
  table: dataSubjectCategories,
  fields: {
    name: Text(300, 'Name of the category, unique in the organisation regardless of case.', ['Employees']),
    description: Description(),
    includesChildren: Type.Boolean({ description: 'The category includes children (Arts. 6(1)(f), 8).' }),
    vulnerable: Type.Boolean({ description: 'The category includes vulnerable people: employees, patients, the elderly, asylum seekers (WP248 criterion 7).' })
  },
  required: ['name'],
  defaults: () => ({ description: null, includesChildren: false, vulnerable: false }),
  filters: {
    includesChildren: Type.Optional(Type.Boolean({ description: 'Only categories that include (true) or exclude (false) children.' })),
    vulnerable: Type.Optional(Type.Boolean({ description: 'Only vulnerable (true) or other (false) categories.' }))
  },
  where: (query) => [
    textFilter(dataSubjectCategories, query.q as string | undefined),
    equalsIfGiven(dataSubjectCategories.includesChildren, query.includesChildren),
    equalsIfGiven(dataSubjectCategories.vulnerable, query.vulnerable)
  ],
  check: () => [],
  referencedBy: [linkedActivities('data_subject_category_id')],
  examples: catalogueExamples['data-subject-categories']
}

export default catalogueRoutes(dataSubjectCategoriesResource)

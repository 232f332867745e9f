import { dataSubjectCategories } from '../../db/schema/index.ts'
import { equalsIfGiven } from '../../resources/catalogue.repository.ts'
import { linkedActivities } from '../activities/activities.repository.ts'
import type { DataSubjectCategoryQuery } from './data-subject-categories.resource.ts'

/** Where data subject categories are stored, how a list filters them, and what links to one. */
export const dataSubjectCategoriesStorage = {
  table: dataSubjectCategories,
  where: (query: DataSubjectCategoryQuery) => [
    equalsIfGiven(dataSubjectCategories.includesChildren, query.includesChildren),
    equalsIfGiven(dataSubjectCategories.vulnerable, query.vulnerable)
  ],
  referencedBy: [linkedActivities('data_subject_category_id')]
}

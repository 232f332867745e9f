import { isNotNull, isNull } from 'drizzle-orm'
import { dataCategories } from '../../db/schema/index.ts'
import { equalsIfGiven } from '../../resources/catalogue.repository.ts'
import { linkedActivities } from '../activities/activities.repository.ts'
import type { DataCategoryQuery } from './data-categories.resource.ts'

function specialCategoryIs(value: DataCategoryQuery['specialCategory']) {
  if (value === 'any') return isNotNull(dataCategories.specialCategory)
  if (value === 'none') return isNull(dataCategories.specialCategory)
  return equalsIfGiven(dataCategories.specialCategory, value)
}

/** Where data categories are stored, how a list filters them, and what links to one. */
export const dataCategoriesStorage = {
  table: dataCategories,
  where: (query: DataCategoryQuery) => [specialCategoryIs(query.specialCategory), equalsIfGiven(dataCategories.criminal, query.criminal)],
  referencedBy: [linkedActivities('data_category_id')]
}

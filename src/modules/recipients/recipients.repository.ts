import { recipients } from '../../db/schema/index.ts'
import { equalsIfGiven } from '../../resources/catalogue.repository.ts'
import { linkedActivities } from '../activities/activities.repository.ts'
import type { RecipientQuery } from './recipients.resource.ts'

/** Where recipients are stored, how a list filters them, and what links to one. */
export const recipientsStorage = {
  table: recipients,
  where: (query: RecipientQuery) => [equalsIfGiven(recipients.type, query.type), equalsIfGiven(recipients.country, query.country)],
  referencedBy: [linkedActivities('recipient_id')]
}

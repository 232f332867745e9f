import { securityMeasures } from '../../db/schema/index.ts'
import { equalsIfGiven } from '../../resources/catalogue.repository.ts'
import { linkedActivities } from '../activities/activities.repository.ts'
import type { SecurityMeasureQuery } from './security-measures.resource.ts'

/** Where security measures are stored, how a list filters them, and what links to one. */
export const securityMeasuresStorage = {
  table: securityMeasures,
  where: (query: SecurityMeasureQuery) => [
    equalsIfGiven(securityMeasures.type, query.type),
    equalsIfGiven(securityMeasures.code, query.code),
    equalsIfGiven(securityMeasures.appliesToAllActivities, query.appliesToAllActivities)
  ],
  referencedBy: [linkedActivities('security_measure_id')]
}

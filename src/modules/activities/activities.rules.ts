import { unknownCountry } from '../../reference/country-checks.ts'
import type { FieldError } from '../../shared/problems.ts'
import type { UnkeyedActivityFields } from './activities.schemas.ts'

/**
 * What makes an activity malformed beyond its schema (400): codes and combinations that cannot be
 * right. What is merely incomplete (no legal basis, no retention) is left to the findings.
 */
export function activityErrors(activity: UnkeyedActivityFields): FieldError[] {
  return activity.transfers.flatMap((transfer, index): FieldError[] => {
    const at = `/body/transfers/${index}`
    const errors: (FieldError | undefined)[] = [
      unknownCountry(transfer.country, `${at}/country`),
      transfer.sccModule !== null && transfer.mechanism !== '46.2.c'
        ? { path: `${at}/sccModule`, message: 'an SCC module applies only to mechanism 46.2.c (standard contractual clauses)' }
        : undefined,
      transfer.derogation !== null && transfer.mechanism !== '49.1.sub2'
        ? {
            path: `${at}/derogation`,
            message: 'the derogation documentation applies only to mechanism 49.1.sub2 (compelling legitimate interests, Art. 49(1) second subparagraph)'
          }
        : undefined
    ]
    return errors.filter((error): error is FieldError => error !== undefined)
  })
}

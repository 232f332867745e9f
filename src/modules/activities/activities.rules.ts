import type { FieldError } from '../../shared/problems.ts'
import { unknownCountry } from '../../shared/validation.ts'

type Fields = Record<string, unknown>

/**
 * What makes an activity malformed beyond its schema (400): codes and combinations that cannot be
 * right. What is merely incomplete (no legal basis, no retention) is left to the findings.
 */
export function activityErrors(activity: Fields): FieldError[] {
  const transfers = (activity.transfers as Fields[] | undefined) ?? []
  return transfers.flatMap((transfer, index): FieldError[] => {
    const at = `/body/transfers/${index}`
    const errors: (FieldError | undefined)[] = [
      unknownCountry(transfer.country as string | null, `${at}/country`),
      transfer.sccModule !== null && transfer.sccModule !== undefined && transfer.mechanism !== '46.2.c'
        ? { path: `${at}/sccModule`, message: 'an SCC module applies only to mechanism 46.2.c (standard contractual clauses)' }
        : undefined,
      transfer.derogation !== null && transfer.derogation !== undefined && transfer.mechanism !== '49.1.sub2'
        ? {
            path: `${at}/derogation`,
            message: 'the derogation documentation applies only to mechanism 49.1.sub2 (compelling legitimate interests, Art. 49(1) second subparagraph)'
          }
        : undefined
    ]
    return errors.filter((error): error is FieldError => error !== undefined)
  })
}

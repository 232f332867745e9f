/** Generators and checks of test/security/fuzz.test.ts. Symbolic ids, resolved when a request is sent (the fixtures they name can be recreated). */
import fc from 'fast-check'

export const ENTITIES = ['dataCategory', 'dataSubjectCategory', 'recipient', 'processor', 'securityMeasure', 'activity'] as const
export type Entity = (typeof ENTITIES)[number]
export type Target = Entity | 'org' | 'any'

/** An id of a fixture: `mine` (the fuzzed organisation's), `foreign` (the other one's), `otherKind` (mine, of another kind). */
export class IdRef {
  readonly mode: 'mine' | 'foreign' | 'otherKind'
  readonly target: Target
  /** 0: the entry the fixture activity links to; 1: an entry nothing links to. */
  readonly index: 0 | 1
  constructor(mode: 'mine' | 'foreign' | 'otherKind', target: Target, index: 0 | 1 = 0) {
    this.mode = mode
    this.target = target
    this.index = index
  }
  [fc.toStringMethod]() {
    return `«${this.mode} ${this.target}${this.index === 1 ? ' (unlinked)' : ''} id»`
  }
  toJSON() {
    return this[fc.toStringMethod]()
  }
}

export const segmentEntity: Record<string, Entity> = {
  'data-categories': 'dataCategory',
  'data-subject-categories': 'dataSubjectCategory',
  recipients: 'recipient',
  processors: 'processor',
  'security-measures': 'securityMeasure',
  activities: 'activity'
}

/** Which entity a uuid field names, from its name. */
export function targetOf(name: string | undefined): Target {
  if (!name) return 'any'
  if (/^orgId$|organisation/i.test(name)) return 'org'
  if (/dataSubjectCategor/i.test(name)) return 'dataSubjectCategory'
  if (/dataCategor/i.test(name)) return 'dataCategory'
  if (/recipient/i.test(name)) return 'recipient'
  if (/processor/i.test(name)) return 'processor'
  if (/securityMeasure/i.test(name)) return 'securityMeasure'
  if (/activit/i.test(name)) return 'activity'
  return 'any'
}

/** A valid id: one of the fuzzed organisation's fixtures of the kind the field names. */
export const mineArb = (target: Target) => fc.constantFrom(new IdRef('mine', target, 0), new IdRef('mine', target, 1))

/** An id that is well-formed but wrong: the other organisation's, another kind's, or nobody's. */
export const wrongIdArb = (target: Target): fc.Arbitrary<IdRef | string> =>
  fc.oneof(fc.constant(new IdRef('foreign', target)), fc.constant(new IdRef('otherKind', target)), fc.uuid())

import { type Static, Type } from 'typebox'
import { Instant, Nullable, PageQuery, Uuid } from '../../shared/schemas.ts'

export const findingEntityTypes = ['organisation', 'activity', 'processor'] as const

const RuleId = (description: string) => Type.String({ minLength: 1, maxLength: 100, description, examples: ['consent-in-imbalance-of-power'] })
const FindingPath = (description: string) => Type.String({ minLength: 1, maxLength: 1000, pattern: '^/', description, examples: ['/purposes/0/legalBasis'] })
const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  description: 'Why the finding does not apply to this organisation, in the words of the DPO (1 to 2000 characters, not only white space).',
  examples: ['Applicants consent to being kept in the talent pool after the process; declining has no effect on their application.']
})
const ExpiresAt = (description: string) => Nullable(Instant(description))

/** A DPO's acknowledgement of one finding of a heuristic rule, as the API answers it. */
export const AcknowledgementSchema = Type.Object(
  {
    id: Uuid('Server-assigned identifier.'),
    rule: RuleId('The heuristic rule whose finding is acknowledged; see /v1/reference/rules.'),
    entityType: Type.Enum([...findingEntityTypes], { description: 'The kind of entity the finding is on.' }),
    entityId: Uuid('The entity the finding is on: an activity, a processor, or the organisation itself.'),
    path: FindingPath('The JSON pointer of the finding, into the entity.'),
    reason: Reason,
    expiresAt: ExpiresAt('When the acknowledgement stops applying (RFC 3339, UTC), or null for never.'),
    expired: Type.Boolean({ description: 'Whether `expiresAt` has passed: an expired acknowledgement no longer hides its finding from the counts.' }),
    createdAt: Instant('When the finding was acknowledged.'),
    createdBy: Type.String({ description: 'The `sub` of the token that acknowledged it.' })
  },
  { additionalProperties: false }
)
export type Acknowledgement = Static<typeof AcknowledgementSchema>

export const AcknowledgementCreateSchema = Type.Object(
  {
    rule: RuleId('The rule of the finding; only rules of kind `heuristic` can be acknowledged.'),
    entityId: Uuid('The `entityId` of the finding.'),
    path: FindingPath('The `path` of the finding.'),
    reason: Reason,
    expiresAt: Type.Optional(ExpiresAt('When the acknowledgement should stop applying, in the future; absent or null for never.'))
  },
  { additionalProperties: false }
)
export type AcknowledgementCreate = Static<typeof AcknowledgementCreateSchema>

export const AcknowledgementQuery = Type.Object(
  {
    ...PageQuery,
    rule: Type.Optional(RuleId('Only acknowledgements of this rule.')),
    entityId: Type.Optional(Uuid('Only acknowledgements of findings on this entity.')),
    expired: Type.Optional(Type.Boolean({ description: 'Only expired (true) or only unexpired (false) acknowledgements; both when absent.' }))
  },
  { additionalProperties: false }
)
export type AcknowledgementFilters = Omit<Static<typeof AcknowledgementQuery>, 'limit' | 'cursor'>

/** What a finding says about its acknowledgement: null when it has none that applies now. */
export const FindingAcknowledgementSchema = Type.Object(
  {
    id: Uuid('The acknowledgement (…/findings/acknowledgements/{id}).'),
    by: Type.String({ description: 'The `sub` of the token that acknowledged the finding.' }),
    at: Instant('When the finding was acknowledged.'),
    reason: Type.String({ description: 'Why the finding does not apply, in the words of the DPO.' }),
    expiresAt: ExpiresAt('When the acknowledgement stops applying, or null for never.')
  },
  { additionalProperties: false }
)
export type FindingAcknowledgement = Static<typeof FindingAcknowledgementSchema>

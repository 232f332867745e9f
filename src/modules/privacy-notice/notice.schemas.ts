import { type Static, Type } from 'typebox'
import { languages } from '../../documents/labels/index.ts'
import { Nullable } from '../../shared/schemas.ts'
import { type automatedDecisionExceptions, retentionKinds } from '../activities/activities.schemas.ts'

export type AutomatedDecisionException = (typeof automatedDecisionExceptions)[number]
export type NoticeRetentionKind = (typeof retentionKinds)[number]

const text = (description: string) =>
  Nullable(Type.String(), `${description} Null when the record does not say (then listed in \`gaps\`, if the notice needs it).`)
const strict = { additionalProperties: false } as const

const CodeLabel = Type.Object({ code: Type.String(), label: Type.String() }, strict)
const LegalBasisRef = Type.Object(
  { code: Type.String(), label: Type.String(), article: Type.String() },
  { ...strict, description: 'A legal basis or condition: its code, its label in the notice language and its article.' }
)
const Place = Type.Object({ code: Type.String(), name: Type.String() }, { ...strict, description: 'A country or an international organisation, named.' })
const Contact = Type.Object(
  { name: Nullable(Type.String()), email: Nullable(Type.String()), phone: Nullable(Type.String()), address: Nullable(Type.String()) },
  strict
)

const NoticePurpose = Type.Object(
  {
    description: Type.String(),
    legalBasis: Nullable(LegalBasisRef, 'The Art. 6(1) basis (Art. 13(1)(c)).'),
    legitimateInterest: text('For 6.1.f: the legitimate interest pursued (Art. 13(1)(d)).'),
    law: text('For 6.1.c and 6.1.e: the law the processing rests on (Art. 6(3)).'),
    directMarketing: Type.Boolean({ description: 'The purpose is direct marketing: the objection is absolute (Art. 21(2)).' }),
    objectionMechanism: text('How to object to direct marketing (Art. 21(4)).'),
    consentWithdrawal: text('How consent given for this purpose is withdrawn (Art. 7(3)).')
  },
  strict
)

const NoticeTransfer = Type.Object(
  {
    country: Nullable(Place),
    internationalOrganisation: Nullable(Place),
    importer: Nullable(Type.String()),
    mechanism: Nullable(LegalBasisRef, 'The Chapter V ground (Art. 13(1)(f)).'),
    adequacyDecision: Nullable(Type.String(), "The Commission's adequacy decision covering the destination, from the reference data."),
    safeguardsCopy: text('For appropriate safeguards (Arts. 46, 47): the safeguards and where a copy can be obtained (Art. 13(1)(f)).')
  },
  strict
)

const NoticeRetention = Type.Object(
  {
    dataCategories: Type.Array(Type.String(), { description: 'The names of the data categories the rule covers.' }),
    allDataCategories: Type.Boolean(),
    period: Nullable(Type.String(), 'ISO 8601 duration.'),
    kind: Nullable(Type.Enum([...retentionKinds])),
    criteria: Nullable(Type.String(), 'The event the period runs from, or the criterion used instead of a period (Art. 13(2)(a)).'),
    description: Nullable(Type.String()),
    legalReference: Nullable(Type.String())
  },
  strict
)

const NoticeDecision = Type.Object(
  {
    description: Type.String(),
    legalOrSimilarEffect: Type.Boolean(),
    exception: Nullable(CodeLabel, 'The Art. 22(2) exception.'),
    safeguards: Type.Array(CodeLabel, { description: 'The Art. 22(3) measures offered.' }),
    logic: text('Meaningful information about the logic involved, the significance and the envisaged consequences, or where it is given (Art. 13(2)(f)).')
  },
  strict
)

export const NoticeActivitySchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    name: Type.String(),
    description: Nullable(Type.String()),
    role: Type.Enum(['controller', 'joint_controller']),
    jointControllers: Type.Array(Type.Object({ name: Type.String(), contact: Nullable(Type.String()) }, strict), { description: 'Art. 26(2).' }),
    dataSubjectCategories: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, strict)),
    dataCategories: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), specialCategory: Nullable(CodeLabel), criminal: Type.Boolean() }, strict),
      { description: 'The categories of personal data (Art. 14(1)(d)).' }
    ),
    purposes: Type.Array(NoticePurpose),
    specialCategoryConditions: Type.Array(Type.Object({ condition: LegalBasisRef, reference: Nullable(Type.String()) }, strict), {
      description: 'The Art. 9(2) conditions.'
    }),
    recipients: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), type: Type.String(), country: Nullable(Place) }, strict), {
      description: 'Recipients or categories of recipients (Art. 13(1)(e)).'
    }),
    processors: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), service: Nullable(Type.String()), country: Nullable(Place) }, strict), {
      description: 'Processors, which are recipients too (Art. 4(9)).'
    }),
    noRecipients: Type.Boolean({ description: 'The record states that the data are disclosed to no one.' }),
    transfers: Type.Array(NoticeTransfer),
    retention: Type.Array(NoticeRetention, { description: 'How long the data are kept, per data category (Art. 13(2)(a)).' }),
    sources: Type.Array(CodeLabel, { description: 'Where the data come from (Art. 14(2)(f)).' }),
    notObtainedFromDataSubject: Type.Boolean({ description: 'Some data do not come from the data subject: Art. 14 applies to this activity.' }),
    automatedDecisions: Type.Array(NoticeDecision, { description: 'Decisions based solely on automated processing (Arts. 13(2)(f), 22).' }),
    profiling: Type.Boolean()
  },
  { ...strict, description: 'One processing activity as its data subjects are told of it.' }
)

export const NoticeRightSchema = Type.Object(
  {
    right: Type.String({ description: 'The code of the rights computation (`access`, `withdraw_consent`, …).' }),
    name: Type.String(),
    article: Type.String(),
    explanation: Type.String({ description: 'What the right means, as the law states it.' }),
    activities: Type.Array(
      Type.Object(
        { id: Type.String(), name: Type.String(), applies: Type.Enum(['full', 'partial']), reason: Type.String() },
        { ...strict, description: 'An activity the right applies to, fully or in part, and why.' }
      )
    )
  },
  { ...strict, description: 'A right that applies to at least one activity of the notice (Arts. 13(2)(b)–(d), 15–22, 77).' }
)

export const GapSchema = Type.Object(
  {
    field: Type.String({
      description:
        'JSON pointer into this notice: where the missing value would be (the notice holds null or an empty list there, or nothing when the record has no such field at all).'
    }),
    article: Type.String({ description: 'The article that requires the information.' }),
    message: Type.String({ description: 'What the record lacks, in the notice language.' })
  },
  { ...strict, description: 'Information the notice must give but the record does not hold: left out, never filled in.' }
)

export const NoticeSchema = Type.Object(
  {
    lang: Type.Enum([...languages]),
    generatedAt: Type.String({ format: 'date-time' }),
    articles: Type.Array(Type.Enum(['13', '14']), {
      description: '`13` when data are collected from the data subject, `14` when some are not: the articles whose information the notice gives.'
    }),
    audience: Nullable(
      Type.Object({ id: Type.String(), name: Type.String(), description: Nullable(Type.String()) }, strict),
      'The category of data subjects the notice is addressed to (`dataSubjectCategoryId`); null for everyone.'
    ),
    controller: Type.Object(
      {
        name: Type.String(),
        registrationNumber: Nullable(Type.String()),
        address: Nullable(Type.String()),
        email: Nullable(Type.String()),
        phone: Nullable(Type.String()),
        website: Nullable(Type.String()),
        country: Nullable(Place)
      },
      { ...strict, description: 'The identity and contact details of the controller (Art. 13(1)(a)).' }
    ),
    representative: Nullable(Contact, 'The representative in the Union (Arts. 13(1)(a), 27).'),
    dpo: Nullable(Contact, 'The contact details of the data protection officer (Art. 13(1)(b)).'),
    supervisoryAuthority: Nullable(Type.String(), 'The supervisory authority a complaint may be lodged with (Art. 13(2)(d)).'),
    activities: Type.Array(NoticeActivitySchema, { description: 'The active controller and joint-controller activities, in name order.' }),
    rights: Type.Array(NoticeRightSchema),
    gaps: Type.Array(GapSchema)
  },
  { ...strict, description: 'The information of Arts. 13 and 14, exactly as the record holds it.' }
)

export type Notice = Static<typeof NoticeSchema>
export type NoticeActivity = Static<typeof NoticeActivitySchema>
export type NoticeRight = Static<typeof NoticeRightSchema>
export type Gap = Static<typeof GapSchema>
export type Place = Static<typeof Place>

const MAX_IDS = 100
const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}'

export const NoticeQuery = Type.Object(
  {
    lang: Type.Optional(Type.Enum([...languages], { description: 'The language of the notice: `en` (default) or `nb` (Norwegian Bokmål).' })),
    format: Type.Optional(
      Type.Enum(['json', 'md', 'html'], {
        description: '`json` (the notice model, default), `md` (Markdown) or `html` (a self-contained page); without it, the `Accept` header decides.'
      })
    ),
    activityIds: Type.Optional(
      Type.Array(
        Type.String({
          pattern: `^${UUID}(,${UUID}){0,${MAX_IDS - 1}}$`,
          maxLength: MAX_IDS * 37,
          description: 'One activity id, or several separated by commas.'
        }),
        {
          maxItems: MAX_IDS,
          description: `Only these activities (comma-separated, or the parameter repeated; ${MAX_IDS} at most). Each must be an active controller or joint-controller activity of the organisation, else 422 naming it.`
        }
      )
    ),
    dataSubjectCategoryId: Type.Optional(
      Type.String({
        format: 'uuid',
        maxLength: 36,
        description:
          'A notice addressed to one category of data subjects (customers, applicants …): only the activities that process it. 422 when no active activity of the organisation does.'
      })
    )
  },
  { additionalProperties: false }
)
export const MAX_NOTICE_IDS = MAX_IDS

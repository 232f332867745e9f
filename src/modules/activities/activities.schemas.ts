import { type Static, type TObject, type TOptional, type TProperties, type TSchema, Type } from 'typebox'
import { dpiaCriteria } from '../../reference/dpia-criteria.ts'
import { legalBases } from '../../reference/legal-bases.ts'
import { transferMechanisms } from '../../reference/transfer-mechanisms.ts'
import { Key, ManagedBy } from '../../shared/keys.ts'
import { CalendarDate, CountryCode, Description, EntityMetadata, ISO_DURATION, Nullable, subprocessorAuthorisations, Text, Uuid } from '../../shared/schemas.ts'

/**
 * A nested object as the API reads it (`output`: every field present) and as it accepts it
 * (`input`: only `required` must be given; `fill` supplies the defaults of the others), so a read
 * always returns the whole shape and returns exactly what the write stored after filling.
 */
type Variant = 'input' | 'output'

/** The properties with all but `required` optional, as a request body may leave them out. */
export type OptionalExcept<Properties extends TProperties, Required extends keyof Properties> = {
  [Key in keyof Properties]: Key extends Required ? Properties[Key] : TOptional<Properties[Key]>
}

export function optionalExcept<Properties extends TProperties, Required extends keyof Properties & string>(
  properties: Properties,
  required: readonly Required[]
): OptionalExcept<Properties, Required> {
  const kept = new Set<string>(required)
  // Object.fromEntries forgets the keys; the mapped type states what the entries build.
  return Object.fromEntries(Object.entries(properties).map(([key, schema]) => [key, kept.has(key) ? schema : Type.Optional(schema)])) as OptionalExcept<
    Properties,
    Required
  >
}

/** A nested object whose own nested objects differ between input and output (Purpose, Transfer). */
function nestedShape<Output extends TProperties, Input extends TProperties, Required extends keyof Input & string>(
  properties: { input: Input; output: Output },
  required: readonly Required[],
  fill: (value: Static<TObject<OptionalExcept<Input, Required>>>) => Static<TObject<Output>>,
  options: { description?: string } = {}
) {
  const input = Type.Object(optionalExcept(properties.input, required), { additionalProperties: false, ...options })
  const output = Type.Object(properties.output, { additionalProperties: false, ...options })
  return { input, output, fill }
}

function shape<Properties extends TProperties, Required extends keyof Properties & string>(
  properties: Properties,
  required: readonly Required[],
  fill: (value: Static<TObject<OptionalExcept<Properties, Required>>>) => Static<TObject<Properties>>,
  options: { description?: string } = {}
) {
  return nestedShape({ input: properties, output: properties }, required, fill, options)
}

const date = (description: string) => Nullable(CalendarDate(`${description} (\`YYYY-MM-DD\`).`))
const reference = (description: string) => Nullable(Text(2000), description)
const codesOf = (list: readonly { code: string }[], predicate: (code: string) => boolean = () => true) => list.map((entry) => entry.code).filter(predicate)

export const lawfulBasisCodes = codesOf(legalBases, (code) => code.startsWith('6.1.'))
export const conditionCodes = codesOf(legalBases, (code) => code.startsWith('9.2.'))
export const mechanismCodes = codesOf(transferMechanisms)
export const dpiaCriterionCodes = codesOf(dpiaCriteria)
export const statuses = ['draft', 'active', 'retired'] as const
export const roles = ['controller', 'joint_controller', 'processor'] as const
export const dataSources = ['data_subject', 'third_party', 'publicly_available', 'generated'] as const
export const dpiaStatuses = ['not_assessed', 'not_required', 'required', 'in_progress', 'completed'] as const
export const retentionKinds = ['fixed_period', 'statutory_minimum', 'statutory_maximum', 'limitation_period', 'until_event'] as const
export const automatedDecisionExceptions = ['22.2.a', '22.2.b', '22.2.c'] as const
export const automatedDecisionSafeguards = ['human_intervention', 'express_point_of_view', 'contest_decision'] as const

export const Consent = shape(
  {
    mechanism: reference('How consent is collected (form, wording version, clear affirmative action), Art. 4(11), 7(2).'),
    recordReference: reference('Where the record demonstrating consent is kept, Art. 7(1).'),
    withdrawalMechanism: reference('How consent is withdrawn, as easily as it was given, Art. 7(3).'),
    ageThreshold: Nullable(
      Type.Integer({
        minimum: 13,
        maximum: 18,
        description:
          "For an information society service offered to children: the age below which the holder of parental responsibility must give or authorise consent (Art. 8(1)); it may not be lower than the age of the organisation's country (`digitalConsentAge` in /v1/reference/countries)."
      })
    ),
    parentalConsentVerification: reference('How the organisation makes reasonable efforts to verify parental consent for younger children (Art. 8(2)).')
  },
  [],
  (consent) => ({ mechanism: null, recordReference: null, withdrawalMechanism: null, ageThreshold: null, parentalConsentVerification: null, ...consent }),
  {
    description:
      'How consent is collected, recorded and withdrawn: ordinary consent on a 6.1.a purpose, explicit consent on a 9.2.a condition, a 49.1.a transfer or a 22.2.c automated decision.'
  }
)

const purposeFields = <V extends Variant>(variant: V) => ({
  description: Text(2000, 'The purpose, specific and explicit (Arts. 5(1)(b), 30(1)(b)).', ['Pay salaries to employees']),
  legalBasis: Nullable(Type.Enum(lawfulBasisCodes), 'The Art. 6(1) basis of this purpose (`6.1.a` … `6.1.f`); null while undecided.'),
  legalReference: reference('The Union or Member State law a 6.1.c or 6.1.e basis rests on (Art. 6(3)), e.g. `bokføringsloven § 13`.'),
  legitimateInterest: reference('The legitimate interest pursued, for 6.1.f (Art. 13(1)(d)).'),
  liaReference: reference('Where the legitimate interests assessment (balancing test) for 6.1.f is documented.'),
  consent: Nullable(Consent[variant]),
  directMarketing: Type.Boolean({ description: 'The purpose is direct marketing: the right to object is absolute (Art. 21(2), (3)).' }),
  objectionMechanism: reference(
    'For direct marketing not based on consent: how people object (opt out), presented clearly and separately from other information (Art. 21(2)–(4)). Distinct from withdrawing consent.'
  ),
  informationSocietyService: Type.Boolean({
    description: 'The purpose is served by an information society service (Art. 4(25)) that may be offered directly to children: Art. 8 applies to consent.'
  }),
  publicAuthorityTask: Nullable(
    Type.Boolean({
      description:
        'For a public authority: whether the purpose is part of its tasks as a public authority, where 6.1.f is unavailable (Art. 6(1), second subparagraph); null while undecided.'
    })
  )
})

export const Purpose = nestedShape(
  { input: purposeFields('input'), output: purposeFields('output') },
  ['description'],
  (purpose) => {
    const filled = {
      legalBasis: null,
      legalReference: null,
      legitimateInterest: null,
      liaReference: null,
      consent: null,
      directMarketing: false,
      objectionMechanism: null,
      informationSocietyService: false,
      publicAuthorityTask: null,
      ...purpose
    }
    return { ...filled, consent: filled.consent === null ? null : Consent.fill(filled.consent) }
  },
  { description: 'A purpose of the processing with its own legal basis (Art. 30(1)(b), Art. 6(1)).' }
)

const conditionFields = <V extends Variant>(variant: V) => ({
  condition: Type.Enum(conditionCodes, { description: 'The Art. 9(2) condition, `9.2.a` … `9.2.j`.' }),
  reference: reference('The law, collective agreement or record the condition rests on (required for b, g, h, i, j).'),
  consent: Nullable(
    Consent[variant],
    'For `9.2.a`: how the explicit consent is collected, recorded and withdrawn (Arts. 7, 9(2)(a)), whatever the Art. 6 basis of the purpose.'
  )
})

export const SpecialCategoryCondition = nestedShape(
  { input: conditionFields('input'), output: conditionFields('output') },
  ['condition'],
  (condition) => {
    const filled = { reference: null, consent: null, ...condition }
    return { ...filled, consent: filled.consent === null ? null : Consent.fill(filled.consent) }
  },
  { description: 'An Art. 9(2) condition for processing special category data.' }
)

export const JointController = shape(
  {
    name: Text(300, 'Name of the joint controller.'),
    contact: reference('Its contact details (Art. 30(1)(a)).'),
    arrangementReference: reference('Where the Art. 26 arrangement is kept.')
  },
  ['name'],
  (controller) => ({ contact: null, arrangementReference: null, ...controller }),
  { description: 'A controller that determines purposes and means jointly with the organisation (Art. 26).' }
)

export const ClientController = shape(
  {
    name: Text(300, 'Name of the controller on whose behalf the organisation processes.'),
    contact: reference('Its contact details (Art. 30(2)(a)).'),
    representative: reference("The controller's representative, where applicable (Art. 30(2)(a))."),
    processing: reference(
      "The categories of processing carried out on behalf of this controller (Art. 30(2)(b)); null when the activity's name and description say it for every client controller."
    ),
    contractReference: reference(
      'Where the Art. 28(3) contract with this controller is kept: it sets the documented instructions the organisation processes on (Art. 28(3)(a)).'
    ),
    subprocessorAuthorisation: Type.Enum([...subprocessorAuthorisations], {
      description:
        'How this controller authorised the sub-processors the activity uses (Art. 28(2)): `specific` or `general` written authorisation, or `unknown` (the default).'
    })
  },
  ['name'],
  (controller) => ({
    contact: null,
    representative: null,
    processing: null,
    contractReference: null,
    subprocessorAuthorisation: 'unknown' as const,
    ...controller
  }),
  { description: 'A client controller of a processor activity (Art. 30(2)(a)).' }
)

export const Derogation = shape(
  {
    compellingInterest: reference('The compelling legitimate interest the transfer serves.'),
    assessmentReference: reference('Where the assessment of all the circumstances is documented (Art. 49(6)).'),
    safeguards: reference('The suitable safeguards provided (Art. 49(1), second subparagraph).'),
    supervisoryAuthorityNotifiedAt: date('When the supervisory authority was informed of the transfer')
  },
  [],
  (derogation) => ({ compellingInterest: null, assessmentReference: null, safeguards: null, supervisoryAuthorityNotifiedAt: null, ...derogation }),
  { description: 'The documentation a transfer under the second subparagraph of Art. 49(1) needs (Art. 30(1)(e), 49(6)); only with mechanism `49.1.sub2`.' }
)

export const importerRoles = ['controller', 'processor', 'sub_processor'] as const

const transferFields = <V extends Variant>(variant: V) => ({
  country: Nullable(CountryCode('The third country the data go to, ISO 3166-1 alpha-2.')),
  internationalOrganisation: Nullable(
    Type.String({
      pattern: '^IO:[A-Z][A-Z0-9_]{1,39}$',
      description:
        'The international organisation the data go to (Art. 30(1)(e)), as `IO:` and its identifier, e.g. `IO:EPORG` for the European Patent Organisation; those with an adequacy decision are in /v1/reference/international-organisations. Set it instead of `country`.',
      examples: ['IO:EPORG']
    })
  ),
  importer: reference('Who receives the data there.'),
  importerRole: Nullable(
    Type.Enum([...importerRoles], {
      description:
        "The importer's role: `controller`, `processor` or `sub_processor`. With the organisation's role in the activity it fixes the module of the standard contractual clauses (C2C 1, C2P 2, P2P 3, P2C 4)."
    })
  ),
  dpfCertified: Nullable(
    Type.Boolean({ description: 'The importer is on the EU-US Data Privacy Framework List, in whatever role (Implementing Decision (EU) 2023/1795).' })
  ),
  dpfCheckedAt: date('When the DPF List was last checked for the importer'),
  processorId: Nullable(Uuid('The processor (of this organisation) that is the importer, if it is one.')),
  mechanism: Nullable(
    Type.Enum(mechanismCodes, { description: 'The Chapter V ground: `45`, `46.2.a` … `49.1.sub2` (see /v1/reference/transfer-mechanisms).' })
  ),
  sccModule: Nullable(
    Type.Integer({
      minimum: 1,
      maximum: 4,
      description: 'The module of the standard contractual clauses (Implementing Decision (EU) 2021/914): 1 C2C, 2 C2P, 3 P2P, 4 P2C. Only with `46.2.c`.'
    })
  ),
  safeguardReference: reference('Where the safeguards (clauses, BCR approval, certification) are documented.'),
  tiaReference: reference('Where the transfer impact assessment is documented (CJEU C-311/18).'),
  derogation: Nullable(Derogation[variant]),
  consent: Nullable(
    Consent[variant],
    'For `49.1.a`: how the explicit consent, given after being informed of the risks, is collected, recorded and withdrawn (Arts. 7, 49(1)(a)).'
  )
})

export const Transfer = nestedShape(
  { input: transferFields('input'), output: transferFields('output') },
  [],
  (transfer) => {
    const filled = {
      country: null,
      internationalOrganisation: null,
      importer: null,
      importerRole: null,
      dpfCertified: null,
      dpfCheckedAt: null,
      processorId: null,
      mechanism: null,
      sccModule: null,
      safeguardReference: null,
      tiaReference: null,
      derogation: null,
      consent: null,
      ...transfer
    }
    return {
      ...filled,
      derogation: filled.derogation === null ? null : Derogation.fill(filled.derogation),
      consent: filled.consent === null ? null : Consent.fill(filled.consent)
    }
  },
  { description: 'A transfer to a third country or an international organisation (Art. 30(1)(e), Arts. 44–49).' }
)

export const RetentionRule = shape(
  {
    dataCategoryIds: Type.Array(Uuid(), {
      uniqueItems: true,
      maxItems: 500,
      description: 'The data categories (of this activity) the rule covers; empty: all of them.'
    }),
    period: Nullable(Type.String({ pattern: ISO_DURATION, description: 'How long, as an ISO 8601 duration (`P5Y`, `P6M`, `P30D`).', examples: ['P5Y'] })),
    kind: Nullable(
      Type.Enum([...retentionKinds], {
        description:
          'What bounds the retention: `fixed_period` (the period from the trigger), `statutory_minimum` (a law obliges keeping the data at least the period: a legal obligation, 6.1.c), `statutory_maximum` (a law allows at most the period, e.g. CCTV footage), `limitation_period` (kept until claims are time-barred under the cited law, for legal claims), `until_event` (until the trigger happens, at most the period). Null: not stated; a period alone reads as a fixed period.'
      })
    ),
    trigger: reference('The event the period runs from, or the criterion used when no period can be given (e.g. end of the financial year).'),
    description: reference('The rule in words.'),
    legalReference: reference('The law that sets or justifies the period.')
  },
  [],
  (rule) => ({ dataCategoryIds: [], period: null, kind: null, trigger: null, description: null, legalReference: null, ...rule }),
  { description: 'An envisaged time limit for erasure, per data category (Art. 30(1)(f)).' }
)

const decisionFields = <V extends Variant>(variant: V) => ({
  description: Text(2000, 'The decision taken solely by automated means, including profiling (Art. 22(1)).', ['Credit limit for instalment purchases']),
  legalOrSimilarEffect: Type.Boolean({
    description: 'The decision produces legal effects on the person or similarly significantly affects them: only then does Art. 22 apply (default true).'
  }),
  exception: Nullable(
    Type.Enum([...automatedDecisionExceptions], {
      description: 'The Art. 22(2) exception relied on: `22.2.a` necessary for a contract, `22.2.b` authorised by law, `22.2.c` explicit consent.'
    })
  ),
  lawReference: reference('For `22.2.b`: the Union or Member State law that authorises the decision and lays down safeguards.'),
  consent: Nullable(
    Consent[variant],
    'For `22.2.c`: how the explicit consent is collected, recorded and withdrawn. Ordinary consent to a 6.1.a purpose is not explicit consent.'
  ),
  safeguards: Type.Array(Type.Enum([...automatedDecisionSafeguards]), {
    uniqueItems: true,
    maxItems: automatedDecisionSafeguards.length,
    description:
      'The measures offered, at least all three for `22.2.a` and `22.2.c` (Art. 22(3)): human intervention, expressing a point of view, contesting the decision.'
  }),
  specialCategories: Type.Boolean({
    description: 'The decision uses special category data (Art. 9(1)): only with 9.2.a or 9.2.g and suitable measures (Art. 22(4)).'
  }),
  logicInformation: reference(
    'Where people are given meaningful information about the logic involved and the significance and envisaged consequences (Arts. 13(2)(f), 14(2)(g), 15(1)(h)).'
  )
})

export const AutomatedDecision = nestedShape(
  { input: decisionFields('input'), output: decisionFields('output') },
  ['description'],
  (decision) => {
    const filled = {
      legalOrSimilarEffect: true,
      exception: null,
      lawReference: null,
      consent: null,
      safeguards: [],
      specialCategories: false,
      logicInformation: null,
      ...decision
    }
    return { ...filled, consent: filled.consent === null ? null : Consent.fill(filled.consent) }
  },
  { description: 'A decision based solely on automated processing (Art. 22).' }
)

export const Dpia = shape(
  {
    status: Type.Enum([...dpiaStatuses], { description: 'Where the data protection impact assessment stands (Art. 35).' }),
    reference: reference('Where the DPIA is documented.'),
    completedAt: date('When the DPIA was completed'),
    notRequiredReason: reference('Why no DPIA is needed, when screening says so (WP248).'),
    criteria: Type.Array(Type.Enum(dpiaCriterionCodes), {
      uniqueItems: true,
      maxItems: dpiaCriterionCodes.length,
      description: 'The WP248 criteria (and Art. 35(3) cases) the activity meets; see /v1/reference/dpia-criteria.'
    })
  },
  [],
  (dpia) => ({ status: 'not_assessed' as const, reference: null, completedAt: null, notRequiredReason: null, criteria: [], ...dpia }),
  { description: 'DPIA screening and status (Art. 35).' }
)

const ids = (description: string) => Type.Array(Uuid(), { uniqueItems: true, maxItems: 500, description })
const list = <T extends TSchema>(item: T, description: string, maxItems = 100) => Type.Array(item, { maxItems, description })

/** Everything but the metadata: the fields a client sets, in their read (`output`) or write (`input`) shape. */
const activityFields = <V extends Variant>(nested: V) => ({
  name: Text(300, 'Name of the processing activity.', ['Personnel administration and payroll']),
  description: Description('What the processing is, in a few sentences.'),
  owner: Nullable(Text(300), 'The business function responsible (ICO template: business function).'),
  status: Type.Enum([...statuses], { description: '`draft` (default), `active`, or `retired` (left out of exports).' }),
  role: Type.Enum([...roles], { description: 'The organisation acts as `controller` (default), `joint_controller` (Art. 26), or `processor` (Art. 30(2)).' }),
  purposes: list(Purpose[nested], 'The purposes, each with its legal basis (Art. 30(1)(b)).', 50),
  dataSubjectCategoryIds: ids('Categories of data subjects (Art. 30(1)(c)).'),
  dataCategoryIds: ids('Categories of personal data (Art. 30(1)(c)).'),
  recipientIds: ids('Categories of recipients (Art. 30(1)(d)).'),
  noRecipients: Type.Boolean({
    description:
      'The data are disclosed to no one outside the organisation and no processor is used: an explicit statement, so that "no recipients" is not read as "not filled in" (Art. 30(1)(d)). Processors count as recipients (Art. 4(9)) without being listed again in `recipientIds`.'
  }),
  processorIds: ids('Processors used (Art. 28).'),
  securityMeasureIds: ids('Security measures specific to this activity (Art. 30(1)(g)); organisation-wide ones apply as well.'),
  specialCategoryConditions: list(SpecialCategoryCondition[nested], 'Art. 9(2) conditions for the special category data processed.', 20),
  criminalDataReference: reference('The official authority or law that authorises processing Art. 10 data.'),
  jointControllers: list(JointController[nested], 'Joint controllers (Arts. 26, 30(1)(a)).', 50),
  controllers: list(ClientController[nested], 'Client controllers, when `role` is `processor` (Art. 30(2)(a)).', 200),
  transfers: list(Transfer[nested], 'Transfers to third countries (Art. 30(1)(e)).'),
  retention: list(RetentionRule[nested], 'Retention rules (Art. 30(1)(f)).'),
  dpia: Dpia[nested],
  automatedDecisionMaking: Type.Boolean({
    description: 'Decisions based solely on automated processing with legal or similar effects (Art. 22); describe each in `automatedDecisions`.'
  }),
  automatedDecisions: list(AutomatedDecision[nested], 'Each automated decision: the Art. 22(2) exception, the safeguards and the information given.', 50),
  profiling: Type.Boolean({ description: 'Profiling (Art. 4(4)).' }),
  dataSources: Type.Array(Type.Enum([...dataSources]), {
    uniqueItems: true,
    maxItems: dataSources.length,
    description: 'Where the data come from (Art. 14(2)(f)).'
  }),
  systems: list(Text(300), 'The systems or applications the data are processed in.'),
  lastReviewedAt: date('When the entry was last reviewed; recording a review (`POST …/activities/{id}/reviews`) sets it'),
  reviewIntervalMonths: Nullable(
    Type.Integer({ minimum: 1, maximum: 120 }),
    "Months between reviews of this activity; null (the default) takes the organisation's `reviewIntervalMonths`."
  ),
  key: Key(
    'The key bundles link by: unique among the activities of the organisation, and stable when the name changes. Assigned from the name when not given (`Payroll` → `payroll`, then `payroll-2` …).'
  ),
  managedBy: ManagedBy(
    'Who manages the activity, e.g. `repo:acme/shop`: applying a bundle with pruning deletes only activities of the owner it names. Null (the default) for activities kept by hand.'
  ),
  recordExemptionClaimed: Type.Boolean({
    description:
      'The organisation claims the Art. 30(5) derogation for this activity (fewer than 250 employees, occasional processing, no special category or criminal data, no risk); it keeps the entry anyway, and a finding says when the claim cannot hold.'
  }),
  occasional: Type.Boolean({
    description:
      'The processing is occasional: not carried out regularly and outside the regular course of business (WP29 position paper on Art. 30(5), 19 April 2018).'
  })
})

const outputFields = activityFields('output')
const inputFields = activityFields('input')

export const ActivitySchema = Type.Object(
  {
    ...EntityMetadata,
    ...outputFields,
    nextReviewDue: CalendarDate(
      "When the next review is due (`YYYY-MM-DD`, read only): `lastReviewedAt`, or the creation date when never reviewed, plus the activity's review interval (else the organisation's). Overdue activities get the L-40 finding and are listed by `GET …/reviews/due`."
    )
  },
  { additionalProperties: false, description: 'A processing activity: one entry of the Art. 30 record.' }
)

export const ActivityCreateSchema = Type.Object(optionalExcept(inputFields, ['name']), { additionalProperties: false })

export const ActivityPatchSchema = Type.Partial(Type.Object(inputFields), {
  additionalProperties: false,
  minProperties: 1,
  description: 'The fields to replace; lists and the DPIA are replaced whole.'
})

export type Activity = Static<typeof ActivitySchema>
/** What a client sets, filled: the activity without its metadata. */
export type ActivityFields = Static<TObject<typeof outputFields>>
/** The fields in their write shape: nested objects may still lack what `normaliseActivity` fills. */
export type ActivityInput = Static<TObject<typeof inputFields>>
export type ActivityCreate = Static<typeof ActivityCreateSchema>
export type ActivityPatch = Static<typeof ActivityPatchSchema>
export type Purpose = Static<typeof Purpose.output>
export type Consent = Static<typeof Consent.output>
export type SpecialCategoryCondition = Static<typeof SpecialCategoryCondition.output>
export type JointController = Static<typeof JointController.output>
export type ClientController = Static<typeof ClientController.output>
export type ClientControllerInput = Static<typeof ClientController.input>
export type Transfer = Static<typeof Transfer.output>
export type Derogation = Static<typeof Derogation.output>
export type RetentionRule = Static<typeof RetentionRule.output>
export type RetentionKind = (typeof retentionKinds)[number]
export type AutomatedDecision = Static<typeof AutomatedDecision.output>
export type Dpia = Static<typeof Dpia.output>
export type ActivityStatus = (typeof statuses)[number]
export type ActivityRole = (typeof roles)[number]
export type DataSource = (typeof dataSources)[number]

/** The fields as a create completes them: the key may still be missing (the repository assigns one from the name). */
export type UnkeyedActivityFields = Omit<ActivityFields, 'key'> & { key?: string }

export const activityDefaults: Omit<ActivityFields, 'name' | 'key'> = {
  description: null,
  owner: null,
  status: 'draft',
  role: 'controller',
  purposes: [],
  dataSubjectCategoryIds: [],
  dataCategoryIds: [],
  recipientIds: [],
  noRecipients: false,
  processorIds: [],
  securityMeasureIds: [],
  specialCategoryConditions: [],
  criminalDataReference: null,
  jointControllers: [],
  controllers: [],
  transfers: [],
  retention: [],
  dpia: Dpia.fill({}),
  automatedDecisionMaking: false,
  automatedDecisions: [],
  profiling: false,
  dataSources: [],
  systems: [],
  lastReviewedAt: null,
  reviewIntervalMonths: null,
  managedBy: null,
  recordExemptionClaimed: false,
  occasional: false
}

/** The activity as it will be stored: every nested object filled with its defaults. */
export function normaliseActivity(fields: Omit<ActivityInput, 'key'> & { key?: string }): UnkeyedActivityFields {
  return {
    ...fields,
    purposes: fields.purposes.map(Purpose.fill),
    specialCategoryConditions: fields.specialCategoryConditions.map(SpecialCategoryCondition.fill),
    jointControllers: fields.jointControllers.map(JointController.fill),
    controllers: fields.controllers.map(ClientController.fill),
    transfers: fields.transfers.map(Transfer.fill),
    retention: fields.retention.map(RetentionRule.fill),
    automatedDecisions: fields.automatedDecisions.map(AutomatedDecision.fill),
    dpia: Dpia.fill(fields.dpia)
  }
}

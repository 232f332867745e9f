import { type Static, Type } from 'typebox'
import { AutomatedDecision, Consent, retentionKinds } from '../modules/activities/activities.schemas.ts'
import { Nullable, subprocessorAuthorisations } from '../shared/schemas.ts'

const text = Nullable(Type.String())
const CodeRef = Type.Object(
  { code: Type.String(), label: Type.String(), article: Type.String() },
  { additionalProperties: false, description: 'A code with its label and the article it rests on.' }
)
const CountryRef = Type.Object(
  {
    code: Type.String(),
    name: Type.String(),
    eea: Type.Boolean({ description: 'Inside the EEA: no Chapter V transfer.' }),
    adequacy: Nullable(
      Type.Object({ decision: Type.String(), scope: Type.Enum(['full', 'partial']), conditions: text, validUntil: text }, { additionalProperties: false }),
      'The adequacy decision covering the country, if any.'
    )
  },
  { additionalProperties: false }
)
const Named = Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })
const ClientControllerSchema = Type.Object(
  {
    name: Type.String(),
    contact: text,
    representative: text,
    processing: text,
    contractReference: text,
    subprocessorAuthorisation: Type.Enum([...subprocessorAuthorisations])
  },
  { additionalProperties: false }
)
const Contact = Type.Object({ name: text, email: text, phone: text, address: text }, { additionalProperties: false })

export const ExportOrganisationSchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    registrationNumber: text,
    address: text,
    email: text,
    phone: text,
    website: text,
    country: Nullable(CountryRef),
    supervisoryAuthority: text,
    isPublicAuthority: Type.Boolean(),
    employeeCount: Nullable(Type.Integer()),
    dpo: Nullable(Type.Object({ designated: Type.Boolean(), name: text, email: text, phone: text, address: text }, { additionalProperties: false })),
    representative: Nullable(Contact)
  },
  { additionalProperties: false, description: 'The controller (or processor) block of Art. 30(1)(a) / 30(2)(a).' }
)

export const ExportActivitySchema = Type.Object(
  {
    id: Type.String(),
    name: Type.String(),
    description: text,
    businessFunction: text,
    status: Type.Enum(['draft', 'active']),
    role: Type.Enum(['controller', 'joint_controller', 'processor']),
    purposes: Type.Array(
      Type.Object(
        {
          description: Type.String(),
          legalBasis: Nullable(CodeRef),
          legalReference: text,
          legitimateInterest: text,
          liaReference: text,
          consent: Nullable(Consent.output),
          directMarketing: Type.Boolean(),
          objectionMechanism: text,
          informationSocietyService: Type.Boolean(),
          publicAuthorityTask: Nullable(Type.Boolean())
        },
        { additionalProperties: false }
      )
    ),
    dataSubjectCategories: Type.Array(
      Type.Object(
        { id: Type.String(), name: Type.String(), description: text, includesChildren: Type.Boolean(), vulnerable: Type.Boolean() },
        { additionalProperties: false }
      )
    ),
    dataCategories: Type.Array(
      Type.Object(
        { id: Type.String(), name: Type.String(), description: text, specialCategory: Nullable(CodeRef), criminal: Type.Boolean() },
        { additionalProperties: false }
      )
    ),
    recipients: Type.Array(
      Type.Object(
        { id: Type.String(), name: Type.String(), type: Type.String(), country: Nullable(CountryRef), description: text },
        { additionalProperties: false }
      )
    ),
    noRecipients: Type.Boolean({ description: 'The activity states that the data are disclosed to no one (Art. 30(1)(d)).' }),
    processors: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          country: Nullable(CountryRef),
          email: text,
          phone: text,
          address: text,
          service: text,
          dpaReference: text,
          dpaSignedAt: text,
          subprocessorAuthorisation: Type.String(),
          dpfCertified: Nullable(Type.Boolean()),
          subProcessors: Type.Array(Named)
        },
        { additionalProperties: false }
      )
    ),
    specialCategoryConditions: Type.Array(
      Type.Object({ condition: CodeRef, reference: text, consent: Nullable(Consent.output) }, { additionalProperties: false })
    ),
    criminalDataReference: text,
    jointControllers: Type.Array(Type.Object({ name: Type.String(), contact: text, arrangementReference: text }, { additionalProperties: false })),
    controllers: Type.Array(ClientControllerSchema),
    transfers: Type.Array(
      Type.Object(
        {
          country: Nullable(CountryRef),
          internationalOrganisation: Nullable(Type.Object({ code: Type.String(), name: Type.String() }, { additionalProperties: false })),
          importer: text,
          importerRole: text,
          dpfCertified: Nullable(Type.Boolean()),
          dpfCheckedAt: text,
          processor: Nullable(Named),
          mechanism: Nullable(CodeRef),
          sccModule: Nullable(Type.Integer()),
          safeguardReference: text,
          tiaReference: text,
          derogation: Nullable(
            Type.Object(
              { compellingInterest: text, assessmentReference: text, safeguards: text, supervisoryAuthorityNotifiedAt: text },
              { additionalProperties: false }
            )
          ),
          consent: Nullable(Consent.output)
        },
        { additionalProperties: false }
      )
    ),
    retention: Type.Array(
      Type.Object(
        {
          dataCategories: Type.Array(Named, { description: 'The categories the rule covers.' }),
          allDataCategories: Type.Boolean({ description: 'The rule covers every data category of the activity.' }),
          period: text,
          kind: Nullable(Type.Enum([...retentionKinds])),
          trigger: text,
          description: text,
          legalReference: text
        },
        { additionalProperties: false }
      )
    ),
    securityMeasures: Type.Array(
      Type.Object(
        {
          id: Type.String(),
          name: Type.String(),
          code: Nullable(CodeRef),
          type: Type.String(),
          description: text,
          appliesTo: Type.Enum(['organisation', 'activity'], { description: '`organisation`: an organisation-wide measure, included in every activity.' })
        },
        { additionalProperties: false }
      )
    ),
    dpia: Type.Object(
      { status: Type.String(), reference: text, completedAt: text, notRequiredReason: text, criteria: Type.Array(CodeRef) },
      { additionalProperties: false }
    ),
    automatedDecisionMaking: Type.Boolean(),
    automatedDecisions: Type.Array(AutomatedDecision.output),
    profiling: Type.Boolean(),
    dataSources: Type.Array(Type.String()),
    systems: Type.Array(Type.String()),
    lastReviewedAt: text,
    recordExemptionClaimed: Type.Boolean(),
    occasional: Type.Boolean(),
    version: Type.Integer(),
    createdAt: Type.String(),
    updatedAt: Type.String(),
    findings: Type.Optional(
      Type.Object(
        {
          errors: Type.Integer(),
          warnings: Type.Integer(),
          infos: Type.Integer(),
          rules: Type.Array(Type.String(), { description: 'The ids of the rules with findings on the activity (see /v1/reference/rules).' })
        },
        {
          additionalProperties: false,
          description:
            'What the checks found on this activity (always in the JSON export), counting every finding, also those a DPO acknowledged: an auditor reads the record as checked. GET …/activities/{id}/findings has the details and says which are acknowledged.'
        }
      )
    )
  },
  { additionalProperties: false, description: 'An activity with every id resolved to a name and every code to its label and article.' }
)
export type ExportActivity = Static<typeof ExportActivitySchema>
export type ExportOrganisation = Static<typeof ExportOrganisationSchema>

const header = {
  organisation: ExportOrganisationSchema,
  generatedAt: Type.String({ format: 'date-time' }),
  asOf: Nullable(Type.String({ format: 'date-time' }), 'The instant the record is read as of; null: now.'),
  includesDrafts: Type.Boolean()
}

export const ControllerRecordSchema = Type.Object(
  { ...header, record: Type.Literal('controller'), activities: Type.Array(ExportActivitySchema) },
  { additionalProperties: false, description: 'The controller record of Art. 30(1).' }
)

export const ProcessorRecordSchema = Type.Object(
  {
    ...header,
    record: Type.Literal('processor'),
    controllers: Type.Array(
      Type.Object(
        {
          controller: Nullable(ClientControllerSchema, 'Null groups processor activities whose client controller is not recorded.'),
          activities: Type.Array(ExportActivitySchema)
        },
        { additionalProperties: false }
      )
    )
  },
  { additionalProperties: false, description: 'The processor record of Art. 30(2), grouped per client controller.' }
)

export const RecordSchema = Type.Union([ControllerRecordSchema, ProcessorRecordSchema])
export type ExportedRecord = Static<typeof RecordSchema>

/**
 * The examples of the OpenAPI document, from the example organisation (Example Consulting AS, a
 * Norwegian consulting company: example-consulting-as.json). One set of ids, instants and actors
 * runs through them all, so a create example, its response and the lists, history and export that
 * show the same entity agree. test/openapi-examples.test.ts validates each against its schema and
 * sends the write examples through the API.
 */
import type { ExportedRecord } from '../exports/record.schemas.ts'
import { jsonLdDocument } from '../exports/render-jsonld.ts'
import { countries, dpiaCriteria, legalBases, securityMeasureVocabulary, specialCategories } from '../reference/index.ts'
import { encodeCursor } from '../shared/http.ts'
import { keyFromName } from '../shared/keys.ts'

type Json = Record<string, unknown>

export const exampleIds = {
  organisation: '4196cba3-77b0-443f-8dec-86fa05df1926',
  contactDetails: '4c8003b5-731b-43b9-ac9c-e7106cba570f',
  salaryAndBank: '6342c5ae-840b-4b90-af7c-7da346d9fa32',
  workplaceAdaptation: '83795e66-ed46-4788-b700-6595c789dcab',
  employees: 'd573e2f8-276e-4348-ac7e-3bd2f289b478',
  formerEmployees: '578af7af-7751-4361-bed3-a7a36b8e5adb',
  publicAuthorities: 'd9d1aeea-48e8-49f5-bb98-bfa08e23b6c6',
  professionalAdvisers: 'acc44992-22cf-4a8a-b0a7-0b9100e48b7d',
  dataProcessors: '5e7d2c90-1b4f-4a86-9f3e-c2a8d6b01f75',
  googleIreland: '29b497f6-8c8f-4ea1-a681-bc4c007eed5b',
  hotjar: '810542cb-1f0b-48e4-b4ab-df4be787ecb9',
  accountingProvider: 'e10d747e-1fac-475c-a35f-3ef99520a494',
  twoFactor: '719fa2eb-cfb3-429f-a312-3af5f30318db',
  strongPasswords: '87ceea06-a92a-4905-9104-41a94590e928',
  personnel: '3bdc599c-8513-4a1d-82dc-5ef606d96ec4',
  websiteAnalytics: '9cfa1273-2f8c-41e8-9161-ff8bba2b0cdf'
} as const

/** The `sub` of the platform operator's token, and of the DPO's, who keeps the record. */
export const exampleActors = { platform: 'platform-admin', dpo: 'kari.nordmann@example.no' } as const

/** `x-request-id`s of the example writes, as the history and the audit trail show them. */
export const exampleRequestIds = {
  workplaceAdaptationCreate: 'ab989963-b600-4f09-b06a-26c245d2db67',
  workplaceAdaptationUpdate: '6e830328-b8ce-4974-a86e-121e88407158',
  personnelCreate: 'c5d0f1a8-3b47-4e2c-9d61-7a2e8f4b9c03',
  personnelUpdate: 'f2a9e4c7-86d1-4b35-a0e8-1c7d3b5f9e26'
} as const

const at = {
  organisationCreated: '2025-03-10T08:02:11.482Z',
  catalogueCreated: '2025-03-10T08:15:40.127Z',
  activityCreated: '2025-03-10T09:41:05.903Z',
  organisationUpdated: '2025-03-11T10:05:37.220Z',
  catalogueUpdated: '2025-03-11T14:30:02.771Z',
  activityUpdated: '2025-03-12T13:20:48.615Z',
  exported: '2025-03-14T07:45:00.000Z'
}

/** An entity as the API answers it: the metadata, then the fields. */
function stored(id: string, fields: Json, createdAt: string, createdBy: string = exampleActors.dpo): Json {
  return { id, version: 1, createdAt, updatedAt: createdAt, createdBy, updatedBy: createdBy, ...fields }
}

/** The entity after a PATCH by the DPO: version 2 with the patched fields. */
function patched(entity: Json, patch: Json, updatedAt: string): Json {
  return { ...entity, ...patch, version: 2, updatedAt, updatedBy: exampleActors.dpo }
}

const page = (items: Json[], more: boolean): Json => {
  const last = items.at(-1)!
  return { items, nextCursor: more ? encodeCursor({ name: String(last.name).toLowerCase(), id: last.id }) : null }
}

/** A catalogue resource's examples: the create body, the stored entity, a patch and its result, a page. */
export interface ResourceExamples {
  create: Json
  entity: Json
  patch: Json
  patched: Json
  page: Json
}

/** An entry as stored with the key a create assigns from its name and no owner. */
const keyed = (fields: Json): Json => ({ key: keyFromName(String(fields.name)), managedBy: null, ...fields })

function resourceExamples(id: string, create: Json, patch: Json, second: { id: string; fields: Json }): ResourceExamples {
  const entity = stored(id, keyed(create), at.catalogueCreated)
  return {
    create,
    entity,
    patch,
    patched: patched(entity, patch, at.catalogueUpdated),
    page: page([entity, stored(second.id, keyed(second.fields), at.catalogueCreated)], true)
  }
}

// ---- Organisation --------------------------------------------------------------------------------

const organisationCreate: Json = {
  name: 'Example Consulting AS',
  country: 'NO',
  registrationNumber: '923456783',
  address: 'Eksempelveien 1, 3515 Hønefoss',
  email: 'privacy@example.no',
  website: 'https://www.example.no',
  supervisoryAuthority: 'Datatilsynet',
  employeeCount: 24
}
const organisationPatch: Json = { dpo: { designated: true, name: 'Kari Nordmann', email: 'dpo@example.no', phone: '+47 32 12 34 56', address: null } }
const organisation = stored(
  exampleIds.organisation,
  {
    ...organisationCreate,
    phone: null,
    isPublicAuthority: false,
    dpo: null,
    representative: null,
    reviewIntervalMonths: 12,
    requireChangeReason: false,
    slug: null,
    publicRegister: false
  },
  at.organisationCreated,
  exampleActors.platform
)
const organisationUpdated = patched(organisation, organisationPatch, at.organisationUpdated)

export const organisationExamples = {
  create: organisationCreate,
  entity: organisation,
  patch: organisationPatch,
  patched: organisationUpdated,
  page: { items: [organisationUpdated], nextCursor: null }
}

// ---- Catalogue -----------------------------------------------------------------------------------

const dataCategoryFields = {
  contactDetails: {
    name: 'Contact details',
    description: 'Name, email address and telephone number; for employees also the home address.',
    specialCategory: null,
    criminal: false
  },
  salaryAndBank: {
    name: 'Salary and bank account details',
    description: 'Bank account number and salary data used to pay employees.',
    specialCategory: null,
    criminal: false
  },
  workplaceAdaptation: {
    name: 'Workplace adaptation information',
    description: "Information about an employee's health that is needed to adapt the workplace.",
    specialCategory: 'health_data',
    criminal: false
  }
}
const dataSubjectCategoryFields = {
  employees: { name: 'Employees', description: 'Current employees of the company.', includesChildren: false, vulnerable: true },
  formerEmployees: { name: 'Former employees', description: 'People who used to work for the company.', includesChildren: false, vulnerable: true }
}
const recipientFields = {
  publicAuthorities: {
    name: 'Public authorities',
    type: 'public_authority',
    country: 'NO',
    description: 'Authorities the company must report to, such as the tax authorities, and Datatilsynet when a breach is notified.'
  },
  professionalAdvisers: {
    name: 'Professional advisers',
    type: 'independent_controller',
    country: null,
    description: 'Advisers on legal, financial, accounting, audit and insurance matters.'
  },
  dataProcessors: {
    name: 'Data processors',
    type: 'processor',
    country: null,
    description:
      'Providers that handle personal data for the company: IT and admin services, bookkeeping, hosting of the website and of files in the cloud, sending of email, and the like.'
  }
}
const processor = (fields: Json): Json => ({
  description: null,
  country: null,
  email: null,
  phone: null,
  address: null,
  service: null,
  dpaReference: null,
  dpaSignedAt: null,
  subprocessorAuthorisation: 'unknown',
  subProcessorIds: [],
  dpfCertified: null,
  ...fields
})
const processorFields = {
  googleIreland: processor({
    name: 'Google Ireland Limited',
    country: 'IE',
    address: 'Gordon House, Barrow Street, Dublin 4, Ireland',
    service: 'Web analytics (Google Analytics). IP addresses are processed in anonymised form; data may be processed by Google LLC in the United States.',
    dpaReference: 'Google Ads Data Processing Terms, accepted in the Google Analytics admin console',
    dpaSignedAt: '2023-02-10',
    subprocessorAuthorisation: 'general'
  }),
  hotjar: processor({ name: 'Hotjar Ltd', country: 'MT', service: 'Website behaviour analytics (Hotjar): a cookie tracks traffic on the website.' }),
  accountingProvider: processor({ name: 'Accounting and payroll service provider (not named)', service: 'Accounting and payroll system.' })
}
const securityMeasureFields = {
  twoFactor: {
    name: 'Two-factor authentication',
    code: 'T.MFA',
    type: 'technical',
    description: 'Two-factor authentication protects access to company systems.',
    appliesToAllActivities: true
  },
  strongPasswords: {
    name: 'Strong passwords',
    code: 'T.PASSWORD_POLICY',
    type: 'technical',
    description: 'Strong passwords are required on systems that hold personal data.',
    appliesToAllActivities: true
  }
}

/** The examples of each catalogue resource, by URL segment. */
export const catalogueExamples: Record<'data-categories' | 'data-subject-categories' | 'recipients' | 'processors' | 'security-measures', ResourceExamples> = {
  'data-categories': resourceExamples(
    exampleIds.workplaceAdaptation,
    dataCategoryFields.workplaceAdaptation,
    { description: "Information about an employee's health that is needed to adapt the workplace, such as a doctor's statement on what the employee can do." },
    { id: exampleIds.contactDetails, fields: dataCategoryFields.contactDetails }
  ),
  'data-subject-categories': resourceExamples(
    exampleIds.employees,
    dataSubjectCategoryFields.employees,
    { description: 'Current employees of the company, including apprentices and temporary staff.' },
    { id: exampleIds.formerEmployees, fields: dataSubjectCategoryFields.formerEmployees }
  ),
  recipients: resourceExamples(
    exampleIds.publicAuthorities,
    recipientFields.publicAuthorities,
    { description: 'Authorities the company must report to, such as Skatteetaten (the a-melding on salaries), and Datatilsynet when a breach is notified.' },
    { id: exampleIds.professionalAdvisers, fields: recipientFields.professionalAdvisers }
  ),
  processors: resourceExamples(
    exampleIds.googleIreland,
    processorFields.googleIreland,
    { dpaReference: 'Google Ads Data Processing Terms, version of 2025, accepted in the Google Analytics admin console', dpaSignedAt: '2025-03-01' },
    { id: exampleIds.hotjar, fields: processorFields.hotjar }
  ),
  'security-measures': resourceExamples(
    exampleIds.twoFactor,
    securityMeasureFields.twoFactor,
    { description: 'Two-factor authentication protects access to email, the accounting system and the file storage.' },
    { id: exampleIds.strongPasswords, fields: securityMeasureFields.strongPasswords }
  )
}

function catalogueEntries(path: keyof typeof catalogueExamples, fieldsByKey: Record<string, Json>) {
  const ids: Record<string, string> = exampleIds
  return Object.entries(fieldsByKey).map(([key, fields]) => {
    const id = ids[key]
    if (id === undefined) throw new Error(`no example id for the ${path} entry ${key}`)
    return { path, id, fields }
  })
}

/** Every catalogue entry the examples refer to, in an order they can be created in, with its example id. */
export const exampleCatalogueEntries: { path: keyof typeof catalogueExamples; id: string; fields: Json }[] = [
  ...catalogueEntries('data-categories', dataCategoryFields),
  ...catalogueEntries('data-subject-categories', dataSubjectCategoryFields),
  ...catalogueEntries('recipients', recipientFields),
  ...catalogueEntries('processors', processorFields),
  ...catalogueEntries('security-measures', securityMeasureFields)
]

// ---- Activity ------------------------------------------------------------------------------------

const purpose = (description: string, legalBasis: string, legalReference: string | null = null): Json => ({
  description,
  legalBasis,
  legalReference,
  legitimateInterest: null,
  liaReference: null,
  consent: null,
  directMarketing: false,
  objectionMechanism: null,
  informationSocietyService: false,
  publicAuthorityTask: null
})

const activityCreate = {
  name: 'Personnel administration and payroll',
  description: 'Administration of the employment relationship, payroll and the records kept about current and former employees.',
  owner: 'Administration',
  status: 'active',
  role: 'controller',
  purposes: [
    purpose('Administer the employment relationship, including necessary adaptation of the workplace', '6.1.b'),
    purpose('Pay salaries to employees', '6.1.b'),
    purpose('Keep payroll records as accounting material under the Bookkeeping Act', '6.1.c', 'bokføringsloven § 13')
  ],
  dataSubjectCategoryIds: [exampleIds.employees, exampleIds.formerEmployees],
  dataCategoryIds: [exampleIds.contactDetails, exampleIds.salaryAndBank, exampleIds.workplaceAdaptation],
  recipientIds: [exampleIds.publicAuthorities, exampleIds.professionalAdvisers, exampleIds.dataProcessors],
  noRecipients: false,
  processorIds: [exampleIds.accountingProvider],
  securityMeasureIds: [],
  specialCategoryConditions: [{ condition: '9.2.b', reference: 'arbeidsmiljøloven § 4-6 (adaptation of the workplace)', consent: null }],
  criminalDataReference: null,
  jointControllers: [],
  controllers: [],
  transfers: [],
  retention: [
    {
      dataCategoryIds: [exampleIds.contactDetails, exampleIds.workplaceAdaptation],
      period: 'P3M',
      kind: 'until_event',
      trigger: 'End of employment',
      description:
        'Deleted when the employment ends, at the latest three months after; kept longer only for a particular reason, for example a pending disagreement over notice.',
      legalReference: null
    },
    {
      dataCategoryIds: [exampleIds.salaryAndBank],
      period: 'P5Y',
      kind: 'statutory_minimum',
      trigger: 'End of the financial year',
      description: 'Payroll information is kept for five years under the Bookkeeping Act.',
      legalReference: 'bokføringsloven § 13'
    }
  ],
  dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: ['vulnerable_data_subjects', 'sensitive_data'] },
  automatedDecisionMaking: false,
  automatedDecisions: [],
  profiling: false,
  dataSources: ['data_subject'],
  systems: ['Accounting and payroll system'],
  lastReviewedAt: '2025-03-10',
  reviewIntervalMonths: null,
  recordExemptionClaimed: false,
  occasional: false
}
const activityPatch = {
  dpia: {
    status: 'completed',
    reference: 'DPIA 2025-01 Personnel administration, kept by the DPO',
    completedAt: '2025-03-12',
    notRequiredReason: null,
    criteria: ['vulnerable_data_subjects', 'sensitive_data']
  },
  lastReviewedAt: '2025-03-12'
}
const activity = stored(exampleIds.personnel, { ...keyed(activityCreate), nextReviewDue: '2026-03-10' }, at.activityCreated)
const activityUpdated = patched(activity, { ...activityPatch, nextReviewDue: '2026-03-12' }, at.activityUpdated)

export const activityExamples: ResourceExamples = {
  create: activityCreate,
  entity: activity,
  patch: activityPatch,
  patched: activityUpdated,
  page: page([activityUpdated], true)
}

// ---- What is read from the activity ---------------------------------------------------------------

export const transferPageExample = {
  items: [
    {
      activityId: exampleIds.websiteAnalytics,
      activityName: 'Website, cookies and analytics',
      activityStatus: 'active',
      index: 1,
      country: 'US',
      internationalOrganisation: null,
      importer: 'Google LLC',
      importerRole: null,
      dpfCertified: null,
      dpfCheckedAt: null,
      processorId: exampleIds.googleIreland,
      mechanism: '45',
      sccModule: null,
      safeguardReference: 'EU-US Data Privacy Framework (Implementing Decision (EU) 2023/1795); whether the importer is certified has not been checked',
      tiaReference: null,
      derogation: null,
      consent: null
    }
  ],
  nextCursor: null
}

export const activityHistoryExample = {
  items: [
    {
      version: 1,
      at: at.activityCreated,
      actor: exampleActors.dpo,
      action: 'create',
      requestId: exampleRequestIds.personnelCreate,
      changedFields: [],
      reason: null,
      snapshot: activity
    },
    {
      version: 2,
      at: at.activityUpdated,
      actor: exampleActors.dpo,
      action: 'update',
      requestId: exampleRequestIds.personnelUpdate,
      changedFields: ['dpia', 'lastReviewedAt', 'nextReviewDue'],
      reason: null,
      snapshot: activityUpdated
    }
  ]
}

export const changesExample = {
  from: '2025-03-12T00:00:00.000Z',
  to: '2025-03-13T00:00:00.000Z',
  items: [
    {
      at: at.activityUpdated,
      actor: exampleActors.dpo,
      action: 'update',
      entityType: 'activity',
      entityId: exampleIds.personnel,
      name: activityCreate.name,
      requestId: exampleRequestIds.personnelUpdate,
      reason: 'DPIA screening completed (memo DPO-2025-07)',
      changes: [
        { field: 'dpia', old: activityCreate.dpia, new: activityPatch.dpia },
        { field: 'lastReviewedAt', old: activityCreate.lastReviewedAt, new: activityPatch.lastReviewedAt },
        { field: 'nextReviewDue', old: activity.nextReviewDue, new: activityUpdated.nextReviewDue }
      ]
    }
  ]
}

const workplaceAdaptation = catalogueExamples['data-categories']
export const auditEventPageExample = {
  items: [
    {
      id: '0f6b2e93-5d4a-4c18-b7e2-39a1c8d5f047',
      at: at.catalogueUpdated,
      actor: exampleActors.dpo,
      action: 'update',
      entityType: 'data_category',
      entityId: exampleIds.workplaceAdaptation,
      snapshot: workplaceAdaptation.patched,
      requestId: exampleRequestIds.workplaceAdaptationUpdate,
      reason: 'Sick-leave details are no longer kept here (HR decision 2025-03)'
    },
    {
      id: 'a83c7d21-94e6-4f0b-8c35-d2b7e1f9a604',
      at: at.catalogueCreated,
      actor: exampleActors.dpo,
      action: 'create',
      entityType: 'data_category',
      entityId: exampleIds.workplaceAdaptation,
      snapshot: workplaceAdaptation.entity,
      requestId: exampleRequestIds.workplaceAdaptationCreate,
      reason: null
    }
  ],
  nextCursor: encodeCursor({ seq: 17 })
}

// ---- The export ----------------------------------------------------------------------------------

const codeRef = (list: readonly { code: string; label: string; article: string }[], code: unknown) => {
  const { code: known, label, article } = list.find((entry) => entry.code === code)!
  return { code: known, label, article }
}
const countryRef = (code: string) => {
  const country = countries.find((entry) => entry.code === code)!
  return {
    code,
    name: country.name,
    eea: country.eea,
    adequacy: country.adequacy && {
      decision: country.adequacy.decision,
      scope: country.adequacy.scope,
      conditions: country.adequacy.conditions,
      validUntil: country.adequacy.validUntil
    }
  }
}
const named = (id: string, fields: Json) => ({ id, name: fields.name })
/** A catalogue entry's fields as they stand after the PATCH examples. */
const current = (path: keyof typeof catalogueExamples, id: string, fields: Json): Json => ({
  id,
  ...fields,
  ...(catalogueExamples[path].entity.id === id ? catalogueExamples[path].patch : {})
})
const securityMeasureRef = ({ id, name, code, type, description }: Json) => ({
  id,
  name,
  code: codeRef(securityMeasureVocabulary, code),
  type,
  description,
  appliesTo: 'organisation'
})

export const recordExample = {
  organisation: {
    id: exampleIds.organisation,
    name: organisationUpdated.name,
    registrationNumber: organisationUpdated.registrationNumber,
    address: organisationUpdated.address,
    email: organisationUpdated.email,
    phone: organisationUpdated.phone,
    website: organisationUpdated.website,
    country: countryRef('NO'),
    supervisoryAuthority: organisationUpdated.supervisoryAuthority,
    isPublicAuthority: false,
    employeeCount: organisationUpdated.employeeCount,
    dpo: organisationPatch.dpo,
    representative: null
  },
  generatedAt: at.exported,
  asOf: null,
  includesDrafts: false,
  record: 'controller',
  activities: [
    {
      id: exampleIds.personnel,
      name: activityCreate.name,
      description: activityCreate.description,
      businessFunction: activityCreate.owner,
      status: 'active',
      role: 'controller',
      purposes: activityCreate.purposes.map((entry) => ({ ...entry, legalBasis: codeRef(legalBases, entry.legalBasis) })),
      dataSubjectCategories: [
        current('data-subject-categories', exampleIds.employees, dataSubjectCategoryFields.employees),
        current('data-subject-categories', exampleIds.formerEmployees, dataSubjectCategoryFields.formerEmployees)
      ],
      dataCategories: [
        current('data-categories', exampleIds.contactDetails, dataCategoryFields.contactDetails),
        current('data-categories', exampleIds.salaryAndBank, dataCategoryFields.salaryAndBank),
        {
          ...current('data-categories', exampleIds.workplaceAdaptation, dataCategoryFields.workplaceAdaptation),
          specialCategory: codeRef(specialCategories, 'health_data')
        }
      ],
      recipients: [
        current('recipients', exampleIds.dataProcessors, recipientFields.dataProcessors),
        current('recipients', exampleIds.professionalAdvisers, recipientFields.professionalAdvisers),
        { ...current('recipients', exampleIds.publicAuthorities, recipientFields.publicAuthorities), country: countryRef('NO') }
      ],
      noRecipients: false,
      processors: [
        (({ id, name, description: _, subProcessorIds: __, ...fields }) => ({ id, name, ...fields, subProcessors: [] }))(
          current('processors', exampleIds.accountingProvider, processorFields.accountingProvider)
        )
      ],
      specialCategoryConditions: [
        { condition: codeRef(legalBases, '9.2.b'), reference: 'arbeidsmiljøloven § 4-6 (adaptation of the workplace)', consent: null }
      ],
      criminalDataReference: null,
      jointControllers: [],
      controllers: [],
      transfers: [],
      retention: [
        {
          dataCategories: [
            named(exampleIds.contactDetails, dataCategoryFields.contactDetails),
            named(exampleIds.workplaceAdaptation, dataCategoryFields.workplaceAdaptation)
          ],
          allDataCategories: false,
          period: 'P3M',
          kind: 'until_event',
          trigger: 'End of employment',
          description:
            'Deleted when the employment ends, at the latest three months after; kept longer only for a particular reason, for example a pending disagreement over notice.',
          legalReference: null
        },
        {
          dataCategories: [named(exampleIds.salaryAndBank, dataCategoryFields.salaryAndBank)],
          allDataCategories: false,
          period: 'P5Y',
          kind: 'statutory_minimum',
          trigger: 'End of the financial year',
          description: 'Payroll information is kept for five years under the Bookkeeping Act.',
          legalReference: 'bokføringsloven § 13'
        }
      ],
      securityMeasures: [
        securityMeasureRef(current('security-measures', exampleIds.strongPasswords, securityMeasureFields.strongPasswords)),
        securityMeasureRef(current('security-measures', exampleIds.twoFactor, securityMeasureFields.twoFactor))
      ],
      dpia: { ...activityPatch.dpia, criteria: ['vulnerable_data_subjects', 'sensitive_data'].map((code) => codeRef(dpiaCriteria, code)) },
      automatedDecisionMaking: false,
      automatedDecisions: [],
      profiling: false,
      dataSources: ['data_subject'],
      systems: activityCreate.systems,
      lastReviewedAt: activityPatch.lastReviewedAt,
      recordExemptionClaimed: false,
      occasional: false,
      version: 2,
      createdAt: at.activityCreated,
      updatedAt: at.activityUpdated,
      findings: { errors: 0, warnings: 0, infos: 0, rules: [] }
    }
  ]
}

/** The same record in DPV (`?format=jsonld`), as served from https://ropa.example.org. */
// Cast: recordExample is a plain literal; test/openapi-examples.test.ts checks it against RecordSchema.
export const recordJsonLdExample = jsonLdDocument(recordExample as unknown as ExportedRecord, { baseUrl: 'https://ropa.example.org' })

/** The schema with one example, which @fastify/swagger shows as the media type's `example`. */
export const withExample = <T extends object>(schema: T, example: unknown): T => ({ ...schema, examples: [example] })

// ---- Findings and rights, as the checks report them: the activity as created, the organisation after the patches ----

export const activityFindingsExample = {
  items: [
    {
      rule: 'dpia-likely-required',
      severity: 'warning',
      article: 'Art. 35(1)',
      entityType: 'activity',
      entityId: exampleIds.personnel,
      path: '/dpia',
      message: 'The activity meets 2 WP248 criteria (vulnerable_data_subjects, sensitive_data): carry out a DPIA, or record why none is needed.'
    }
  ],
  summary: { errors: 0, warnings: 1, infos: 0 }
}
export const findingsExample = {
  items: [
    {
      rule: 'processor-contract-incomplete',
      severity: 'error',
      article: 'Art. 28(3)',
      entityType: 'processor',
      entityId: exampleIds.accountingProvider,
      path: '/dpaReference',
      message:
        "Record the data processing agreement with 'Accounting and payroll service provider (not named)' and when it was signed: processing by a processor needs a written contract (Art. 28(3), 28(9))."
    },
    {
      rule: 'processor-contract-incomplete',
      severity: 'warning',
      article: 'Art. 28(2)',
      entityType: 'processor',
      entityId: exampleIds.accountingProvider,
      path: '/subprocessorAuthorisation',
      message:
        "Record whether 'Accounting and payroll service provider (not named)' may engage sub-processors under a specific or a general written authorisation (Art. 28(2))."
    },
    {
      rule: 'processor-contract-incomplete',
      severity: 'error',
      article: 'Art. 28(3)',
      entityType: 'processor',
      entityId: exampleIds.hotjar,
      path: '/dpaReference',
      message:
        "Record the data processing agreement with 'Hotjar Ltd' and when it was signed: processing by a processor needs a written contract (Art. 28(3), 28(9))."
    },
    {
      rule: 'processor-contract-incomplete',
      severity: 'warning',
      article: 'Art. 28(2)',
      entityType: 'processor',
      entityId: exampleIds.hotjar,
      path: '/subprocessorAuthorisation',
      message: "Record whether 'Hotjar Ltd' may engage sub-processors under a specific or a general written authorisation (Art. 28(2))."
    }
  ],
  summary: { errors: 2, warnings: 2, infos: 0 }
}
export const rightsExample = {
  items: [
    {
      right: 'information',
      article: 'Arts. 13, 14',
      applies: 'full',
      reason: 'Always: the purposes and bases (6.1.b, 6.1.c), recipients, retention and rights must be given when the data are collected.'
    },
    {
      right: 'access',
      article: 'Art. 15',
      applies: 'full',
      reason: 'On every legal basis.'
    },
    {
      right: 'rectification',
      article: 'Art. 16',
      applies: 'full',
      reason: 'On every legal basis.'
    },
    {
      right: 'erasure',
      article: 'Art. 17',
      applies: 'partial',
      reason: 'When the data are no longer necessary (17(1)(a)), after a successful objection (17(1)(c)) or when processed unlawfully (17(1)(d)).'
    },
    {
      right: 'restriction',
      article: 'Art. 18',
      applies: 'full',
      reason: 'On every legal basis.'
    },
    {
      right: 'notification_of_recipients',
      article: 'Art. 19',
      applies: 'full',
      reason: 'Recipients are recorded: rectification, erasure and restriction must be passed on to them.'
    },
    {
      right: 'portability',
      article: 'Art. 20',
      applies: 'partial',
      reason: 'For data the data subject provided, processed by automated means, on 6.1.b (Art. 20(1)).'
    },
    {
      right: 'object',
      article: 'Art. 21(1)',
      applies: 'no',
      reason: 'Art. 21(1) covers processing on 6.1.e or 6.1.f only.'
    },
    {
      right: 'object_to_direct_marketing',
      article: 'Art. 21(2)',
      applies: 'no',
      reason: 'No purpose is direct marketing.'
    },
    {
      right: 'withdraw_consent',
      article: 'Art. 7(3)',
      applies: 'no',
      reason: 'No consent is relied on.'
    },
    {
      right: 'not_subject_to_automated_decision',
      article: 'Art. 22',
      applies: 'no',
      reason: 'No decisions based solely on automated processing are recorded.'
    },
    {
      right: 'complaint',
      article: 'Art. 77',
      applies: 'full',
      reason: 'Always: a complaint may be lodged with a supervisory authority.'
    }
  ]
}

// ---- Acknowledged findings: the DPO acknowledges the DPIA screening finding on the personnel activity as created ----

/** The findings examples as the lists answer them with no acknowledgement made. */
const unacknowledged = ({ items, summary }: { items: Json[]; summary: Json }) => ({
  items: items.map((finding) => ({ ...finding, acknowledged: null })),
  summary: { ...summary, acknowledged: 0 }
})
export const listedFindingsExample = unacknowledged(findingsExample)
export const listedActivityFindingsExample = unacknowledged(activityFindingsExample)

const acknowledgementCreate = {
  rule: 'dpia-likely-required',
  entityId: exampleIds.personnel,
  path: '/dpia',
  reason:
    'Both criteria count the same employees (vulnerable data subjects) and their sick-leave data (sensitive data); the screening memo DPO-2025-07 finds no high risk and is reviewed yearly.',
  expiresAt: '2028-03-12T00:00:00.000Z'
}
const acknowledgementEntity = {
  id: '8fa82f5c-ab42-43e0-8bbb-90a2add75a3a',
  rule: acknowledgementCreate.rule,
  entityType: 'activity',
  entityId: acknowledgementCreate.entityId,
  path: acknowledgementCreate.path,
  reason: acknowledgementCreate.reason,
  expiresAt: acknowledgementCreate.expiresAt,
  expired: false,
  createdAt: '2025-03-11T15:02:19.540Z',
  createdBy: exampleActors.dpo
}
export const acknowledgementExamples = {
  create: acknowledgementCreate,
  entity: acknowledgementEntity,
  page: { items: [acknowledgementEntity], nextCursor: null }
}

// ---- Reviews (issue 19): the DPO confirms the personnel activity a year after its update -----------

const reviewEntity = {
  id: '5b0e7c1d-2f43-4a8e-9d61-c3a7f2e8b914',
  activityId: exampleIds.personnel,
  activityVersion: 2,
  outcome: 'confirmed',
  note: 'Checked with HR: purposes, categories and retention unchanged.',
  reviewedBy: exampleActors.dpo,
  reviewedAt: '2026-03-02T09:12:44.301Z'
}
export const reviewExamples = {
  create: { outcome: reviewEntity.outcome, note: reviewEntity.note },
  entity: reviewEntity,
  page: { items: [reviewEntity], nextCursor: null },
  due: {
    until: '2026-04-01',
    items: [
      {
        activityId: exampleIds.websiteAnalytics,
        name: 'Website, cookies and analytics',
        owner: 'Marketing',
        status: 'active',
        lastReviewedAt: '2025-03-14',
        reviewIntervalMonths: 12,
        nextReviewDue: '2026-03-14',
        overdue: false
      }
    ],
    nextCursor: null
  }
}

// ---- Bundles ------------------------------------------------------------------------------------

/** A small record as a bundle: the profile, one entry of some catalogues and one activity linking to them by key. */
export const bundleExample = {
  organisation: {
    ...organisationCreate,
    phone: null,
    isPublicAuthority: false,
    dpo: null,
    representative: null,
    reviewIntervalMonths: 12,
    requireChangeReason: false
  },
  dataCategories: [keyed(dataCategoryFields.contactDetails), keyed(dataCategoryFields.salaryAndBank)],
  dataSubjectCategories: [{ key: 'employees', name: 'Employees', description: null, includesChildren: false, vulnerable: false, managedBy: null }],
  recipients: [],
  processors: [],
  securityMeasures: [],
  activities: [
    {
      key: 'payroll',
      name: 'Payroll',
      status: 'active',
      managedBy: 'repo:example/privacy',
      purposes: [{ description: 'Pay salaries to employees', legalBasis: '6.1.b' }],
      dataSubjectCategoryKeys: ['employees'],
      dataCategoryKeys: [keyFromName(dataCategoryFields.contactDetails.name), keyFromName(dataCategoryFields.salaryAndBank.name)],
      noRecipients: true,
      retention: [{ dataCategoryKeys: [], period: 'P5Y', kind: 'statutory_minimum', legalReference: 'bokføringsloven § 13' }]
    }
  ]
}

/** The opening of the bundle's JSON Schema, as /v1/schemas/bundle.json serves it. */
export const bundleSchemaExample = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://ropa.example/v1/schemas/bundle.json',
  title: 'ROPA bundle',
  type: 'object',
  required: ['organisation', 'dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures', 'activities']
}

/** The plan of `bundleExample` against a record that has the two data categories and nothing else yet. */
export const planExample = {
  planHash: '9c1f0b3e6a2d4f5e8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a',
  changes: [
    { op: 'create', entityType: 'dataSubjectCategories', key: 'employees', fields: [{ path: '/name', from: null, to: 'Employees' }] },
    { op: 'create', entityType: 'activities', key: 'payroll', fields: [{ path: '/name', from: null, to: 'Payroll' }] }
  ],
  findings: {
    added: [
      {
        rule: 'security-measures-missing',
        severity: 'warning',
        article: 'Art. 30(1)(g)',
        entityType: 'activity',
        entityKey: 'payroll',
        path: '/securityMeasureIds',
        message: 'Describe the technical and organisational security measures, or record organisation-wide ones (Art. 30(1)(g)).'
      }
    ],
    resolved: []
  },
  summary: { creates: 2, updates: 0, deletes: 0, errorsAdded: 0 }
}

export const importExample = {
  dryRun: true,
  plan: planExample,
  report: [
    {
      row: 4,
      column: 'Article 6 lawful basis',
      value: 'Pay salaries: because we must',
      why: 'names no Art. 6(1) basis: write its code (6.1.f), article (Art. 6(1)(f)) or label'
    }
  ]
}

export const importCsvExample =
  'Processing activity,Purpose of processing,Categories of individuals,Categories of personal data,Article 6 lawful basis,Retention schedule,Status\r\n' +
  'Payroll,Pay salaries to employees,Employees,Contact details; Salary and bank account details,Art. 6(1)(b),"All data: P5Y, from End of the financial year",active\r\n'

// ---- Snapshots ----------------------------------------------------------------------------------

const snapshotCreate = {
  note: 'Record as submitted to Datatilsynet on request of 12 March 2025 (case 25/01234).',
  submittedTo: 'Datatilsynet',
  submittedAt: '2025-03-14T09:30:00.000Z'
}
const snapshotId = '0f6b1c9e-5a2d-4e8b-9c71-3d4e5f6a7b8c'
/** The key of RFC 8037 appendix A, and its RFC 7638 thumbprint as its `kid`. */
const snapshotKid = 'kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k'
const snapshotSha256 = '4d2b7c1f0e9a8b6c5d4e3f2a1b0c9d8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c'
const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url')
const snapshotEntity = {
  id: snapshotId,
  organisationId: exampleIds.organisation,
  record: 'controller',
  ...snapshotCreate,
  activityCount: 1,
  sha256: snapshotSha256,
  // The header and payload are what the API signs; the signature of an example is not a real one.
  jws: [
    base64url({ alg: 'EdDSA', kid: snapshotKid, typ: 'ropa-snapshot+jwt' }),
    base64url({ createdAt: at.exported, organisationId: exampleIds.organisation, sha256: snapshotSha256, snapshotId }),
    'r4Q2m9VxA1bC7dE0fG3hI6jK8lM5nO2pQ9rS4tU1vW7xY0zA3bC6dE9fG2hI5jK8lM1nO4pQ7rS0tU3vW6xY9zAbC'
  ].join('.'),
  kid: snapshotKid,
  createdAt: at.exported,
  createdBy: exampleActors.dpo
}
export const snapshotExamples = {
  create: snapshotCreate,
  entity: snapshotEntity,
  page: { items: [snapshotEntity], nextCursor: null },
  jwks: { keys: [{ kty: 'OKP', crv: 'Ed25519', x: '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo', kid: snapshotKid, alg: 'EdDSA', use: 'sig' }] }
}

// ---- Webhooks -----------------------------------------------------------------------------------

const webhookCreate = {
  url: 'https://hooks.example.no/ropa',
  events: ['activity.created', 'activity.updated', 'activity.deleted', 'findings.changed'],
  description: 'Posts changes of the record to the privacy channel.'
}
const webhookEntity = stored('0d7c2a55-4b9e-4f6e-9d39-5f2f3c1c8a41', { ...webhookCreate, enabled: true }, '2025-03-12T08:15:00.000Z')
const webhookPatch = { events: [...webhookCreate.events, 'review.due'] }
const webhookDelivery = {
  id: '5b7f4a1e-2c3d-4e5f-8a9b-0c1d2e3f4a5b',
  status: 'succeeded',
  event: {
    type: 'activity.updated',
    timestamp: '2025-03-12T09:01:44.120Z',
    data: {
      eventId: '9a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d',
      organisationId: exampleIds.organisation,
      entity: { type: 'activity', id: exampleIds.personnel },
      action: 'update',
      actor: exampleActors.dpo,
      reason: null,
      requestId: exampleRequestIds.personnelUpdate,
      changedFields: ['dpia', 'retention']
    }
  },
  attempts: [
    { at: '2025-03-12T09:01:45.002Z', durationMs: 5000, statusCode: null, succeeded: false, error: 'no answer within 5000 ms' },
    { at: '2025-03-12T09:02:19.310Z', durationMs: 84, statusCode: 204, succeeded: true, error: null }
  ],
  nextAttemptAt: null,
  giveUpAfter: '2025-03-13T09:01:44.120Z',
  createdAt: '2025-03-12T09:01:44.120Z',
  completedAt: '2025-03-12T09:02:19.310Z',
  redeliveryOf: null
}
export const webhookExamples = {
  create: webhookCreate,
  created: { ...webhookEntity, secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwq2bVm0R1d3s=' },
  entity: webhookEntity,
  page: { items: [webhookEntity], nextCursor: null },
  patch: webhookPatch,
  patched: patched(webhookEntity, webhookPatch, '2025-03-12T10:00:00.000Z'),
  deliveries: { items: [webhookDelivery], nextCursor: null },
  redelivery: {
    ...webhookDelivery,
    id: '6c8e5b2f-3d4e-4f60-9bac-1d2e3f4a5b6c',
    status: 'pending',
    attempts: [],
    nextAttemptAt: '2025-03-12T11:30:00.000Z',
    giveUpAfter: '2025-03-13T11:30:00.000Z',
    createdAt: '2025-03-12T11:30:00.000Z',
    completedAt: null,
    redeliveryOf: webhookDelivery.id
  }
}

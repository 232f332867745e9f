import type { ClientController } from '../modules/activities/activities.schemas.ts'
import { countryIri, criminalDataIri, legalBasisIris, recipientTypeIris, specialCategoryIris, transferMechanismTerms } from './dpv.ts'
import { contextPath } from './dpv-context.ts'
import type { ExportActivity, ExportedRecord, ExportOrganisation } from './record.schemas.ts'
import type { AssembledRecord } from './record.ts'

/**
 * The record in the W3C Data Privacy Vocabulary as JSON-LD: a `dpv:ROPA` whose processes are the
 * activities, each a `dpv:Process` with its purposes, legal bases, data, recipients, transfers,
 * storage conditions and measures. The terms are defined by the context the API serves at
 * `contextPath`; docs/dpv.md maps every field.
 */

type Node = Record<string, unknown>
type Country = ExportOrganisation['country']
type Activity = ExportActivity

export interface JsonLdOptions {
  /** The origin the API is reached at (`https://ropa.example.org`): the context and every resource are named by their URL there. */
  baseUrl: string
}

/** Leaves out what is not there (null, undefined, empty lists), so a reader never meets a null in the graph. */
function present(node: Node): Node {
  return Object.fromEntries(Object.entries(node).filter(([, value]) => value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0)))
}

const contacts = (...values: (string | null)[]) => values.filter((value): value is string => value !== null)

/** The IRIs of one organisation's resources: their URLs in the API. */
function namer(baseUrl: string, organisationId: string) {
  const organisation = `${baseUrl}/v1/organisations/${organisationId}`
  return { organisation, of: (path: string, id: string) => `${organisation}/${path}/${id}` }
}
type Namer = ReturnType<typeof namer>

function countryNode(country: Country) {
  if (!country) return undefined
  return present({
    '@id': countryIri(country.code),
    '@type': 'dpv:Country',
    eea: country.eea,
    adequacyDecision: country.adequacy?.decision,
    adequacyScope: country.adequacy?.scope,
    adequacyConditions: country.adequacy?.conditions,
    adequacyValidUntil: country.adequacy?.validUntil
  })
}

const mapped = (table: Readonly<Record<string, string>>, code: { code: string } | null) => (code ? table[code.code] : undefined)

function organisationNode(organisation: ExportOrganisation, record: ExportedRecord['record'], iris: Namer): Node {
  const { dpo, representative } = organisation
  return present({
    '@id': iris.organisation,
    '@type': ['dpv:LegalEntity', record === 'controller' ? 'dpv:DataController' : 'dpv:DataProcessor'],
    name: organisation.name,
    registrationNumber: organisation.registrationNumber,
    address: organisation.address,
    contact: contacts(organisation.email, organisation.phone),
    website: organisation.website,
    country: countryNode(organisation.country),
    supervisoryAuthority: organisation.supervisoryAuthority,
    isPublicAuthority: organisation.isPublicAuthority,
    employeeCount: organisation.employeeCount,
    dataProtectionOfficer:
      dpo &&
      present({
        '@type': 'dpv:DataProtectionOfficer',
        designated: dpo.designated,
        name: dpo.name,
        contact: contacts(dpo.email, dpo.phone),
        address: dpo.address
      }),
    representative:
      representative &&
      present({
        '@type': 'dpv:Representative',
        name: representative.name,
        contact: contacts(representative.email, representative.phone),
        address: representative.address
      })
  })
}

function clientControllerNode(controller: ClientController): Node {
  return present({
    '@type': 'dpv:DataController',
    name: controller.name,
    contact: controller.contact,
    representative: controller.representative && { '@type': 'dpv:Representative', name: controller.representative },
    processingCategories: controller.processing,
    contractReference: controller.contractReference,
    subprocessorAuthorisation: controller.subprocessorAuthorisation
  })
}

function purposeNode(purpose: Activity['purposes'][number]): Node {
  return present({
    '@type': 'dpv:Purpose',
    description: purpose.description,
    legalBasis: mapped(legalBasisIris, purpose.legalBasis),
    legalReference: purpose.legalReference,
    legitimateInterest: purpose.legitimateInterest,
    liaReference: purpose.liaReference,
    consent: purpose.consent,
    directMarketing: purpose.directMarketing,
    objectionMechanism: purpose.objectionMechanism,
    informationSocietyService: purpose.informationSocietyService,
    publicAuthorityTask: purpose.publicAuthorityTask
  })
}

function personalDataNode(category: Activity['dataCategories'][number], iris: Namer): Node {
  const special = category.specialCategory ? (specialCategoryIris[category.specialCategory.code] ?? []) : []
  return present({
    '@id': iris.of('data-categories', category.id),
    '@type': category.specialCategory ? ['dpv:PersonalData', 'dpv:SpecialCategoryPersonalData'] : 'dpv:PersonalData',
    label: category.name,
    description: category.description,
    broader: [...special, ...(category.criminal ? [criminalDataIri] : [])],
    criminal: category.criminal
  })
}

function processorNode(processor: Activity['processors'][number], record: ExportedRecord['record'], iris: Namer): Node {
  return present({
    '@id': iris.of('processors', processor.id),
    // In the processor record the organisation is the processor, and the processors it engages are its sub-processors.
    '@type': record === 'controller' ? 'dpv:DataProcessor' : ['dpv:DataProcessor', 'dpv:DataSubProcessor'],
    name: processor.name,
    country: countryNode(processor.country),
    contact: contacts(processor.email, processor.phone),
    address: processor.address,
    service: processor.service,
    dpaReference: processor.dpaReference,
    dpaSignedAt: processor.dpaSignedAt,
    subprocessorAuthorisation: processor.subprocessorAuthorisation,
    dpfCertified: processor.dpfCertified,
    subProcessors: processor.subProcessors.map((sub) => ({ '@id': iris.of('processors', sub.id), '@type': 'dpv:DataSubProcessor', name: sub.name }))
  })
}

function transferNode(transfer: Activity['transfers'][number], iris: Namer): Node {
  const terms = transfer.mechanism ? transferMechanismTerms[transfer.mechanism.code] : undefined
  const importer = transfer.importer ?? transfer.importerRole
  return present({
    '@type': 'dpv:Process',
    processing: 'dpv:Transfer',
    // A destination inside the EEA is no third country (Chapter V does not apply).
    [transfer.country?.eea ? 'country' : 'thirdCountry']: countryNode(transfer.country),
    internationalOrganisation: transfer.internationalOrganisation && {
      '@type': 'dpv:InternationalOrganisation',
      name: transfer.internationalOrganisation.name,
      code: transfer.internationalOrganisation.code
    },
    dataImporter: importer && present({ '@type': 'dpv:DataImporter', name: transfer.importer, importerRole: transfer.importerRole }),
    dataProcessor: transfer.processor && { '@id': iris.of('processors', transfer.processor.id), name: transfer.processor.name },
    legalBasis: terms?.legalBasis,
    measures: terms?.measure,
    transferMechanism: transfer.mechanism?.code,
    sccModule: transfer.sccModule,
    safeguardReference: transfer.safeguardReference,
    tiaReference: transfer.tiaReference,
    dpfCertified: transfer.dpfCertified,
    dpfCheckedAt: transfer.dpfCheckedAt,
    derogation: transfer.derogation,
    consent: transfer.consent
  })
}

function storageNode(rule: Activity['retention'][number], iris: Namer): Node {
  const kind = rule.kind === 'until_event' ? 'dpv:UntilEventDuration' : rule.period ? 'dpv:TemporalDuration' : undefined
  return present({
    '@type': kind ? ['dpv:StorageDuration', kind] : 'dpv:StorageDuration',
    duration: rule.period,
    personalData: rule.dataCategories.map((category) => ({ '@id': iris.of('data-categories', category.id) })),
    allDataCategories: rule.allDataCategories,
    retentionKind: rule.kind,
    retentionTrigger: rule.trigger,
    description: rule.description,
    legalReference: rule.legalReference
  })
}

/** Every legal basis the activity relies on: its purposes' Art. 6(1) bases, then its Art. 9(2) conditions. */
function activityLegalBases(activity: Activity) {
  const codes = [...activity.purposes.map((purpose) => purpose.legalBasis), ...activity.specialCategoryConditions.map((condition) => condition.condition)]
  return [...new Set(codes.map((code) => mapped(legalBasisIris, code)).filter((iri) => iri !== undefined))]
}

function jointControllersNode(activity: Activity, iris: Namer) {
  if (activity.jointControllers.length === 0) return undefined
  const others = activity.jointControllers.map((joint) =>
    present({ '@type': 'dpv:DataController', name: joint.name, contact: joint.contact, arrangementReference: joint.arrangementReference })
  )
  return { '@type': 'dpv:JointDataControllers', dataController: [{ '@id': iris.organisation }, ...others] }
}

function controllersOf(activity: Activity, record: ExportedRecord['record'], iris: Namer) {
  if (record === 'controller') return { dataController: { '@id': iris.organisation } }
  return { dataController: activity.controllers.map(clientControllerNode), organisation: { '@id': iris.organisation } }
}

function activityNode(activity: Activity, record: ExportedRecord['record'], iris: Namer): Node {
  const { dataController, organisation } = controllersOf(activity, record, iris)
  const { dpia } = activity
  return present({
    '@id': iris.of('activities', activity.id),
    '@type': 'dpv:Process',
    label: activity.name,
    description: activity.description,
    status: activity.status,
    role: activity.role,
    businessFunction: activity.businessFunction,
    dataController,
    jointDataControllers: jointControllersNode(activity, iris),
    dataProcessor: [...(organisation ? [organisation] : []), ...activity.processors.map((processor) => processorNode(processor, record, iris))],
    purposes: activity.purposes.map(purposeNode),
    legalBasis: activityLegalBases(activity),
    specialCategoryConditions: activity.specialCategoryConditions.map((condition) =>
      present({ legalBasis: mapped(legalBasisIris, condition.condition), legalReference: condition.reference, consent: condition.consent })
    ),
    dataSubjects: activity.dataSubjectCategories.map((category) =>
      present({
        '@id': iris.of('data-subject-categories', category.id),
        '@type': category.vulnerable ? ['dpv:DataSubject', 'dpv:VulnerableDataSubject'] : 'dpv:DataSubject',
        label: category.name,
        description: category.description,
        includesChildren: category.includesChildren,
        vulnerable: category.vulnerable
      })
    ),
    personalData: activity.dataCategories.map((category) => personalDataNode(category, iris)),
    criminalDataReference: activity.criminalDataReference,
    recipients: activity.recipients.map((recipient) =>
      present({
        '@id': iris.of('recipients', recipient.id),
        '@type': ['dpv:Recipient', ...contacts(recipientTypeIris[recipient.type] ?? null)],
        name: recipient.name,
        recipientType: recipient.type,
        country: countryNode(recipient.country),
        description: recipient.description
      })
    ),
    noRecipients: activity.noRecipients,
    transfers: activity.transfers.map((transfer) => transferNode(transfer, iris)),
    storageConditions: activity.retention.map((rule) => storageNode(rule, iris)),
    measures: activity.securityMeasures.map((measure) =>
      present({
        '@id': iris.of('security-measures', measure.id),
        '@type': measure.type === 'organisational' ? 'dpv:OrganisationalMeasure' : 'dpv:TechnicalMeasure',
        label: measure.name,
        description: measure.description,
        measureCode: measure.code?.code,
        appliesTo: measure.appliesTo
      })
    ),
    impactAssessment: present({
      '@type': 'dpv:DPIA',
      dpiaStatus: dpia.status,
      reference: dpia.reference,
      completedAt: dpia.completedAt,
      notRequiredReason: dpia.notRequiredReason,
      dpiaCriteria: dpia.criteria.map((criterion) => criterion.code)
    }),
    automatedDecisionMaking: activity.automatedDecisionMaking,
    automatedDecisions: activity.automatedDecisions.length > 0 ? activity.automatedDecisions : undefined,
    profiling: activity.profiling,
    dataSources: activity.dataSources,
    systems: activity.systems,
    lastReviewedAt: activity.lastReviewedAt,
    recordExemptionClaimed: activity.recordExemptionClaimed,
    occasional: activity.occasional,
    version: activity.version,
    created: activity.createdAt,
    modified: activity.updatedAt
  })
}

function recordHeader(record: Omit<AssembledRecord, 'activities'>, iris: Namer, baseUrl: string): Node {
  return present({
    '@context': `${baseUrl}${contextPath}`,
    '@type': 'dpv:ROPA',
    recordKind: record.record,
    generatedAt: record.generatedAt,
    asOf: record.asOf,
    includesDrafts: record.includesDrafts,
    [record.record === 'controller' ? 'dataController' : 'dataProcessor']: organisationNode(record.organisation, record.record, iris)
  })
}

/**
 * The record as one JSON-LD document, written activity by activity. The processor record lists an
 * activity once, with all its client controllers, though the stream brings it once per controller.
 */
export async function* renderJsonLd(record: AssembledRecord, { baseUrl }: JsonLdOptions): AsyncGenerator<string> {
  const iris = namer(baseUrl, record.organisation.id)
  yield `${JSON.stringify(recordHeader(record, iris, baseUrl)).slice(0, -1)},"processes":[`
  const written = new Set<string>()
  for await (const { activity } of record.activities()) {
    if (written.has(activity.id)) continue
    yield (written.size > 0 ? ',' : '') + JSON.stringify(activityNode(activity, record.record, iris))
    written.add(activity.id)
  }
  yield ']}'
}

/** The same document at once, from a record exported as JSON (the OpenAPI example is made from the JSON export's). */
export function jsonLdDocument(record: ExportedRecord, { baseUrl }: JsonLdOptions): Node {
  const iris = namer(baseUrl, record.organisation.id)
  const activities = record.record === 'controller' ? record.activities : record.controllers.flatMap((group) => group.activities)
  const unique = [...new Map(activities.map((activity) => [activity.id, activity])).values()]
  return { ...recordHeader(record, iris, baseUrl), processes: unique.map((activity) => activityNode(activity, record.record, iris)) }
}

import { namespaces } from './dpv.ts'

/** Where the API serves the context; a released version never changes (a change is a new version, the old one stays). */
export const contextPath = '/contexts/ropa-v1.jsonld'

const iri = (id: string) => ({ '@id': id, '@type': '@id' })
const dateTime = (id: string) => ({ '@id': id, '@type': 'xsd:dateTime' })
const json = (id: string) => ({ '@id': id, '@type': '@json' })
const ropa = (name: string) => `ropa:${name}`

/** Terms of the JSON-LD export that are DPV's (or Dublin Core's, SKOS's, RDFS's). */
const standardTerms = {
  label: 'rdfs:label',
  description: 'dct:description',
  broader: iri('skos:broader'),
  created: dateTime('dct:created'),
  modified: dateTime('dct:modified'),
  name: 'dpv:hasName',
  address: 'dpv:hasAddress',
  contact: 'dpv:hasContact',
  registrationNumber: 'dpv:hasIdentifier',
  country: iri('dpv:hasCountry'),
  thirdCountry: iri('dpv:hasThirdCountry'),
  dataController: 'dpv:hasDataController',
  dataProcessor: 'dpv:hasDataProcessor',
  jointDataControllers: 'dpv:hasJointDataControllers',
  dataProtectionOfficer: 'dpv:hasDataProtectionOfficer',
  representative: 'dpv:hasRepresentative',
  processes: 'dpv:hasProcess',
  transfers: 'dpv:hasProcess',
  processing: iri('dpv:hasProcessing'),
  purposes: 'dpv:hasPurpose',
  legalBasis: iri('dpv:hasLegalBasis'),
  dataSubjects: 'dpv:hasDataSubject',
  personalData: 'dpv:hasPersonalData',
  recipients: 'dpv:hasRecipient',
  dataImporter: 'dpv:hasDataImporter',
  measures: iri('dpv:hasTechnicalOrganisationalMeasure'),
  storageConditions: 'dpv:hasStorageCondition',
  duration: { '@id': 'dpv:hasDuration', '@type': 'xsd:duration' },
  impactAssessment: 'dpv:hasImpactAssessment'
}

/** Our own terms (namespace `ropa`), for what DPV has no term for. */
const ownTerms = {
  recordKind: ropa('recordKind'),
  generatedAt: dateTime(ropa('generatedAt')),
  asOf: dateTime(ropa('asOf')),
  includesDrafts: ropa('includesDrafts'),
  website: ropa('website'),
  supervisoryAuthority: ropa('supervisoryAuthority'),
  isPublicAuthority: ropa('isPublicAuthority'),
  employeeCount: ropa('employeeCount'),
  designated: ropa('dpoDesignated'),
  eea: ropa('eea'),
  adequacyDecision: ropa('adequacyDecision'),
  adequacyScope: ropa('adequacyScope'),
  adequacyConditions: ropa('adequacyConditions'),
  adequacyValidUntil: ropa('adequacyValidUntil'),
  status: ropa('status'),
  role: ropa('role'),
  businessFunction: ropa('businessFunction'),
  legalReference: ropa('legalReference'),
  legitimateInterest: ropa('legitimateInterest'),
  liaReference: ropa('liaReference'),
  consent: json(ropa('consent')),
  directMarketing: ropa('directMarketing'),
  objectionMechanism: ropa('objectionMechanism'),
  informationSocietyService: ropa('informationSocietyService'),
  publicAuthorityTask: ropa('publicAuthorityTask'),
  includesChildren: ropa('includesChildren'),
  vulnerable: ropa('vulnerable'),
  criminal: ropa('criminal'),
  recipientType: ropa('recipientType'),
  noRecipients: ropa('noRecipients'),
  service: ropa('service'),
  dpaReference: ropa('dpaReference'),
  dpaSignedAt: ropa('dpaSignedAt'),
  subprocessorAuthorisation: ropa('subprocessorAuthorisation'),
  dpfCertified: ropa('dpfCertified'),
  dpfCheckedAt: ropa('dpfCheckedAt'),
  subProcessors: ropa('subProcessor'),
  specialCategoryConditions: ropa('specialCategoryCondition'),
  criminalDataReference: ropa('criminalDataReference'),
  arrangementReference: ropa('arrangementReference'),
  processingCategories: ropa('processingCategories'),
  contractReference: ropa('contractReference'),
  internationalOrganisation: ropa('internationalOrganisation'),
  code: ropa('code'),
  importerRole: ropa('importerRole'),
  transferMechanism: ropa('transferMechanism'),
  sccModule: ropa('sccModule'),
  safeguardReference: ropa('safeguardReference'),
  tiaReference: ropa('tiaReference'),
  derogation: json(ropa('derogation')),
  allDataCategories: ropa('allDataCategories'),
  retentionKind: ropa('retentionKind'),
  retentionTrigger: ropa('retentionTrigger'),
  measureCode: ropa('measureCode'),
  appliesTo: ropa('appliesTo'),
  dpiaStatus: ropa('dpiaStatus'),
  reference: ropa('reference'),
  completedAt: ropa('completedAt'),
  notRequiredReason: ropa('notRequiredReason'),
  dpiaCriteria: ropa('dpiaCriterion'),
  automatedDecisionMaking: ropa('automatedDecisionMaking'),
  automatedDecisions: json(ropa('automatedDecisions')),
  profiling: ropa('profiling'),
  dataSources: ropa('dataSource'),
  systems: ropa('system'),
  lastReviewedAt: ropa('lastReviewedAt'),
  recordExemptionClaimed: ropa('recordExemptionClaimed'),
  occasional: ropa('occasional'),
  version: ropa('version')
}

/** The JSON-LD context of the DPV export, version 1, as `GET /contexts/ropa-v1.jsonld` serves it. */
export const ropaContextV1 = {
  '@context': {
    '@version': 1.1,
    ...namespaces,
    dct: 'http://purl.org/dc/terms/',
    rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
    skos: 'http://www.w3.org/2004/02/skos/core#',
    xsd: 'http://www.w3.org/2001/XMLSchema#',
    ...standardTerms,
    ...ownTerms
  }
} as const

export type ContextTerm = keyof typeof standardTerms | keyof typeof ownTerms

import t from 'tap'
import { activityFindings, type Finding, organisationFindings, rules } from '../../src/compliance/index.ts'
import type { Activity, Catalogue, Context, Organisation } from '../../src/compliance/types.ts'
import { type Consent, Purpose } from '../../src/modules/activities/activities.schemas.ts'

const NOW = new Date('2026-06-15T12:00:00Z')
const ids = {
  category: 'c0000000-0000-4000-8000-000000000001',
  health: 'c0000000-0000-4000-8000-000000000002',
  criminal: 'c0000000-0000-4000-8000-000000000003',
  customers: 's0000000-0000-4000-8000-000000000001',
  suppliers: 's0000000-0000-4000-8000-000000000002',
  employees: 's0000000-0000-4000-8000-000000000003',
  children: 's0000000-0000-4000-8000-000000000004',
  processorRecipient: 'r0000000-0000-4000-8000-000000000001',
  internal: 'r0000000-0000-4000-8000-000000000002',
  processor: 'p0000000-0000-4000-8000-000000000001',
  usProcessor: 'p0000000-0000-4000-8000-000000000002',
  indianProcessor: 'p0000000-0000-4000-8000-000000000003',
  measure: 'm0000000-0000-4000-8000-000000000001'
}

function organisation(overrides: Partial<Organisation> = {}): Organisation {
  return {
    id: 'o0000000-0000-4000-8000-000000000001',
    name: 'Compliant AS',
    address: 'Storgata 1, Oslo',
    email: 'privacy@compliant.example',
    phone: null,
    country: 'NO',
    isPublicAuthority: false,
    employeeCount: 20,
    dpo: { designated: true, name: 'Kari', email: 'dpo@compliant.example', phone: null, address: null },
    representative: null,
    ...overrides
  }
}

function catalogue(changes: (catalogue: Catalogue) => void = () => {}): Catalogue {
  const value: Catalogue = {
    dataCategories: new Map([
      [ids.category, { name: 'Contact details', description: null, specialCategory: null, criminal: false }],
      [ids.health, { name: 'Health data', description: null, specialCategory: 'health_data', criminal: false }],
      [ids.criminal, { name: 'Criminal records', description: null, specialCategory: null, criminal: true }]
    ]),
    dataSubjectCategories: new Map([
      [ids.customers, { name: 'Customers', description: null, includesChildren: false, vulnerable: false }],
      [ids.suppliers, { name: 'Contact persons at suppliers', description: null, includesChildren: false, vulnerable: false }],
      [ids.employees, { name: 'Employees', description: null, includesChildren: false, vulnerable: true }],
      [ids.children, { name: 'Pupils', description: null, includesChildren: true, vulnerable: false }]
    ]),
    recipients: new Map([
      [ids.processorRecipient, { name: 'Processors', type: 'processor', country: null, description: null }],
      [ids.internal, { name: 'Finance', type: 'internal', country: null, description: null }]
    ]),
    processors: new Map([
      [
        ids.processor,
        {
          name: 'Hosting Ltd',
          country: 'IE',
          email: null,
          phone: null,
          address: null,
          service: null,
          dpaReference: 'dpa/hosting.pdf',
          dpaSignedAt: '2025-01-01',
          subprocessorAuthorisation: 'general',
          dpfCertified: null,
          subProcessorIds: []
        }
      ],
      [
        ids.usProcessor,
        {
          name: 'Mailer Inc',
          country: 'US',
          email: null,
          phone: null,
          address: null,
          service: null,
          dpaReference: 'dpa/mailer.pdf',
          dpaSignedAt: '2025-01-01',
          subprocessorAuthorisation: 'specific',
          dpfCertified: false,
          subProcessorIds: []
        }
      ],
      [
        ids.indianProcessor,
        {
          name: 'Support Pvt',
          country: 'IN',
          email: null,
          phone: null,
          address: null,
          service: null,
          dpaReference: 'dpa/support.pdf',
          dpaSignedAt: '2025-01-01',
          subprocessorAuthorisation: 'specific',
          dpfCertified: null,
          subProcessorIds: []
        }
      ]
    ]),
    securityMeasures: new Map([
      [ids.measure, { name: 'Two-factor authentication', code: null, type: 'technical', description: null, appliesToAllActivities: true }]
    ])
  }
  changes(value)
  return value
}

function activity(overrides: Partial<Activity> = {}): Activity {
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    name: 'Customer service',
    description: null,
    createdAt: '2026-01-10T09:00:00.000Z',
    status: 'active',
    role: 'controller',
    purposes: [Purpose.fill({ description: 'Deliver the ordered services to customers', legalBasis: '6.1.b' })],
    dataSubjectCategoryIds: [ids.customers],
    dataCategoryIds: [ids.category],
    recipientIds: [ids.processorRecipient],
    noRecipients: false,
    processorIds: [ids.processor],
    securityMeasureIds: [],
    specialCategoryConditions: [],
    criminalDataReference: null,
    jointControllers: [],
    controllers: [],
    transfers: [],
    retention: [{ dataCategoryIds: [], period: 'P3Y', kind: null, trigger: 'End of the contract', description: null, legalReference: null }],
    dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: [] },
    automatedDecisionMaking: false,
    automatedDecisions: [],
    recordExemptionClaimed: false,
    occasional: false,
    profiling: false,
    lastReviewedAt: '2026-05-01',
    ...overrides
  }
}

/** A client controller of a processor activity, complete. */
const clientController = (changes: Partial<Activity['controllers'][number]> = {}): Activity['controllers'][number] => ({
  name: 'Client AS',
  contact: 'client@example.com',
  representative: null,
  processing: 'Payroll runs and payslips for its employees',
  contractReference: 'contracts/client-as-dpa.pdf',
  subprocessorAuthorisation: 'general',
  ...changes
})

const context = (overrides: Partial<Context> = {}): Context => ({ organisation: organisation(), catalogue: catalogue(), now: NOW, ...overrides })
const all = (a: Activity, c: Context = context()): Finding[] => [...organisationFindings(c), ...activityFindings(a, c)]
const purpose = (changes: Partial<Activity['purposes'][number]>) => ({ ...activity().purposes[0]!, ...changes })
const retention = (changes: Partial<Activity['retention'][number]>): Activity['retention'][number] => ({
  dataCategoryIds: [],
  period: 'P3Y',
  kind: null,
  trigger: null,
  description: null,
  legalReference: null,
  ...changes
})
const consent = (changes: Partial<Consent>): Consent => ({
  mechanism: 'Unticked opt-in box',
  recordReference: null,
  withdrawalMechanism: null,
  ageThreshold: null,
  parentalConsentVerification: null,
  ...changes
})
/** An automated decision on a contract, complete. */
const decision = (changes: Partial<Activity['automatedDecisions'][number]>): Activity['automatedDecisions'][number] => ({
  description: 'Credit limit for instalment purchases',
  legalOrSimilarEffect: true,
  exception: '22.2.a',
  lawReference: null,
  consent: null,
  safeguards: ['human_intervention', 'express_point_of_view', 'contest_decision'],
  specialCategories: false,
  logicInformation: 'privacy-notice#credit',
  ...changes
})
const transfer = (changes: Partial<Activity['transfers'][number]>): Activity['transfers'][number] => ({
  country: 'IN',
  internationalOrganisation: null,
  importer: 'Importer',
  importerRole: null,
  dpfCertified: null,
  dpfCheckedAt: null,
  processorId: null,
  mechanism: '46.2.c',
  sccModule: 2,
  safeguardReference: 'scc.pdf',
  tiaReference: 'tia.pdf',
  derogation: null,
  consent: null,
  ...changes
})

t.test('a compliant record gives no finding at all: every rule is quiet on it', async (t) => {
  t.same(all(activity()), [])
  t.ok(rules.length >= 30, `${rules.length} rules`)
})

interface Case {
  rule: string
  activity?: Partial<Activity>
  context?: Partial<Context>
  expect: { [Field in keyof Finding]?: Finding[Field] | RegExp }[]
}

const cases: [string, Case][] = [
  [
    'L-01 controller with a postal address only: a warning',
    {
      rule: 'controller-contact-missing',
      context: { organisation: organisation({ email: null, phone: null }) },
      expect: [
        { severity: 'warning', article: 'Art. 30(1)(a)', entityType: 'organisation', path: '/email', message: /Only a postal address/ as unknown as string }
      ]
    }
  ],
  [
    'L-01 controller without any contact details: an error',
    {
      rule: 'controller-contact-missing',
      context: { organisation: organisation({ email: null, phone: null, address: null }) },
      expect: [{ severity: 'error', article: 'Art. 30(1)(a)', entityType: 'organisation', path: '/email' }]
    }
  ],
  [
    'L-01 client controller without contact',
    {
      rule: 'client-controller-contact-missing',
      activity: { role: 'processor', controllers: [clientController({ contact: null })] },
      expect: [{ severity: 'error', article: 'Art. 30(2)(a)', path: '/controllers/0/contact' }]
    }
  ],
  [
    'L-01 processor activity without client controllers',
    { rule: 'processor-record-incomplete', activity: { role: 'processor' }, expect: [{ severity: 'error', article: 'Art. 30(2)(a)', path: '/controllers' }] }
  ],
  [
    'L-01 processor activity without the categories of processing for a controller',
    {
      rule: 'processor-record-incomplete',
      activity: { role: 'processor', controllers: [clientController(), clientController({ name: 'Other AS', processing: null })] },
      expect: [{ severity: 'error', article: 'Art. 30(2)(b)', path: '/controllers/1/processing', message: /Other AS/ as unknown as string }]
    }
  ],
  [
    'L-34 processor activity without the Art. 28(3) contract of a client controller',
    {
      rule: 'client-controller-contract-missing',
      activity: { role: 'processor', controllers: [clientController({ contractReference: null })] },
      expect: [{ severity: 'error', article: 'Art. 28(3)', path: '/controllers/0/contractReference' }]
    }
  ],
  [
    'L-34 processor activity using sub-processors without knowing how the controller authorised them',
    {
      rule: 'client-controller-contract-missing',
      activity: { role: 'processor', controllers: [clientController({ subprocessorAuthorisation: 'unknown' })] },
      expect: [{ severity: 'warning', article: 'Art. 28(2)', path: '/controllers/0/subprocessorAuthorisation' }]
    }
  ],
  [
    'L-02 designated DPO without contact',
    {
      rule: 'dpo-contact-missing',
      context: { organisation: organisation({ dpo: { designated: true, name: 'Kari', email: null, phone: null, address: null } }) },
      expect: [{ severity: 'error', article: 'Art. 37(7)', path: '/dpo' }]
    }
  ],
  [
    'L-02 public authority without DPO',
    {
      rule: 'dpo-contact-missing',
      context: { organisation: organisation({ isPublicAuthority: true, dpo: null }) },
      expect: [{ severity: 'warning', article: 'Art. 37(1)(a)' }]
    }
  ],
  [
    'L-03 controller outside the EEA without representative',
    {
      rule: 'eu-representative-missing',
      context: { organisation: organisation({ country: 'US' }) },
      expect: [{ severity: 'warning', article: 'Art. 27', path: '/representative' }]
    }
  ],
  [
    'L-03 joint controller without contact or arrangement',
    {
      rule: 'joint-controller-incomplete',
      activity: { jointControllers: [{ name: 'Partner AS', contact: null, arrangementReference: null }] },
      expect: [
        { severity: 'error', path: '/jointControllers/0/contact' },
        { severity: 'warning', article: 'Art. 26(1)', path: '/jointControllers/0/arrangementReference' }
      ]
    }
  ],
  [
    'L-03 joint-controller role without joint controllers',
    { rule: 'joint-controller-incomplete', activity: { role: 'joint_controller' }, expect: [{ severity: 'error', path: '/jointControllers' }] }
  ],
  ['L-04 no purpose', { rule: 'purpose-missing', activity: { purposes: [] }, expect: [{ severity: 'error', article: 'Art. 30(1)(b)', path: '/purposes' }] }],
  [
    'L-04 generic purpose',
    {
      rule: 'purpose-generic',
      activity: { purposes: [purpose({ description: 'Historical purposes' })] },
      expect: [{ severity: 'warning', article: 'Art. 5(1)(b)', path: '/purposes/0/description' }]
    }
  ],
  [
    'L-04 a one-word purpose is only an info',
    {
      rule: 'purpose-generic',
      activity: { purposes: [purpose({ description: 'Payroll' })] },
      expect: [{ severity: 'info', article: 'Art. 5(1)(b)', path: '/purposes/0/description', message: /Payroll/ as unknown as string }]
    }
  ],
  [
    'L-05 no categories',
    {
      rule: 'categories-missing',
      activity: { dataSubjectCategoryIds: [], dataCategoryIds: [] },
      expect: [
        { severity: 'error', path: '/dataSubjectCategoryIds' },
        { severity: 'error', path: '/dataCategoryIds' }
      ]
    }
  ],
  [
    'L-06 no recipients and no processors, and no statement that there are none',
    {
      rule: 'recipients-missing',
      activity: { recipientIds: [], processorIds: [] },
      expect: [{ severity: 'error', article: 'Art. 30(1)(d)', path: '/recipientIds', message: /noRecipients/ as unknown as string }]
    }
  ],
  [
    'L-06 no recipients stated, yet recipients listed',
    {
      rule: 'recipients-missing',
      activity: { noRecipients: true, processorIds: [] },
      expect: [{ severity: 'error', article: 'Art. 4(9)', path: '/noRecipients' }]
    }
  ],
  [
    'L-06 no recipients stated, yet a processor used',
    {
      rule: 'recipients-missing',
      activity: { noRecipients: true, recipientIds: [] },
      expect: [{ severity: 'error', path: '/noRecipients', message: /processors, which are recipients/ as unknown as string }]
    }
  ],
  [
    'L-07 transfer without country',
    {
      rule: 'transfer-without-country',
      activity: { transfers: [transfer({ country: null })] },
      expect: [{ severity: 'error', article: 'Art. 30(1)(e)', path: '/transfers/0/country' }]
    }
  ],
  [
    'L-08 transfer without ground',
    {
      rule: 'transfer-without-mechanism',
      activity: { transfers: [transfer({ mechanism: null, sccModule: null })] },
      expect: [{ severity: 'error', article: 'Art. 44', path: '/transfers/0/mechanism' }]
    }
  ],
  [
    'L-08 an adequate destination without a ground: a warning suggesting 45',
    {
      rule: 'transfer-without-mechanism',
      activity: { transfers: [transfer({ country: 'JP', mechanism: null, sccModule: null })] },
      expect: [{ severity: 'warning', article: 'Art. 45(1)', path: '/transfers/0/mechanism', message: /`45`/ as unknown as string }]
    }
  ],
  [
    'L-09 Brazil from Norway: the decision is not yet in the EEA Agreement',
    {
      rule: 'adequacy-not-valid',
      activity: { transfers: [transfer({ country: 'BR', mechanism: '45', sccModule: null })] },
      expect: [{ severity: 'warning', article: 'Art. 45(1)', path: '/transfers/0/mechanism', message: /EEA Agreement/ as unknown as string }]
    }
  ],
  [
    'L-09 adequacy where there is none',
    {
      rule: 'adequacy-not-valid',
      activity: { transfers: [transfer({ mechanism: '45', sccModule: null })] },
      expect: [{ severity: 'error', article: 'Art. 45(1)', path: '/transfers/0/mechanism' }]
    }
  ],
  [
    'L-09 US importer not DPF-certified',
    {
      rule: 'adequacy-not-valid',
      activity: {
        transfers: [transfer({ country: 'US', mechanism: '45', sccModule: null, processorId: ids.usProcessor })],
        processorIds: [ids.processor, ids.usProcessor]
      },
      expect: [
        { severity: 'error', path: '/transfers/0/dpfCertified' },
        { severity: 'info', article: 'Art. 45(5)' }
      ]
    }
  ],
  [
    'L-09 UK decision after its end date',
    {
      rule: 'adequacy-not-valid',
      activity: { transfers: [transfer({ country: 'GB', mechanism: '45', sccModule: null })] },
      context: { now: new Date('2032-01-01T00:00:00Z') },
      expect: [{ severity: 'error', article: 'Art. 45(3)' }]
    }
  ],
  [
    'L-09 partial decision to confirm (Canada)',
    {
      rule: 'adequacy-not-valid',
      activity: { transfers: [transfer({ country: 'CA', mechanism: '45', sccModule: null })] },
      expect: [{ severity: 'info', article: 'Art. 45(1)' }]
    }
  ],
  [
    'L-09 a DPF-certified importer whose certification was last checked more than 12 months ago',
    {
      rule: 'adequacy-not-valid',
      activity: {
        transfers: [transfer({ country: 'US', mechanism: '45', sccModule: null, importerRole: 'controller', dpfCertified: true, dpfCheckedAt: '2025-01-31' })]
      },
      expect: [
        { severity: 'warning', article: 'Art. 45(1)', path: '/transfers/0/dpfCheckedAt', message: /2025-01-31/ as unknown as string },
        { severity: 'info', article: 'Art. 45(5)' }
      ]
    }
  ],
  [
    'L-09 adequacy claimed for an international organisation without a decision',
    {
      rule: 'adequacy-not-valid',
      activity: { transfers: [transfer({ country: null, internationalOrganisation: 'IO:WHO', mechanism: '45', sccModule: null })] },
      expect: [{ severity: 'error', article: 'Art. 45(1)', message: /IO:WHO/ as unknown as string }]
    }
  ],
  [
    'L-07 a transfer to neither a country nor an international organisation',
    {
      rule: 'transfer-without-country',
      activity: { transfers: [transfer({ country: null })] },
      expect: [{ severity: 'error', message: /third country or international organisation/ as unknown as string }]
    }
  ],
  [
    'L-13 SCC module that does not fit the roles (controller to processor is module 2)',
    {
      rule: 'scc-transfer-incomplete',
      activity: { transfers: [transfer({ sccModule: 1, importerRole: 'processor' })] },
      expect: [{ severity: 'warning', article: 'Art. 46(2)(c)', path: '/transfers/0/sccModule', message: /module 2/ as unknown as string }]
    }
  ],
  [
    'L-13 SCC module from a processor to a controller is module 4',
    {
      rule: 'scc-transfer-incomplete',
      activity: { role: 'processor', controllers: [clientController()], transfers: [transfer({ sccModule: 3, importerRole: 'controller' })] },
      expect: [{ severity: 'warning', path: '/transfers/0/sccModule', message: /module 4/ as unknown as string }]
    }
  ],
  [
    'L-10 compelling interests undocumented',
    {
      rule: 'compelling-interest-transfer-undocumented',
      activity: {
        transfers: [
          transfer({
            mechanism: '49.1.sub2',
            sccModule: null,
            derogation: { compellingInterest: 'One-off audit', assessmentReference: null, safeguards: null, supervisoryAuthorityNotifiedAt: null }
          })
        ]
      },
      expect: [{ severity: 'error', article: 'Art. 49(6)', message: /assessmentReference, safeguards, supervisoryAuthorityNotifiedAt/ as unknown as string }]
    }
  ],
  [
    'L-13 BCRs without a transfer impact assessment, under either code',
    {
      rule: 'scc-transfer-incomplete',
      activity: {
        transfers: [transfer({ mechanism: '47', sccModule: null, tiaReference: null }), transfer({ mechanism: '46.2.b', sccModule: null, tiaReference: null })]
      },
      expect: [
        { severity: 'warning', article: 'Art. 47', path: '/transfers/0/tiaReference', message: /binding corporate rules/ as unknown as string },
        { severity: 'warning', article: 'Art. 46(1)', path: '/transfers/1/tiaReference', message: /binding corporate rules/ as unknown as string }
      ]
    }
  ],
  [
    'L-13 another Art. 46 tool without a transfer impact assessment',
    {
      rule: 'scc-transfer-incomplete',
      activity: { transfers: [transfer({ mechanism: '46.2.e', sccModule: null, tiaReference: null })] },
      expect: [{ severity: 'warning', article: 'Art. 46(1)', path: '/transfers/0/tiaReference' }]
    }
  ],
  [
    'L-13 SCCs without module or TIA',
    {
      rule: 'scc-transfer-incomplete',
      activity: { transfers: [transfer({ sccModule: null, tiaReference: null })] },
      expect: [
        { severity: 'warning', path: '/transfers/0/sccModule' },
        { severity: 'warning', path: '/transfers/0/tiaReference' }
      ]
    }
  ],
  [
    'L-14 processor abroad without transfer',
    {
      rule: 'processor-abroad-without-transfer',
      activity: { processorIds: [ids.processor, ids.indianProcessor] },
      expect: [{ severity: 'warning', article: 'Art. 44', path: '/processorIds/1' }]
    }
  ],
  [
    'L-14 a sub-processor abroad, one level down, without a transfer (reported once)',
    {
      rule: 'processor-abroad-without-transfer',
      activity: { processorIds: [ids.processor, ids.processor.replace('1', '9')] },
      context: {
        catalogue: catalogue((c) => {
          const eea = c.processors.get(ids.processor)!
          eea.subProcessorIds = [ids.indianProcessor]
          c.processors.set(ids.processor.replace('1', '9'), { ...eea, name: 'Second EEA processor' })
        })
      },
      expect: [
        { severity: 'warning', article: 'Art. 28(4)', path: '/processorIds/0', message: /'Support Pvt', a sub-processor of 'Hosting Ltd'/ as unknown as string }
      ]
    }
  ],
  [
    'L-15 no retention',
    { rule: 'retention-missing', activity: { retention: [] }, expect: [{ severity: 'warning', article: 'Art. 30(1)(f)', path: '/dataCategoryIds/0' }] }
  ],
  [
    'L-15 no retention for special category data',
    {
      rule: 'retention-missing',
      activity: {
        retention: [{ dataCategoryIds: [ids.category], period: 'P1Y', kind: null, trigger: null, description: null, legalReference: null }],
        dataCategoryIds: [ids.category, ids.health],
        specialCategoryConditions: [{ condition: '9.2.h', reference: 'Health Act § 1', consent: null }]
      },
      expect: [{ severity: 'error', path: '/dataCategoryIds/1' }]
    }
  ],
  [
    'L-16 open-ended retention',
    {
      rule: 'retention-open-ended',
      activity: {
        retention: [{ dataCategoryIds: [], period: null, kind: null, trigger: 'Until consent is withdrawn', description: null, legalReference: null }]
      },
      expect: [{ severity: 'warning', article: 'Art. 5(1)(e)', path: '/retention/0/period' }]
    }
  ],
  [
    'L-17 retention law without legal obligation',
    {
      rule: 'retention-law-without-legal-obligation',
      activity: { retention: [{ dataCategoryIds: [], period: 'P5Y', kind: null, trigger: null, description: null, legalReference: 'bokføringsloven § 13' }] },
      expect: [{ severity: 'warning', path: '/retention/0/kind', message: /statutory|caps/ }]
    }
  ],
  [
    'L-36 an active processing whose DPIA is not finished',
    {
      rule: 'dpia-likely-required',
      activity: {
        dpia: { status: 'in_progress', reference: 'draft.pdf', completedAt: null, notRequiredReason: null, criteria: ['sensitive_data', 'large_scale'] }
      },
      expect: [{ severity: 'warning', article: 'Art. 35(1)', path: '/dpia/status', message: /prior to the processing/ }]
    }
  ],
  [
    'L-34 a sub-processor whose binding contract is not referenced',
    {
      rule: 'processor-contract-incomplete',
      context: {
        catalogue: catalogue((c) => {
          c.processors.get(ids.processor)!.subProcessorIds = [ids.indianProcessor]
          Object.assign(c.processors.get(ids.indianProcessor)!, { dpaReference: null, dpaSignedAt: null })
        })
      },
      expect: [{ severity: 'warning', article: 'Art. 28(4)', entityId: ids.indianProcessor, path: '/dpaReference' }]
    }
  ],
  [
    'L-17 statutory minimum without a 6.1.c purpose',
    {
      rule: 'retention-law-without-legal-obligation',
      activity: { retention: [retention({ period: 'P5Y', kind: 'statutory_minimum', legalReference: 'bokføringsloven § 13' })] },
      expect: [{ severity: 'warning', path: '/retention/0/legalReference', message: /6\.1\.c/ }]
    }
  ],
  [
    'L-17 retention set by law without the law',
    {
      rule: 'retention-law-without-legal-obligation',
      activity: { retention: [retention({ period: 'P30D', kind: 'statutory_maximum' }), retention({ period: null, kind: 'limitation_period' })] },
      expect: [
        { severity: 'warning', path: '/retention/0/legalReference', message: /statutory maximum/ },
        { severity: 'warning', path: '/retention/1/legalReference', message: /limitation period/ }
      ]
    }
  ],
  [
    'L-16 until an event, with no maximum',
    {
      rule: 'retention-open-ended',
      activity: {
        retention: [retention({ period: null, kind: 'until_event', trigger: 'End of employment' }), retention({ period: null, trigger: 'End of employment' })]
      },
      expect: [
        { severity: 'info', path: '/retention/0/period', message: /End of employment.*criterion/ },
        { severity: 'warning', path: '/retention/1/period', message: /no maximum period/ }
      ]
    }
  ],
  [
    'L-20 legitimate interests for a task of a public authority',
    {
      rule: 'legitimate-interests-of-public-authority',
      activity: {
        purposes: [
          purpose({ legalBasis: '6.1.f', legitimateInterest: 'Safety', liaReference: 'lia.pdf', publicAuthorityTask: true }),
          purpose({ description: 'Decide what is undecided here', legalBasis: '6.1.f', legitimateInterest: 'Safety', liaReference: 'lia.pdf' }),
          purpose({
            description: 'Sell tickets to the municipal pool',
            legalBasis: '6.1.f',
            legitimateInterest: 'Sales',
            liaReference: 'lia.pdf',
            publicAuthorityTask: false
          })
        ]
      },
      context: { organisation: organisation({ isPublicAuthority: true }) },
      expect: [
        { severity: 'error', article: 'Art. 6(1)', path: '/purposes/0/legalBasis' },
        { severity: 'error', path: '/purposes/1/publicAuthorityTask' },
        { severity: 'warning', path: '/purposes/2/legalBasis' }
      ]
    }
  ],
  [
    'L-30 consent of children to an information society service',
    {
      rule: 'child-consent-age',
      activity: {
        dataSubjectCategoryIds: [ids.children],
        purposes: [
          purpose({ legalBasis: '6.1.a', informationSocietyService: true, consent: consent({}) }),
          purpose({ description: 'Send game scores to players', legalBasis: '6.1.a', informationSocietyService: true, consent: consent({ ageThreshold: 13 }) })
        ]
      },
      context: { organisation: organisation({ country: 'DE' }) },
      expect: [
        { severity: 'warning', article: 'Art. 8(1)', path: '/purposes/0/consent/ageThreshold', message: /16/ },
        { severity: 'warning', article: 'Art. 8(2)', path: '/purposes/0/consent/parentalConsentVerification' },
        { severity: 'error', article: 'Art. 8(1)', path: '/purposes/1/consent/ageThreshold', message: /13.*16/ },
        { severity: 'warning', article: 'Art. 8(2)', path: '/purposes/1/consent/parentalConsentVerification' }
      ]
    }
  ],
  [
    'L-31 an automated decision with legal effect on legitimate interests',
    {
      rule: 'automated-decision-unlawful',
      activity: {
        purposes: [purpose({ legalBasis: '6.1.f', legitimateInterest: 'Credit risk', liaReference: 'lia.pdf' })],
        automatedDecisionMaking: true,
        automatedDecisions: [decision({ exception: null, logicInformation: null })]
      },
      expect: [
        { severity: 'error', article: 'Art. 22(1)', path: '/automatedDecisions/0/exception', message: /legitimate interests/ },
        { severity: 'warning', article: 'Art. 13(2)(f)', path: '/automatedDecisions/0/logicInformation' }
      ]
    }
  ],
  [
    'L-31 explicit consent, law, safeguards and special categories',
    {
      rule: 'automated-decision-unlawful',
      activity: {
        automatedDecisionMaking: true,
        automatedDecisions: [
          decision({ exception: '22.2.c', consent: null, safeguards: ['human_intervention'] }),
          decision({ description: 'Benefit eligibility', exception: '22.2.b', safeguards: [] }),
          decision({ description: 'Insurance premium', specialCategories: true })
        ]
      },
      expect: [
        { severity: 'error', article: 'Art. 22(2)(c)', path: '/automatedDecisions/0/consent/recordReference' },
        { severity: 'error', article: 'Art. 7(3)', path: '/automatedDecisions/0/consent/withdrawalMechanism' },
        { severity: 'warning', article: 'Art. 22(3)', path: '/automatedDecisions/0/safeguards', message: /expressing a point of view, contesting/ },
        { severity: 'error', article: 'Art. 22(2)(b)', path: '/automatedDecisions/1/lawReference' },
        { severity: 'error', article: 'Art. 22(4)', path: '/automatedDecisions/2/specialCategories' }
      ]
    }
  ],
  [
    'L-31 a contract exception with no contract purpose; decisions described but not declared',
    {
      rule: 'automated-decision-unlawful',
      activity: {
        purposes: [purpose({ legalBasis: '6.1.c', legalReference: 'Tax Act § 5' })],
        automatedDecisions: [decision({})]
      },
      expect: [
        { severity: 'error', path: '/automatedDecisionMaking' },
        { severity: 'warning', article: 'Art. 22(2)(a)', path: '/automatedDecisions/0/exception' }
      ]
    }
  ],
  [
    'L-31 decisions declared but not described, on legitimate interests or ordinary consent alone',
    {
      rule: 'automated-decision-unlawful',
      activity: {
        automatedDecisionMaking: true,
        purposes: [
          purpose({ legalBasis: '6.1.f', legitimateInterest: 'Fraud', liaReference: 'lia.pdf' }),
          purpose({ description: 'Personalised offers by email', legalBasis: '6.1.a', consent: consent({}) })
        ]
      },
      expect: [{ severity: 'error', article: 'Art. 22(1)', path: '/automatedDecisionMaking' }]
    }
  ],
  [
    'L-31 decisions declared but not described, with a contract',
    {
      rule: 'automated-decision-unlawful',
      activity: { automatedDecisionMaking: true },
      expect: [{ severity: 'warning', path: '/automatedDecisions', message: /22\.2\.a/ }]
    }
  ],
  [
    'L-32 direct marketing on legitimate interests without an opt-out',
    {
      rule: 'direct-marketing-without-opt-out',
      activity: {
        purposes: [
          purpose({
            legalBasis: '6.1.f',
            legitimateInterest: 'Marketing to customers',
            liaReference: 'lia.pdf',
            directMarketing: true,
            consent: consent({ withdrawalMechanism: 'Unsubscribe link' })
          })
        ]
      },
      expect: [{ severity: 'warning', article: 'Art. 21(2)', path: '/purposes/0/objectionMechanism' }]
    }
  ],
  [
    'L-38 the Art. 30(5) derogation claimed where it cannot hold',
    {
      rule: 'record-exemption-cannot-hold',
      activity: {
        recordExemptionClaimed: true,
        dataSubjectCategoryIds: [ids.employees],
        dataCategoryIds: [ids.category, ids.health],
        specialCategoryConditions: [{ condition: '9.2.b', reference: 'Working Environment Act § 4-6', consent: null }],
        profiling: true
      },
      context: { organisation: organisation({ employeeCount: 300 }) },
      expect: [
        { severity: 'error', article: 'Art. 30(5)', path: '/recordExemptionClaimed', message: /300/ },
        { severity: 'error', path: '/occasional', message: /not recorded as occasional/ },
        { severity: 'error', path: '/dataCategoryIds' },
        { severity: 'error', path: '/recordExemptionClaimed', message: /risk/ }
      ]
    }
  ],
  [
    'L-38 occasional HR processing, and no employee count',
    {
      rule: 'record-exemption-cannot-hold',
      activity: { recordExemptionClaimed: true, occasional: true, dataSubjectCategoryIds: [ids.employees] },
      context: { organisation: organisation({ employeeCount: null }) },
      expect: [
        { severity: 'warning', path: '/recordExemptionClaimed', message: /employeeCount/ },
        { severity: 'error', path: '/occasional', message: /Employees.*never occasional/ }
      ]
    }
  ],
  [
    'L-18 no security measures',
    {
      rule: 'security-measures-missing',
      context: { catalogue: catalogue((c) => c.securityMeasures.clear()) },
      expect: [{ severity: 'warning', path: '/securityMeasureIds' }]
    }
  ],
  [
    'L-19 purpose without basis',
    {
      rule: 'purpose-without-legal-basis',
      activity: { purposes: [purpose({ legalBasis: null })] },
      expect: [{ severity: 'error', article: 'Art. 6(1)', path: '/purposes/0/legalBasis' }]
    }
  ],
  [
    'L-21 legal obligation without law',
    {
      rule: 'legal-obligation-without-reference',
      activity: { purposes: [purpose({ legalBasis: '6.1.c' })] },
      expect: [{ severity: 'error', article: 'Art. 6(3)', path: '/purposes/0/legalReference' }]
    }
  ],
  [
    'L-22 legitimate interests undocumented',
    {
      rule: 'legitimate-interest-undocumented',
      activity: { purposes: [purpose({ legalBasis: '6.1.f' })], dataSubjectCategoryIds: [ids.children] },
      expect: [
        { severity: 'error', article: 'Art. 13(1)(d)' },
        { severity: 'warning', path: '/purposes/0/liaReference' },
        { severity: 'warning', path: '/purposes/0' }
      ]
    }
  ],
  [
    'L-23 consent undocumented',
    {
      rule: 'consent-undocumented',
      activity: { purposes: [purpose({ legalBasis: '6.1.a' })] },
      expect: [
        { severity: 'error', article: 'Art. 7(1)' },
        { severity: 'error', article: 'Art. 7(3)' }
      ]
    }
  ],
  [
    'L-23 explicit consent without a record',
    {
      rule: 'consent-undocumented',
      activity: {
        dataCategoryIds: [ids.category, ids.health],
        specialCategoryConditions: [{ condition: '9.2.a', reference: null, consent: null }],
        retention: [] as Activity['retention']
      },
      expect: [
        { severity: 'error', article: 'Art. 7(1)', path: '/specialCategoryConditions/0/consent/recordReference' },
        { severity: 'error', article: 'Art. 7(3)', path: '/specialCategoryConditions/0/consent/withdrawalMechanism' }
      ]
    }
  ],
  [
    'L-23 a 49.1.a transfer without its consent',
    {
      rule: 'consent-undocumented',
      activity: { transfers: [transfer({ mechanism: '49.1.a', sccModule: null, consent: consent({ withdrawalMechanism: 'Email us' }) })] },
      expect: [{ severity: 'error', article: 'Art. 49(1)(a)', path: '/transfers/0/consent/recordReference' }]
    }
  ],
  [
    'L-24 contract for non-parties',
    {
      rule: 'contract-basis-for-non-parties',
      activity: { dataSubjectCategoryIds: [ids.suppliers] },
      expect: [{ severity: 'warning', article: 'Art. 6(1)(b)' }]
    }
  ],
  [
    'L-25 consent from employees',
    {
      rule: 'consent-in-imbalance-of-power',
      activity: {
        dataSubjectCategoryIds: [ids.employees],
        purposes: [
          purpose({
            legalBasis: '6.1.a',
            consent: {
              mechanism: 'Form',
              recordReference: 'hr/consents',
              withdrawalMechanism: 'Email HR',
              ageThreshold: null,
              parentalConsentVerification: null
            }
          })
        ]
      },
      expect: [{ severity: 'warning', article: 'Art. 4(11)' }]
    }
  ],
  [
    'L-26 one purpose, two bases',
    {
      rule: 'purpose-with-alternative-bases',
      activity: { purposes: [purpose({}), purpose({ legalBasis: '6.1.f', legitimateInterest: 'x', liaReference: 'lia' })] },
      expect: [{ severity: 'warning', article: 'Art. 5(1)(a)', path: '/purposes/1' }]
    }
  ],
  [
    'L-27 special category without condition',
    {
      rule: 'special-category-without-condition',
      activity: { dataCategoryIds: [ids.category, ids.health] },
      expect: [{ severity: 'error', article: 'Art. 9(2)', path: '/specialCategoryConditions' }]
    }
  ],
  [
    'L-28 condition without law',
    {
      rule: 'special-category-condition-without-reference',
      activity: { dataCategoryIds: [ids.category, ids.health], specialCategoryConditions: [{ condition: '9.2.b', reference: null, consent: null }] },
      expect: [{ severity: 'error', article: 'Art. 9(2)(b)', path: '/specialCategoryConditions/0/reference' }]
    }
  ],
  [
    'L-29 criminal data without authority',
    {
      rule: 'criminal-data-without-authority',
      activity: { dataCategoryIds: [ids.category, ids.criminal] },
      expect: [{ severity: 'error', article: 'Art. 10', path: '/criminalDataReference' }]
    }
  ],
  [
    'L-32 direct marketing without opt-out',
    {
      rule: 'direct-marketing-without-opt-out',
      activity: { purposes: [purpose({ directMarketing: true })] },
      expect: [{ severity: 'warning', article: 'Art. 21(2)' }]
    }
  ],
  [
    'L-33 implied consent',
    {
      rule: 'consent-by-implied-action',
      activity: {
        purposes: [
          purpose({
            legalBasis: '6.1.a',
            consent: {
              mechanism: 'Closing the cookie banner counts as consent',
              recordReference: 'logs',
              withdrawalMechanism: 'Settings page',
              ageThreshold: null,
              parentalConsentVerification: null
            }
          })
        ]
      },
      expect: [{ severity: 'warning', article: 'Art. 4(11)', path: '/purposes/0/consent/mechanism' }]
    }
  ],
  [
    'L-34 processor without contract, authorisation unknown',
    {
      rule: 'processor-contract-incomplete',
      context: {
        catalogue: catalogue((c) =>
          c.processors.set(ids.processor, { ...c.processors.get(ids.processor)!, dpaReference: null, subprocessorAuthorisation: 'unknown' })
        )
      },
      expect: [
        { severity: 'error', article: 'Art. 28(3)', entityType: 'processor', entityId: ids.processor, path: '/dpaReference' },
        { severity: 'warning', article: 'Art. 28(2)', entityId: ids.processor }
      ]
    }
  ],
  [
    'L-35 mandatory DPIA not completed',
    {
      rule: 'dpia-mandatory-not-completed',
      activity: { dpia: { status: 'in_progress', reference: null, completedAt: null, notRequiredReason: null, criteria: ['35.3.b'] } },
      expect: [{ severity: 'error', article: 'Art. 35(3)', path: '/dpia/status' }]
    }
  ],
  [
    'L-35 automated decisions based on profiling',
    {
      rule: 'dpia-mandatory-not-completed',
      activity: { automatedDecisionMaking: true, profiling: true },
      expect: [{ severity: 'error', message: /35\(3\)\(a\)/ as unknown as string }]
    }
  ],
  [
    'L-36 two WP248 criteria, no DPIA',
    {
      rule: 'dpia-likely-required',
      activity: {
        dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: ['large_scale', 'matching_combining'] }
      },
      expect: [{ severity: 'warning', article: 'Art. 35(1)', path: '/dpia' }]
    }
  ],
  [
    'L-36 one WP248 criterion',
    {
      rule: 'dpia-likely-required',
      activity: { dataSubjectCategoryIds: [ids.employees] },
      expect: [{ severity: 'info', message: /vulnerable_data_subjects/ as unknown as string }]
    }
  ],
  [
    'L-40 never reviewed, created more than 12 months ago',
    {
      rule: 'review-overdue',
      activity: { lastReviewedAt: null, createdAt: '2025-06-14T23:00:00.000Z' },
      expect: [{ severity: 'warning', article: 'Art. 5(2)', path: '/lastReviewedAt', message: /created on 2025-06-14/ as unknown as string }]
    }
  ],
  [
    'L-40 reviewed too long ago',
    { rule: 'review-overdue', activity: { lastReviewedAt: '2025-06-14' }, expect: [{ severity: 'warning', message: /2025-06-14/ as unknown as string }] }
  ],
  [
    "L-40 the activity's own interval",
    {
      rule: 'review-overdue',
      activity: { lastReviewedAt: '2026-03-14', reviewIntervalMonths: 3 },
      expect: [{ severity: 'warning', message: /more than 3 months ago/ as unknown as string }]
    }
  ],
  [
    "L-40 the organisation's interval",
    {
      rule: 'review-overdue',
      activity: { lastReviewedAt: '2026-01-14' },
      context: { organisation: organisation({ reviewIntervalMonths: 5 }) },
      expect: [{ severity: 'warning', message: /more than 5 months ago/ as unknown as string }]
    }
  ]
]

for (const [name, { rule, activity: changes = {}, context: contextChanges = {}, expect }] of cases) {
  t.test(name, async (t) => {
    t.ok(
      rules.some((candidate) => candidate.id === rule),
      `${rule} is in the catalogue`
    )
    const findings = all(activity(changes), context(contextChanges)).filter((finding) => finding.rule === rule)
    t.match(findings, expect)
    t.equal(findings.length, expect.length, `${findings.length} finding(s) of ${rule}`)
  })
}

t.test('quiet on what is merely different, not wrong', async (t) => {
  const quiet = (changes: Partial<Activity>, c: Context = context()) => t.same(all(activity(changes), c), [], JSON.stringify(changes).slice(0, 120))
  // Brazil's decision covers an exporter in the EU; BCRs with their assessment are complete.
  quiet(
    { transfers: [transfer({ country: 'BR', mechanism: '45', sccModule: null, tiaReference: null })] },
    context({ organisation: organisation({ country: 'SE' }) })
  )
  quiet({ transfers: [transfer({ mechanism: '47', sccModule: null })] })
  // A sub-processor abroad whose transfer is recorded.
  quiet(
    { transfers: [transfer({ processorId: ids.indianProcessor })] },
    context({
      catalogue: catalogue((c) => {
        c.processors.get(ids.processor)!.subProcessorIds = [ids.indianProcessor]
      })
    })
  )
  // The DPF covers a certified importer in any role, checked recently; the EPO has its own decision; modules that fit.
  t.match(
    all(
      activity({
        transfers: [
          transfer({
            country: 'US',
            mechanism: '45',
            sccModule: null,
            tiaReference: null,
            importerRole: 'controller',
            dpfCertified: true,
            dpfCheckedAt: '2026-03-01'
          })
        ]
      })
    ),
    [{ rule: 'adequacy-not-valid', severity: 'info', article: 'Art. 45(5)' }],
    'a DPF-listed controller importer, checked this year: only the note on the appeal'
  )
  quiet(
    { transfers: [transfer({ country: null, internationalOrganisation: 'IO:EPORG', mechanism: '45', sccModule: null, tiaReference: null })] },
    context({ organisation: organisation({ country: 'DE' }) })
  )
  quiet({ transfers: [transfer({ sccModule: 2, importerRole: 'sub_processor' }), transfer({ sccModule: 1, importerRole: 'controller' })] })
  // Internal processing, stated: none is not a gap. A processor is a recipient, listed or not (Art. 4(9)).
  quiet({ recipientIds: [], processorIds: [], noRecipients: true })
  quiet({ recipientIds: [], processorIds: [ids.processor] })
  quiet({ recipientIds: [ids.internal] })
  // Never reviewed, but created this year, or exactly 12 months ago: not overdue yet.
  quiet({ lastReviewedAt: null })
  quiet({ lastReviewedAt: null, createdAt: '2025-06-15T00:00:00.000Z' })
  // A longer interval, the activity's or the organisation's, is not overdue at 13 months.
  quiet({ lastReviewedAt: '2025-05-15', reviewIntervalMonths: 24 })
  quiet({ lastReviewedAt: '2025-05-15' }, context({ organisation: organisation({ reviewIntervalMonths: 18 }) }))
  quiet({ transfers: [transfer({ country: 'CH', mechanism: '45', sccModule: null, tiaReference: null })] })
  quiet({ transfers: [transfer({ country: 'US', mechanism: '46.2.c', processorId: ids.usProcessor })], processorIds: [ids.processor, ids.usProcessor] })
  quiet({
    transfers: [
      transfer({
        mechanism: '49.1.sub2',
        sccModule: null,
        derogation: { compellingInterest: 'Audit', assessmentReference: 'a.pdf', safeguards: 'Pseudonymised', supervisoryAuthorityNotifiedAt: '2026-01-01' }
      })
    ]
  })
  const screened: Activity['dpia'] = {
    status: 'not_required',
    reference: null,
    completedAt: null,
    notRequiredReason: 'Screened: small scale',
    criteria: ['sensitive_data']
  }
  quiet({
    dataCategoryIds: [ids.category, ids.health],
    specialCategoryConditions: [{ condition: '9.2.h', reference: 'Health Act § 4', consent: null }],
    dpia: screened
  })
  quiet({ dataCategoryIds: [ids.category, ids.criminal], criminalDataReference: 'Police Register Act § 39', dpia: screened })
  quiet({
    purposes: [purpose({ legalBasis: '6.1.c', legalReference: 'Bookkeeping Act § 13' })],
    retention: [{ dataCategoryIds: [], period: 'P5Y', kind: null, trigger: null, description: null, legalReference: 'Bookkeeping Act § 13' }]
  })
  quiet({ purposes: [purpose({ legalBasis: '6.1.f', legitimateInterest: 'Fraud prevention', liaReference: 'lia/2026.pdf' })] })
  quiet({
    purposes: [
      purpose({
        legalBasis: '6.1.a',
        directMarketing: true,
        consent: {
          mechanism: 'Unticked opt-in box',
          recordReference: 'crm/consents',
          withdrawalMechanism: 'Unsubscribe link',
          ageThreshold: null,
          parentalConsentVerification: null
        }
      })
    ]
  })
  quiet({ dpia: { status: 'completed', reference: 'dpia.pdf', completedAt: '2026-01-01', notRequiredReason: null, criteria: ['35.3.b', 'large_scale'] } })
  quiet({
    dpia: {
      status: 'not_assessed',
      reference: null,
      completedAt: null,
      notRequiredReason: 'Small scale, no sensitive data',
      criteria: ['large_scale', 'matching_combining']
    }
  })
  quiet({ role: 'processor', controllers: [clientController()] })
  quiet({ jointControllers: [{ name: 'Partner AS', contact: 'partner@example.com', arrangementReference: 'art26.pdf' }], role: 'joint_controller' })
  quiet(
    {},
    context({ organisation: organisation({ country: 'US', representative: { name: 'Rep GmbH', email: 'rep@example.de', phone: null, address: null } }) })
  )
  quiet({}, context({ organisation: organisation({ isPublicAuthority: true }) }))
  // A statutory maximum (CCTV on 6.1.f) and a limitation period (legal claims) are not legal obligations to keep.
  quiet({
    purposes: [purpose({ legalBasis: '6.1.f', legitimateInterest: 'Security of premises', liaReference: 'lia/cctv.pdf' })],
    retention: [
      retention({ period: 'P30D', kind: 'statutory_maximum', legalReference: 'Camera Surveillance Regulation § 3' }),
      retention({ period: null, kind: 'limitation_period', trigger: 'Claim time-barred', legalReference: 'Limitation Act § 2' })
    ]
  })
  // A statutory minimum with its 6.1.c purpose; a period until an event with its maximum.
  quiet({
    purposes: [purpose({ legalBasis: '6.1.c', legalReference: 'Bookkeeping Act § 13' })],
    retention: [
      retention({ period: null, kind: 'statutory_minimum', legalReference: 'Bookkeeping Act § 13' }),
      retention({ period: 'P2Y', kind: 'until_event', trigger: 'Account closed' })
    ]
  })
  // Contract (6.1.b) with explicit consent (9.2.a) documented on the condition.
  quiet({
    dataCategoryIds: [ids.category, ids.health],
    specialCategoryConditions: [
      { condition: '9.2.a', reference: null, consent: consent({ recordReference: 'consents/health', withdrawalMechanism: 'Account settings' }) }
    ],
    dpia: screened
  })
  // A 49.1.a transfer with its own consent record.
  quiet({
    transfers: [transfer({ mechanism: '49.1.a', sccModule: null, consent: consent({ recordReference: 'consents/transfer', withdrawalMechanism: 'Email us' }) })]
  })
  // Direct marketing on legitimate interests with an opt-out.
  quiet({
    purposes: [
      purpose({
        legalBasis: '6.1.f',
        legitimateInterest: 'Marketing similar products to customers',
        liaReference: 'lia.pdf',
        directMarketing: true,
        objectionMechanism: 'Unsubscribe link in every email'
      })
    ]
  })
  // Children consent to a service at the national age, with verification; consent without a service to children.
  quiet(
    {
      dataSubjectCategoryIds: [ids.children],
      dpia: screened,
      purposes: [
        purpose({
          legalBasis: '6.1.a',
          informationSocietyService: true,
          consent: consent({
            recordReference: 'consents/app',
            withdrawalMechanism: 'App settings',
            ageThreshold: 15,
            parentalConsentVerification: 'Parent confirms by BankID'
          })
        })
      ]
    },
    context({ organisation: organisation({ country: 'FR' }) })
  )
  // A public authority outside its tasks is warned (L-20), never when it uses a public task basis.
  quiet(
    { purposes: [purpose({ legalBasis: '6.1.e', legalReference: 'Education Act § 15-1', publicAuthorityTask: true })] },
    context({ organisation: organisation({ isPublicAuthority: true }) })
  )
  // Automated decisions: on a contract with safeguards; under a law; on explicit consent; special categories with 9.2.a; no legal effect.
  quiet({
    automatedDecisionMaking: true,
    dataCategoryIds: [ids.category, ids.health],
    specialCategoryConditions: [
      { condition: '9.2.a', reference: null, consent: consent({ recordReference: 'consents/health', withdrawalMechanism: 'Account settings' }) }
    ],
    dpia: {
      ...screened,
      status: 'completed',
      reference: 'dpia.pdf',
      completedAt: '2026-01-01',
      criteria: ['sensitive_data', 'automated_decision_with_legal_effect', '35.3.a']
    },
    automatedDecisions: [
      decision({}),
      decision({ description: 'Property tax assessment', exception: '22.2.b', lawReference: 'Property Tax Act § 8', safeguards: [] }),
      decision({
        description: 'Health insurance premium',
        exception: '22.2.c',
        specialCategories: true,
        consent: consent({ recordReference: 'consents/premium', withdrawalMechanism: 'Account settings' })
      }),
      decision({ description: 'Sort support tickets', legalOrSimilarEffect: false, exception: null, safeguards: [], logicInformation: null })
    ]
  })
  // A sub-processor is bound by its processor's contract (Art. 28(4)): no signing date of the organisation's own.
  quiet(
    { transfers: [transfer({ processorId: ids.indianProcessor })] },
    context({
      catalogue: catalogue((c) => {
        c.processors.get(ids.processor)!.subProcessorIds = [ids.indianProcessor]
        c.processors.get(ids.indianProcessor)!.dpaSignedAt = null
      })
    })
  )
  // The Art. 30(5) derogation where it holds.
  quiet({ recordExemptionClaimed: true, occasional: true })
})

t.test('a processor activity is checked against Art. 30(2): what only a controller must record is not asked of it', async (t) => {
  // Nothing Art. 30(2) does not ask for: no purposes, no categories, no recipients, no retention.
  const processor = activity({
    role: 'processor',
    controllers: [clientController()],
    purposes: [],
    dataSubjectCategoryIds: [],
    dataCategoryIds: [],
    recipientIds: [],
    retention: []
  })
  t.same(all(processor), [], 'quiet')
  const asController = all({ ...processor, role: 'controller', controllers: [], processorIds: [] }).map((finding) => finding.rule)
  for (const rule of ['purpose-missing', 'categories-missing', 'recipients-missing']) t.ok(asController.includes(rule), `${rule} is raised for a controller`)

  const catalogued = rules.filter((rule) => rule.scope === 'activity')
  const controllerOnly = [
    'purpose-missing',
    'categories-missing',
    'recipients-missing',
    'retention-missing',
    'purpose-without-legal-basis',
    'dpia-mandatory-not-completed'
  ]
  for (const id of controllerOnly) t.same(catalogued.find((rule) => rule.id === id)?.roles, ['controller', 'joint_controller'], `${id}: controllers only`)
  for (const id of ['transfer-without-mechanism', 'security-measures-missing', 'processor-abroad-without-transfer', 'review-overdue'])
    t.same(catalogued.find((rule) => rule.id === id)?.roles, ['controller', 'joint_controller', 'processor'], `${id}: every role`)
})

t.test("a processor activity's transfers and security cite Art. 30(2)(c) and (d), not 30(1)", async (t) => {
  const findings = all(activity({ role: 'processor', controllers: [clientController()], transfers: [transfer({ country: null })] }))
  t.match(findings, [{ rule: 'transfer-without-country', article: 'Art. 30(2)(c)', message: /Art\. 30\(2\)\(c\)/ }])
  t.notMatch(JSON.stringify(findings), /30\(1\)/)
  const controller = all(activity({ transfers: [transfer({ country: null })] }))
  t.match(controller, [{ rule: 'transfer-without-country', article: 'Art. 30(1)(e)' }])
})

t.test('a joint controller is a controller: every Art. 30(1) rule applies', async (t) => {
  const joint = activity({
    role: 'joint_controller',
    purposes: [],
    jointControllers: [{ name: 'Partner AS', contact: 'partner@example.com', arrangementReference: 'art26.pdf' }]
  })
  t.match(all(joint), [{ rule: 'purpose-missing', severity: 'error' }])
})

t.test('processor rules are quiet on complete processor activities and never raised for controllers', async (t) => {
  t.same(
    all(activity({ role: 'processor', controllers: [clientController({ processing: null })], description: 'Payroll bureau service' })),
    [],
    'the description says it'
  )
  t.same(
    all(activity({ role: 'processor', controllers: [clientController({ subprocessorAuthorisation: 'unknown' })], processorIds: [] })),
    [],
    'no sub-processors'
  )
  t.same(all(activity({ controllers: [clientController({ contractReference: null, processing: null })] })), [], 'a controller activity')
})

t.test('every rule says which roles it applies to and whether it is a legal requirement or a heuristic', async (t) => {
  for (const rule of rules) {
    t.ok(rule.roles.length > 0, `${rule.id} has roles`)
    t.ok(rule.kind === 'requirement' || rule.kind === 'heuristic', `${rule.id} has a kind`)
  }
  t.same(
    rules.filter((rule) => rule.kind === 'heuristic').map((rule) => rule.code),
    ['L-04', 'L-14', 'L-16', 'L-17', 'L-24', 'L-25', 'L-26', 'L-33', 'L-36', 'L-40']
  )
})

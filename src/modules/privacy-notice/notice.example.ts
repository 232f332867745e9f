import type { Notice } from './notice.schemas.ts'

/** The notice of one recruitment activity, as the OpenAPI document shows it. */
export const noticeExample: Notice = {
  lang: 'en',
  generatedAt: '2026-01-15T09:30:00.000Z',
  articles: ['13', '14'],
  audience: { id: '7f9c2ba4-e88f-41c9-9a47-0d7e3f2c5a11', name: 'Job applicants', description: 'People who apply for a position with the company.' },
  controller: {
    name: 'Example Consulting AS',
    registrationNumber: '923456783',
    address: 'Eksempelveien 1, 3515 Hønefoss',
    email: 'privacy@example.no',
    phone: null,
    website: null,
    country: { code: 'NO', name: 'Norway' }
  },
  representative: null,
  dpo: { name: 'Kari Nordmann', email: null, phone: null, address: null },
  supervisoryAuthority: 'Datatilsynet',
  activities: [
    {
      id: '3b0c9d0e-5a4f-4d8e-9c71-2f6a8b1e4d20',
      name: 'Recruitment',
      description: 'Assessing applicants for open positions.',
      role: 'controller',
      jointControllers: [],
      dataSubjectCategories: [{ id: '7f9c2ba4-e88f-41c9-9a47-0d7e3f2c5a11', name: 'Job applicants' }],
      dataCategories: [
        { id: 'c1a7e2d4-0b3f-4e59-8a6d-9f2b7c4e1a30', name: 'CV and application', specialCategory: null, criminal: false },
        { id: 'd2b8f3e5-1c4a-4f6a-9b7e-0a3c8d5f2b41', name: 'References', specialCategory: null, criminal: false }
      ],
      purposes: [
        {
          description: 'Assess and select applicants',
          legalBasis: { code: '6.1.a', label: 'Consent', article: 'Art. 6(1)(a)' },
          legitimateInterest: null,
          law: null,
          directMarketing: false,
          objectionMechanism: null,
          consentWithdrawal: 'Email privacy@example.no'
        }
      ],
      specialCategoryConditions: [],
      recipients: [],
      processors: [
        {
          id: 'e3c9a4f6-2d5b-4a7b-8c8f-1b4d9e6a3c52',
          name: 'Recruiting platform provider',
          service: 'Applicant tracking system',
          country: { code: 'NO', name: 'Norway' }
        }
      ],
      noRecipients: false,
      transfers: [
        {
          country: { code: 'US', name: 'United States' },
          internationalOrganisation: null,
          importer: 'Recruiting platform provider',
          mechanism: { code: '46.2.c', label: 'Commission standard contractual clauses (SCCs)', article: 'Art. 46(2)(c)' },
          adequacyDecision: null,
          safeguardsCopy: null
        }
      ],
      retention: [
        {
          dataCategories: ['CV and application', 'References'],
          allDataCategories: true,
          period: 'P6M',
          kind: 'fixed_period',
          criteria: 'End of the recruitment process',
          description: null,
          legalReference: null
        }
      ],
      sources: [
        { code: 'data_subject', label: 'From you' },
        { code: 'third_party', label: 'From third parties' }
      ],
      notObtainedFromDataSubject: true,
      automatedDecisions: [],
      profiling: false
    }
  ],
  rights: [
    {
      right: 'withdraw_consent',
      name: 'Withdraw consent',
      article: 'Art. 7(3)',
      explanation:
        'Where processing is based on your consent, you may withdraw it at any time, as easily as you gave it; this does not affect the processing before the withdrawal (Art. 7(3)).',
      activities: [
        {
          id: '3b0c9d0e-5a4f-4d8e-9c71-2f6a8b1e4d20',
          name: 'Recruitment',
          applies: 'full',
          reason: 'Consent is relied on (6.1.a): it can be withdrawn at any time, as easily as it was given.'
        }
      ]
    }
  ],
  gaps: [
    { field: '/dpo/email', article: 'Art. 13(1)(b)', message: 'A data protection officer is designated, but the record holds no contact details for them.' },
    {
      field: '/activities/0/transfers/0/safeguardsCopy',
      article: 'Art. 13(1)(f)',
      message: 'A transfer rests on appropriate safeguards, but the record does not say where a copy of them can be obtained.'
    }
  ]
}

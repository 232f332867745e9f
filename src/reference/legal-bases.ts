import type { LegalBasis } from './reference.schemas.ts'

/**
 * Art. 6(1) lawful bases (one per purpose) followed by the Art. 9(2) conditions that lift the
 * prohibition on special category data (needed in addition to an Art. 6(1) basis).
 * Source: gdpr.md §2.1 and §2.2.
 */
export const legalBases: readonly LegalBasis[] = [
  {
    code: '6.1.a',
    label: 'Consent',
    article: 'Art. 6(1)(a)',
    description:
      'The data subject agreed to the processing for one or more specific purposes. Record where proof of consent is kept and how it can be withdrawn as easily as it was given (Art. 7).',
    kind: 'lawful_basis',
    requiresReference: false
  },
  {
    code: '6.1.b',
    label: 'Contract',
    article: 'Art. 6(1)(b)',
    description:
      'Needed to perform a contract the data subject is a party to, or to take steps they asked for before entering one. Does not fit B2B contact persons, where the company is the party.',
    kind: 'lawful_basis',
    requiresReference: false
  },
  {
    code: '6.1.c',
    label: 'Legal obligation',
    article: 'Art. 6(1)(c)',
    description:
      'Needed to comply with a legal obligation the controller is subject to. The record must cite the Union or Member State law that imposes it (Art. 6(3)).',
    kind: 'lawful_basis',
    requiresReference: true
  },
  {
    code: '6.1.d',
    label: 'Vital interests',
    article: 'Art. 6(1)(d)',
    description: 'Needed to protect the life or physical safety of the data subject or another person, typically in an emergency where no other basis fits.',
    kind: 'lawful_basis',
    requiresReference: false
  },
  {
    code: '6.1.e',
    label: 'Public task or official authority',
    article: 'Art. 6(1)(e)',
    description:
      'Needed for a task in the public interest or for official authority vested in the controller. The record must cite the law that sets out the task (Art. 6(3)); data subjects may object.',
    kind: 'lawful_basis',
    requiresReference: true
  },
  {
    code: '6.1.f',
    label: 'Legitimate interests',
    article: 'Art. 6(1)(f)',
    description:
      'Needed for a legitimate interest of the controller or a third party that is not overridden by the data subject’s rights, especially for children. Document the interest, necessity and a balancing test; public authorities cannot use it for their tasks.',
    kind: 'lawful_basis',
    requiresReference: false
  },
  {
    code: '9.2.a',
    label: 'Explicit consent',
    article: 'Art. 9(2)(a)',
    description: 'The data subject gave explicit consent for specified purposes, unless Union or Member State law says consent cannot lift the prohibition.',
    kind: 'special_category_condition',
    requiresReference: false
  },
  {
    code: '9.2.b',
    label: 'Employment, social security and social protection law',
    article: 'Art. 9(2)(b)',
    description:
      'Needed to meet obligations or exercise rights in employment, social security or social protection, as authorised by law or a collective agreement with safeguards. Cite that law or agreement.',
    kind: 'special_category_condition',
    requiresReference: true
  },
  {
    code: '9.2.c',
    label: 'Vital interests where consent is impossible',
    article: 'Art. 9(2)(c)',
    description: 'Needed to protect someone’s vital interests when the data subject is physically or legally unable to give consent.',
    kind: 'special_category_condition',
    requiresReference: false
  },
  {
    code: '9.2.d',
    label: 'Not-for-profit bodies',
    article: 'Art. 9(2)(d)',
    description:
      'Processing by a foundation, association or other not-for-profit body with a political, philosophical, religious or trade-union aim, limited to members, former members or regular contacts, and not disclosed outside without consent.',
    kind: 'special_category_condition',
    requiresReference: false
  },
  {
    code: '9.2.e',
    label: 'Manifestly made public by the data subject',
    article: 'Art. 9(2)(e)',
    description: 'The data subject clearly made the data public themselves. Keep evidence of the source.',
    kind: 'special_category_condition',
    requiresReference: false
  },
  {
    code: '9.2.f',
    label: 'Legal claims and courts',
    article: 'Art. 9(2)(f)',
    description: 'Needed to establish, exercise or defend legal claims, or when courts act in their judicial capacity.',
    kind: 'special_category_condition',
    requiresReference: false
  },
  {
    code: '9.2.g',
    label: 'Substantial public interest',
    article: 'Art. 9(2)(g)',
    description: 'Needed for reasons of substantial public interest under a proportionate Union or Member State law with specific safeguards. Cite that law.',
    kind: 'special_category_condition',
    requiresReference: true
  },
  {
    code: '9.2.h',
    label: 'Health or social care, occupational medicine',
    article: 'Art. 9(2)(h)',
    description:
      'Needed for preventive or occupational medicine, working-capacity assessment, diagnosis, or health or social care, under law or a contract with a health professional. Cite the law or contract; staff must be bound by professional secrecy (Art. 9(3)).',
    kind: 'special_category_condition',
    requiresReference: true
  },
  {
    code: '9.2.i',
    label: 'Public health',
    article: 'Art. 9(2)(i)',
    description:
      'Needed for public interest in public health, such as cross-border health threats or the safety of care and medicines, under a law with suitable safeguards. Cite that law.',
    kind: 'special_category_condition',
    requiresReference: true
  },
  {
    code: '9.2.j',
    label: 'Archiving, research or statistics',
    article: 'Art. 9(2)(j)',
    description:
      'Needed for archiving in the public interest, scientific or historical research, or statistics, under a Union or Member State law and with the Art. 89(1) safeguards. Cite that law.',
    kind: 'special_category_condition',
    requiresReference: true
  }
]

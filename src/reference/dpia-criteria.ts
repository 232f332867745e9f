import type { DpiaCriterion } from './reference.schemas.ts'

/**
 * The nine WP248 rev.01 criteria for likely high risk (two or more usually mean a DPIA is needed),
 * followed by the three Art. 35(3) cases where a DPIA is always required. Source: gdpr.md §5.3.
 * Cross-border transfers are deliberately absent: that criterion was only in the 2017 draft.
 */
export const dpiaCriteria: readonly DpiaCriterion[] = [
  {
    code: 'evaluation_scoring',
    label: 'Evaluation or scoring',
    article: 'Art. 35(1)',
    description: 'Evaluating, profiling or predicting aspects of people such as work performance, finances, health, preferences, behaviour or location.',
    kind: 'wp248_criterion'
  },
  {
    code: 'automated_decision_with_legal_effect',
    label: 'Automated decision-making with legal or similarly significant effect',
    article: 'Art. 35(1)',
    description: 'Decisions made by automated means that have legal or similarly significant effects on people.',
    kind: 'wp248_criterion'
  },
  {
    code: 'systematic_monitoring',
    label: 'Systematic monitoring',
    article: 'Art. 35(1)',
    description:
      'Observing, tracking or monitoring people in a systematic way, including in publicly accessible areas (e.g. CCTV, tracking, session recording).',
    kind: 'wp248_criterion'
  },
  {
    code: 'sensitive_data',
    label: 'Sensitive or highly personal data',
    article: 'Art. 35(1)',
    description: 'Special category (Art. 9) or criminal (Art. 10) data, or other highly personal data such as financial, location or communications data.',
    kind: 'wp248_criterion'
  },
  {
    code: 'large_scale',
    label: 'Large-scale processing',
    article: 'Art. 35(1)',
    description:
      'Processing at scale, judged by the number or share of people concerned, the volume or range of data, how long it lasts and its geographical reach.',
    kind: 'wp248_criterion'
  },
  {
    code: 'matching_combining',
    label: 'Matching or combining datasets',
    article: 'Art. 35(1)',
    description: 'Matching or combining datasets, for example linking data collected for different purposes or from different sources.',
    kind: 'wp248_criterion'
  },
  {
    code: 'vulnerable_data_subjects',
    label: 'Vulnerable data subjects',
    article: 'Art. 35(1)',
    description: 'People in a weaker position towards the controller, such as children, employees, patients, the elderly or asylum seekers.',
    kind: 'wp248_criterion'
  },
  {
    code: 'innovative_technology',
    label: 'Innovative technology or organisational solutions',
    article: 'Art. 35(1)',
    description:
      'Innovative use of technology or new technological or organisational solutions, e.g. combined fingerprint and face recognition or IoT devices.',
    kind: 'wp248_criterion'
  },
  {
    code: 'prevents_exercise_of_rights',
    label: 'Prevents exercise of a right or use of a service or contract',
    article: 'Art. 35(1)',
    description: 'The processing itself decides whether people can exercise a right, use a service or enter a contract.',
    kind: 'wp248_criterion'
  },
  {
    code: '35.3.a',
    label: 'Systematic and extensive automated evaluation with significant effects',
    article: 'Art. 35(3)(a)',
    description:
      'Systematic and extensive evaluation of personal aspects based on automated processing, including profiling, that leads to decisions with legal or similarly significant effects. A DPIA is mandatory.',
    kind: 'art35_3_case'
  },
  {
    code: '35.3.b',
    label: 'Large-scale special category or criminal data',
    article: 'Art. 35(3)(b)',
    description: 'Large-scale processing of Art. 9(1) special category data or Art. 10 criminal conviction and offence data. A DPIA is mandatory.',
    kind: 'art35_3_case'
  },
  {
    code: '35.3.c',
    label: 'Large-scale monitoring of a publicly accessible area',
    article: 'Art. 35(3)(c)',
    description: 'Systematic monitoring of a publicly accessible area on a large scale, such as extensive CCTV. A DPIA is mandatory.',
    kind: 'art35_3_case'
  }
]

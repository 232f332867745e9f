import type { SpecialCategory } from './reference.schemas.ts'

/**
 * Art. 9(1) special categories of personal data (codes from DESIGN.md §8; gdpr.md §2.2).
 * Processing them is prohibited unless an Art. 9(2) condition applies in addition to an Art. 6(1) basis.
 */
export const specialCategories: readonly SpecialCategory[] = [
  {
    code: 'racial_or_ethnic_origin',
    label: 'Racial or ethnic origin',
    article: 'Art. 9(1)',
    description: 'Data revealing a person’s racial or ethnic origin, including data from which it can be inferred.'
  },
  {
    code: 'political_opinions',
    label: 'Political opinions',
    article: 'Art. 9(1)',
    description: 'Data revealing a person’s political views, for example party membership, donations or stated opinions.'
  },
  {
    code: 'religious_or_philosophical_beliefs',
    label: 'Religious or philosophical beliefs',
    article: 'Art. 9(1)',
    description: 'Data revealing a person’s religion or philosophical convictions, for example dietary or holiday requests linked to faith.'
  },
  {
    code: 'trade_union_membership',
    label: 'Trade union membership',
    article: 'Art. 9(1)',
    description: 'Data revealing whether a person belongs to a trade union, for example payroll deductions for union dues.'
  },
  {
    code: 'genetic_data',
    label: 'Genetic data',
    article: 'Art. 9(1)',
    description: 'Data about a person’s inherited or acquired genetic characteristics, usually from analysing a biological sample (defined in Art. 4(13)).'
  },
  {
    code: 'biometric_data',
    label: 'Biometric data used to uniquely identify a person',
    article: 'Art. 9(1)',
    description:
      'Data from technical processing of physical, physiological or behavioural traits such as fingerprints or face images (Art. 4(14)). Special category only when used to uniquely identify a person.'
  },
  {
    code: 'health_data',
    label: 'Data concerning health',
    article: 'Art. 9(1)',
    description:
      'Data about a person’s physical or mental health, including the care they receive, that reveals their health status (Art. 4(15)), for example sick leave records.'
  },
  {
    code: 'sex_life_or_sexual_orientation',
    label: 'Sex life or sexual orientation',
    article: 'Art. 9(1)',
    description: 'Data concerning a person’s sex life or sexual orientation (the two items of Art. 9(1) grouped in one code).'
  }
]

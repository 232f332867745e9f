import t from 'tap'
import type { TSchema } from 'typebox'
import { Value } from 'typebox/value'
import {
  CountrySchema,
  countries,
  countryByCode,
  DpiaCriterionSchema,
  dpiaCriteria,
  LegalBasisSchema,
  legalBases,
  SecurityMeasureVocabularySchema,
  SpecialCategorySchema,
  securityMeasureVocabulary,
  specialCategories,
  TransferMechanismSchema,
  transferMechanisms
} from '../../src/reference/index.ts'

const lists: ReadonlyArray<{ name: string; schema: TSchema; items: ReadonlyArray<{ code: string }> }> = [
  { name: 'legalBases', schema: LegalBasisSchema, items: legalBases },
  { name: 'specialCategories', schema: SpecialCategorySchema, items: specialCategories },
  { name: 'countries', schema: CountrySchema, items: countries },
  { name: 'transferMechanisms', schema: TransferMechanismSchema, items: transferMechanisms },
  { name: 'securityMeasureVocabulary', schema: SecurityMeasureVocabularySchema, items: securityMeasureVocabulary },
  { name: 'dpiaCriteria', schema: DpiaCriterionSchema, items: dpiaCriteria }
]

const codes = (items: ReadonlyArray<{ code: string }>): string[] => items.map((item) => item.code)

t.test('every entry validates against its schema', async (t) => {
  for (const { name, schema, items } of lists) {
    t.ok(items.length > 0, `${name} is not empty`)
    for (const entry of items) {
      const ok = Value.Check(schema, entry)
      if (!ok) t.comment(JSON.stringify([...Value.Errors(schema, entry)], null, 2))
      t.ok(ok, `${name} ${entry.code} matches its schema`)
    }
  }
})

t.test('codes are unique in each list', async (t) => {
  for (const { name, items } of lists) {
    const all = codes(items)
    t.equal(new Set(all).size, all.length, `${name} codes are unique`)
  }
})

t.test('legal bases', async (t) => {
  t.same(codes(legalBases), [
    '6.1.a',
    '6.1.b',
    '6.1.c',
    '6.1.d',
    '6.1.e',
    '6.1.f',
    '9.2.a',
    '9.2.b',
    '9.2.c',
    '9.2.d',
    '9.2.e',
    '9.2.f',
    '9.2.g',
    '9.2.h',
    '9.2.i',
    '9.2.j'
  ])
  t.same(
    legalBases.filter((b) => b.requiresReference).map((b) => b.code),
    ['6.1.c', '6.1.e', '9.2.b', '9.2.g', '9.2.h', '9.2.i', '9.2.j']
  )
  for (const basis of legalBases) {
    const [article, paragraph, point] = basis.code.split('.')
    t.equal(basis.article, `Art. ${article}(${paragraph})(${point})`, `${basis.code} article`)
    t.equal(basis.kind, article === '6' ? 'lawful_basis' : 'special_category_condition', `${basis.code} kind`)
  }
})

t.test('special categories', async (t) => {
  t.same(codes(specialCategories), [
    'racial_or_ethnic_origin',
    'political_opinions',
    'religious_or_philosophical_beliefs',
    'trade_union_membership',
    'genetic_data',
    'biometric_data',
    'health_data',
    'sex_life_or_sexual_orientation'
  ])
  for (const category of specialCategories) t.equal(category.article, 'Art. 9(1)')
})

t.test('transfer mechanisms', async (t) => {
  t.same(codes(transferMechanisms), [
    '45',
    '46.2.a',
    '46.2.b',
    '46.2.c',
    '46.2.d',
    '46.2.e',
    '46.2.f',
    '46.3.a',
    '46.3.b',
    '47',
    '49.1.a',
    '49.1.b',
    '49.1.c',
    '49.1.d',
    '49.1.e',
    '49.1.f',
    '49.1.g',
    '49.1.sub2'
  ])
  const byCode = new Map(transferMechanisms.map((m) => [m.code, m]))
  t.equal(byCode.get('45')?.category, 'adequacy')
  t.equal(byCode.get('46.2.c')?.category, 'safeguard')
  t.equal(byCode.get('46.2.c')?.article, 'Art. 46(2)(c)')
  t.match(byCode.get('46.2.c')?.description, /2021\/914/)
  t.equal(byCode.get('46.3.b')?.category, 'authorised_safeguard')
  t.equal(byCode.get('47')?.category, 'bcr')
  t.equal(byCode.get('49.1.g')?.category, 'derogation')
  t.equal(byCode.get('49.1.sub2')?.article, 'Art. 49(1), second subparagraph')
})

t.test('DPIA criteria', async (t) => {
  t.same(codes(dpiaCriteria), [
    'evaluation_scoring',
    'automated_decision_with_legal_effect',
    'systematic_monitoring',
    'sensitive_data',
    'large_scale',
    'matching_combining',
    'vulnerable_data_subjects',
    'innovative_technology',
    'prevents_exercise_of_rights',
    '35.3.a',
    '35.3.b',
    '35.3.c'
  ])
  t.equal(dpiaCriteria.filter((c) => c.kind === 'wp248_criterion').length, 9)
  t.notOk(
    dpiaCriteria.some((c) => /transfer|cross-border/i.test(`${c.code} ${c.label}`)),
    'cross-border transfers are not a WP248 criterion'
  )
})

t.test('countries', async (t) => {
  t.equal(countries.length, 249)
  for (const country of countries) t.match(country.code, /^[A-Z]{2}$/)
  t.same(codes(countries), [...codes(countries)].sort(), 'sorted by code')
  t.notOk(countryByCode.has('XK'), 'no user-assigned codes')
  t.notOk(countryByCode.has('UK') || countryByCode.has('EL'), 'ISO codes, not EU protocol codes')

  const eu27 = [
    'AT',
    'BE',
    'BG',
    'HR',
    'CY',
    'CZ',
    'DK',
    'EE',
    'FI',
    'FR',
    'DE',
    'GR',
    'HU',
    'IE',
    'IT',
    'LV',
    'LT',
    'LU',
    'MT',
    'NL',
    'PL',
    'PT',
    'RO',
    'SK',
    'SI',
    'ES',
    'SE'
  ]
  const euTerritories = ['AX', 'GF', 'GP', 'MQ', 'RE', 'YT', 'MF']
  const thirdCountryTerritories = ['GL', 'FO', 'AW', 'CW', 'SX', 'BQ', 'PF', 'NC', 'WF', 'PM', 'BL', 'SJ', 'GI']
  const eu = countries.filter((c) => c.eu).map((c) => c.code)
  const eea = countries.filter((c) => c.eea).map((c) => c.code)
  t.equal(eu.length, 27 + 7)
  t.equal(eea.length, 30 + 7)
  t.same([...eu].sort(), [...eu27, ...euTerritories].sort())
  t.same([...eea].sort(), [...eu27, ...euTerritories, 'IS', 'LI', 'NO'].sort())
  for (const code of thirdCountryTerritories) {
    t.equal(countryByCode.get(code)?.eea, false, `${code} is a third country`)
    t.equal(countryByCode.get(code)?.eu, false, `${code} is outside the EU`)
  }
  for (const country of countries) if (country.eu) t.ok(country.eea, `${country.code}: EU implies EEA`)
})

t.test('adequacy', async (t) => {
  const adequate = countries.filter((c) => c.adequacy !== null).map((c) => c.code)
  t.same(adequate, ['AD', 'AR', 'BR', 'CA', 'CH', 'FO', 'GB', 'GG', 'IL', 'IM', 'JE', 'JP', 'KR', 'NZ', 'US', 'UY'])
  t.same(
    countries.filter((c) => c.adequacy?.scope === 'partial').map((c) => c.code),
    ['CA', 'JP', 'KR', 'US']
  )
  for (const country of countries) {
    const a = country.adequacy
    if (a === null) continue
    t.equal(a.conditions === null, a.scope === 'full', `${country.code}: conditions only for partial decisions`)
    t.match(a.validFrom, /^\d{4}-\d{2}-\d{2}$/)
    t.ok(a.article === 'Art. 45(3)' || a.article === 'Art. 45(9)', `${country.code} article`)
    t.equal(a.article === 'Art. 45(9)', a.validFrom < '2018-05-25', `${country.code}: Art. 45(9) only for Directive-era decisions`)
    t.notOk(country.eea, `${country.code}: adequacy only for third countries`)
  }

  const us = countryByCode.get('US')?.adequacy
  t.equal(us?.scope, 'partial')
  t.equal(us?.validUntil, null)
  t.equal(us?.decision, 'Implementing Decision (EU) 2023/1795')
  t.match(us?.conditions, /Data Privacy Framework/)
  t.match(us?.notes, /T-553\/23/)
  t.match(us?.notes, /C-703\/25 P/)

  const gb = countryByCode.get('GB')?.adequacy
  t.equal(gb?.validUntil, '2031-12-27')
  t.equal(gb?.validFrom, '2021-06-28')
  t.equal(gb?.scope, 'full')
  t.match(gb?.decision, /2021\/1772, renewed on 19 December 2025/, 'the decision in force is the 2025 renewal')

  t.equal(countryByCode.get('CH')?.adequacy?.decision, 'Decision 2000/518/EC')
  t.equal(countryByCode.get('BR')?.adequacy?.article, 'Art. 45(3)')
  const outsideTheEeaAgreement = [...countryByCode.values()]
    .filter((country) => country.adequacy && !country.adequacy.inEeaAgreement)
    .map((country) => country.code)
  t.same(outsideTheEeaAgreement, ['BR'], 'only the Brazil decision is not yet incorporated in the EEA Agreement')
  t.equal(countryByCode.get('IN')?.adequacy, null)
})

t.test('security measure vocabulary', async (t) => {
  t.same(codes(securityMeasureVocabulary), [
    'T.ENC_REST',
    'T.ENC_TRANSIT',
    'T.ENC_E2E',
    'T.KEY_MGMT',
    'T.PSEUDONYMISATION',
    'T.ANONYMISATION',
    'T.MINIMISATION_MASKING',
    'T.ACCESS_CONTROL',
    'T.MFA',
    'T.PASSWORD_POLICY',
    'T.SSO_IAM',
    'T.PAM',
    'T.LOGGING',
    'T.MONITORING',
    'T.NETWORK_SECURITY',
    'T.ANTI_MALWARE',
    'T.PATCH_MGMT',
    'T.SECURE_DEV',
    'T.ENDPOINT_MGMT',
    'T.EMAIL_SECURITY',
    'T.WEB_SECURITY',
    'T.BACKUP',
    'T.BACKUP_OFFSITE_IMMUTABLE',
    'T.RESTORE_TEST',
    'T.REDUNDANCY',
    'T.SECURE_DELETION',
    'T.DLP',
    'T.PHYSICAL',
    'T.PENTEST',
    'O.SECURITY_POLICY',
    'O.TRAINING',
    'O.CONFIDENTIALITY',
    'O.NEED_TO_KNOW',
    'O.ACCESS_REVIEW',
    'O.VENDOR_MGMT',
    'O.INCIDENT_RESPONSE',
    'O.BREACH_REGISTER',
    'O.RETENTION_SCHEDULE',
    'O.PRIVACY_BY_DESIGN',
    'O.DPIA_PROCESS',
    'O.AUDIT',
    'O.CERTIFICATION',
    'O.CODE_OF_CONDUCT',
    'O.CLEAN_DESK'
  ])
  // Measures a provision of their own asks for cite it, though they also serve an Art. 32(1) point.
  const ownProvision = new Map([
    ['O.INCIDENT_RESPONSE', 'Arts. 33–34'],
    ['O.BREACH_REGISTER', 'Art. 33(5)'],
    ['O.DPIA_PROCESS', 'Art. 35'],
    ['O.CERTIFICATION', 'Art. 32(3)'],
    ['O.CODE_OF_CONDUCT', 'Art. 32(3)']
  ])
  for (const m of securityMeasureVocabulary) {
    t.equal(m.type, m.code.startsWith('T.') ? 'technical' : 'organisational', `${m.code} type`)
    const first = m.art32Points[0]
    if (first !== undefined && !ownProvision.has(m.code)) t.equal(m.article, `Art. 32(1)(${first})`, `${m.code} article`)
  }
  for (const [code, article] of ownProvision)
    t.equal(securityMeasureVocabulary.find((m) => m.code === code)?.article, article, `${code} cites its own provision`)
  const byCode = new Map(securityMeasureVocabulary.map((m) => [m.code, m]))
  t.same(byCode.get('T.KEY_MGMT')?.art32Points, ['a', 'b'])
  t.same(byCode.get('O.RETENTION_SCHEDULE')?.art32Points, [])
  t.equal(byCode.get('O.RETENTION_SCHEDULE')?.article, 'Art. 5(1)(e)')
  t.same(byCode.get('O.PRIVACY_BY_DESIGN')?.art32Points, [])
  t.equal(byCode.get('O.PRIVACY_BY_DESIGN')?.article, 'Art. 25')
})

import t from 'tap'
import { codeLabels, languages } from '../../src/documents/labels/index.ts'
import { completeTable } from '../../src/documents/labels/nb/codes.ts'
import {
  countries,
  dpiaCriteria,
  internationalOrganisations,
  legalBases,
  securityMeasureVocabulary,
  specialCategories,
  transferMechanisms
} from '../../src/reference/index.ts'

const referenceLists = [
  { name: 'legalBasis', list: legalBases },
  { name: 'specialCategory', list: specialCategories },
  { name: 'mechanism', list: transferMechanisms },
  { name: 'securityMeasure', list: securityMeasureVocabulary },
  { name: 'dpiaCriterion', list: dpiaCriteria }
] as const

t.test('every code of every reference list has its own Bokmål label', async (t) => {
  const [en, nb] = await Promise.all([codeLabels('en'), codeLabels('nb')])
  for (const { name, list } of referenceLists)
    for (const { code, label } of list) {
      t.equal(en[name](code), label, `en ${name} ${code}`)
      const norwegian = nb[name](code)
      t.not(norwegian, code, `nb ${name} ${code} is not the code`)
      t.not(norwegian, label, `nb ${name} ${code} is not the English label`)
    }
})

t.test('the regulation’s own Norwegian terms', async (t) => {
  const nb = await codeLabels('nb')
  t.equal(nb.legalBasis('6.1.f'), 'Berettiget interesse')
  t.equal(nb.legalBasis('9.2.a'), 'Uttrykkelig samtykke')
  t.equal(nb.mechanism('46.2.c'), 'Standardpersonvernbestemmelser vedtatt av Kommisjonen (SCC)')
  t.equal(nb.specialCategory('health_data'), 'Helseopplysninger')
})

t.test('an unknown code reads as itself in every language', async (t) => {
  for (const lang of languages) {
    const labels = await codeLabels(lang)
    t.equal(labels.lang, lang)
    for (const { name } of referenceLists) t.equal(labels[name]('X.UNKNOWN'), 'X.UNKNOWN', `${lang} ${name}`)
    t.equal(labels.country('IO:UNKNOWN'), 'IO:UNKNOWN', `${lang} country`)
    t.equal(labels.right('unknown_right'), 'unknown_right', `${lang} right`)
  }
})

t.test('a table that misses a reference code, or names one the list lacks, is refused when it loads', async (t) => {
  const list = [{ code: 'a' }, { code: 'b' }]
  t.same(completeTable(list, { a: 'A', b: 'B' }, 'test'), { a: 'A', b: 'B' })
  t.throws(() => completeTable(list, { a: 'A' }, 'test'), /missing b; unknown none/)
  t.throws(() => completeTable(list, { a: 'A', b: 'B', c: 'C' }, 'test'), /missing none; unknown c/)
})

t.test('countries by their Norwegian names, international organisations translated', async (t) => {
  const nb = await codeLabels('nb')
  t.equal(nb.country('DE'), 'Tyskland')
  t.equal(nb.country('US'), 'USA')
  t.equal(nb.country('GB'), 'Storbritannia')
  for (const { code } of countries) t.not(nb.country(code), code, `country ${code}`)
  for (const { code, name } of internationalOrganisations) {
    t.not(nb.country(code), code)
    t.not(nb.country(code), name)
  }
})

t.test('rights, whether they apply and severities in Bokmål', async (t) => {
  const [en, nb] = await Promise.all([codeLabels('en'), codeLabels('nb')])
  const rights = [
    'information',
    'access',
    'rectification',
    'erasure',
    'restriction',
    'notification_of_recipients',
    'portability',
    'object',
    'object_to_direct_marketing',
    'withdraw_consent',
    'not_subject_to_automated_decision',
    'complaint',
    'assistance_to_the_controller'
  ]
  for (const right of rights) {
    t.not(nb.right(right), right, right)
    t.not(en.right(right), right, right)
    t.not(nb.right(right), en.right(right), right)
  }
  t.equal(nb.right('access'), 'Innsyn')
  t.same(
    (['full', 'partial', 'no'] as const).map((applies) => nb.applies(applies)),
    ['Gjelder', 'Gjelder delvis', 'Gjelder ikke']
  )
  t.same(
    (['error', 'warning', 'info'] as const).map((severity) => nb.severity(severity)),
    ['Feil', 'Advarsel', 'Informasjon']
  )
})

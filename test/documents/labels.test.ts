import t from 'tap'
import { type RightReason, type RightsInput, reasonOf, rightsOf } from '../../src/compliance/rights.ts'
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

const reasonKeys = [
  'information',
  'every_basis',
  'recipients_recorded',
  'no_recipients',
  'portability_applies',
  'portability_not',
  'object_applies',
  'object_not',
  'direct_marketing',
  'no_direct_marketing',
  'consent_relied_on',
  'no_consent',
  'erasure_on_withdrawal',
  'erasure_exempt',
  'erasure_on_grounds',
  'no_automated_decisions',
  'automated_without_effect',
  'automated_without_exception',
  'automated_on_exceptions',
  'complaint',
  'processor_assists',
  'processor_complaint'
] as const satisfies readonly RightReason['key'][]
// Fails to compile when a reason key is added to rights.ts but not to this list.
const everyKeyListed: Exclude<RightReason['key'], (typeof reasonKeys)[number]> extends never ? true : false = true

type Decision = RightsInput['automatedDecisions'][number]
const decision = (legalOrSimilarEffect: boolean, exception: Decision['exception']) => ({ legalOrSimilarEffect, exception }) as Decision

/** Enough variants of the rights input to reach every branch of every reason. */
function rightsInputs(): RightsInput[] {
  const inputs: RightsInput[] = []
  const baseSets = [[], [null], ['6.1.a'], ['6.1.b'], ['6.1.c', '6.1.e'], ['6.1.f'], ['6.1.a', '6.1.c'], ['6.1.e', '6.1.f'], ['6.1.b', '6.1.f'], ['6.1.d']]
  const decisionSets = [
    [],
    [decision(false, null)],
    [decision(true, null)],
    [decision(true, '22.2.b')],
    [decision(true, '22.2.a'), decision(true, '22.2.c')],
    [decision(true, '22.2.a'), decision(true, null)]
  ]
  const recipients = [
    { recipientIds: ['r1'], processorIds: [], noRecipients: false },
    { recipientIds: [], processorIds: ['p1'], noRecipients: false },
    { recipientIds: [], processorIds: [], noRecipients: true },
    { recipientIds: [], processorIds: [], noRecipients: false }
  ]
  for (const bases of baseSets)
    for (const special of [false, true])
      for (const automatedDecisions of decisionSets)
        for (const automatedDecisionMaking of [false, true])
          for (const [index, recipientsOf] of recipients.entries())
            inputs.push({
              role: 'controller',
              ...recipientsOf,
              automatedDecisionMaking,
              automatedDecisions,
              purposes: bases.map((legalBasis, i) => ({ legalBasis, directMarketing: special && i === 0 })),
              specialCategoryConditions: special ? [{ condition: '9.2.a' }] : [],
              transfers: index === 0 ? [{ mechanism: '49.1.a' }] : [],
              controllers: []
            })
  for (const controllers of [[], ['Kunde AS'], ['Kunde AS', 'Kommune B']])
    inputs.push({
      ...inputs[0]!,
      role: 'processor',
      controllers: controllers.map((name) => ({ name }))
    })
  return inputs
}

/** What a reason names that its text must repeat: codes, controllers, the letters of Art. 22(2). */
function parametersOf(reason: RightReason): string[] {
  if ('bases' in reason) return reason.bases
  if ('codes' in reason) return reason.codes
  if ('controllers' in reason) return reason.controllers
  if ('exceptions' in reason) return reason.exceptions.map((exception) => `22 nr. 2 bokstav ${exception.at(-1)}`)
  return []
}

t.test('every reason of the rights computation reads in Bokmål, with its codes and names', async (t) => {
  t.ok(everyKeyListed)
  const [en, nb] = await Promise.all([codeLabels('en'), codeLabels('nb')])
  const seen = new Map<string, Set<string>>()
  for (const input of rightsInputs())
    for (const answer of rightsOf(input)) {
      const reason = reasonOf(answer)!
      const norwegian = nb.rightReason(answer)
      t.equal(en.rightReason(answer), answer.reason)
      if (norwegian === answer.reason || !parametersOf(reason).every((parameter) => norwegian.includes(parameter))) t.fail(`${reason.key}: ${norwegian}`)
      seen.set(reason.key, (seen.get(reason.key) ?? new Set()).add(norwegian))
    }
  t.same([...seen.keys()].sort(), [...reasonKeys].sort(), 'every reason key is reached')
  t.ok(
    [...seen.values()].every((texts) => [...texts].every((text) => text.length > 10 && !text.includes('undefined'))),
    'no text is empty or has a hole'
  )
})

t.test('the reasons carry no new property: the rights endpoint and the exports serialise the answers as before', async (t) => {
  const [answer] = rightsOf(rightsInputs()[0]!)
  t.same(Object.keys(answer!), ['right', 'article', 'applies', 'reason'])
  const copy = { ...answer! }
  t.equal(reasonOf(copy), undefined)
  t.equal((await codeLabels('nb')).rightReason(copy), answer!.reason, 'a copy, which lost its key, keeps the English reason')
})

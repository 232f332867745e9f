import t from 'tap'
import { activityFindings, type Finding, organisationFindings, rules } from '../../src/compliance/index.ts'
import { type RightReason, type RightsInput, reasonOf, rightsOf } from '../../src/compliance/rights.ts'
import type { Activity, Catalogue, Context, Organisation } from '../../src/compliance/types.ts'
import { codeLabels, languages } from '../../src/documents/labels/index.ts'
import { completeTable } from '../../src/documents/labels/nb/codes.ts'
import { norwegianArticle } from '../../src/documents/labels/nb/findings.ts'
import { Purpose, Transfer } from '../../src/modules/activities/activities.schemas.ts'
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
  t.equal((await codeLabels('en')).country('IO:EPORG'), 'European Patent Organisation')
  t.equal(nb.country('IO:EPORG'), 'Den europeiske patentorganisasjon')
  t.equal(nb.country('US'), 'USA')
  t.equal(nb.country('GB'), 'Storbritannia')
  for (const { code } of countries) t.not(nb.country(code), code, `country ${code}`)
  for (const { code, name } of internationalOrganisations) {
    t.not(nb.country(code), code)
    t.not(nb.country(code), name)
  }
})

t.test('whether a right applies and severities in English', async (t) => {
  const en = await codeLabels('en')
  t.same(
    (['full', 'partial', 'no'] as const).map((applies) => en.applies(applies)),
    ['Applies', 'Applies in part', 'Does not apply']
  )
  t.same(
    (['error', 'warning', 'info'] as const).map((severity) => en.severity(severity)),
    ['Error', 'Warning', 'Information']
  )
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

const organisationWithNothing: Organisation = {
  id: 'o0000000-0000-4000-8000-000000000001',
  name: 'Utland Inc',
  address: null,
  email: null,
  phone: null,
  country: 'US',
  isPublicAuthority: true,
  employeeCount: 900,
  dpo: { designated: false, name: null, email: null, phone: null, address: null },
  representative: null
}

const wrongCatalogue = (): Catalogue => ({
  dataCategories: new Map([['c1', { name: 'Helse', description: null, specialCategory: 'health_data', criminal: true }]]),
  dataSubjectCategories: new Map([
    ['s1', { name: 'Employees', description: null, includesChildren: true, vulnerable: true }],
    ['s2', { name: 'Contact persons at customers', description: null, includesChildren: false, vulnerable: false }]
  ]),
  recipients: new Map(),
  processors: new Map([
    [
      'p1',
      {
        name: 'Mailer Inc',
        country: 'US',
        email: null,
        phone: null,
        address: null,
        service: null,
        dpaReference: null,
        dpaSignedAt: null,
        subprocessorAuthorisation: 'unknown',
        dpfCertified: null,
        subProcessorIds: ['p2']
      }
    ],
    [
      'p2',
      {
        name: 'Support Pvt',
        country: 'IN',
        email: null,
        phone: null,
        address: null,
        service: null,
        dpaReference: null,
        dpaSignedAt: null,
        subprocessorAuthorisation: 'unknown',
        dpfCertified: null,
        subProcessorIds: []
      }
    ]
  ]),
  securityMeasures: new Map()
})

/** A controller activity with as much wrong as the rules can see at once. */
function wrongActivity(changes: Partial<Activity> = {}): Activity {
  const purpose = (description: string, legalBasis: string | null, more: Partial<Activity['purposes'][number]> = {}) =>
    Purpose.fill({ description, legalBasis, ...more })
  return {
    id: 'a0000000-0000-4000-8000-000000000001',
    name: 'Alt galt',
    description: null,
    createdAt: '2020-01-10T09:00:00.000Z',
    status: 'active',
    role: 'controller',
    purposes: [
      purpose('Other', null),
      purpose('Payroll', '6.1.a', {
        informationSocietyService: true,
        directMarketing: true,
        consent: {
          mechanism: 'Closing the cookie banner',
          recordReference: null,
          withdrawalMechanism: null,
          ageThreshold: 13,
          parentalConsentVerification: null
        }
      }),
      purpose('Payroll', '6.1.c'),
      purpose('Customer relationship with contact persons', '6.1.b'),
      purpose('Network and information security', '6.1.f', { publicAuthorityTask: null })
    ],
    dataSubjectCategoryIds: ['s1', 's2'],
    dataCategoryIds: ['c1'],
    recipientIds: [],
    noRecipients: true,
    processorIds: ['p1'],
    securityMeasureIds: [],
    specialCategoryConditions: [{ condition: '9.2.h', reference: null, consent: null }],
    criminalDataReference: null,
    jointControllers: [],
    controllers: [],
    transfers: [
      Transfer.fill({ importer: 'Importer' }),
      Transfer.fill({ country: 'IN', mechanism: null }),
      Transfer.fill({ country: 'US', mechanism: '45', dpfCertified: true }),
      Transfer.fill({ country: 'CN', mechanism: '45' }),
      Transfer.fill({ country: 'IN', mechanism: '49.1.sub2' }),
      Transfer.fill({ country: 'IN', mechanism: '46.2.c' })
    ],
    retention: [{ dataCategoryIds: [], period: null, kind: 'statutory_maximum', trigger: null, description: null, legalReference: null }],
    dpia: { status: 'not_assessed', reference: null, completedAt: null, notRequiredReason: null, criteria: ['35.3.b', 'large_scale', 'sensitive_data'] },
    automatedDecisionMaking: false,
    automatedDecisions: [
      {
        description: 'Kredittgrense',
        legalOrSimilarEffect: true,
        exception: null,
        lawReference: null,
        consent: null,
        safeguards: [],
        specialCategories: true,
        logicInformation: null
      }
    ],
    recordExemptionClaimed: true,
    occasional: false,
    profiling: true,
    lastReviewedAt: null,
    ...changes
  }
}

const wrongProcessorActivity = (): Activity =>
  wrongActivity({
    role: 'processor',
    controllers: [{ name: 'Kunde AS', contact: null, representative: null, processing: null, contractReference: null, subprocessorAuthorisation: 'unknown' }]
  })

/** Findings of every rule they reach, from real rule runs over deliberately wrong records. */
function wrongFindings(): Finding[] {
  const context: Context = { organisation: organisationWithNothing, catalogue: wrongCatalogue(), now: new Date('2026-06-15T12:00:00Z') }
  return [
    ...organisationFindings(context),
    ...activityFindings(wrongActivity(), context),
    ...activityFindings(wrongActivity({ role: 'joint_controller', jointControllers: [] }), context),
    ...activityFindings(wrongProcessorActivity(), context),
    ...activityFindings(wrongActivity({ purposes: [], dataSubjectCategoryIds: [], dataCategoryIds: [], transfers: [] }), context),
    ...activityFindings(
      wrongActivity({
        purposes: [Purpose.fill({ description: 'Newsletter to existing customers', legalBasis: '6.1.f', directMarketing: true })],
        specialCategoryConditions: [],
        retention: [{ dataCategoryIds: [], period: null, kind: null, trigger: null, description: null, legalReference: null }]
      }),
      context
    )
  ]
}

t.test('every finding the rules raise reads in Bokmål, never as the English message', async (t) => {
  const [en, nb] = await Promise.all([codeLabels('en'), codeLabels('nb')])
  const findings = wrongFindings()
  for (const finding of findings) {
    const norwegian = nb.finding(finding)
    t.equal(en.finding(finding), finding.message)
    if (norwegian === finding.message || !norwegian.includes(finding.path)) t.fail(`${finding.rule} ${finding.path}: ${norwegian}`)
  }
  const reached = new Set(findings.map((finding) => finding.rule))
  t.ok(
    reached.size >= 30,
    `${reached.size} of ${rules.length} rules reached: ${rules
      .filter((rule) => !reached.has(rule.id))
      .map((rule) => rule.id)
      .join(', ')}`
  )
})

t.test('every rule has its Bokmål statement, with the provision as Norwegian law cites it', async (t) => {
  const nb = await codeLabels('nb')
  for (const rule of rules) {
    const finding: Finding = {
      rule: rule.id,
      severity: rule.severity,
      article: rule.article,
      entityType: 'activity',
      entityId: 'a1',
      path: '/x',
      message: rule.checks
    }
    const norwegian = nb.finding(finding)
    t.not(norwegian, rule.checks, rule.id)
    t.match(norwegian, /^[A-ZÆØÅ0-9].+\((art\. |art\. \d)/, rule.id)
    t.notMatch(norwegian, /Art\.|\(\d+\)/, `${rule.id} cites the Norwegian way`)
  }
  t.equal(norwegianArticle('Art. 6(1)(f)'), 'art. 6 nr. 1 bokstav f')
  t.equal(norwegianArticle('Arts. 13(2)(f), 15(1)(h)'), 'art. 13 nr. 2 bokstav f, 15 nr. 1 bokstav h')
  t.equal(norwegianArticle('Art. 30(5)'), 'art. 30 nr. 5')
  t.equal(
    nb.finding({
      rule: 'legitimate-interest-undocumented',
      severity: 'warning',
      article: 'Art. 6(1)(f)',
      entityType: 'activity',
      entityId: 'a1',
      path: '/purposes/2/liaReference',
      message: ''
    }),
    'Registrer hvor interesseavveiningen for formålet er dokumentert. (art. 6 nr. 1 bokstav f; felt /purposes/2/liaReference)'
  )
  const unknown: Finding = { rule: 'not-a-rule', severity: 'info', article: 'Art. 5', entityType: 'organisation', entityId: 'o1', path: '/', message: 'As is.' }
  t.equal(nb.finding(unknown), 'As is. (art. 5; felt /)', 'a rule without a statement keeps its own message')
  t.match(nb.finding({ ...unknown, rule: 'categories-missing', path: '' }), /; felt \)$/, 'an empty path')
})

import { type RightAnswer, rightsOf } from '../../compliance/rights.ts'
import type { CodeLabels } from '../../documents/labels/index.ts'
import { rightsInput } from '../../exports/cells.ts'
import type { ExportActivity, ExportOrganisation } from '../../exports/record.schemas.ts'
import { internationalOrganisationByCode } from '../../reference/international-organisations.ts'
import type { Gap, Notice, NoticeActivity, NoticeRight, Place } from './notice.schemas.ts'
import type { NoticeTexts } from './texts.ts'

type ExportPurpose = ExportActivity['purposes'][number]
type ExportTransfer = ExportActivity['transfers'][number]

export interface NoticeInput {
  organisation: ExportOrganisation
  /** The activities the notice covers: active, never the processor's, already narrowed to the request. */
  activities: readonly ExportActivity[]
  audience: Notice['audience']
  generatedAt: string
}

/** Sources that mean the data were not (all) obtained from the data subject (Art. 14). */
const notFromDataSubject = new Set(['third_party', 'publicly_available'])

/** Appropriate safeguards (Arts. 46, 47): the notice must say how to obtain a copy or where they are available (Art. 13(1)(f)). */
const needsCopy = (mechanism: string) => mechanism.startsWith('46') || mechanism === '47'

/**
 * The Art. 13/14 notice of the activities given, from what the record holds and nothing else: every
 * piece of required information the record lacks is named in `gaps` instead of being filled in.
 */
export function buildNotice(input: NoticeInput, labels: CodeLabels, texts: NoticeTexts): Notice {
  const gaps: Gap[] = []
  const gap = (field: string, article: string, message: string) => gaps.push({ field, article, message })
  const { organisation } = input

  const controller = {
    name: organisation.name,
    registrationNumber: organisation.registrationNumber,
    address: organisation.address,
    email: organisation.email,
    phone: organisation.phone,
    website: organisation.website,
    country: organisation.country && { code: organisation.country.code, name: labels.country(organisation.country.code) }
  }
  if (!hasContact(controller)) gap('/controller/email', 'Art. 13(1)(a)', texts.gaps.controllerContact)
  if (organisation.country && !organisation.country.eea && !organisation.representative) gap('/representative', 'Arts. 13(1)(a), 27', texts.gaps.representative)
  const dpo = dpoOf(organisation, gap, texts)
  if (!organisation.supervisoryAuthority) gap('/supervisoryAuthority', 'Art. 13(2)(d)', texts.gaps.supervisoryAuthority)

  const activities = input.activities.map((activity, index) => noticeActivity(activity, `/activities/${index}`, { labels, texts, gap }))
  const articles: Notice['articles'] = activities.some((activity) => activity.notObtainedFromDataSubject) ? ['13', '14'] : ['13']
  return {
    lang: labels.lang,
    generatedAt: input.generatedAt,
    articles,
    audience: input.audience,
    controller,
    representative: organisation.representative,
    dpo,
    supervisoryAuthority: organisation.supervisoryAuthority,
    activities,
    rights: noticeRights(input.activities, labels, texts),
    gaps
  }
}

type AddGap = (field: string, article: string, message: string) => void
interface Context {
  labels: CodeLabels
  texts: NoticeTexts
  gap: AddGap
}

const hasContact = (contact: { email: string | null; phone: string | null; address: string | null }) =>
  Boolean(contact.email || contact.phone || contact.address)

/** The DPO's contact when one is designated; a record silent on the DPO, or naming one without contact details, is a gap. */
function dpoOf(organisation: ExportOrganisation, gap: AddGap, texts: NoticeTexts): Notice['dpo'] {
  const { dpo } = organisation
  if (!dpo) {
    gap('/dpo', 'Art. 13(1)(b)', texts.gaps.dpoUnknown)
    return null
  }
  if (!dpo.designated) return null
  const contact = { name: dpo.name, email: dpo.email, phone: dpo.phone, address: dpo.address }
  if (!hasContact(contact)) gap('/dpo/email', 'Art. 13(1)(b)', texts.gaps.dpoContact)
  return contact
}

function noticeActivity(activity: ExportActivity, at: string, context: Context): NoticeActivity {
  const { labels, texts, gap } = context
  const place = (code: string): Place => ({ code, name: labels.country(code) })
  const notObtainedFromDataSubject = activity.dataSources.some((source) => notFromDataSubject.has(source))
  const result: NoticeActivity = {
    id: activity.id,
    name: activity.name,
    description: activity.description,
    // The export of the controller record holds no processor activities.
    role: activity.role === 'joint_controller' ? 'joint_controller' : 'controller',
    jointControllers: activity.jointControllers.map(({ name, contact }) => ({ name, contact })),
    dataSubjectCategories: activity.dataSubjectCategories.map(({ id, name }) => ({ id, name })),
    dataCategories: activity.dataCategories.map(({ id, name, specialCategory, criminal }) => ({
      id,
      name,
      specialCategory: specialCategory && { code: specialCategory.code, label: labels.specialCategory(specialCategory.code) },
      criminal
    })),
    purposes: activity.purposes.map((purpose, index) => noticePurpose(purpose, `${at}/purposes/${index}`, context)),
    specialCategoryConditions: activity.specialCategoryConditions.map(({ condition, reference }) => ({
      condition: { code: condition.code, label: labels.legalBasis(condition.code), article: condition.article },
      reference
    })),
    recipients: activity.recipients.map(({ id, name, type, country }) => ({ id, name, type, country: country && place(country.code) })),
    processors: activity.processors.map(({ id, name, service, country }) => ({ id, name, service, country: country && place(country.code) })),
    noRecipients: activity.noRecipients,
    transfers: activity.transfers.map((transfer, index) => noticeTransfer(transfer, `${at}/transfers/${index}`, context)),
    retention: activity.retention.map((rule, index) => {
      if (!rule.period && !rule.trigger && !rule.description) gap(`${at}/retention/${index}/period`, 'Art. 13(2)(a)', texts.gaps.retentionPeriod)
      return {
        dataCategories: rule.dataCategories.map((category) => category.name),
        allDataCategories: rule.allDataCategories,
        period: rule.period,
        kind: rule.kind,
        criteria: rule.trigger,
        description: rule.description,
        legalReference: rule.legalReference
      }
    }),
    sources: activity.dataSources.map((code) => ({ code, label: texts.sourceKinds[code as keyof NoticeTexts['sourceKinds']] ?? code })),
    notObtainedFromDataSubject,
    automatedDecisions: activity.automatedDecisions.map((decision, index) => {
      if (decision.legalOrSimilarEffect && !decision.logicInformation)
        gap(`${at}/automatedDecisions/${index}/logic`, 'Arts. 13(2)(f), 14(2)(g)', texts.gaps.decisionLogic(decision.description))
      return {
        description: decision.description,
        legalOrSimilarEffect: decision.legalOrSimilarEffect,
        exception: decision.exception && { code: decision.exception, label: texts.exceptions[decision.exception] },
        safeguards: decision.safeguards.map((code) => ({ code, label: texts.safeguardKinds[code] })),
        logic: decision.logicInformation
      }
    }),
    profiling: activity.profiling
  }
  activityGaps(activity, result, at, context)
  return result
}

/** What the activity as a whole lacks: the Art. 9(2) condition, recipients, retention per category, sources, decisions, Art. 13(2)(e). */
function activityGaps(activity: ExportActivity, notice: NoticeActivity, at: string, { texts, gap }: Context) {
  const special = activity.dataCategories.filter((category) => category.specialCategory)
  if (special.length > 0 && activity.specialCategoryConditions.length === 0)
    gap(`${at}/specialCategoryConditions`, 'Arts. 9(2), 13(1)(c)', texts.gaps.specialCategoryCondition(special.map((category) => category.name).join(', ')))
  if (!activity.noRecipients && activity.recipients.length === 0 && activity.processors.length === 0)
    gap(`${at}/recipients`, 'Art. 13(1)(e)', texts.gaps.recipients)
  const covered = new Set(activity.retention.flatMap((rule) => rule.dataCategories.map((category) => category.id)))
  const uncovered = activity.dataCategories.filter((category) => !covered.has(category.id))
  if (uncovered.length > 0 || (activity.retention.length === 0 && activity.dataCategories.length === 0))
    gap(`${at}/retention`, 'Art. 13(2)(a)', texts.gaps.retentionMissing(uncovered.map((category) => category.name).join(', ')))
  if (activity.dataSources.length === 0) gap(`${at}/sources`, 'Arts. 13, 14(2)(f)', texts.gaps.sources)
  if (notice.notObtainedFromDataSubject && activity.dataCategories.length === 0) gap(`${at}/dataCategories`, 'Art. 14(1)(d)', texts.gaps.dataCategories)
  if (activity.automatedDecisionMaking && activity.automatedDecisions.length === 0)
    gap(`${at}/automatedDecisions`, 'Arts. 13(2)(f), 22', texts.gaps.decisionsUndescribed)
  // The record has no field for it: for data collected from the data subject on a contract or a legal obligation, the notice must say it.
  const required = activity.purposes.some((purpose) => purpose.legalBasis?.code === '6.1.b' || purpose.legalBasis?.code === '6.1.c')
  if (required && activity.dataSources.includes('data_subject')) gap(`${at}/provisionRequirement`, 'Art. 13(2)(e)', texts.gaps.provisionRequirement)
}

function noticePurpose(purpose: ExportPurpose, at: string, { labels, texts, gap }: Context): NoticeActivity['purposes'][number] {
  const basis = purpose.legalBasis?.code ?? null
  if (basis === null) gap(`${at}/legalBasis`, 'Art. 13(1)(c)', texts.gaps.legalBasis(purpose.description))
  if (basis === '6.1.f' && !purpose.legitimateInterest) gap(`${at}/legitimateInterest`, 'Art. 13(1)(d)', texts.gaps.legitimateInterest(purpose.description))
  const lawBased = basis === '6.1.c' || basis === '6.1.e'
  if (lawBased && !purpose.legalReference) gap(`${at}/law`, 'Arts. 6(3), 13(1)(c)', texts.gaps.law(purpose.description))
  return {
    description: purpose.description,
    legalBasis: purpose.legalBasis && { code: purpose.legalBasis.code, label: labels.legalBasis(purpose.legalBasis.code), article: purpose.legalBasis.article },
    legitimateInterest: basis === '6.1.f' ? purpose.legitimateInterest : null,
    law: lawBased ? purpose.legalReference : null,
    directMarketing: purpose.directMarketing,
    objectionMechanism: purpose.objectionMechanism,
    consentWithdrawal: purpose.consent?.withdrawalMechanism ?? null
  }
}

function noticeTransfer(transfer: ExportTransfer, at: string, { labels, texts, gap }: Context): NoticeActivity['transfers'][number] {
  const io = transfer.internationalOrganisation
  if (!transfer.country && !io) gap(`${at}/country`, 'Art. 13(1)(f)', texts.gaps.destination)
  const mechanism = transfer.mechanism?.code ?? null
  if (mechanism === null) gap(`${at}/mechanism`, 'Art. 13(1)(f)', texts.gaps.mechanism)
  const copyNeeded = mechanism !== null && needsCopy(mechanism)
  if (copyNeeded && !transfer.safeguardReference) gap(`${at}/safeguardsCopy`, 'Art. 13(1)(f)', texts.gaps.safeguardsCopy)
  const adequacy = transfer.country?.adequacy?.decision ?? (io ? internationalOrganisationByCode.get(io.code)?.adequacy?.decision : undefined) ?? null
  return {
    country: transfer.country && { code: transfer.country.code, name: labels.country(transfer.country.code) },
    internationalOrganisation: io && { code: io.code, name: labels.country(io.code) },
    importer: transfer.importer,
    mechanism: transfer.mechanism && { code: transfer.mechanism.code, label: labels.mechanism(transfer.mechanism.code), article: transfer.mechanism.article },
    adequacyDecision: mechanism === '45' ? adequacy : null,
    // Where the record documents the safeguards is all it says about obtaining them; nothing else is offered.
    safeguardsCopy: transfer.safeguardReference
  }
}

/** Every right that applies to at least one activity, in the order of the rights computation, with the activities it applies to. */
function noticeRights(activities: readonly ExportActivity[], labels: CodeLabels, texts: NoticeTexts): NoticeRight[] {
  const rights = new Map<string, NoticeRight>()
  for (const activity of activities) {
    for (const answer of rightsOf(rightsInput(activity))) {
      if (answer.applies === 'no') continue
      const right = rights.get(answer.right) ?? newRight(answer, labels, texts)
      right.activities.push({ id: activity.id, name: activity.name, applies: answer.applies, reason: labels.rightReason(answer) })
      rights.set(answer.right, right)
    }
  }
  return [...rights.values()]
}

const newRight = (answer: RightAnswer, labels: CodeLabels, texts: NoticeTexts): NoticeRight => ({
  right: answer.right,
  name: labels.right(answer.right),
  article: answer.article,
  explanation: texts.rightExplanations[answer.right] ?? '',
  activities: []
})

export interface Selection {
  activityIds?: readonly string[] | undefined
  dataSubjectCategoryId?: string | undefined
}

/**
 * The activities a request asks for, among the notifiable ones: `missing` lists requested ids that are
 * none of them (unknown, another organisation's, draft, retired or the processor's).
 */
export function selectActivities(activities: readonly ExportActivity[], selection: Selection) {
  const wanted = selection.activityIds && new Set(selection.activityIds)
  const categoryId = selection.dataSubjectCategoryId
  const known = new Set(activities.map((activity) => activity.id))
  const missing = [...(wanted ?? [])].filter((id) => !known.has(id))
  const selected = activities.filter(
    (activity) => (!wanted || wanted.has(activity.id)) && (!categoryId || activity.dataSubjectCategories.some((category) => category.id === categoryId))
  )
  const category = categoryId ? activities.flatMap((activity) => activity.dataSubjectCategories).find((entry) => entry.id === categoryId) : undefined
  const audience = category ? { id: category.id, name: category.name, description: category.description } : null
  return { selected, missing, audience }
}

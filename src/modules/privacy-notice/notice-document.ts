import type { Block, DocumentSource, Field } from '../../documents/document.ts'
import type { Gap, Notice, NoticeActivity, NoticeRight } from './notice.schemas.ts'
import type { NoticeTexts } from './texts.ts'

/** Leaves out the fields the record does not hold: the gaps say what is missing, the document shows nothing in its place. */
const present = (fields: readonly (Field | null)[]): Field[] =>
  fields.filter((field): field is Field => field !== null && (typeof field.value !== 'string' || field.value !== ''))
const field = (label: string, value: string | null | undefined): Field | null => (value ? { label, value } : null)
const gapBlock = (gap: Gap): Block => ({ kind: 'gap', field: gap.field, message: `${gap.article}: ${gap.message}` })

/** The notice as a document: the controller, each activity, the rights and the complaint, with each gap where its information belongs. */
export function noticeDocument(notice: Notice, texts: NoticeTexts): DocumentSource {
  return {
    title: `${texts.title}: ${notice.controller.name}`,
    lang: notice.lang,
    running: `${notice.controller.name}: ${texts.title}`,
    chrome: texts.chrome,
    blocks: blocksOf(notice, texts)
  }
}

function* blocksOf(notice: Notice, texts: NoticeTexts): Generator<Block> {
  const gapsUnder = (pointer: string) => notice.gaps.filter((gap) => gap.field === pointer || gap.field.startsWith(`${pointer}/`)).map(gapBlock)
  yield {
    kind: 'cover',
    title: texts.title,
    subtitle: notice.audience ? `${notice.controller.name} · ${texts.addressedTo(notice.audience.name)}` : notice.controller.name,
    fields: [{ label: texts.controller, value: notice.controller.name }]
  }
  yield { kind: 'paragraph', text: texts.generated(notice.generatedAt.slice(0, 10)), tone: 'note' }
  yield { kind: 'paragraph', text: texts.intro }
  yield* controllerBlocks(notice, texts, gapsUnder)
  yield { kind: 'heading', level: 1, text: texts.processingHeading, id: 'processing' }
  if (notice.activities.length === 0) yield { kind: 'paragraph', text: texts.noActivities }
  else yield { kind: 'paragraph', text: texts.processingIntro }
  for (const [index, activity] of notice.activities.entries()) yield* activityBlocks(activity, texts, gapsUnder(`/activities/${index}`))
  yield { kind: 'heading', level: 1, text: texts.rightsHeading, id: 'rights' }
  yield { kind: 'paragraph', text: texts.rightsIntro }
  for (const right of notice.rights) yield* rightBlocks(right, texts)
  yield { kind: 'heading', level: 1, text: texts.complaintHeading, id: 'complaint' }
  if (notice.supervisoryAuthority) yield { kind: 'fields', fields: [{ label: texts.supervisoryAuthority, value: notice.supervisoryAuthority }] }
  yield* gapsUnder('/supervisoryAuthority')
}

function* controllerBlocks(notice: Notice, texts: NoticeTexts, gapsUnder: (pointer: string) => Block[]): Generator<Block> {
  const { controller, representative, dpo } = notice
  yield { kind: 'heading', level: 1, text: texts.controllerHeading, id: 'controller' }
  yield {
    kind: 'fields',
    fields: present([
      field(texts.controller, controller.name),
      field(texts.registrationNumber, controller.registrationNumber),
      field(texts.address, controller.address),
      field(texts.email, controller.email),
      field(texts.phone, controller.phone),
      field(texts.website, controller.website),
      field(texts.country, controller.country?.name)
    ])
  }
  yield* gapsUnder('/controller')
  if (representative) {
    yield { kind: 'heading', level: 2, text: texts.representative }
    yield { kind: 'fields', fields: contactFields(representative, texts) }
  }
  yield* gapsUnder('/representative')
  if (dpo) {
    yield { kind: 'heading', level: 2, text: texts.dpo }
    yield { kind: 'fields', fields: contactFields(dpo, texts) }
  }
  yield* gapsUnder('/dpo')
}

const contactFields = (contact: NonNullable<Notice['dpo']>, texts: NoticeTexts) =>
  present([field(texts.name, contact.name), field(texts.email, contact.email), field(texts.phone, contact.phone), field(texts.address, contact.address)])

function* activityBlocks(activity: NoticeActivity, texts: NoticeTexts, gaps: Block[]): Generator<Block> {
  yield { kind: 'heading', level: 2, text: activity.name, id: `activity-${activity.id}` }
  if (activity.description) yield { kind: 'paragraph', text: activity.description }
  yield {
    kind: 'fields',
    fields: present([
      activity.role === 'joint_controller' ? field(texts.controller, texts.role.joint_controller) : null,
      activity.jointControllers.length > 0
        ? { label: texts.jointControllers, value: activity.jointControllers.map((entry) => [entry.name, entry.contact].filter(Boolean).join(', ')) }
        : null,
      { label: texts.dataSubjects, value: activity.dataSubjectCategories.map((category) => category.name) },
      { label: texts.personalData, value: activity.dataCategories.map((category) => dataCategory(category, texts)) },
      activity.sources.length > 0 ? { label: texts.sources, value: activity.sources.map((source) => source.label) } : null
    ])
  }
  if (activity.notObtainedFromDataSubject) yield { kind: 'paragraph', text: texts.article14, tone: 'note' }
  yield { kind: 'heading', level: 3, text: texts.purposes }
  yield {
    kind: 'table',
    columns: [texts.purpose, texts.legalBasis, texts.details],
    rows: activity.purposes.map((purpose) => [
      purpose.description,
      purpose.legalBasis ? `${purpose.legalBasis.label} (${purpose.legalBasis.article})` : '',
      purposeDetails(purpose, texts)
    ])
  }
  if (activity.specialCategoryConditions.length > 0) {
    yield { kind: 'heading', level: 3, text: texts.specialCategoryConditions }
    yield {
      kind: 'list',
      items: activity.specialCategoryConditions.map(({ condition, reference }) =>
        [`${condition.label} (${condition.article})`, reference].filter(Boolean).join(': ')
      )
    }
  }
  yield* recipientBlocks(activity, texts)
  yield* transferBlocks(activity, texts)
  yield* retentionBlocks(activity, texts)
  yield* decisionBlocks(activity, texts)
  if (activity.profiling) yield { kind: 'paragraph', text: texts.profiling }
  yield* gaps
}

function dataCategory(category: NoticeActivity['dataCategories'][number], texts: NoticeTexts): string {
  if (category.specialCategory) return `${category.name} (${texts.specialCategory(category.specialCategory.label)})`
  return category.criminal ? `${category.name} (${texts.criminal})` : category.name
}

function purposeDetails(purpose: NoticeActivity['purposes'][number], texts: NoticeTexts): string {
  return [
    purpose.legitimateInterest && texts.legitimateInterest(purpose.legitimateInterest),
    purpose.law && texts.law(purpose.law),
    purpose.consentWithdrawal && texts.consentWithdrawal(purpose.consentWithdrawal),
    purpose.directMarketing ? texts.directMarketing : null,
    purpose.objectionMechanism && texts.objection(purpose.objectionMechanism)
  ]
    .filter(Boolean)
    .join(' ')
}

function* recipientBlocks(activity: NoticeActivity, texts: NoticeTexts): Generator<Block> {
  if (activity.noRecipients && activity.recipients.length === 0 && activity.processors.length === 0) {
    yield { kind: 'paragraph', text: texts.noRecipients }
    return
  }
  const where = (entry: { country: { name: string } | null }) => (entry.country ? ` (${entry.country.name})` : '')
  if (activity.recipients.length > 0) {
    yield { kind: 'heading', level: 3, text: texts.recipients }
    yield { kind: 'list', items: activity.recipients.map((recipient) => `${recipient.name}${where(recipient)}`) }
  }
  if (activity.processors.length > 0) {
    yield { kind: 'heading', level: 3, text: texts.processors }
    yield {
      kind: 'list',
      items: activity.processors.map((processor) => `${processor.name}${processor.service ? `: ${processor.service}` : ''}${where(processor)}`)
    }
  }
}

function* transferBlocks(activity: NoticeActivity, texts: NoticeTexts): Generator<Block> {
  if (activity.transfers.length === 0) return
  yield { kind: 'heading', level: 3, text: texts.transfers }
  yield {
    kind: 'table',
    columns: [texts.destination, texts.importer, texts.safeguard, texts.safeguardsCopy],
    rows: activity.transfers.map((transfer) => [
      transfer.country?.name ?? transfer.internationalOrganisation?.name ?? '',
      transfer.importer ?? '',
      transfer.mechanism
        ? [`${transfer.mechanism.label} (${transfer.mechanism.article})`, transfer.adequacyDecision && texts.adequacyDecision(transfer.adequacyDecision)]
            .filter(Boolean)
            .join(', ')
        : '',
      transfer.safeguardsCopy ?? ''
    ])
  }
}

function* retentionBlocks(activity: NoticeActivity, texts: NoticeTexts): Generator<Block> {
  if (activity.retention.length === 0) return
  yield { kind: 'heading', level: 3, text: texts.retention }
  yield {
    kind: 'table',
    columns: [texts.dataCategoriesColumn, texts.period, texts.criteria],
    rows: activity.retention.map((rule) => [
      rule.allDataCategories ? texts.allDataCategories : rule.dataCategories.join(', '),
      [rule.period, rule.kind && texts.retentionKinds[rule.kind]].filter(Boolean).join(', '),
      [rule.criteria, rule.description, rule.legalReference].filter(Boolean).join('. ')
    ])
  }
}

function* decisionBlocks(activity: NoticeActivity, texts: NoticeTexts): Generator<Block> {
  if (activity.automatedDecisions.length === 0) return
  yield { kind: 'heading', level: 3, text: texts.automatedDecisions }
  for (const decision of activity.automatedDecisions) {
    yield {
      kind: 'fields',
      fields: present([
        field(texts.decision, decision.description),
        field(texts.exception, decision.exception?.label),
        decision.safeguards.length > 0 ? { label: texts.decisionSafeguards, value: decision.safeguards.map((safeguard) => safeguard.label) } : null,
        field(texts.logic, decision.logic)
      ])
    }
  }
}

function* rightBlocks(right: NoticeRight, texts: NoticeTexts): Generator<Block> {
  yield { kind: 'heading', level: 2, text: `${right.name} (${right.article})`, id: `right-${right.right}` }
  if (right.explanation) yield { kind: 'paragraph', text: right.explanation }
  yield {
    kind: 'fields',
    fields: [
      {
        label: texts.appliesTo,
        value: right.activities.map((activity) =>
          activity.applies === 'partial' ? `${activity.name} (${texts.appliesInPart}: ${activity.reason})` : activity.name
        )
      }
    ]
  }
}

import type { ExportActivity } from '../../exports/record.schemas.ts'
import type { ClientController } from '../../exports/record.ts'
import type { Activity } from '../../modules/activities/activities.schemas.ts'
import type { Block, Field } from '../document.ts'
import { codeText, countryName, countryStatus, named, parts, recorded, recordedList, type Words, yesNo } from './format.ts'

type Purpose = ExportActivity['purposes'][number]

const needsLaw = (code: string | undefined) => code === '6.1.c' || code === '6.1.e'

function purposeFields(words: Words, purpose: Purpose): Field[] {
  const { texts, labels } = words
  const t = texts.activity
  const basis = purpose.legalBasis
  const fields: Field[] = [
    { label: t.purpose, value: purpose.description },
    { label: t.legalBasis, value: basis ? `${labels.legalBasis(basis.code)} (${basis.code})` : texts.notRecorded },
    { label: t.article, value: basis ? recorded(words, basis.article) : texts.notRecorded }
  ]
  if (needsLaw(basis?.code) || purpose.legalReference) fields.push({ label: t.lawCited, value: recorded(words, purpose.legalReference) })
  if (basis?.code === '6.1.f' || purpose.legitimateInterest) {
    fields.push({ label: t.legitimateInterest, value: recorded(words, purpose.legitimateInterest) })
    fields.push({ label: t.liaReference, value: recorded(words, purpose.liaReference) })
  }
  if (basis?.code === '6.1.a' || purpose.consent) fields.push({ label: t.consent, value: recorded(words, purpose.consent?.recordReference) })
  if (purpose.directMarketing) {
    fields.push({ label: t.directMarketing, value: texts.yes })
    fields.push({ label: t.objectionMechanism, value: recorded(words, purpose.objectionMechanism) })
  }
  return fields
}

function* purposes(words: Words, activity: ExportActivity): Generator<Block> {
  const t = words.texts.activity
  yield { kind: 'heading', level: 3, text: t.purposes }
  if (activity.purposes.length === 0) yield { kind: 'paragraph', text: words.texts.notRecorded, tone: 'warning' }
  for (const purpose of activity.purposes) yield { kind: 'fields', fields: purposeFields(words, purpose) }
  const special = activity.dataCategories.some((category) => category.specialCategory)
  if (!special && activity.specialCategoryConditions.length === 0) return
  yield { kind: 'heading', level: 3, text: t.conditions }
  yield table(
    words,
    [t.condition, t.article, t.reference],
    activity.specialCategoryConditions.map(({ condition, reference }) => [
      `${words.labels.legalBasis(condition.code)} (${condition.code})`,
      recorded(words, condition.article),
      recorded(words, reference)
    ])
  )
}

/** A table, or "not recorded" when it has no rows. */
function table(words: Words, columns: string[], rows: string[][]): Block {
  return rows.length > 0 ? { kind: 'table', columns, rows } : { kind: 'paragraph', text: words.texts.notRecorded }
}

function categories(words: Words, activity: ExportActivity): Block[] {
  const { texts, labels } = words
  const t = texts.activity
  const fields: Field[] = [
    {
      label: t.dataSubjects,
      value: recordedList(
        words,
        activity.dataSubjectCategories.map((category) =>
          parts(category.name, category.includesChildren && t.includesChildren, category.vulnerable && t.vulnerable, category.description)
        )
      )
    },
    {
      label: t.personalData,
      value: recordedList(
        words,
        activity.dataCategories.map((category) =>
          parts(
            category.name,
            category.specialCategory &&
              `${t.specialCategory}: ${labels.specialCategory(category.specialCategory.code)} (${category.specialCategory.article || category.specialCategory.code})`,
            category.criminal && t.criminal,
            category.description
          )
        )
      )
    }
  ]
  if (activity.dataCategories.some((category) => category.criminal) || activity.criminalDataReference)
    fields.push({ label: t.criminalAuthority, value: recorded(words, activity.criminalDataReference) })
  return [
    { kind: 'heading', level: 3, text: t.categories },
    { kind: 'fields', fields }
  ]
}

function recipients(words: Words, activity: ExportActivity): Block[] {
  const { texts } = words
  const listed = activity.recipients.map((recipient) =>
    parts(recipient.name, named(texts.values.recipientType, recipient.type), countryName(words, recipient.country), recipient.description)
  )
  const items = listed.length > 0 ? listed : [activity.noRecipients ? texts.activity.noRecipients : texts.notRecorded]
  return [
    { kind: 'heading', level: 3, text: texts.activity.recipients },
    { kind: 'list', items }
  ]
}

function processors(words: Words, activity: ExportActivity): Block[] {
  const t = words.texts.activity
  if (activity.processors.length === 0) return []
  return [
    { kind: 'heading', level: 3, text: t.processors },
    table(
      words,
      [t.processor, t.service, words.texts.cover.country, t.contract, t.subProcessors],
      activity.processors.map((processor) => [
        processor.name,
        recorded(words, processor.service),
        recorded(words, parts(countryName(words, processor.country), processor.country && countryStatus(words, processor.country))),
        processor.dpaReference ? parts(processor.dpaReference, processor.dpaSignedAt && `${t.signed} ${processor.dpaSignedAt}`) : words.texts.notRecorded,
        processor.subProcessors.length > 0 ? processor.subProcessors.map((sub) => sub.name).join('; ') : words.texts.none
      ])
    )
  ]
}

function transfers(words: Words, activity: ExportActivity): Block[] {
  const { texts, labels } = words
  const t = texts.activity
  const rows = activity.transfers.map((transfer) => {
    const organisation = transfer.internationalOrganisation
    return [
      recorded(words, parts(countryName(words, transfer.country), organisation && `${labels.country(organisation.code)} (${organisation.code})`)),
      organisation && !transfer.country ? texts.notApplicable : countryStatus(words, transfer.country),
      recorded(words, parts(transfer.importer, transfer.importerRole && named(texts.values.importerRole, transfer.importerRole), transfer.processor?.name)),
      recorded(words, codeText(labels.mechanism, transfer.mechanism)),
      parts(
        transfer.sccModule !== null && `${t.sccModule} ${transfer.sccModule}`,
        transfer.safeguardReference,
        transfer.tiaReference && `${t.tia}: ${transfer.tiaReference}`,
        transfer.derogation && `${t.derogation}: ${recorded(words, transfer.derogation.assessmentReference)}`,
        transfer.derogation?.safeguards,
        transfer.consent?.recordReference && `${t.consent}: ${transfer.consent.recordReference}`
      ) || texts.notRecorded
    ]
  })
  return [
    { kind: 'heading', level: 3, text: t.transfers },
    rows.length > 0
      ? { kind: 'table', columns: [t.destination, t.transferStatus, t.importer, t.mechanism, t.safeguards], rows }
      : { kind: 'paragraph', text: texts.none }
  ]
}

function retention(words: Words, activity: ExportActivity): Block[] {
  const { texts } = words
  const t = texts.activity
  return [
    { kind: 'heading', level: 3, text: t.retention },
    table(
      words,
      [t.dataCategories, t.period, t.trigger, t.reference],
      activity.retention.map((rule) => [
        rule.allDataCategories
          ? `${t.allDataCategories}${rule.dataCategories.length > 0 ? `: ${rule.dataCategories.map((c) => c.name).join('; ')}` : ''}`
          : rule.dataCategories.map((c) => c.name).join('; '),
        recorded(words, parts(rule.period, rule.kind && named(texts.values.retentionKind, rule.kind))),
        recorded(words, rule.trigger),
        parts(rule.legalReference, rule.description) || texts.notRecorded
      ])
    )
  ]
}

function security(words: Words, activity: ExportActivity): Block[] {
  const { texts, labels } = words
  const t = texts.activity
  return [
    { kind: 'heading', level: 3, text: t.security },
    table(
      words,
      [t.measure, t.measureType, t.measureCode, t.scope],
      activity.securityMeasures.map((measure) => [
        parts(measure.name, measure.description),
        named(texts.values.measureType, measure.type),
        measure.code ? `${labels.securityMeasure(measure.code.code)} (${measure.code.code})` : texts.none,
        measure.appliesTo === 'organisation' ? t.organisationWide : t.thisActivity
      ])
    )
  ]
}

function dpia(words: Words, activity: ExportActivity): Block[] {
  const { texts, labels } = words
  const t = texts.activity
  const { dpia } = activity
  return [
    { kind: 'heading', level: 3, text: t.dpia },
    {
      kind: 'fields',
      fields: [
        { label: t.dpiaStatus, value: named(texts.values.dpiaStatus, dpia.status) },
        { label: t.dpiaReference, value: recorded(words, dpia.reference) },
        { label: t.dpiaCompletedAt, value: recorded(words, dpia.completedAt) },
        ...(dpia.status === 'not_required' ? [{ label: t.dpiaNotRequiredReason, value: recorded(words, dpia.notRequiredReason) }] : []),
        {
          label: t.dpiaCriteria,
          value: dpia.criteria.length > 0 ? dpia.criteria.map((criterion) => codeText(labels.dpiaCriterion, criterion) ?? '') : texts.none
        }
      ]
    }
  ]
}

function automated(words: Words, activity: ExportActivity): Block[] {
  const { texts } = words
  const t = texts.activity
  return [
    { kind: 'heading', level: 3, text: t.automated },
    {
      kind: 'fields',
      fields: [
        { label: t.automatedDecisionMaking, value: yesNo(words, activity.automatedDecisionMaking) },
        { label: t.profiling, value: yesNo(words, activity.profiling) },
        ...(activity.automatedDecisions.length > 0 || activity.automatedDecisionMaking
          ? [
              {
                label: t.decisions,
                value: recordedList(
                  words,
                  activity.automatedDecisions.map((decision) =>
                    parts(decision.description, decision.exception && `${t.exception} ${decision.exception}`, decision.lawReference)
                  )
                )
              }
            ]
          : [])
      ]
    }
  ]
}

/** What the record says about the activity beyond Art. 30: where the data come from, the systems, the reviews. */
function bookkeeping(words: Words, activity: ExportActivity, stored: Activity | undefined): Block {
  const { texts } = words
  const t = texts.activity
  return {
    kind: 'fields',
    fields: [
      {
        label: t.dataSources,
        value: recordedList(
          words,
          activity.dataSources.map((source) => named(texts.values.dataSource, source))
        )
      },
      { label: t.systems, value: recordedList(words, activity.systems) },
      { label: t.lastReviewedAt, value: recorded(words, activity.lastReviewedAt) },
      ...(stored ? [{ label: t.nextReviewDue, value: recorded(words, stored.nextReviewDue) }] : []),
      { label: t.recordExemptionClaimed, value: yesNo(words, activity.recordExemptionClaimed) },
      { label: t.occasional, value: yesNo(words, activity.occasional) }
    ]
  }
}

function overview(words: Words, activity: ExportActivity): Block {
  const { texts } = words
  const t = texts.activity
  const fields: Field[] = [
    { label: t.description, value: recorded(words, activity.description) },
    { label: t.status, value: named(texts.values.status, activity.status) },
    { label: t.role, value: named(texts.values.role, activity.role) },
    { label: t.owner, value: recorded(words, activity.businessFunction) }
  ]
  if (activity.role === 'joint_controller' || activity.jointControllers.length > 0)
    fields.push({
      label: t.jointControllers,
      value: recordedList(
        words,
        activity.jointControllers.map((controller) => parts(controller.name, controller.contact, controller.arrangementReference))
      )
    })
  return { kind: 'fields', fields }
}

/** One activity of the controller record: every Art. 30(1)(b)–(g) field, then DPIA, automated decisions and review. */
export function* controllerActivity(words: Words, activity: ExportActivity, stored: Activity | undefined, id: string): Generator<Block> {
  yield { kind: 'heading', level: 2, text: activity.name, id }
  yield overview(words, activity)
  yield* purposes(words, activity)
  yield* categories(words, activity)
  yield* recipients(words, activity)
  yield* processors(words, activity)
  yield* transfers(words, activity)
  yield* retention(words, activity)
  yield* security(words, activity)
  yield* dpia(words, activity)
  yield* automated(words, activity)
  yield { kind: 'heading', level: 3, text: words.texts.activity.review }
  yield bookkeeping(words, activity, stored)
}

/** A client controller of the processor record (Art. 30(2)(a)). */
export function clientController(words: Words, controller: ClientController | null, id: string): Block[] {
  const t = words.texts.activity
  if (!controller) return [{ kind: 'heading', level: 1, text: t.clientControllerNotRecorded, id }]
  return [
    { kind: 'heading', level: 1, text: `${t.clientController}: ${controller.name}`, id },
    {
      kind: 'fields',
      fields: [
        { label: t.contact, value: recorded(words, controller.contact) },
        { label: words.texts.cover.representative, value: recorded(words, controller.representative) },
        { label: t.contractReference, value: recorded(words, controller.contractReference) },
        { label: t.subprocessorAuthorisation, value: named(words.texts.values.subprocessorAuthorisation, controller.subprocessorAuthorisation) }
      ]
    }
  ]
}

/** One activity of the processor record under a client controller: Art. 30(2)(b)–(d), and what else the record holds. */
export function* processorActivity(
  words: Words,
  activity: ExportActivity,
  controller: ClientController | null,
  stored: Activity | undefined,
  id: string
): Generator<Block> {
  yield { kind: 'heading', level: 2, text: activity.name, id }
  yield overview(words, activity)
  yield {
    kind: 'fields',
    fields: [{ label: words.texts.activity.processing, value: recorded(words, controller?.processing ?? activity.description) }]
  }
  yield* categories(words, activity)
  yield* processors(words, activity)
  yield* transfers(words, activity)
  yield* security(words, activity)
  yield { kind: 'heading', level: 3, text: words.texts.activity.review }
  yield bookkeeping(words, activity, stored)
}

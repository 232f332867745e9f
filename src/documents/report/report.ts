import { type StoredAcknowledgement, withAcknowledgements } from '../../compliance/acknowledgements.ts'
import { activityFindings, organisationFindings } from '../../compliance/index.ts'
import { rightsOf } from '../../compliance/rights.ts'
import type { Context } from '../../compliance/types.ts'
import type { DatabaseHandle } from '../../db/client.ts'
import type { RecordScope } from '../../exports/record.repository.ts'
import { type AssembledActivity, type AssembledRecord, exportRecord } from '../../exports/record.ts'
import { acknowledgementsOf } from '../../modules/findings/acknowledgements.repository.ts'
import { type Change, changesBetween } from '../../modules/history/history.repository.ts'
import type { Block, DocumentSource } from '../document.ts'
import { codeLabels, type Lang } from '../labels/index.ts'
import { clientController, controllerActivity, processorActivity } from './activity.ts'
import { instant, type Words } from './format.ts'
import { changesTable, cover, findingsTable, OrganisationTables, rightsTable } from './sections.ts'
import { reportTexts } from './texts.ts'

export interface ReportInput {
  record: AssembledRecord
  /** What the rules read (the organisation, its catalogue, the instant): the findings are the rules' on the record as exported. */
  compliance: Context
  acknowledgements: readonly StoredAcknowledgement[]
  /** The change log to list, from `since` (exclusive), or null for none. */
  changes: { since: string; items: readonly Change[] } | null
  words: Words
}

const sectionIds = { activities: 'activities', transfers: 'transfers', retention: 'retention', findings: 'findings', rights: 'rights', changes: 'changes' }

/** The anchors of one pass over the activities: the nth activity and the nth client controller group, alike in every pass. */
function anchors() {
  let activities = 0
  let groups = 0
  let group: string | undefined
  return {
    activity: () => `activity-${++activities}`,
    /** The anchor of a new client controller group, or null while the group goes on (the processor record is ordered by controller). */
    group(controller: AssembledActivity['controller']): string | null {
      const key = JSON.stringify(controller)
      if (key === group) return null
      group = key
      return `controller-${++groups}`
    }
  }
}

/** Each activity once: the processor record lists an activity under every controller it serves. */
async function* distinct(record: AssembledRecord): AsyncGenerator<AssembledActivity> {
  const seen = new Set<string>()
  for await (const item of record.activities()) {
    if (seen.has(item.activity.id)) continue
    seen.add(item.activity.id)
    yield item
  }
}

/** The contents (first pass: names only, with the organisation-wide tables gathered on the way). */
async function contents(input: ReportInput, tables: OrganisationTables): Promise<Block> {
  const { texts } = input.words
  const entries: { target: string; text: string; level: 1 | 2 }[] = []
  const processor = input.record.record === 'processor'
  if (!processor) entries.push({ target: sectionIds.activities, text: texts.sections.activities, level: 1 })
  const ids = anchors()
  const counted = new Set<string>()
  for await (const { activity, controller } of input.record.activities()) {
    const group = processor ? ids.group(controller) : null
    if (group)
      entries.push({
        target: group,
        text: controller ? `${texts.activity.clientController}: ${controller.name}` : texts.activity.clientControllerNotRecorded,
        level: 1
      })
    entries.push({ target: ids.activity(), text: activity.name, level: 2 })
    if (counted.has(activity.id)) continue
    counted.add(activity.id)
    tables.add(activity)
  }
  const sections = texts.sections
  entries.push(
    { target: sectionIds.transfers, text: sections.transfers, level: 1 },
    { target: sectionIds.retention, text: sections.retention, level: 1 },
    { target: sectionIds.findings, text: sections.findings, level: 1 },
    { target: sectionIds.rights, text: sections.rights, level: 1 }
  )
  if (input.changes) entries.push({ target: sectionIds.changes, text: sections.changes(instant(input.changes.since)), level: 1 })
  return { kind: 'contents', title: texts.contents, entries }
}

/** The body (second pass): each activity with every field of its record. */
async function* activities(input: ReportInput): AsyncGenerator<Block> {
  const { words, record } = input
  if (record.record === 'controller') yield { kind: 'heading', level: 1, text: words.texts.sections.activities, id: sectionIds.activities }
  const ids = anchors()
  for await (const { activity, controller, stored } of record.activities()) {
    if (record.record === 'controller') {
      yield* controllerActivity(words, activity, stored, ids.activity())
      continue
    }
    const group = ids.group(controller)
    if (group) yield* clientController(words, controller, group)
    yield* processorActivity(words, activity, controller, stored, ids.activity())
  }
}

/** The findings (third pass): the organisation's, then each activity's, with the acknowledgements that apply. */
async function* findings(input: ReportInput): AsyncGenerator<Block> {
  const { words, compliance, acknowledgements } = input
  yield { kind: 'heading', level: 1, text: words.texts.sections.findings, id: sectionIds.findings }
  yield { kind: 'heading', level: 2, text: words.texts.findings.organisation }
  yield findingsTable(words, withAcknowledgements(organisationFindings(compliance), acknowledgements, [], compliance))
  for await (const { activity, stored } of distinct(input.record)) {
    yield { kind: 'heading', level: 2, text: activity.name }
    if (!stored) {
      yield { kind: 'gap', field: `/activities/${activity.id}/findings`, message: 'the activity as stored is not available to check' }
      continue
    }
    yield findingsTable(words, withAcknowledgements(activityFindings(stored, compliance), acknowledgements, [stored], compliance))
  }
}

/** The rights of data subjects (fourth pass), as `GET …/activities/{id}/rights` answers them. */
async function* rights(input: ReportInput): AsyncGenerator<Block> {
  const { words } = input
  yield { kind: 'heading', level: 1, text: words.texts.sections.rights, id: sectionIds.rights }
  for await (const { activity, stored } of distinct(input.record)) {
    yield { kind: 'heading', level: 2, text: activity.name }
    if (!stored) {
      yield { kind: 'gap', field: `/activities/${activity.id}/rights`, message: 'the activity as stored is not available to compute the rights' }
      continue
    }
    yield rightsTable(words, rightsOf(stored))
  }
}

async function* blocks(input: ReportInput): AsyncGenerator<Block> {
  const { words, record, changes } = input
  const { texts } = words
  const tables = new OrganisationTables(words)
  yield cover(words, record, changes?.since ?? null)
  yield await contents(input, tables)
  yield { kind: 'pageBreak' }
  yield* activities(input)
  yield { kind: 'pageBreak' }
  yield { kind: 'heading', level: 1, text: texts.sections.transfers, id: sectionIds.transfers }
  yield tables.transfers()
  yield { kind: 'heading', level: 1, text: texts.sections.retention, id: sectionIds.retention }
  yield tables.retentionTable()
  yield { kind: 'pageBreak' }
  yield* findings(input)
  yield { kind: 'pageBreak' }
  yield* rights(input)
  if (!changes) return
  yield { kind: 'pageBreak' }
  yield { kind: 'heading', level: 1, text: texts.sections.changes(instant(changes.since)), id: sectionIds.changes }
  yield changesTable(words, changes.items)
}

/**
 * The auditor's report on the record (Art. 30(4)): a document of blocks, independent of its output
 * format. The blocks are pulled as the renderer writes: the activities are read in four passes
 * (contents, body, findings, rights), one statement each, never held in memory together.
 */
export function reportDocument(input: ReportInput): DocumentSource {
  const { texts, labels } = input.words
  const { record } = input
  return {
    title: `${texts.title[record.record]} · ${record.organisation.name}`,
    lang: labels.lang,
    running: texts.running(record.organisation.name, record.record),
    chrome: { page: texts.page, none: texts.none },
    blocks: blocks(input)
  }
}

export interface ReportOptions extends RecordScope {
  lang: Lang
  /** List the changes after this instant, up to `asOf` (or now). */
  changesSince?: string | undefined
}

/** The words of the report in one language. */
export const wordsOf = async (lang: Lang): Promise<Words> => ({ texts: reportTexts[lang], labels: await codeLabels(lang) })

/**
 * Reads the report of an organisation's record and yields what `render` makes of it (HTML, PDF).
 * Besides the export's statements: the acknowledgements and, with `changesSince`, the change log,
 * one statement each, read just before the record's snapshot is opened.
 */
export async function* readReport<T>(
  database: DatabaseHandle,
  organisationId: string,
  options: ReportOptions,
  render: (document: DocumentSource, record: AssembledRecord) => AsyncIterable<T>
): AsyncGenerator<T> {
  const words = await wordsOf(options.lang)
  const acknowledgements = await acknowledgementsOf(database.db, organisationId)
  const since = options.changesSince
  const changes = since ? { since, items: await changesBetween(database.db, organisationId, since, options.asOf ?? new Date().toISOString()) } : null
  yield* exportRecord(database, organisationId, options, async function* (record, compliance) {
    yield* render(reportDocument({ record, compliance, acknowledgements, changes, words }), record)
  })
}

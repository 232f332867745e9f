import { freeKey, keyFromName } from '../../shared/keys.ts'
import { ISO_DURATION } from '../../shared/schemas.ts'
import { dataSources, dpiaStatuses, retentionKinds, roles, statuses } from '../activities/activities.schemas.ts'
import type { CatalogueKind } from '../bundle/bundle.repository.ts'
import type { BundleDocument } from '../bundle/bundle.schemas.ts'
import {
  basisIn,
  choiceOf,
  codedCountryOf,
  countryOf,
  dateOf,
  internationalOrganisationOf,
  items,
  lastPart,
  mechanismAt,
  names,
  specialCategoryOf,
  yesNo
} from './cells.ts'
import type { Sheet } from './sheet.ts'

/** What the import could not read: the spreadsheet's row (the header is row 1), the column, the text, and why. */
export interface ReportEntry {
  row: number
  column: string
  value: string
  why: string
}

type Json = Record<string, unknown>
type Entry = Json & { key: string; name: string }

/** The columns of the ICO controller template the import reads, as the exports title them. */
export const COLUMNS = {
  name: 'Processing activity',
  owner: 'Business function',
  purposes: 'Purpose of processing',
  jointControllers: 'Name and contact details of joint controller',
  subjects: 'Categories of individuals',
  data: 'Categories of personal data',
  recipients: 'Categories of recipients',
  contracts: 'Link to contract with processor',
  countries: 'Names of third countries or international organisations',
  safeguards: 'Safeguards for exceptional transfers',
  retention: 'Retention schedule',
  measures: 'General description of technical and organisational security measures',
  bases: 'Article 6 lawful basis',
  conditions: 'Article 9 condition',
  interests: 'Legitimate interests',
  lia: 'Link to record of legitimate interests assessment',
  rights: 'Rights available to individuals',
  automated: 'Existence of automated decision-making, including profiling',
  sources: 'Source of the personal data',
  consent: 'Link to record of consent',
  systems: 'Location of personal data',
  dpiaRequired: 'DPIA required',
  dpiaProgress: 'DPIA progress',
  dpiaLink: 'Link to DPIA',
  criminal: 'Art. 10 authority or law (criminal data)',
  role: 'Role',
  status: 'Status',
  reviewed: 'Last reviewed'
} as const

/**
 * Columns the exports write that an import does not read: the activity's id (ids never cross
 * organisations) and whose record it is (the organisation's profile is edited on its own endpoint).
 */
export const IGNORED_COLUMNS = ['Activity ID', 'Controller (name and contact details)', "Controller's representative", 'Data protection officer']

const REFERENCE = 2000
const NAME = 300

/** The catalogue of the record and of the import so far, found by name in any case. */
class Catalogue {
  private readonly byName = new Map<CatalogueKind, Map<string, Entry>>()
  private readonly taken = new Map<CatalogueKind, Set<string>>()
  private readonly bundle: BundleDocument
  constructor(bundle: BundleDocument) {
    this.bundle = bundle
    for (const kind of ['dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures'] as const) {
      const entries = bundle[kind] as Entry[]
      this.byName.set(kind, new Map(entries.map((entry) => [entry.name.toLowerCase(), entry])))
      this.taken.set(kind, new Set(entries.map((entry) => entry.key)))
    }
  }
  find(kind: CatalogueKind, name: string): Entry | undefined {
    return this.byName.get(kind)!.get(name.toLowerCase())
  }
  /** Whether an entry of this name is in the record or the import so far. */
  knows(kind: CatalogueKind) {
    return (name: string) => this.find(kind, name) !== undefined
  }
  /** The entries with these keys, in their order. */
  withKeys(kind: CatalogueKind, keys: string[]): Entry[] {
    const entries = this.bundle[kind] as Entry[]
    return keys.map((key) => entries.find((entry) => entry.key === key)).filter((entry) => entry !== undefined)
  }
  /** The entry of this name, created with `fields` when the record has none. */
  entry(kind: CatalogueKind, name: string, fields: Json = {}): Entry {
    const found = this.find(kind, name)
    if (found) return found
    const key = freeKey(keyFromName(name), this.taken.get(kind)!)
    const created: Entry = { key, name, ...fields }
    this.taken.get(kind)!.add(key)
    this.byName.get(kind)!.set(name.toLowerCase(), created)
    ;(this.bundle[kind] as Entry[]).push(created)
    return created
  }
}

/** A row being read: its cells, and what it reports. */
class Row {
  private readonly cells: Map<string, string>
  readonly number: number
  private readonly report: ReportEntry[]
  constructor(cells: Map<string, string>, number: number, report: ReportEntry[]) {
    this.cells = cells
    this.number = number
    this.report = report
  }
  has(column: string) {
    return this.cells.has(column)
  }
  cell(column: string) {
    return this.cells.get(column) ?? ''
  }
  problem(column: string, value: string, why: string) {
    this.report.push({ row: this.number, column, value, why })
  }
  /** A free text of at most `max` characters, or null when empty. */
  text(column: string, value: string, max = REFERENCE): string | null | undefined {
    if (value === '') return null
    if (value.length > max) return void this.problem(column, value, `is ${value.length} characters long; at most ${max} fit`)
    return value
  }
}

const nameOk = (row: Row, column: string, name: string) => row.text(column, name, NAME) !== undefined

/** The entries of a name-list cell, found or created, by key. */
function linked(row: Row, catalogue: Catalogue, kind: CatalogueKind, column: string, names: string[], fields: (name: string) => Json = () => ({})) {
  return [...new Set(names.filter((name) => nameOk(row, column, name)).map((name) => catalogue.entry(kind, name, fields(name)).key))]
}

/** `Name (special category: Label)` and `Name (criminal convictions and offences)`, as the exports write data categories. */
function dataCategory(row: Row, text: string): { name: string; fields: Json } {
  const special = /^(.*) \(special category: (.+)\)$/.exec(text)
  if (special) {
    const code = specialCategoryOf(special[2]!)
    if (!code) row.problem(COLUMNS.data, text, `"${special[2]}" is not an Art. 9(1) special category (see /v1/reference/special-categories)`)
    return { name: special[1]!, fields: { specialCategory: code ?? null } }
  }
  const criminal = /^(.*) \(criminal convictions and offences\)$/.exec(text)
  if (criminal) return { name: criminal[1]!, fields: { criminal: true } }
  return { name: text, fields: {} }
}

/** `Name, Country (CC)` and `Name (processor), Country (CC)`: a recipient or a processor and where it is. */
function recipientOf(text: string): { name: string; country: string | null; processor: boolean } {
  const [rest, country] = lastPart(text, countryOf) ?? lastPart(text, codedCountryOf) ?? [text, null]
  const processor = /^(.*) \(processor\)$/.exec(rest)
  return { name: processor ? processor[1]! : rest, country, processor: Boolean(processor) }
}

/** `Name: reference (signed YYYY-MM-DD)` or `Name: no contract reference`, per processor. */
function contractsOf(row: Row, processorNames: string[]) {
  const starts = (piece: string) => processorNames.some((name) => piece.toLowerCase().startsWith(`${name.toLowerCase()}: `))
  const contracts = new Map<string, { dpaReference: string | null; dpaSignedAt: string | null }>()
  for (const item of items(row.cell(COLUMNS.contracts), starts)) {
    const name = processorNames.find((candidate) => item.toLowerCase().startsWith(`${candidate.toLowerCase()}: `))
    if (!name) {
      row.problem(COLUMNS.contracts, item, 'names no processor of the row\'s "Categories of recipients" (write "Name: reference")')
      continue
    }
    const detail = item.slice(name.length + 2)
    const signed = /^(.*?)\s*\(signed (\d{4}-\d{2}-\d{2})\)$/.exec(detail)
    const reference = signed ? signed[1]! : detail
    contracts.set(name.toLowerCase(), {
      dpaReference: reference === 'no contract reference' ? null : (row.text(COLUMNS.contracts, reference, 500) ?? null),
      dpaSignedAt: signed ? (dateOf(signed[2]!) ?? null) : null
    })
  }
  return contracts
}

/** A purpose's basis from `Description: Art. 6(1)(f) Legitimate interests (law)`, `Art. 6(1)(c) law`, `6.1.f` or `Description: not recorded`. */
function basisOf(row: Row, item: string): { description: string | null; legalBasis: string | null; legalReference: string | null } | undefined {
  const unrecorded = /^(?:(.*):\s*)?not recorded$/i.exec(item)
  if (unrecorded) return { description: unrecorded[1] ?? null, legalBasis: null, legalReference: null }
  const basis = basisIn(item, '6.1.')
  if (!basis) return void row.problem(COLUMNS.bases, item, 'names no Art. 6(1) basis: write its code (6.1.f), article (Art. 6(1)(f)) or label')
  const description = item.slice(0, basis.start).replace(/[\s:–-]+$/, '')
  const after = item.slice(basis.end).trim()
  const reference = /^\((.*)\)$/.exec(after)?.[1] ?? after
  return { description: description || null, legalBasis: basis.code, legalReference: reference ? (row.text(COLUMNS.bases, reference) ?? null) : null }
}

/** The existing item `matches` picks, so a re-import keeps what the template has no column for (consent details, DPF checks …). */
const carried = <Item extends Json>(existing: Item[], matches: (item: Item) => boolean): Json => existing.find(matches) ?? {}

function purposesOf(row: Row, old: Json[]): Json[] | undefined {
  if (!row.has(COLUMNS.bases) && !row.has(COLUMNS.purposes)) return undefined
  const startsBasis = (piece: string) => basisIn(piece, '6.1.') !== undefined || /(^|:\s*)not recorded$/i.test(piece)
  const bases = items(row.cell(COLUMNS.bases), startsBasis)
    .map((item) => basisOf(row, item))
    .filter((basis) => basis !== undefined)
  const descriptions = items(row.cell(COLUMNS.purposes))
  let purposes: { description: string | null; legalBasis: string | null; legalReference: string | null }[]
  if (bases.length > 0 && bases.every((basis) => basis.description)) purposes = bases
  else if (bases.length === 1) purposes = descriptions.map((description) => ({ ...bases[0]!, description }))
  else {
    if (bases.length > 0 && bases.length !== descriptions.length)
      row.problem(
        COLUMNS.bases,
        row.cell(COLUMNS.bases),
        `${bases.length} bases for ${descriptions.length} purposes: give one per purpose as "Purpose: Art. 6(1)(x)"`
      )
    purposes = descriptions.map((description, index) => ({ legalBasis: null, legalReference: null, ...bases[index], description }))
  }
  return purposes.flatMap((purpose) => {
    const description = purpose.description && row.text(COLUMNS.purposes, purpose.description)
    if (!description) return []
    if (!row.has(COLUMNS.bases)) return [{ ...carried(old, (item) => item.description === description), description }]
    const kept = carried(old, (item) => item.description === description && item.legalBasis === purpose.legalBasis)
    return [{ ...kept, ...purpose, description, directMarketing: kept.directMarketing ?? false }]
  })
}

/**
 * Per-purpose texts the exports list without saying whose (legitimate interests, assessments):
 * in order to the purposes on `basis` when the counts agree, else to the purposes in order.
 */
function spread(row: Row, column: string, purposes: Json[], field: string, basis: string) {
  if (!row.has(column)) return
  const texts = items(row.cell(column))
  const onBasis = purposes.filter((purpose) => purpose.legalBasis === basis)
  const targets = texts.length === onBasis.length ? onBasis : texts.length <= purposes.length ? purposes : undefined
  if (!targets) return row.problem(column, row.cell(column), `${texts.length} entries for ${purposes.length} purposes`)
  for (const purpose of purposes) purpose[field] = null
  texts.forEach((text, index) => {
    targets[index]![field] = row.text(column, text) ?? null
  })
}

function conditionsOf(row: Row, old: Json[]): Json[] | undefined {
  if (!row.has(COLUMNS.conditions)) return undefined
  return items(row.cell(COLUMNS.conditions), (piece) => basisIn(piece, '9.2.')?.start === 0).flatMap((item) => {
    const condition = basisIn(item, '9.2.')
    if (!condition) return (row.problem(COLUMNS.conditions, item, 'names no Art. 9(2) condition: write its code (9.2.b) or article (Art. 9(2)(b))'), [])
    const reference = item.slice(condition.end).replace(/^[\s,:;–-]+/, '')
    return [
      {
        ...carried(old, (item) => item.condition === condition.code),
        condition: condition.code,
        reference: reference ? (row.text(COLUMNS.conditions, reference) ?? null) : null
      }
    ]
  })
}

/** `Country (CC), importer`, `Organisation (IO:CODE), importer` or an importer alone; what a processor abroad implies is skipped. */
function transferOf(row: Row, item: string, processorNames: string[]): Json | undefined {
  // The place is the longest run of leading parts that names one: "Taiwan, Province of China (TW)" holds a comma.
  const parts = item.split(', ')
  const length = [...parts.keys()].reverse().find((index) => countryOf(parts.slice(0, index + 1).join(', ')) !== undefined)
  const [first, importerAfter] =
    length === undefined ? [parts[0]!, parts.slice(1).join(', ')] : [parts.slice(0, length + 1).join(', '), parts.slice(length + 1).join(', ')]
  const country = countryOf(first)
  if (country && processorNames.some((name) => importerAfter.toLowerCase() === `${name.toLowerCase()} (processor)`)) return undefined
  const organisation = country ? undefined : internationalOrganisationOf(first)
  const importer = country || organisation ? importerAfter : item
  return {
    country: country ?? null,
    internationalOrganisation: organisation ?? null,
    importer: importer ? (row.text(COLUMNS.countries, importer) ?? null) : null
  }
}

/** `46.2.c Commission standard contractual clauses (SCCs), SCC module 2, reference, TIA: reference, assessment: …, safeguards: …` */
function safeguardsOf(row: Row, item: string): Json {
  let rest = item
  const mechanism = mechanismAt(rest)
  if (mechanism) rest = rest.slice(mechanism.end).replace(/^[\s,]+/, '')
  const module = /^SCC module ([1-4])(?:, |$)/.exec(rest)
  if (module) rest = rest.slice(module[0].length)
  const derogation = /(?:^|, )assessment: (.*), safeguards: (.*)$/.exec(rest)
  if (derogation) rest = rest.slice(0, derogation.index)
  const tia = /(?:^|, )TIA: (.*)$/.exec(rest)
  if (tia) rest = rest.slice(0, tia.index)
  const none = (text: string) => (text === 'none' ? null : (row.text(COLUMNS.safeguards, text) ?? null))
  return {
    mechanism: mechanism?.code ?? null,
    sccModule: module ? Number(module[1]) : null,
    safeguardReference: rest ? (row.text(COLUMNS.safeguards, rest) ?? null) : null,
    tiaReference: tia ? none(tia[1]!) : null,
    ...(derogation ? { derogation: { assessmentReference: none(derogation[1]!), safeguards: none(derogation[2]!) } } : {})
  }
}

function transfersOf(row: Row, old: Json[], processors: Entry[]): Json[] | undefined {
  if (!row.has(COLUMNS.countries)) return undefined
  const processorNames = processors.map((processor) => processor.name)
  const transfers = items(row.cell(COLUMNS.countries))
    .map((item) => transferOf(row, item, processorNames))
    .filter((transfer) => transfer !== undefined)
  const cell = row.cell(COLUMNS.safeguards)
  const safeguards = transfers.length <= 1 ? (cell ? [cell] : []) : items(cell, (piece) => mechanismAt(piece) !== undefined)
  if (safeguards.length > transfers.length)
    row.problem(
      COLUMNS.safeguards,
      cell,
      `${safeguards.length} safeguards for ${transfers.length} transfers: list one per transfer, starting with its mechanism`
    )
  return transfers.map((transfer, index) => {
    const processor = processors.find((candidate) => typeof transfer.importer === 'string' && candidate.name.toLowerCase() === transfer.importer.toLowerCase())
    const kept = carried(old, (item) => item.country === transfer.country && item.importer === transfer.importer)
    return {
      ...kept,
      ...transfer,
      ...(safeguards[index] ? safeguardsOf(row, safeguards[index]) : {}),
      processorKey: processor?.key ?? kept.processorKey ?? null
    }
  })
}

const DEROGATION_COLUMN = 'Art. 49(1) second subparagraph documentation'

/**
 * The Transfers sheet joins a derogation's compelling interest, assessment, safeguards and the date
 * the authority was informed with "; "; the activity's row gave the assessment and safeguards, so
 * what comes before them is the interest.
 */
function derogationOf(row: Row, derogation: Json, cell: string): Json {
  let rest = cell
  const informed = /(?:^|; )authority informed (\d{4}-\d{2}-\d{2})$/.exec(rest)
  if (informed) rest = rest.slice(0, informed.index)
  const known = [derogation.assessmentReference, derogation.safeguards].filter(Boolean).join('; ')
  const interest = known === '' ? rest : rest.endsWith(`; ${known}`) ? rest.slice(0, -known.length - 2) : undefined
  return {
    ...derogation,
    compellingInterest: interest ? (row.text(DEROGATION_COLUMN, interest) ?? null) : null,
    supervisoryAuthorityNotifiedAt: informed ? (dateOf(informed[1]!) ?? null) : null
  }
}

const kindWords = retentionKinds.map((kind) => [kind.replaceAll('_', ' '), kind] as const)
const isDuration = (text: string) => new RegExp(ISO_DURATION).test(text)
const looksLikeLaw = (text: string) => /§|\bArt(?:icle|\.)\s*\d|\bAct\b|lov(?:en)?\b|\bLaw\b|\bRegulation\b|\bDirective\b|\bCode\b|\bGesetz|\bLoi\b/i.test(text)

/** `Categories: kind, P5Y, from trigger, description, law` or `All data: no period given`. */
function retentionOf(row: Row, item: string, categories: Entry[]): Json | undefined {
  const byLength = [...categories].sort((a, b) => b.name.length - a.name.length)
  let rest = item
  const keys: string[] = []
  if (/^all data( categories)?: /i.test(rest)) rest = rest.slice(rest.indexOf(': ') + 2)
  else {
    for (;;) {
      const category = byLength.find((candidate) => rest.toLowerCase().startsWith(candidate.name.toLowerCase()))
      const after = category && rest.slice(category.name.length)
      if (!category || !(after!.startsWith(', ') || after!.startsWith(': ')))
        return void row.problem(COLUMNS.retention, item, 'does not start with "All data:" or with data categories of the row and ":"')
      keys.push(category.key)
      rest = after!.slice(2)
      if (after!.startsWith(': ')) break
    }
  }
  const rule: Json = { dataCategoryKeys: keys, kind: null, period: null, trigger: null, description: null, legalReference: null }
  if (rest === 'no period given') return rule
  const parts = rest.split(', ')
  const kind = kindWords.find(([words]) => parts[0] === words)
  if (kind) (rule.kind = kind[1]), parts.shift()
  if (parts[0] && isDuration(parts[0])) rule.period = parts.shift()
  if (parts[0]?.startsWith('from ')) rule.trigger = row.text(COLUMNS.retention, parts.shift()!.slice(5)) ?? null
  if (parts.length > 1 && looksLikeLaw(parts.at(-1)!)) rule.legalReference = row.text(COLUMNS.retention, parts.pop()!) ?? null
  else if (parts.length === 1 && looksLikeLaw(parts[0]!) && parts[0]!.length <= 120) rule.legalReference = row.text(COLUMNS.retention, parts.pop()!) ?? null
  if (parts.length > 0) rule.description = row.text(COLUMNS.retention, parts.join(', ')) ?? null
  return rule
}

function decisionsOf(row: Row, old: Json[]) {
  const found = { automatedDecisionMaking: false, profiling: false, automatedDecisions: [] as Json[] }
  for (const item of items(row.cell(COLUMNS.automated))) {
    const flag = yesNo(item)
    if (flag !== undefined) found.automatedDecisionMaking ||= flag
    else if (/^profiling$/i.test(item)) found.profiling = true
    else if (/^automated decision-making$/i.test(item)) found.automatedDecisionMaking = true
    else {
      let description = item
      const noEffect = description.endsWith(', no legal or similar effect')
      if (noEffect) description = description.slice(0, -', no legal or similar effect'.length)
      const exception = /, exception (22\.2\.[abc])$/.exec(description)
      if (exception) description = description.slice(0, exception.index)
      const text = row.text(COLUMNS.automated, description)
      if (!text) continue
      found.automatedDecisions.push({
        ...carried(old, (decision) => decision.description === text),
        description: text,
        legalOrSimilarEffect: !noEffect,
        exception: exception?.[1] ?? null
      })
    }
  }
  found.automatedDecisionMaking ||= found.automatedDecisions.some((decision) => decision.legalOrSimilarEffect)
  return found
}

/** Consent records, as the exports list them: the 6.1.a purposes', then 9.2.a conditions', 49.1.a transfers', 22.2.c decisions'. */
function assignConsent(row: Row, activity: Json) {
  if (!row.has(COLUMNS.consent)) return
  const slots = [
    ...(activity.purposes as Json[]).filter((purpose) => purpose.legalBasis === '6.1.a'),
    ...(activity.specialCategoryConditions as Json[]).filter((condition) => condition.condition === '9.2.a'),
    ...(activity.transfers as Json[]).filter((transfer) => transfer.mechanism === '49.1.a'),
    ...(activity.automatedDecisions as Json[]).filter((decision) => decision.exception === '22.2.c')
  ]
  for (const slot of slots) if (slot.consent) slot.consent = { ...(slot.consent as Json), recordReference: null }
  const references = items(row.cell(COLUMNS.consent))
  if (references.length > slots.length)
    row.problem(
      COLUMNS.consent,
      row.cell(COLUMNS.consent),
      `${references.length} consent records for ${slots.length} consents relied on (6.1.a, 9.2.a, 49.1.a, 22.2.c)`
    )
  references.slice(0, slots.length).forEach((reference, index) => {
    slots[index]!.consent = { ...((slots[index]!.consent as Json | null) ?? {}), recordReference: row.text(COLUMNS.consent, reference) ?? null }
  })
}

function dpiaOf(row: Row, old: Json): Json | undefined {
  if (!row.has(COLUMNS.dpiaProgress) && !row.has(COLUMNS.dpiaRequired) && !row.has(COLUMNS.dpiaLink)) return undefined
  const progress = row.cell(COLUMNS.dpiaProgress)
  const required = row.cell(COLUMNS.dpiaRequired)
  let status = progress ? choiceOf(progress, dpiaStatuses) : undefined
  if (progress && !status) row.problem(COLUMNS.dpiaProgress, progress, `is not one of ${dpiaStatuses.map((s) => s.replaceAll('_', ' ')).join(', ')}`)
  if (!status && required) {
    const answer = /^not assessed$/i.test(required) ? null : yesNo(required)
    if (answer === undefined) row.problem(COLUMNS.dpiaRequired, required, 'is not Yes, No or Not assessed')
    status = answer === null || answer === undefined ? 'not_assessed' : answer ? 'required' : 'not_required'
  }
  return { ...old, status: status ?? 'not_assessed', reference: row.text(COLUMNS.dpiaLink, row.cell(COLUMNS.dpiaLink)) ?? null }
}

/** One row as an activity of `bundle`, its catalogue entries found or created by name. */
function readRow(row: Row, activity: Json, catalogue: Catalogue, details: Details) {
  const set = (column: string, field: string, value: () => unknown) => {
    if (row.has(column)) activity[field] = value()
  }
  const choice = <Choice extends string>(column: string, choices: readonly Choice[], fallback: Choice) => {
    const text = row.cell(column)
    if (text === '') return fallback
    const found = choiceOf(text, choices)
    if (!found) row.problem(column, text, `is not one of ${choices.map((choice) => choice.replaceAll('_', ' ')).join(', ')}`)
    return found ?? fallback
  }
  const old = (field: string) => (activity[field] as Json[] | undefined) ?? []

  set(COLUMNS.owner, 'owner', () => row.text(COLUMNS.owner, row.cell(COLUMNS.owner), NAME) ?? null)
  set(COLUMNS.role, 'role', () => choice(COLUMNS.role, roles, 'controller'))
  set(COLUMNS.status, 'status', () => choice(COLUMNS.status, statuses, 'draft'))
  set(COLUMNS.reviewed, 'lastReviewedAt', () => {
    const text = row.cell(COLUMNS.reviewed)
    const date = text ? dateOf(text) : null
    if (date === undefined) row.problem(COLUMNS.reviewed, text, 'is not a date (YYYY-MM-DD)')
    return date ?? null
  })
  set(COLUMNS.criminal, 'criminalDataReference', () => row.text(COLUMNS.criminal, row.cell(COLUMNS.criminal)) ?? null)
  set(COLUMNS.systems, 'systems', () => names(row.cell(COLUMNS.systems)).filter((system) => row.text(COLUMNS.systems, system, NAME)))
  set(COLUMNS.sources, 'dataSources', () => [
    ...new Set(
      items(row.cell(COLUMNS.sources)).flatMap((source) => {
        const found = choiceOf(source, dataSources)
        if (!found) row.problem(COLUMNS.sources, source, `is not one of ${dataSources.map((s) => s.replaceAll('_', ' ')).join(', ')}`)
        return found ? [found] : []
      })
    )
  ])
  set(COLUMNS.jointControllers, 'jointControllers', () =>
    items(row.cell(COLUMNS.jointControllers)).flatMap((item) => {
      const arrangement = /, arrangement: (.*)$/.exec(item)
      const [name, ...contact] = (arrangement ? item.slice(0, arrangement.index) : item).split(', ')
      if (!nameOk(row, COLUMNS.jointControllers, name!)) return []
      return [
        {
          name,
          contact: contact.length > 0 ? (row.text(COLUMNS.jointControllers, contact.join(', ')) ?? null) : null,
          arrangementReference: arrangement ? (row.text(COLUMNS.jointControllers, arrangement[1]!) ?? null) : null
        }
      ]
    })
  )

  set(COLUMNS.subjects, 'dataSubjectCategoryKeys', () =>
    linked(row, catalogue, 'dataSubjectCategories', COLUMNS.subjects, names(row.cell(COLUMNS.subjects), catalogue.knows('dataSubjectCategories')))
  )
  const dataCategories = names(row.cell(COLUMNS.data), (text) =>
    catalogue.knows('dataCategories')(text.replace(/ \((special category: [^)]*|criminal convictions and offences)\)$/, ''))
  ).map((text) => dataCategory(row, text))
  set(COLUMNS.data, 'dataCategoryKeys', () =>
    linked(
      row,
      catalogue,
      'dataCategories',
      COLUMNS.data,
      dataCategories.map((category) => category.name),
      (name) => dataCategories.find((category) => category.name === name)!.fields
    )
  )
  const rowCategories = catalogue.withKeys('dataCategories', (activity.dataCategoryKeys as string[] | undefined) ?? [])

  let processors: Entry[] = []
  if (row.has(COLUMNS.recipients)) {
    const cell = row.cell(COLUMNS.recipients)
    const none = /^none\b/i.test(cell)
    const listed = none
      ? []
      : names(cell, (text) => catalogue.knows(recipientOf(text).processor ? 'processors' : 'recipients')(recipientOf(text).name)).map(recipientOf)
    const processorNames = listed.filter((item) => item.processor).map((item) => item.name)
    const contracts = contractsOf(row, processorNames)
    const processorKeys = linked(row, catalogue, 'processors', COLUMNS.recipients, processorNames, (name) => ({
      country: listed.find((item) => item.processor && item.name === name)!.country,
      ...(contracts.get(name.toLowerCase()) ?? {})
    }))
    activity.noRecipients = none
    activity.processorKeys = processorKeys
    activity.recipientKeys = linked(
      row,
      catalogue,
      'recipients',
      COLUMNS.recipients,
      listed.filter((item) => !item.processor).map((item) => item.name),
      (name) => ({
        type: 'other',
        country: listed.find((item) => !item.processor && item.name === name)!.country
      })
    )
    processors = processorNames.map((name) => catalogue.find('processors', name)).filter((entry) => entry !== undefined)
  }

  set(COLUMNS.measures, 'securityMeasureKeys', () =>
    names(row.cell(COLUMNS.measures), (text) => catalogue.knows('securityMeasures')(text.replace(/ \([TO]\.[A-Z0-9_]+\)$/, ''))).flatMap((item) => {
      const coded = /^(.*) \(([TO]\.[A-Z0-9_]+)\)$/.exec(item)
      const name = coded ? coded[1]! : item
      if (!nameOk(row, COLUMNS.measures, name)) return []
      const entry = catalogue.entry('securityMeasures', name, coded ? { code: coded[2] } : {})
      // An organisation-wide measure is listed on every activity without being linked to it.
      return entry.appliesToAllActivities === true ? [] : [entry.key]
    })
  )

  const purposes = purposesOf(row, old('purposes'))
  if (purposes) {
    spread(row, COLUMNS.interests, purposes, 'legitimateInterest', '6.1.f')
    spread(row, COLUMNS.lia, purposes, 'liaReference', '6.1.f')
    // The rights column says whether a purpose is direct marketing (Art. 21(2)); which one it cannot.
    if (row.has(COLUMNS.rights)) {
      const marketing = /object to direct marketing/i.test(row.cell(COLUMNS.rights))
      if (marketing && !purposes.some((purpose) => purpose.directMarketing))
        (
          purposes.find((purpose) => purpose.legalBasis === '6.1.f') ??
          purposes.find((purpose) => purpose.legalBasis !== '6.1.a') ??
          purposes[0] ??
          {}
        ).directMarketing = true
      if (!marketing) for (const purpose of purposes) purpose.directMarketing = false
    }
    activity.purposes = purposes
  }
  const conditions = conditionsOf(row, old('specialCategoryConditions'))
  if (conditions) activity.specialCategoryConditions = conditions
  const transfers = transfersOf(row, old('transfers'), processors)
  if (transfers) {
    // The workbook's Transfers sheet names the processor that imports, which the activity's row cannot say.
    if (details.transfers.length === transfers.length)
      transfers.forEach((transfer, index) => {
        const cells = details.transfers[index]!
        const processor = cells.get('Processor')
        if (processor) transfer.processorKey = processors.find((entry) => entry.name.toLowerCase() === processor.toLowerCase())?.key ?? transfer.processorKey
        if (transfer.derogation) transfer.derogation = derogationOf(row, transfer.derogation as Json, cells.get(DEROGATION_COLUMN) ?? '')
      })
    activity.transfers = transfers
  }
  set(COLUMNS.retention, 'retention', () => {
    const rules = items(
      row.cell(COLUMNS.retention),
      (piece) => /^all data/i.test(piece) || rowCategories.some((category) => piece.toLowerCase().startsWith(category.name.toLowerCase()))
    )
      .map((item) => retentionOf(row, item, rowCategories))
      .filter((rule) => rule !== undefined)
    // The workbook's Retention sheet keeps the parts of a rule apart, where the row's cell joins them with commas.
    if (details.retention.length === rules.length)
      rules.forEach((rule, index) => {
        const cells = details.retention[index]!
        const part = (title: string) => row.text(title, cells.get(title) ?? '') ?? null
        Object.assign(rule, { trigger: part('Trigger or criterion'), description: part('Description'), legalReference: part('Legal reference') })
      })
    return rules
  })
  if (row.has(COLUMNS.automated)) Object.assign(activity, decisionsOf(row, old('automatedDecisions')))
  const dpia = dpiaOf(row, (activity.dpia as Json | undefined) ?? {})
  if (dpia) activity.dpia = dpia
  assignConsent(row, { purposes: [], specialCategoryConditions: [], transfers: [], automatedDecisions: [], ...activity })
}

/** The rows of a workbook's Transfers and Retention sheets that belong to one activity, by column title. */
interface Details {
  transfers: Map<string, string>[]
  retention: Map<string, string>[]
}

function detailsOf(sheet: Sheet, name: string): Details {
  const rowsOf = (title: string) => {
    const [header, ...rows] = sheet.extra.get(title) ?? []
    if (!header) return []
    return rows
      .map((cells) => new Map(header.map((column, index) => [column.trim(), (cells[index] ?? '').trim()])))
      .filter((cells) => cells.get(COLUMNS.name)?.toLowerCase() === name.toLowerCase())
  }
  return { transfers: rowsOf('Transfers'), retention: rowsOf('Retention') }
}

/**
 * A sheet in the ICO controller template's columns as a bundle: the record as it is, with each row's
 * activity (found by name in any case, or new) and the catalogue entries its cells name (found by
 * name in any case, or new). Columns the sheet leaves out keep their values; cells that cannot be read
 * are reported, not guessed.
 */
export function bundleFromSheet(sheet: Sheet, current: BundleDocument): { bundle: BundleDocument; report: ReportEntry[]; rowOf: Map<string, number> } {
  const report: ReportEntry[] = []
  const bundle = structuredClone(current)
  const catalogue = new Catalogue(bundle)
  if (!sheet.header.includes(COLUMNS.name))
    report.push({ row: 1, column: COLUMNS.name, value: '', why: 'the header has no "Processing activity" column: the sheet is not in the controller template' })
  const known = new Set<string>([...Object.values(COLUMNS), ...IGNORED_COLUMNS])
  for (const title of sheet.header)
    if (title !== '' && !known.has(title))
      report.push({ row: 1, column: title, value: title, why: 'is not a column of the controller template; its cells are not read' })

  const byName = new Map((bundle.activities as Json[]).map((activity) => [(activity.name as string).toLowerCase(), activity]))
  const taken = new Set(bundle.activities.map((activity) => activity.key))
  const seen = new Map<string, number>()
  const rowOf = new Map<string, number>()
  for (const { number, cells } of sheet.rows) {
    const row = new Row(cells, number, report)
    const name = row.cell(COLUMNS.name)
    if (!name) {
      row.problem(COLUMNS.name, '', 'an activity needs a name; the row is not read')
      continue
    }
    if (!nameOk(row, COLUMNS.name, name)) continue
    const earlier = seen.get(name.toLowerCase())
    if (earlier !== undefined) {
      row.problem(COLUMNS.name, name, `row ${earlier} has the same activity; the row is not read`)
      continue
    }
    seen.set(name.toLowerCase(), number)
    let activity = byName.get(name.toLowerCase())
    if (!activity) {
      const key = freeKey(keyFromName(name), taken)
      taken.add(key)
      activity = { key, name }
      ;(bundle.activities as Json[]).push(activity)
    }
    activity.name = name
    rowOf.set(activity.key as string, number)
    readRow(row, activity, catalogue, detailsOf(sheet, name))
  }
  // By row, then in the order of the columns.
  const position = (column: string) => sheet.header.indexOf(column)
  report.sort((a, b) => a.row - b.row || position(a.column) - position(b.column))
  return { bundle, report, rowOf }
}

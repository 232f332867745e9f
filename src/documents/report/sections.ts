import type { AcknowledgedFinding } from '../../compliance/acknowledgements.ts'
import { rules } from '../../compliance/index.ts'
import type { RightAnswer } from '../../compliance/rights.ts'
import type { ExportActivity, ExportOrganisation } from '../../exports/record.schemas.ts'
import type { AssembledRecord } from '../../exports/record.ts'
import type { Change } from '../../modules/history/history.repository.ts'
import type { Block, Field } from '../document.ts'
import { codeText, countryName, countryStatus, instant, parts, recorded, type Words, yesNo } from './format.ts'

type Contact = { name: string | null; email: string | null; phone: string | null; address: string | null } | null

const contact = (words: Words, who: Contact) => recorded(words, who && parts(who.name, who.email, who.phone, who.address))

/** The first page: whose record it is (Art. 30(1)(a) / 30(2)(a)), when it was made, and what it covers. */
export function cover(words: Words, record: AssembledRecord, changesSince: string | null): Block {
  const { texts } = words
  const t = texts.cover
  const organisation: ExportOrganisation = record.organisation
  const { dpo } = organisation
  const fields: Field[] = [
    { label: record.record === 'controller' ? t.controller : t.processor, value: organisation.name },
    { label: t.registrationNumber, value: recorded(words, organisation.registrationNumber) },
    { label: t.address, value: recorded(words, organisation.address) },
    { label: t.email, value: recorded(words, organisation.email) },
    { label: t.phone, value: recorded(words, organisation.phone) },
    { label: t.website, value: recorded(words, organisation.website) },
    { label: t.country, value: recorded(words, countryName(words, organisation.country)) },
    { label: t.supervisoryAuthority, value: recorded(words, organisation.supervisoryAuthority) },
    { label: t.publicAuthority, value: yesNo(words, organisation.isPublicAuthority) },
    { label: t.dpo, value: dpo && !dpo.designated ? t.dpoNotDesignated : contact(words, dpo) },
    { label: t.representative, value: contact(words, organisation.representative) },
    { label: t.generatedAt, value: instant(record.generatedAt) },
    { label: t.asOf, value: record.asOf ? instant(record.asOf) : t.asOfNow },
    { label: t.drafts, value: record.includesDrafts ? t.draftsIncluded : t.draftsExcluded },
    ...(changesSince ? [{ label: t.changesSince, value: instant(changesSince) }] : [])
  ]
  return { kind: 'cover', title: texts.title[record.record], subtitle: texts.subtitle[record.record], fields }
}

interface Destination {
  name: string
  status: string
  mechanisms: Set<string>
  activities: Set<string>
}

/**
 * What the organisation-wide tables of transfers and retention need, gathered in the contents pass:
 * one row per destination and per data category and period, not the activities themselves.
 */
export class OrganisationTables {
  private readonly destinations = new Map<string, Destination>()
  private readonly retention = new Map<string, { category: string; periods: Map<string, Set<string>> }>()

  private readonly words: Words

  constructor(words: Words) {
    this.words = words
  }

  add(activity: ExportActivity): void {
    const { words } = this
    for (const transfer of activity.transfers) {
      const organisation = transfer.internationalOrganisation
      const code = transfer.country?.code ?? organisation?.code ?? ''
      const destination = this.destinations.get(code) ?? {
        name: recorded(words, parts(countryName(words, transfer.country), organisation && `${words.labels.country(organisation.code)} (${organisation.code})`)),
        status: organisation && !transfer.country ? words.texts.notApplicable : countryStatus(words, transfer.country),
        mechanisms: new Set<string>(),
        activities: new Set<string>()
      }
      destination.mechanisms.add(recorded(words, codeText(words.labels.mechanism, transfer.mechanism)))
      destination.activities.add(activity.name)
      this.destinations.set(code, destination)
    }
    for (const rule of activity.retention) {
      const period = parts(rule.period, rule.trigger) || words.texts.notRecorded
      for (const category of rule.dataCategories) {
        const entry = this.retention.get(category.id) ?? { category: category.name, periods: new Map<string, Set<string>>() }
        const activities = entry.periods.get(period) ?? new Set<string>()
        activities.add(activity.name)
        entry.periods.set(period, activities)
        this.retention.set(category.id, entry)
      }
    }
  }

  transfers(): Block {
    const t = this.words.texts.organisationSections
    const rows = [...this.destinations.values()]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((destination) => [destination.name, destination.status, [...destination.mechanisms].join('; '), [...destination.activities].join('; ')])
    return rows.length > 0 ? { kind: 'table', columns: [t.country, t.status, t.mechanisms, t.activities], rows } : { kind: 'paragraph', text: t.noTransfers }
  }

  retentionTable(): Block {
    const t = this.words.texts.organisationSections
    const rows = [...this.retention.values()]
      .sort((a, b) => a.category.localeCompare(b.category))
      .flatMap(({ category, periods }) => [...periods].map(([period, activities]) => [category, period, [...activities].join('; ')]))
    return rows.length > 0 ? { kind: 'table', columns: [t.dataCategory, t.periodAndTrigger, t.activities], rows } : { kind: 'paragraph', text: t.noRetention }
  }
}

const ruleCodes = new Map(rules.map((rule) => [rule.id, rule.code]))

/** Findings with their acknowledgements: severity, rule code, article, message, and who acknowledged it, when and why. */
export function findingsTable(words: Words, findings: readonly AcknowledgedFinding[]): Block {
  const { texts, labels } = words
  const t = texts.findings
  if (findings.length === 0) return { kind: 'paragraph', text: t.noFindings }
  return {
    kind: 'table',
    columns: [t.severity, t.rule, t.article, t.message, t.acknowledgement],
    rows: findings.map((finding) => [
      labels.severity(finding.severity),
      parts(ruleCodes.get(finding.rule), finding.rule),
      finding.article,
      labels.finding(finding),
      finding.acknowledged
        ? parts(
            t.acknowledged(finding.acknowledged.by, instant(finding.acknowledged.at), finding.acknowledged.reason),
            finding.acknowledged.expiresAt && t.expires(instant(finding.acknowledged.expiresAt))
          )
        : ''
    ])
  }
}

export function rightsTable(words: Words, answers: readonly RightAnswer[]): Block {
  const { labels } = words
  const t = words.texts.rights
  return {
    kind: 'table',
    columns: [t.right, t.article, t.applies, t.reason],
    rows: answers.map((answer) => [labels.right(answer.right), answer.article, labels.applies(answer.applies), labels.rightReason(answer)])
  }
}

const shown = (value: unknown) => (value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value))

/** The change log since an instant, as `GET …/ropa/changes` serves it: one row per changed field, creations and deletions on one row. */
export function changesTable(words: Words, changes: readonly Change[]): Block {
  const t = words.texts.changes
  if (changes.length === 0) return { kind: 'paragraph', text: t.noChanges }
  return {
    kind: 'table',
    columns: [t.when, t.who, t.entity, t.field, t.change, t.reason],
    rows: changes.flatMap((change) => {
      const entity = `${change.name ?? change.entityId} (${change.entityType})`
      const common = [instant(change.at), change.actor, entity]
      const reason = change.reason ?? ''
      if (change.changes.length === 0) return [[...common, t.action[change.action], '', reason]]
      return change.changes.map((field) => [...common, field.field, `${shown(field.old)} → ${shown(field.new)}`, reason])
    })
  }
}

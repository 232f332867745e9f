/**
 * What `ropa plan` and `ropa apply` print: the changes of the record as a diff, the findings a plan
 * adds and resolves, and the counts. The shapes are those of POST …/bundle/plan and …/bundle/apply.
 */
import { entityPath, type Finding } from './findings-report.ts'

export interface FieldChange {
  path: string
  from?: unknown
  to?: unknown
}

export interface Change {
  op: 'create' | 'update' | 'delete'
  entityType: string
  key: string
  fields?: FieldChange[]
}

export interface ChangeSummary {
  creates: number
  updates: number
  deletes: number
  errorsAdded?: number
}

export interface PlanAnswer {
  planHash: string
  changes: Change[]
  findings?: { added: Finding[]; resolved: Finding[] }
  summary: ChangeSummary
}

const symbols = { create: '+', update: '~', delete: '-' } as const

/** A value as the diff shows it: JSON, shortened when long; `(none)` for an absent one. */
export function shown(value: unknown): string {
  if (value === undefined) return '(none)'
  const text = JSON.stringify(value) ?? String(value)
  return text.length > 80 ? `${text.slice(0, 77)}…` : text
}

const fieldLine = (field: FieldChange) => `${field.path} ${shown(field.from)} → ${shown(field.to)}`

/** One change: `+ create activities/payroll`, `~ update processors/mailer: /country "IE" → "US"`, `- delete …`. */
export function changeLines(change: Change): string[] {
  const head = `${symbols[change.op] ?? '?'} ${change.op} ${change.entityType}/${change.key}`
  const fields = change.fields ?? []
  if (change.op !== 'update' || fields.length === 0) return [head]
  const [only] = fields
  if (fields.length === 1 && only) return [`${head}: ${fieldLine(only)}`]
  return [head, ...fields.map((field) => `    ${fieldLine(field)}`)]
}

const findingLine = (sign: string, finding: Finding) =>
  `  ${sign} ${finding.severity.padEnd(7)} ${finding.rule}  ${finding.article}  ${entityPath(finding)}${finding.path === '/' ? '' : finding.path}: ${finding.message}`

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`

export function summaryText(summary: ChangeSummary): string {
  const parts = `${plural(summary.creates, 'create')}, ${plural(summary.updates, 'update')}, ${plural(summary.deletes, 'delete')}`
  return summary.errorsAdded === undefined ? parts : `${parts}; ${plural(summary.errorsAdded, 'error')} added`
}

/** The plan for a person: the diff, the findings it would add and resolve, the counts and how to apply exactly this plan. */
export function renderPlan(plan: PlanAnswer, file: string): string {
  const lines: string[] = []
  if (plan.changes.length === 0) lines.push(`No changes: the record already matches ${file}.`)
  for (const change of plan.changes) lines.push(...changeLines(change))
  const added = plan.findings?.added ?? []
  const resolved = plan.findings?.resolved ?? []
  if (added.length + resolved.length > 0) {
    lines.push('', 'Findings:')
    for (const finding of added) lines.push(findingLine('+', finding))
    for (const finding of resolved) lines.push(findingLine('-', finding))
  }
  lines.push('', `Plan: ${summaryText(plan.summary)}.`)
  if (plan.changes.length > 0) lines.push(`Apply exactly this plan: ropa apply ${file} --plan-hash ${plan.planHash}`)
  return `${lines.join('\n')}\n`
}

/** What an apply changed. */
export function renderApply(answer: Pick<PlanAnswer, 'planHash' | 'changes' | 'summary'>): string {
  const lines: string[] = []
  if (answer.changes.length === 0) lines.push('No changes: the record already matched.')
  for (const change of answer.changes) lines.push(...changeLines(change))
  lines.push('', `Applied: ${summaryText(answer.summary)}.`)
  return `${lines.join('\n')}\n`
}

export interface ImportAnswer {
  dryRun: boolean
  plan: PlanAnswer
  report: { row: number; column: string; value: string; why: string }[]
}

/** A spreadsheet import: the cells that could not be read, then the plan (or what was applied). */
export function renderImport(answer: ImportAnswer, file: string): string {
  const lines = answer.report.map((entry) => `${file}:${entry.row}: ${entry.column}: ${entry.value ? `${JSON.stringify(entry.value)} ` : ''}${entry.why}`)
  if (lines.length > 0) lines.push('')
  const body = answer.dryRun ? renderPlan(answer.plan, file).replace(/^Apply exactly this plan: .*\n?/m, '') : renderApply(answer.plan)
  lines.push(body.trimEnd())
  if (answer.dryRun && answer.report.length === 0 && answer.plan.changes.length > 0) lines.push(`Apply it: ropa import ${file} --apply`)
  if (answer.report.length > 0) lines.push(`${answer.report.length} cell(s) could not be read: fix them before ropa import ${file} --apply`)
  return `${lines.join('\n')}\n`
}

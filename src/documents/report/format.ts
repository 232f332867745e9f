import type { CodeLabels } from '../labels/index.ts'
import type { ReportTexts } from './texts.ts'

/** How the report writes values in one language: the texts, the code labels, and "not recorded" for what is absent. */
export interface Words {
  texts: ReportTexts
  labels: CodeLabels
}

/** A recorded value, or "not recorded": the report never fills a gap with text of its own. */
export const recorded = ({ texts }: Words, value: string | null | undefined): string => (value ? value : texts.notRecorded)

/** A recorded list, or "not recorded" when it is empty. */
export const recordedList = ({ texts }: Words, values: readonly string[]): string | readonly string[] => (values.length > 0 ? values : texts.notRecorded)

export const yesNo = ({ texts }: Words, value: boolean) => (value ? texts.yes : texts.no)

/** A value named in `names` (an enum's words in this language), else the value itself. */
export const named = (names: Record<string, string>, value: string) => names[value] ?? value

/** Non-empty parts joined with ", ". */
export const parts = (...values: (string | null | undefined | false)[]) => values.filter((value): value is string => Boolean(value)).join(', ')

/** An instant as people read it: `2025-03-01 14:05 UTC`. */
export const instant = (value: string) => {
  const date = new Date(value)
  return Number.isNaN(date.getTime()) ? value : `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

type CountryStatus = { code: string; eea: boolean; adequacy: { decision: string; scope: string } | null } | null

/** A country with its place in Chapter V: the EEA, an adequacy decision, or neither. */
export function countryStatus({ texts }: Words, country: CountryStatus): string {
  if (!country) return texts.notRecorded
  if (country.eea) return texts.country.eea
  if (country.adequacy) return texts.country.adequacy(country.adequacy.decision, country.adequacy.scope === 'partial')
  return texts.country.noAdequacy
}

export const countryName = ({ labels }: Words, country: { code: string } | null) => (country ? `${labels.country(country.code)} (${country.code})` : null)

/** A code of the record with its label in this language and its article. */
export const codeText = (label: (code: string) => string, ref: { code: string; article: string } | null) =>
  ref ? parts(`${label(ref.code)} (${ref.code})`, ref.article) : null

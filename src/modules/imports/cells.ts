import { countries, countryByCode } from '../../reference/countries.ts'
import { internationalOrganisations } from '../../reference/international-organisations.ts'
import { legalBases } from '../../reference/legal-bases.ts'
import { specialCategories } from '../../reference/special-categories.ts'
import { transferMechanisms } from '../../reference/transfer-mechanisms.ts'

/**
 * Reading the cells of the ICO controller template, as this API's CSV and XLSX exports write them
 * (`src/exports/cells.ts`) and as people fill them in by hand. Pure functions: text in, values out,
 * `undefined` where the text says nothing this reader understands.
 */

/**
 * The items of a list cell. The exports join items with "; ", and free text may hold "; " too: a
 * piece that cannot start an item (by `startsItem`) belongs to the one before it.
 */
export function items(cell: string, startsItem: (piece: string, before: string) => boolean = () => true): string[] {
  const found: string[] = []
  const parts = cell.split(/(;\s+|\s*[\r\n]+\s*)/) // pieces at even indexes, the separators between them at odd ones
  for (let index = 0; index < parts.length; index += 2) {
    const piece = parts[index]!.trim()
    if (piece === '') continue
    const before = found.at(-1)
    if (before !== undefined && !startsItem(piece, `${before}${parts[index - 1]}`)) found[found.length - 1] += `${parts[index - 1]}${piece}`
    else found.push(piece)
  }
  return found
}

/**
 * The names of a list cell. A name may hold "; " itself: a piece that starts in lower case, or that
 * completes a name `known` knows, continues the name before it ("Staff; including contractors").
 */
export const names = (cell: string, known: (name: string) => boolean = () => false) =>
  items(cell, (piece, before) => !/^\p{Ll}/u.test(piece) && !known(before + piece))

const lower = (text: string) => text.trim().toLowerCase()
const letters = (text: string) =>
  lower(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()

/** A country from its ISO 3166-1 alpha-2 code, its English name, or `Name (CC)` as the exports write it. */
export function countryOf(text: string): string | undefined {
  const trimmed = text.trim()
  if (/^[A-Za-z]{2}$/.test(trimmed) && countryByCode.has(trimmed.toUpperCase())) return trimmed.toUpperCase()
  const written = /^(.+?)\s*\(([A-Za-z]{2})\)$/.exec(trimmed)
  // `Name (CC)` only when the name is the code's: "Inc., United States of America (US)" is not a country.
  if (written) return countryByName.get(letters(written[1]!)) === written[2]!.toUpperCase() ? written[2]!.toUpperCase() : undefined
  return countryByName.get(letters(trimmed))
}

/** `Name (CC)` with any name, as a last resort: a country written in another language with its code. */
export function codedCountryOf(text: string): string | undefined {
  const code = /\(([A-Za-z]{2})\)$/.exec(text.trim())?.[1]?.toUpperCase()
  return code && countryByCode.has(code) ? code : undefined
}

/** Names people write for countries whose reference name is longer or newer. */
const countryAliases: Record<string, string[]> = {
  US: ['United States', 'USA', 'U.S.', 'U.S.A.'],
  GB: ['UK', 'Great Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  KR: ['South Korea', 'Korea'],
  KP: ['North Korea'],
  RU: ['Russia'],
  TR: ['Turkey'],
  CZ: ['Czech Republic'],
  NL: ['The Netherlands', 'Holland'],
  VN: ['Viet Nam'],
  LA: ['Laos'],
  MD: ['Moldova'],
  SY: ['Syria'],
  CD: ['DR Congo', 'Congo-Kinshasa'],
  AE: ['UAE', 'Emirates']
}

/** A country by its name, the name without what follows a comma or stands in brackets ("Iran", "Taiwan"), or an alias. */
const countryByName: ReadonlyMap<string, string> = new Map([
  ...countries.map((country) => [letters(country.name.replace(/,.*$|\s*\(.*\)$/, '')), country.code] as const),
  ...Object.entries(countryAliases).flatMap(([code, names]) => names.map((name) => [letters(name), code] as const)),
  ...countries.map((country) => [letters(country.name), country.code] as const)
])

/** An international organisation from `IO:CODE`, `Name (IO:CODE)` or its name. */
export function internationalOrganisationOf(text: string): string | undefined {
  const code = /(?:^|\()\s*(IO:[A-Z][A-Z0-9_]{1,39})\s*\)?$/.exec(text.trim())?.[1]
  if (code) return internationalOrganisations.some((organisation) => organisation.code === code) ? code : undefined
  return internationalOrganisations.find((organisation) => letters(organisation.name) === letters(text))?.code
}

const article = (code: string) => code.split('.') // '6.1.f' → ['6', '1', 'f']

/**
 * A legal basis or condition named by its code (`6.1.f`), its citation (`Art. 6(1)(f)`, `Article
 * 6(1)(f)`, `6(1)(f)`) or its label (`Legitimate interests`), among the codes starting with `prefix`.
 * Returns the code and where the mention ends in `text`.
 */
export function basisIn(text: string, prefix: '6.1.' | '9.2.'): { code: string; start: number; end: number } | undefined {
  const [chapter, paragraph] = article(prefix)
  const cited = new RegExp(
    `(?:\\b(?:Art(?:icle)?\\.?|GDPR)\\s*)?\\b${chapter}\\s*\\(\\s*${paragraph}\\s*\\)\\s*\\(\\s*([a-j])\\s*\\)|\\b${chapter}\\.${paragraph}\\.([a-j])\\b`,
    'i'
  )
  const match = cited.exec(text)
  if (match) {
    const code = `${prefix}${(match[1] ?? match[2])!.toLowerCase()}`
    const known = legalBases.find((basis) => basis.code === code)
    if (!known) return undefined
    let end = match.index + match[0].length
    // The exports write the label after the citation: it is part of the mention.
    if (text.slice(end).trimStart().toLowerCase().startsWith(known.label.toLowerCase())) end = text.indexOf(' ', end) + 1 + known.label.length
    return { code, start: match.index, end }
  }
  const named = legalBases
    .filter((basis) => basis.code.startsWith(prefix))
    .map((basis) => ({ basis, at: lower(text).indexOf(basis.label.toLowerCase()) }))
    .filter(({ at }) => at >= 0)
    .sort((a, b) => a.at - b.at || b.basis.label.length - a.basis.label.length)[0]
  return named && { code: named.basis.code, start: named.at, end: named.at + named.basis.label.length }
}

/** A transfer mechanism from its code or article at the start of the text (`46.2.c …`, `Art. 46(2)(c)`, `Standard contractual clauses`). */
export function mechanismAt(text: string): { code: string; end: number } | undefined {
  const trimmed = text.trimStart()
  const offset = text.length - trimmed.length
  for (const mechanism of [...transferMechanisms].sort((a, b) => b.code.length - a.code.length)) {
    for (const form of [mechanism.code, mechanism.article]) {
      if (!trimmed.toLowerCase().startsWith(form.toLowerCase())) continue
      const after = trimmed.slice(form.length)
      if (/^[0-9(]/.test(after)) continue // 46 is not 46.2.c
      const label = after.trimStart().toLowerCase().startsWith(mechanism.label.toLowerCase()) ? after.indexOf(mechanism.label) + mechanism.label.length : 0
      return { code: mechanism.code, end: offset + form.length + label }
    }
    if (lower(trimmed).startsWith(mechanism.label.toLowerCase())) return { code: mechanism.code, end: offset + mechanism.label.length }
  }
  return undefined
}

/** A special category from its label or code (`Data concerning health`, `health_data`). */
export const specialCategoryOf = (text: string) =>
  specialCategories.find((category) => lower(category.label) === lower(text) || category.code === lower(text).replace(/\s+/g, '_'))?.code

/** An enumerated value written in words or as its code: `joint controller`, `joint_controller`. */
export function choiceOf<Choice extends string>(text: string, choices: readonly Choice[]): Choice | undefined {
  const wanted = letters(text).replaceAll(' ', '_')
  return choices.find((choice) => choice === wanted)
}

/** Yes and no, as people write them. */
export function yesNo(text: string): boolean | undefined {
  const word = lower(text)
  if (['yes', 'y', 'true', 'ja', 'x'].includes(word)) return true
  if (['no', 'n', 'false', 'nei', 'none', ''].includes(word)) return false
  return undefined
}

/** A calendar date as `YYYY-MM-DD` from that form or `DD/MM/YYYY`, `DD.MM.YYYY` (day first, as in the EU). */
export function dateOf(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(text.trim())
  const dayFirst = /^(\d{1,2})[./](\d{1,2})[./](\d{4})$/.exec(text.trim())
  const [year, month, day] = iso ? [iso[1]!, iso[2]!, iso[3]!] : dayFirst ? [dayFirst[3]!, dayFirst[2]!.padStart(2, '0'), dayFirst[1]!.padStart(2, '0')] : []
  if (!year) return undefined
  const date = `${year}-${month}-${day}`
  const parsed = new Date(`${date}T00:00:00Z`)
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().slice(0, 10) === date ? date : undefined
}

/** `text` split at its last `, ` before a part `accepts`: [before, the part]; or undefined. */
export function lastPart<Value>(text: string, accepts: (part: string) => Value | undefined): [string, Value] | undefined {
  for (let at = text.lastIndexOf(', '); at >= 0; at = text.lastIndexOf(', ', at - 1)) {
    const value = accepts(text.slice(at + 2))
    if (value !== undefined) return [text.slice(0, at), value]
    if (at === 0) break
  }
  return undefined
}

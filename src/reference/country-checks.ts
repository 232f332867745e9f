import type { FieldError } from '../shared/problems.ts'
import { countryByCode } from './countries.ts'

/** Codes people write for a country whose ISO 3166-1 code is another (EU texts write EL for Greece). */
const countryAliases: Record<string, { code: string; name: string }> = { UK: { code: 'GB', name: 'the United Kingdom' }, EL: { code: 'GR', name: 'Greece' } }

export function unknownCountry(code: string | null | undefined, path: string): FieldError | undefined {
  if (code === null || code === undefined || countryByCode.has(code)) return undefined
  const alias = countryAliases[code]
  if (alias) return { path, message: `'${code}' is not an ISO 3166-1 alpha-2 country code; use '${alias.code}' for ${alias.name}` }
  return { path, message: `'${code}' is not an ISO 3166-1 alpha-2 country code (see /v1/reference/countries)` }
}

/** The message for a value that is not two upper-case letters, naming the code it most likely means. */
export function countryCodeMessage(value: unknown): string {
  const upper = String(value).toUpperCase()
  if (!/^[A-Z]{2}$/.test(upper))
    return `'${String(value)}' is not an ISO 3166-1 alpha-2 code: use two letters in upper case, such as DE (see /v1/reference/countries)`
  const alias = countryAliases[upper]
  return `must be an ISO 3166-1 alpha-2 code in upper case; for '${String(value)}' use '${alias?.code ?? upper}'${alias ? ` (${alias.name})` : ''}`
}

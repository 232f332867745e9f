import { countryByCode } from '../reference/countries.ts'
import { ApiProblem, describeErrors, type FieldError } from './problems.ts'

/** Checks the schema cannot express (codes against the reference lists); throws one 400 naming every offending field. */
export function assertValid(checks: (FieldError | undefined)[]): void {
  const errors = checks.filter((error): error is FieldError => error !== undefined)
  if (errors.length > 0) throw new ApiProblem('validation_failed', describeErrors(errors), { errors })
}

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

export function unknownCode(code: string | null | undefined, known: ReadonlySet<string>, path: string, list: string): FieldError | undefined {
  if (code === null || code === undefined || known.has(code)) return undefined
  return { path, message: `'${code}' is not a code of ${list}` }
}

/** A name as stored: Unicode NFC without surrounding white space, so names that look the same are the same. Blank answers 400. */
export function withNormalisedName<T extends Record<string, unknown>>(fields: T): T {
  if (typeof fields.name !== 'string') return fields
  const name = fields.name.normalize('NFC').trim()
  if (name === '')
    throw new ApiProblem('validation_failed', '/body/name must not be empty or white space only', {
      errors: [{ path: '/body/name', message: 'must not be empty or white space only' }]
    })
  return { ...fields, name }
}

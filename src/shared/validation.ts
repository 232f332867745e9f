import { ApiProblem, describeErrors, type FieldError } from './problems.ts'

/** Checks the schema cannot express (codes against the reference lists); throws one 400 naming every offending field. */
export function assertValid(checks: (FieldError | undefined)[]): void {
  const errors = checks.filter((error): error is FieldError => error !== undefined)
  if (errors.length > 0) throw new ApiProblem('validation_failed', describeErrors(errors), { errors })
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

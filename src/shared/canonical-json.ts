/**
 * The JSON Canonicalization Scheme (RFC 8785, JCS): the one text of a JSON value that a signature or
 * a digest is computed over, whoever serialises it. Object properties are sorted by the UTF-16 code
 * units of their names (JavaScript's own string order), numbers are written as ECMAScript writes them
 * (JSON.stringify does), strings escape only `"`, `\` and the control characters (lower-case `\u00xx`
 * but for `\b \t \n \f \r`), and there is no white space. Nulls are kept: JCS, unlike the fingerprints
 * of acknowledged findings (`canonicalJson` in src/compliance/acknowledgements.ts), drops nothing.
 *
 * Values outside I-JSON are refused rather than written in some form: a number that is not finite
 * and a string holding a lone surrogate (which has no UTF-8 form) throw.
 */
export function jcs(value: unknown): string {
  if (value === null || typeof value === 'boolean') return String(value)
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`JCS cannot write the number ${value}`)
    return JSON.stringify(value)
  }
  if (typeof value === 'string') {
    if (!value.isWellFormed()) throw new TypeError('JCS cannot write a string holding a lone surrogate')
    return JSON.stringify(value)
  }
  if (Array.isArray(value)) return `[${value.map((item) => jcs(item === undefined ? null : item)).join(',')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${jcs(key)}:${jcs(item)}`).join(',')}}`
  }
  throw new TypeError(`JCS cannot write a value of type ${typeof value}`)
}

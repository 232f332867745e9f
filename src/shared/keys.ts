import { Type } from 'typebox'

/** Lower-case letters and digits, with `-`, `_` or `.` inside: 1–100 characters. */
export const KEY_PATTERN = '^[a-z0-9](?:[a-z0-9._-]{0,98}[a-z0-9])?$'

/** The key of an entry in a bundle: unique per resource in the organisation, stable when the name changes. */
export const Key = (description: string) => Type.String({ pattern: KEY_PATTERN, maxLength: 100, description, examples: ['contact-details'] })

/** Who manages an entry, as a bundle's owner names itself (`repo:acme/shop`); null for entries kept by hand. */
export const ManagedBy = (description: string) =>
  Type.Union([Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$', examples: ['repo:acme/shop'] }), Type.Null()], { description })

/** Letters a key spells without their accents (the same table as migration 0015's `translate`). */
const LETTERS_FROM = 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł'
const LETTERS_TO = 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'

/** The key an entry gets from its name when none is given: `Contact details` → `contact-details`. */
export function keyFromName(name: string): string {
  const plain = [...name.toLowerCase()].map((letter) => LETTERS_TO[LETTERS_FROM.indexOf(letter)] ?? letter).join('')
  const slug = plain
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 90)
    .replace(/-+$/, '')
  return slug || 'entry'
}

/** `base`, or the first of `base-2`, `base-3`, … that is not taken. */
export function freeKey(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`
}

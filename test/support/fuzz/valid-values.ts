/** Generators and checks of test/security/fuzz.test.ts. JSON Schema to an arbitrary of valid values (the subset of JSON Schema the document uses). */
import fc from 'fast-check'
import { mineArb, targetOf } from './ids.ts'
import type { Schema } from './openapi.ts'

export interface Vocabulary {
  countries: string[]
  securityMeasureCodes: string[]
}

export const defaultVocabulary: Vocabulary = { countries: ['NO', 'SE', 'DE', 'US', 'IN', 'GB', 'CH', 'FR'], securityMeasureCodes: [] }

export const typesOf = (schema: Schema): string[] => {
  if (Array.isArray(schema.type)) return schema.type
  if (schema.type) return [schema.type]
  if (schema.properties) return ['object']
  if (schema.items) return ['array']
  return []
}

export const isoDate = (date: Date) => date.toISOString().slice(0, 10)
export const instantArb = fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2035-12-31T23:59:59Z'), noInvalidDate: true })

export const durationArb = fc
  .record({ Y: fc.nat(99), M: fc.nat(11), W: fc.nat(52), D: fc.nat(400), H: fc.nat(23), m: fc.nat(59), S: fc.nat(59) }, { requiredKeys: [] })
  .map(({ Y, M, W, D, H, m, S }) => {
    const date = `${Y !== undefined ? `${Y}Y` : ''}${M !== undefined ? `${M}M` : ''}${W !== undefined ? `${W}W` : ''}${D !== undefined ? `${D}D` : ''}`
    const time = `${H !== undefined ? `${H}H` : ''}${m !== undefined ? `${m}M` : ''}${S !== undefined ? `${S}S` : ''}`
    const duration = `P${date}${time ? `T${time}` : ''}`
    return duration === 'P' ? 'P1Y' : duration
  })

export function stringArb(schema: Schema, name: string | undefined, vocabulary: Vocabulary): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0
  const max = schema.maxLength ?? 200
  const fits = (value: string) => [...value].length >= min && [...value].length <= max && (!schema.pattern || new RegExp(schema.pattern, 'u').test(value))
  switch (schema.format) {
    case 'uuid':
      return mineArb(targetOf(name))
    case 'date-time':
      return instantArb.map((date) => date.toISOString())
    case 'date':
      return instantArb.map(isoDate)
    case 'email':
      return fc.oneof(fc.constantFrom('dpo@example.com', 'a.b+c@sub.example.org'), fc.emailAddress()).filter(fits)
    case 'uri':
      return fc.oneof(fc.constantFrom('https://example.com/', 'http://example.org/a?b=c'), fc.webUrl()).filter(fits)
  }
  if (schema.pattern === '^[A-Z]{2}$')
    return fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...vocabulary.countries) }, { weight: 1, arbitrary: fc.stringMatching(/^[A-Z]{2}$/) })
  if (schema.pattern?.startsWith('^[TO]\\.') && vocabulary.securityMeasureCodes.length > 0) {
    return fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...vocabulary.securityMeasureCodes) },
      { weight: 1, arbitrary: fc.stringMatching(new RegExp(schema.pattern)) }
    )
  }
  if (schema.pattern?.startsWith('^P')) return durationArb.filter(fits)
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter(fits)
    } catch {
      return fc.constantFrom(...((schema.examples as string[] | undefined) ?? ['x'])).filter(fits)
    }
  }
  const upper = Math.min(max, min + 40)
  return fc
    .oneof(
      { weight: 4, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: Math.max(min, 1), maxLength: Math.max(upper, 1) }) },
      { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: Math.max(min, 1), maxLength: Math.max(upper, 1) }) }
    )
    .filter(fits)
}

export function validArb(schema: Schema, vocabulary: Vocabulary = defaultVocabulary, name?: string): fc.Arbitrary<unknown> {
  if (schema.const !== undefined) return fc.constant(schema.const)
  if (schema.enum) return fc.constantFrom(...schema.enum)
  const branches = schema.anyOf ?? schema.oneOf
  if (branches) return fc.oneof(...branches.map((branch) => validArb(branch, vocabulary, name)))
  const types = typesOf(schema)
  if (types.length > 1) return fc.oneof(...types.map((type) => validArb({ ...schema, type }, vocabulary, name)))
  switch (types[0]) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 })
    case 'number':
      return fc.double({ min: schema.minimum ?? -1e6, max: schema.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true })
    case 'string':
      return stringArb(schema, name, vocabulary)
    case 'array': {
      const items = validArb(schema.items ?? {}, vocabulary, name)
      const minLength = schema.minItems ?? 0
      const maxLength = Math.min(schema.maxItems ?? 4, minLength + 3)
      return schema.uniqueItems
        ? fc.uniqueArray(items, { minLength, maxLength, selector: (value) => JSON.stringify(value) })
        : fc.array(items, { minLength, maxLength })
    }
    case 'object': {
      const properties = schema.properties ?? {}
      const record = fc.record(Object.fromEntries(Object.entries(properties).map(([key, property]) => [key, validArb(property, vocabulary, key)])), {
        requiredKeys: (schema.required ?? []).filter((key) => key in properties)
      })
      const minProperties = schema.minProperties ?? 0
      return minProperties > 0 ? record.filter((value) => Object.keys(value).length >= minProperties) : record
    }
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

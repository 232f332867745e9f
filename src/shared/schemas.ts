import { type Static, type TSchema, type TUnsafe, Type } from 'typebox'
import { isObject } from './objects.ts'

/**
 * A value that may be null: DESIGN.md section 8 accepts `null` wherever a field is optional.
 * Scalars become `type: [T, "null"]` (enums gain `null`), not `anyOf`: the response serialiser
 * runs a schema validator on every value to pick an anyOf branch, which made lists of activities
 * several times slower. Objects keep `anyOf`, which they need.
 */
export function Nullable<T extends TSchema>(schema: T, description?: string): TUnsafe<Static<T> | null> {
  const copy: unknown = JSON.parse(JSON.stringify(schema))
  const raw = isObject(copy) ? copy : {}
  const options = description ? { description } : {}
  if (Array.isArray(raw.enum)) return Type.Unsafe<Static<T> | null>({ ...raw, enum: [...raw.enum, null], ...options })
  if (typeof raw.type === 'string' && raw.type !== 'object' && raw.type !== 'array') {
    return Type.Unsafe<Static<T> | null>({ ...raw, type: [raw.type, 'null'], ...options })
  }
  return Type.Unsafe<Static<T> | null>(Type.Union([schema, Type.Null()], options))
}

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) })

export const Text = (maxLength: number, description?: string, examples?: string[]) =>
  Type.String({ minLength: 1, maxLength, ...(description ? { description } : {}), ...(examples ? { examples } : {}) })

/** How a controller authorised sub-processors (Art. 28(2)); `unknown` rather than assuming one that may not exist. */
export const subprocessorAuthorisations = ['specific', 'general', 'unknown'] as const

export const COUNTRY_PATTERN = '^[A-Z]{2}$'

export const CountryCode = (description = 'ISO 3166-1 alpha-2 code in upper case (`GB`, not `UK`); see /v1/reference/countries.') =>
  Type.String({ pattern: COUNTRY_PATTERN, description, examples: ['NO'] })

/** ISO 8601 duration with at least one component: `P5Y`, `P6M`, `P30D`, `P1Y6M`, `PT12H`. */
export const ISO_DURATION = '^P(?!$)(\\d+Y)?(\\d+M)?(\\d+W)?(\\d+D)?(T(?=\\d)(\\d+H)?(\\d+M)?(\\d+S)?)?$'

// The formats admit instants PostgreSQL and Date cannot hold: a leap second (:60) and the year 0000.
export const INSTANT_PATTERN = '^(?!0000)\\d{4}-\\d{2}-\\d{2}[Tt ]\\d{2}:\\d{2}:[0-5]\\d(\\.\\d+)?([Zz]|[+-]\\d{2}:\\d{2})$'
export const DATE_PATTERN = '^(?!0000)\\d{4}-\\d{2}-\\d{2}$'

/** An RFC 3339 instant that both databases and JavaScript can represent. */
export const Instant = (description: string) => Type.String({ format: 'date-time', pattern: INSTANT_PATTERN, description })

/** A calendar date, `YYYY-MM-DD`, from the year 0001. */
export const CalendarDate = (description: string, options: object = {}) => Type.String({ format: 'date', pattern: DATE_PATTERN, description, ...options })

/** Fields every mutable entity answers with (DESIGN.md section 4). */
export const EntityMetadata = {
  id: Uuid('Server-assigned identifier.'),
  version: Type.Integer({ minimum: 1, description: 'Incremented by every change; the ETag is this number in quotes.' }),
  createdAt: Instant('When the entity was created (RFC 3339, UTC).'),
  updatedAt: Instant('When the entity last changed.'),
  createdBy: Type.String({ description: 'The `sub` of the token that created it.' }),
  updatedBy: Type.String({ description: 'The `sub` of the token that last changed it.' })
}

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50, description: 'Items per page, 1 to 200.' })),
  cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 512, description: 'The `nextCursor` of the previous page.' }))
}

export const Page = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      items: Type.Array(item),
      nextCursor: Nullable(Type.String(), 'Pass as `cursor` for the next page; null on the last page.')
    },
    { additionalProperties: false, description }
  )

/** Path parameters of every route under `/v1/organisations/{orgId}`. */
export const OrganisationParams = Type.Object({ orgId: Uuid('The organisation.') }, { additionalProperties: false })

/** Path parameters of a route on one entity of an organisation. */
export const EntityParams = Type.Object({ orgId: Uuid('The organisation.'), id: Uuid('The entity.') }, { additionalProperties: false })

export const Description = (description = 'Free text: what the entry covers, in the words of the organisation.') => Nullable(Text(4000), description)

/** `If-Match` on writes to one entity (optimistic concurrency, DESIGN.md section 7). */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      maxLength: 1024,
      description:
        'The ETag of the version the change is based on, quoted as given (`"3"`), or `*`; a stale or weak (`W/"3"`) one answers 412, an unquoted one 400.'
    })
  )
})

/** The position in lists ordered by name (any case), then id. */
export const NameCursor = Type.Object({ name: Type.String(), id: Type.String({ format: 'uuid' }) }, { additionalProperties: false })

import { type Static, Type } from 'typebox'
import { CountryCode, EntityMetadata, Nullable, Text } from '../../shared/schemas.ts'

/** A URL segment: lowercase ASCII letters and digits in words joined by single hyphens. */
export const SLUG_PATTERN = '^[a-z0-9]+(?:-[a-z0-9]+)*$'

const Contact = {
  name: Nullable(Text(300), 'Full name.'),
  email: Nullable(Type.String({ format: 'email', maxLength: 320 }), 'Email address.'),
  phone: Nullable(Text(64), 'Telephone number, ideally in E.164 form.'),
  address: Nullable(Text(2000), 'Postal address.')
}

export const DpoSchema = Type.Object(
  {
    designated: Type.Boolean({ description: 'Whether a data protection officer is designated (mandatory in the cases of Art. 37(1)).' }),
    ...Contact
  },
  { additionalProperties: false, description: 'The data protection officer, Art. 30(1)(a) and Art. 37. Contact details must be published (Art. 37(7)).' }
)

export const RepresentativeSchema = Type.Object(Contact, {
  additionalProperties: false,
  description: 'The representative in the Union of a controller not established there, Art. 27 and Art. 30(1)(a).'
})

/** The fields a client sets; everything but `name` and `country` is optional and defaults to null/false. */
const OrganisationFields = {
  name: Text(300, 'Legal name of the controller (Art. 30(1)(a)).', ['Example Consulting AS']),
  registrationNumber: Nullable(Text(64), 'Company or registry number (e.g. a Norwegian organisasjonsnummer).'),
  address: Nullable(Text(2000), 'Postal address of the controller (Art. 30(1)(a) contact details).'),
  email: Nullable(Type.String({ format: 'email', maxLength: 320 }), 'Contact email of the controller.'),
  phone: Nullable(Text(64), 'Contact telephone of the controller.'),
  website: Nullable(Type.String({ format: 'uri', maxLength: 2000, pattern: '^https?://' }), 'Public website (http or https URL).'),
  supervisoryAuthority: Nullable(Text(300), 'The lead or competent supervisory authority (Arts. 51, 56), e.g. `Datatilsynet`.'),
  country: CountryCode('Country of the main establishment, ISO 3166-1 alpha-2 (Arts. 3, 44).'),
  isPublicAuthority: Type.Boolean({
    description: 'A public authority or body: Art. 6(1)(f) is unavailable to it for its tasks and a DPO is mandatory (Art. 37(1)(a)).'
  }),
  employeeCount: Nullable(Type.Integer({ minimum: 0, maximum: 100_000_000 }), 'Number of persons employed (Art. 30(5) threshold of 250).'),
  dpo: Nullable(DpoSchema),
  representative: Nullable(RepresentativeSchema),
  reviewIntervalMonths: Type.Integer({
    minimum: 1,
    maximum: 120,
    description:
      "Governance: months between reviews of an activity that sets no interval of its own (default 12). An activity's `nextReviewDue` is its last review, or its creation when never reviewed, plus the interval (Arts. 5(2), 24(1): the record is kept up to date)."
  }),
  requireChangeReason: Type.Boolean({
    description:
      'Governance: every create, change or delete of an active activity (also through a bundle or an import) must carry a `Change-Reason` header; without one it answers 428 and writes nothing (default false).'
  }),
  slug: Nullable(
    Type.String({ minLength: 1, maxLength: 60, pattern: SLUG_PATTERN, examples: ['example-kommune'] }),
    'The URL segment of the public register, `GET /public/{slug}/register`: lowercase letters, digits and single hyphens, unique among organisations (409 when taken). Required while `publicRegister` is true.'
  ),
  publicRegister: Type.Boolean({
    description:
      "Publish the record at `GET /public/{slug}/register`, without a token: the active activities' purposes, legal bases, categories, recipient categories, transfers and retention, with the controller and DPO contact (public bodies in some states must; Art. 30, Art. 37(7)). Default false; true needs a `slug` (422)."
  })
}

export const OrganisationSchema = Type.Object(
  { ...EntityMetadata, ...OrganisationFields },
  { additionalProperties: false, description: 'An organisation: the controller (or processor) whose record this is.' }
)
export type Organisation = Static<typeof OrganisationSchema>

const { name, country, ...optionalFields } = OrganisationFields
export const OrganisationCreateSchema = Type.Object(
  // Cast: Object.fromEntries forgets the keys; they are the organisation's fields, all but name and country made optional.
  { name, country, ...Object.fromEntries(Object.entries(optionalFields).map(([key, schema]) => [key, Type.Optional(schema)])) } as typeof OrganisationFields,
  { additionalProperties: false }
)
export type OrganisationCreate = Pick<Static<typeof OrganisationCreateSchema>, 'name' | 'country'> & Partial<Static<typeof OrganisationCreateSchema>>

export const OrganisationPatchSchema = Type.Partial(Type.Object(OrganisationFields), {
  additionalProperties: false,
  minProperties: 1,
  description: 'The fields to replace; `dpo` and `representative` are replaced whole.'
})
export type OrganisationPatch = Static<typeof OrganisationPatchSchema>

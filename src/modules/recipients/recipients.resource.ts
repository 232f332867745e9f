import { type Static, Type } from 'typebox'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { unknownCountry } from '../../reference/country-checks.ts'
import { type CatalogueQuery, catalogueResource, catalogueRoutes, catalogueSchemas } from '../../resources/catalogue-resource.ts'
import { CountryCode, Description, Nullable, Text } from '../../shared/schemas.ts'
import { recipientsStorage } from './recipients.repository.ts'

export const recipientTypes = ['internal', 'processor', 'joint_controller', 'independent_controller', 'public_authority', 'other'] as const

const about =
  'A category of recipients to whom personal data are disclosed (Art. 30(1)(d)), including recipients in third countries. Processors are recipients too (Art. 4(9)); a public authority receiving data for a particular inquiry is not.'

const filters = {
  type: Type.Optional(Type.Enum([...recipientTypes], { description: 'Only recipients of this type.' })),
  country: Type.Optional(CountryCode('Only recipients in this country.'))
}

export const recipientSchemas = catalogueSchemas(
  {
    name: Text(300, 'Name of the recipient or category of recipients, unique in the organisation regardless of case.', ['Public authorities']),
    type: Type.Optional(Type.Enum([...recipientTypes], { description: 'What the recipient is to the organisation (default `internal`).' })),
    country: Type.Optional(Nullable(CountryCode('Where the recipient is, ISO 3166-1 alpha-2; null when unknown or several.'))),
    description: Type.Optional(Description())
  },
  about
)

export type Recipient = Static<typeof recipientSchemas.entity>
export type RecipientCreate = Static<typeof recipientSchemas.create>
export type RecipientPatch = Static<typeof recipientSchemas.patch>
export type RecipientQuery = CatalogueQuery<typeof filters>

export const recipientsResource = catalogueResource({
  ...recipientsStorage,
  path: 'recipients',
  names: { one: 'Recipient', many: 'Recipients' },
  tag: 'Recipients',
  label: 'recipient',
  entityType: 'recipient',
  about,
  schemas: recipientSchemas,
  complete: (given) => ({ type: 'internal' as const, country: null, description: null, ...given }),
  filters,
  check: (entry) => [unknownCountry(entry.country, '/country')],
  examples: catalogueExamples.recipients
})

export default catalogueRoutes(recipientsResource)

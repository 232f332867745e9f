import { Type } from 'typebox'
import { recipients } from '../../db/schema/index.ts'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { equalsIfGiven, textFilter } from '../../resources/catalogue.repository.ts'
import { type CatalogueResource, catalogueRoutes } from '../../resources/catalogue-resource.ts'
import { CountryCode, Description, Nullable, Text } from '../../shared/schemas.ts'
import { unknownCountry } from '../../shared/validation.ts'
import { linkedActivities } from '../activities/activities.repository.ts'

export const recipientTypes = ['internal', 'processor', 'joint_controller', 'independent_controller', 'public_authority', 'other'] as const

export const recipientsResource: CatalogueResource = {
  path: 'recipients',
  names: { one: 'Recipient', many: 'Recipients' },
  tag: 'Recipients',
  label: 'recipient',
  entityType: 'recipient',
  about:
    'A category of recipients to whom personal data are disclosed (Art. 30(1)(d)), including recipients in third countries. Processors are recipients too (Art. 4(9)); a public authority receiving data for a particular inquiry is not.',
  table: recipients,
  fields: {
    name: Text(300, 'Name of the recipient or category of recipients, unique in the organisation regardless of case.', ['Public authorities']),
    type: Type.Enum([...recipientTypes], { description: 'What the recipient is to the organisation (default `internal`).' }),
    country: Nullable(CountryCode('Where the recipient is, ISO 3166-1 alpha-2; null when unknown or several.')),
    description: Description()
  },
  required: ['name'],
  defaults: () => ({ type: 'internal', country: null, description: null }),
  filters: {
    type: Type.Optional(Type.Enum([...recipientTypes], { description: 'Only recipients of this type.' })),
    country: Type.Optional(CountryCode('Only recipients in this country.'))
  },
  where: (query) => [
    textFilter(recipients, query.q as string | undefined),
    equalsIfGiven(recipients.type, query.type),
    equalsIfGiven(recipients.country, query.country)
  ],
  check: (entry) => [unknownCountry(entry.country as string | null, '/country')],
  referencedBy: [linkedActivities('recipient_id')],
  examples: catalogueExamples.recipients
}

export default catalogueRoutes(recipientsResource)

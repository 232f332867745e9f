import { type Static, Type } from 'typebox'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { unknownCountry } from '../../reference/country-checks.ts'
import { type CatalogueQuery, catalogueResource, catalogueRoutes, catalogueSchemas } from '../../resources/catalogue-resource.ts'
import { CalendarDate, CountryCode, Description, Nullable, subprocessorAuthorisations, Text, Uuid } from '../../shared/schemas.ts'
import { processorsStorage } from './processors.repository.ts'

const about =
  "A processor that handles personal data on the organisation's behalf (Art. 28), with its Art. 28(3) contract, how sub-processors are authorised (Art. 28(2)), the sub-processors it engages (other processors of this organisation; no cycles), and, for a US processor, whether it is certified under the EU-US Data Privacy Framework (Art. 45, Implementing Decision (EU) 2023/1795)."

const filters = {
  country: Type.Optional(CountryCode('Only processors in this country.')),
  subprocessorAuthorisation: Type.Optional(Type.Enum([...subprocessorAuthorisations], { description: 'Only processors with this kind of authorisation.' })),
  dpfCertified: Type.Optional(Type.Boolean({ description: 'Only processors that are (true) or are not (false) DPF-certified.' }))
}

export const processorSchemas = catalogueSchemas(
  {
    name: Text(300, 'Legal name of the processor, unique in the organisation regardless of case.', ['Google Ireland Limited']),
    description: Type.Optional(Description()),
    country: Type.Optional(Nullable(CountryCode('Where the processor is established, ISO 3166-1 alpha-2; null when unknown.'))),
    email: Type.Optional(Nullable(Type.String({ format: 'email', maxLength: 320 }), 'Contact email.')),
    phone: Type.Optional(Nullable(Text(64), 'Contact telephone.')),
    address: Type.Optional(Nullable(Text(2000), 'Postal address.')),
    service: Type.Optional(Nullable(Text(2000), 'What the processor does for the organisation.')),
    dpaReference: Type.Optional(Nullable(Text(500), 'Where the Art. 28(3) data processing agreement is kept (document id or link).')),
    dpaSignedAt: Type.Optional(Nullable(CalendarDate('When the agreement was signed, `YYYY-MM-DD`.', { examples: ['2025-03-01'] }))),
    subprocessorAuthorisation: Type.Optional(
      Type.Enum([...subprocessorAuthorisations], {
        description:
          'How the controller authorised sub-processors (Art. 28(2)): `specific` or `general` written authorisation, or `unknown`. Defaults to `unknown` rather than assuming an authorisation that may not exist.'
      })
    ),
    subProcessorIds: Type.Optional(
      Type.Array(Uuid(), {
        uniqueItems: true,
        maxItems: 100,
        description: 'Processors of this organisation that this processor engages, in order.'
      })
    ),
    dpfCertified: Type.Optional(
      Nullable(Type.Boolean(), 'For a processor in the United States: whether it is on the Data Privacy Framework List. Null elsewhere, or when not checked.')
    )
  },
  about
)

export type Processor = Static<typeof processorSchemas.entity>
export type ProcessorCreate = Static<typeof processorSchemas.create>
export type ProcessorPatch = Static<typeof processorSchemas.patch>
export type ProcessorQuery = CatalogueQuery<typeof filters>

export const processorsResource = catalogueResource({
  ...processorsStorage,
  path: 'processors',
  names: { one: 'Processor', many: 'Processors' },
  tag: 'Processors',
  label: 'processor',
  entityType: 'processor',
  about,
  schemas: processorSchemas,
  complete: (given) => ({
    description: null,
    country: null,
    email: null,
    phone: null,
    address: null,
    service: null,
    dpaReference: null,
    dpaSignedAt: null,
    subprocessorAuthorisation: 'unknown' as const,
    subProcessorIds: [],
    dpfCertified: null,
    ...given
  }),
  filters,
  check: (entry) => [
    unknownCountry(entry.country, '/country'),
    entry.dpfCertified !== null && entry.country !== 'US'
      ? { path: '/dpfCertified', message: 'applies only to processors in the United States (country US); use null' }
      : undefined
  ],
  examples: catalogueExamples.processors
})

export default catalogueRoutes(processorsResource)

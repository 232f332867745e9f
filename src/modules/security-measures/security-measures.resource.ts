import { type Static, Type } from 'typebox'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { securityMeasureVocabulary } from '../../reference/security-measures.ts'
import { type CatalogueQuery, catalogueResource, catalogueRoutes, catalogueSchemas } from '../../resources/catalogue-resource.ts'
import { Description, Nullable, Text } from '../../shared/schemas.ts'
import { unknownCode } from '../../shared/validation.ts'
import { securityMeasuresStorage } from './security-measures.repository.ts'

const vocabulary = new Map(securityMeasureVocabulary.map((entry) => [entry.code, entry]))
const vocabularyEntry = (code: string | null | undefined) => (code ? vocabulary.get(code) : undefined)
const measureTypes = ['technical', 'organisational'] as const

const about =
  'A technical or organisational security measure of Art. 32(1), described in the record under Art. 30(1)(g), coded with the vocabulary of /v1/reference/security-measures where one fits. Measures marked `appliesToAllActivities` count for every activity.'

const filters = {
  type: Type.Optional(Type.Enum([...measureTypes], { description: 'Only technical or only organisational measures.' })),
  code: Type.Optional(Type.String({ pattern: '^[TO]\\.[A-Z0-9_]+$', description: 'Only measures with this vocabulary code.' })),
  appliesToAllActivities: Type.Optional(Type.Boolean({ description: 'Only organisation-wide (true) or activity-specific (false) measures.' }))
}

export const securityMeasureSchemas = catalogueSchemas(
  {
    name: Text(300, 'Name of the measure, unique in the organisation regardless of case.', ['Two-factor authentication']),
    code: Type.Optional(
      Nullable(
        Type.String({
          pattern: '^[TO]\\.[A-Z0-9_]+$',
          description: 'Vocabulary code, e.g. `T.MFA` (see /v1/reference/security-measures).',
          examples: ['T.MFA']
        })
      )
    ),
    type: Type.Optional(
      Type.Enum([...measureTypes], { description: 'Technical or organisational; when left out on create, taken from `code` (otherwise `technical`).' })
    ),
    description: Type.Optional(Description()),
    appliesToAllActivities: Type.Optional(Type.Boolean({ description: 'The measure protects every processing activity of the organisation.' }))
  },
  about
)

export type SecurityMeasure = Static<typeof securityMeasureSchemas.entity>
export type SecurityMeasureCreate = Static<typeof securityMeasureSchemas.create>
export type SecurityMeasurePatch = Static<typeof securityMeasureSchemas.patch>
export type SecurityMeasureQuery = CatalogueQuery<typeof filters>

export const securityMeasuresResource = catalogueResource({
  ...securityMeasuresStorage,
  path: 'security-measures',
  names: { one: 'SecurityMeasure', many: 'SecurityMeasures' },
  tag: 'Security measures',
  label: 'security measure',
  entityType: 'security_measure',
  about,
  schemas: securityMeasureSchemas,
  complete: (given) => ({
    code: null,
    type: vocabularyEntry(given.code)?.type ?? 'technical',
    description: null,
    appliesToAllActivities: false,
    ...given
  }),
  filters,
  check: (entry) => {
    const known = vocabularyEntry(entry.code)
    return [
      unknownCode(entry.code, new Set(vocabulary.keys()), '/code', 'the security measure vocabulary (see /v1/reference/security-measures)'),
      known && known.type !== entry.type ? { path: '/type', message: `must be '${known.type}', the type of the code ${known.code}` } : undefined
    ]
  },
  examples: catalogueExamples['security-measures']
})

export default catalogueRoutes(securityMeasuresResource)

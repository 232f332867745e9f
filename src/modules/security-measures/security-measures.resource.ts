import { Type } from 'typebox'
import { securityMeasures } from '../../db/schema/index.ts'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { securityMeasureVocabulary } from '../../reference/security-measures.ts'
import { equalsIfGiven, textFilter } from '../../resources/catalogue.repository.ts'
import { type CatalogueResource, catalogueRoutes } from '../../resources/catalogue-resource.ts'
import { Description, Nullable, Text } from '../../shared/schemas.ts'
import { unknownCode } from '../../shared/validation.ts'
import { linkedActivities } from '../activities/activities.repository.ts'

const vocabulary = new Map(securityMeasureVocabulary.map((entry) => [entry.code, entry]))
const measureTypes = ['technical', 'organisational'] as const

export const securityMeasuresResource: CatalogueResource = {
  path: 'security-measures',
  names: { one: 'SecurityMeasure', many: 'SecurityMeasures' },
  tag: 'Security measures',
  label: 'security measure',
  entityType: 'security_measure',
  about:
    'A technical or organisational security measure of Art. 32(1), described in the record under Art. 30(1)(g), coded with the vocabulary of /v1/reference/security-measures where one fits. Measures marked `appliesToAllActivities` count for every activity.',
  table: securityMeasures,
  fields: {
    name: Text(300, 'Name of the measure, unique in the organisation regardless of case.', ['Two-factor authentication']),
    code: Nullable(
      Type.String({ pattern: '^[TO]\\.[A-Z0-9_]+$', description: 'Vocabulary code, e.g. `T.MFA` (see /v1/reference/security-measures).', examples: ['T.MFA'] })
    ),
    type: Type.Enum([...measureTypes], { description: 'Technical or organisational; when left out on create, taken from `code` (otherwise `technical`).' }),
    description: Description(),
    appliesToAllActivities: Type.Boolean({ description: 'The measure protects every processing activity of the organisation.' })
  },
  required: ['name'],
  defaults: (given) => ({
    code: null,
    type: vocabulary.get(given.code as string)?.type ?? 'technical',
    description: null,
    appliesToAllActivities: false
  }),
  filters: {
    type: Type.Optional(Type.Enum([...measureTypes], { description: 'Only technical or only organisational measures.' })),
    code: Type.Optional(Type.String({ pattern: '^[TO]\\.[A-Z0-9_]+$', description: 'Only measures with this vocabulary code.' })),
    appliesToAllActivities: Type.Optional(Type.Boolean({ description: 'Only organisation-wide (true) or activity-specific (false) measures.' }))
  },
  where: (query) => [
    textFilter(securityMeasures, query.q as string | undefined),
    equalsIfGiven(securityMeasures.type, query.type),
    equalsIfGiven(securityMeasures.code, query.code),
    equalsIfGiven(securityMeasures.appliesToAllActivities, query.appliesToAllActivities)
  ],
  check: (entry) => {
    const known = vocabulary.get(entry.code as string)
    return [
      unknownCode(entry.code as string | null, new Set(vocabulary.keys()), '/code', 'the security measure vocabulary (see /v1/reference/security-measures)'),
      known && known.type !== entry.type ? { path: '/type', message: `must be '${known.type}', the type of the code ${known.code}` } : undefined
    ]
  },
  referencedBy: [linkedActivities('security_measure_id')],
  examples: catalogueExamples['security-measures']
}

export default catalogueRoutes(securityMeasuresResource)

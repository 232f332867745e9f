import { type Static, type TObject, type TProperties, Type } from 'typebox'
import { Key } from '../../shared/keys.ts'
import { Nullable } from '../../shared/schemas.ts'
import { ActivityCreateSchema, RetentionRule, Transfer } from '../activities/activities.schemas.ts'
import { dataCategorySchemas } from '../data-categories/data-categories.resource.ts'
import { dataSubjectCategorySchemas } from '../data-subject-categories/data-subject-categories.resource.ts'
import { OrganisationCreateSchema } from '../organisations/organisations.schemas.ts'
import { processorSchemas } from '../processors/processors.resource.ts'
import { recipientSchemas } from '../recipients/recipients.resource.ts'
import { securityMeasureSchemas } from '../security-measures/security-measures.resource.ts'

/**
 * The record as code (issue 18): one document for an organisation's whole record. Entries carry their
 * `key` and link to each other by keys (`dataCategoryKeys`, `processorKey` …), never by ids, so a
 * bundle can be kept in a repository, reviewed, and applied to any instance.
 */

/** The properties of `object` without `omitted`. */
function without<Properties extends TProperties, Omitted extends keyof Properties & string>(object: TObject<Properties>, omitted: readonly Omitted[]) {
  const kept = new Set<string>(omitted)
  // Object.fromEntries forgets the keys; the entries are `object`'s properties but the omitted ones.
  return Object.fromEntries(Object.entries(object.properties).filter(([name]) => !kept.has(name))) as Omit<Properties, Omitted>
}

const entryKey = Key('The key the entry is linked by in the bundle, unique for its kind in the organisation.')
const keys = (description: string) =>
  Type.Optional(Type.Array(Key('A key of an entry of the bundle or of the organisation.'), { uniqueItems: true, maxItems: 500, description }))

const entry = <Properties extends TProperties>(create: TObject<Properties>, description: string) =>
  Type.Object({ ...without(create, ['key']), key: entryKey }, { additionalProperties: false, description })

export const BundleTransfer = Type.Object(
  {
    ...without(Transfer.input, ['processorId']),
    processorKey: Type.Optional(Nullable(Key('The processor that is the importer, by key.')))
  },
  {
    additionalProperties: false,
    description: 'A transfer to a third country or an international organisation (Art. 30(1)(e)); its importer, if a processor, by key.'
  }
)

export const BundleRetentionRule = Type.Object(
  { ...without(RetentionRule.input, ['dataCategoryIds']), dataCategoryKeys: keys('The data categories the rule covers, by key; empty: all of them.') },
  { additionalProperties: false, description: 'A retention rule (Art. 30(1)(f)); its data categories by key.' }
)

export const BundleActivity = Type.Object(
  {
    ...without(ActivityCreateSchema, [
      'key',
      'dataSubjectCategoryIds',
      'dataCategoryIds',
      'recipientIds',
      'processorIds',
      'securityMeasureIds',
      'transfers',
      'retention'
    ]),
    key: entryKey,
    dataSubjectCategoryKeys: keys('Categories of data subjects, by key (Art. 30(1)(c)).'),
    dataCategoryKeys: keys('Categories of personal data, by key (Art. 30(1)(c)).'),
    recipientKeys: keys('Categories of recipients, by key (Art. 30(1)(d)).'),
    processorKeys: keys('Processors used, by key (Art. 28).'),
    securityMeasureKeys: keys('Security measures specific to the activity, by key (Art. 30(1)(g)).'),
    transfers: Type.Optional(Type.Array(BundleTransfer, { maxItems: 100 })),
    retention: Type.Optional(Type.Array(BundleRetentionRule, { maxItems: 100 }))
  },
  { additionalProperties: false, description: 'A processing activity, linking to the catalogue by keys.' }
)

export const BundleProcessor = Type.Object(
  {
    ...without(processorSchemas.create, ['key', 'subProcessorIds']),
    key: entryKey,
    subProcessorKeys: keys('The sub-processors it engages, by key (Art. 28(2), 28(4)).')
  },
  { additionalProperties: false, description: 'A processor (Art. 28).' }
)

export const BundleSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ maxLength: 2000, description: 'The JSON Schema the bundle follows, for editors: `…/v1/schemas/bundle.json`.' })),
    organisation: OrganisationCreateSchema,
    dataCategories: Type.Array(entry(dataCategorySchemas.create, 'A category of personal data (Art. 30(1)(c)).'), { maxItems: 10_000 }),
    dataSubjectCategories: Type.Array(entry(dataSubjectCategorySchemas.create, 'A category of data subjects (Art. 30(1)(c)).'), { maxItems: 10_000 }),
    recipients: Type.Array(entry(recipientSchemas.create, 'A category of recipients (Art. 30(1)(d)).'), { maxItems: 10_000 }),
    processors: Type.Array(BundleProcessor, { maxItems: 10_000 }),
    securityMeasures: Type.Array(entry(securityMeasureSchemas.create, 'A security measure (Art. 30(1)(g), 32).'), { maxItems: 10_000 }),
    activities: Type.Array(BundleActivity, { maxItems: 10_000 })
  },
  {
    additionalProperties: false,
    $id: 'https://ropa.example/v1/schemas/bundle.json',
    title: 'ROPA bundle',
    description:
      "An organisation's whole record of processing activities as one document: its profile, the five catalogues and its activities. Entries carry a `key` and link to each other by keys, never by ids."
  }
)

export type BundleDocument = Static<typeof BundleSchema>
export type BundleActivityEntry = Static<typeof BundleActivity>

const entityTypes = ['organisation', 'dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures', 'activities'] as const
const severities = ['error', 'warning', 'info'] as const

const PlannedFinding = Type.Object(
  {
    rule: Type.String(),
    severity: Type.Enum([...severities]),
    article: Type.String(),
    entityType: Type.Enum(['organisation', 'activity', 'processor']),
    entityKey: Type.String({ description: 'The key of the entry the finding is on (`organisation` for the organisation).' }),
    path: Type.String(),
    message: Type.String()
  },
  { additionalProperties: false }
)

export const PlanSchema = Type.Object(
  {
    planHash: Type.String({ description: 'Send it as `If-Match: "<planHash>"` to apply only if the record has not changed since the plan.' }),
    changes: Type.Array(
      Type.Object(
        {
          op: Type.Enum(['create', 'update', 'delete']),
          entityType: Type.Enum([...entityTypes]),
          key: Type.String(),
          fields: Type.Array(Type.Object({ path: Type.String(), from: Type.Unknown(), to: Type.Unknown() }, { additionalProperties: false }), {
            description: 'Each field that changes, with its value before and after (null when absent).'
          })
        },
        { additionalProperties: false }
      )
    ),
    findings: Type.Object(
      {
        added: Type.Array(PlannedFinding, { description: 'Findings the record would have after the plan and has not now.' }),
        resolved: Type.Array(PlannedFinding, { description: 'Findings the record has now and would not have after the plan.' })
      },
      { additionalProperties: false }
    ),
    summary: Type.Object(
      { creates: Type.Integer(), updates: Type.Integer(), deletes: Type.Integer(), errorsAdded: Type.Integer() },
      { additionalProperties: false }
    )
  },
  { additionalProperties: false, description: 'What applying the bundle would change.' }
)

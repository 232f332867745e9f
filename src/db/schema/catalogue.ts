import { sql } from 'drizzle-orm'
import { boolean, char, check, date, foreignKey, index, integer, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { organisations } from './organisations.ts'
import { bundleColumns, mutableRowColumns, organisationIdColumn } from './tenancy.ts'

/**
 * The organisation's catalogue (DESIGN.md section 8): entries that activities link to by id.
 * Each follows the tenancy pattern of tenancy.ts: `organisation_id`, a unique `(organisation_id, id)`
 * key for composite foreign keys, and names unique per organisation regardless of case.
 */
const catalogueColumns = () => ({
  id: uuid('id').primaryKey().defaultRandom(),
  organisationId: organisationIdColumn(() => organisations.id),
  name: text('name').notNull(),
  description: text('description'),
  ...bundleColumns(),
  ...mutableRowColumns()
})

export const dataCategories = pgTable(
  'data_categories',
  {
    ...catalogueColumns(),
    specialCategory: text('special_category'),
    criminal: boolean('criminal').notNull().default(false)
  },
  (table) => [
    unique('data_categories_tenant_key').on(table.organisationId, table.id),
    uniqueIndex('data_categories_name_key').on(table.organisationId, sql`lower(${table.name})`),
    uniqueIndex('data_categories_key_key').on(table.organisationId, table.key)
  ]
)

export const dataSubjectCategories = pgTable(
  'data_subject_categories',
  {
    ...catalogueColumns(),
    includesChildren: boolean('includes_children').notNull().default(false),
    vulnerable: boolean('vulnerable').notNull().default(false)
  },
  (table) => [
    unique('data_subject_categories_tenant_key').on(table.organisationId, table.id),
    uniqueIndex('data_subject_categories_name_key').on(table.organisationId, sql`lower(${table.name})`),
    uniqueIndex('data_subject_categories_key_key').on(table.organisationId, table.key)
  ]
)

export const recipients = pgTable(
  'recipients',
  {
    ...catalogueColumns(),
    type: text('type').notNull(),
    country: char('country', { length: 2 })
  },
  (table) => [
    unique('recipients_tenant_key').on(table.organisationId, table.id),
    check('recipients_type_check', sql`${table.type} in ('internal', 'processor', 'joint_controller', 'independent_controller', 'public_authority', 'other')`),
    uniqueIndex('recipients_name_key').on(table.organisationId, sql`lower(${table.name})`),
    uniqueIndex('recipients_key_key').on(table.organisationId, table.key)
  ]
)

export const processors = pgTable(
  'processors',
  {
    ...catalogueColumns(),
    country: char('country', { length: 2 }),
    email: text('email'),
    phone: text('phone'),
    address: text('address'),
    service: text('service'),
    dpaReference: text('dpa_reference'),
    dpaSignedAt: date('dpa_signed_at', { mode: 'string' }),
    subprocessorAuthorisation: text('subprocessor_authorisation').notNull(),
    dpfCertified: boolean('dpf_certified')
  },
  (table) => [
    unique('processors_tenant_key').on(table.organisationId, table.id),
    check('processors_subprocessor_authorisation_check', sql`${table.subprocessorAuthorisation} in ('specific', 'general', 'unknown')`),
    uniqueIndex('processors_name_key').on(table.organisationId, sql`lower(${table.name})`),
    uniqueIndex('processors_key_key').on(table.organisationId, table.key)
  ]
)

/** Which processors a processor engages (Art. 28(2), 28(4)); both ends in the same organisation. */
export const processorSubprocessors = pgTable(
  'processor_subprocessors',
  {
    organisationId: uuid('organisation_id').notNull(),
    processorId: uuid('processor_id').notNull(),
    subprocessorId: uuid('subprocessor_id').notNull(),
    position: integer('position').notNull()
  },
  (table) => [
    primaryKey({ columns: [table.processorId, table.subprocessorId] }),
    foreignKey({
      name: 'processor_subprocessors_processor_fk',
      columns: [table.organisationId, table.processorId],
      foreignColumns: [processors.organisationId, processors.id]
    }).onDelete('cascade'),
    foreignKey({
      name: 'processor_subprocessors_subprocessor_fk',
      columns: [table.organisationId, table.subprocessorId],
      foreignColumns: [processors.organisationId, processors.id]
    }),
    check('processor_subprocessors_not_self', sql`${table.processorId} <> ${table.subprocessorId}`),
    index('processor_subprocessors_subprocessor_idx').on(table.organisationId, table.subprocessorId)
  ]
)

export const securityMeasures = pgTable(
  'security_measures',
  {
    ...catalogueColumns(),
    code: text('code'),
    type: text('type').notNull(),
    appliesToAllActivities: boolean('applies_to_all_activities').notNull().default(false)
  },
  (table) => [
    unique('security_measures_tenant_key').on(table.organisationId, table.id),
    check('security_measures_type_check', sql`${table.type} in ('technical', 'organisational')`),
    uniqueIndex('security_measures_name_key').on(table.organisationId, sql`lower(${table.name})`),
    uniqueIndex('security_measures_key_key').on(table.organisationId, table.key)
  ]
)

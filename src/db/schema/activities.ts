import { sql } from 'drizzle-orm'
import { boolean, check, date, foreignKey, index, integer, jsonb, pgTable, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import type {
  ActivityRole,
  ActivityStatus,
  AutomatedDecision,
  ClientController,
  DataSource,
  Dpia,
  JointController,
  Purpose,
  RetentionRule,
  SpecialCategoryCondition,
  Transfer
} from '../../modules/activities/activities.schemas.ts'
import { dataCategories, dataSubjectCategories, processors, recipients, securityMeasures } from './catalogue.ts'
import { organisations } from './organisations.ts'
import { bundleColumns, mutableRowColumns, organisationIdColumn } from './tenancy.ts'

/**
 * The processing activity, an aggregate (DESIGN.md section 4). What it owns (purposes, transfers,
 * retention rules, Art. 9 conditions, joint and client controllers, DPIA) is stored as JSON in its
 * row, so a read is one row and a write one statement whatever their number. Every id it links to
 * is also written to `activity_links`, whose composite foreign keys let the database refuse a link
 * to another organisation's entry, or the deletion of an entry still linked.
 */
export const activities = pgTable(
  'activities',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    organisationId: organisationIdColumn(() => organisations.id),
    name: text('name').notNull(),
    description: text('description'),
    owner: text('owner'),
    status: text('status').$type<ActivityStatus>().notNull(),
    role: text('role').$type<ActivityRole>().notNull(),
    purposes: jsonb('purposes').$type<Purpose[]>().notNull(),
    dataSubjectCategoryIds: jsonb('data_subject_category_ids').$type<string[]>().notNull(),
    dataCategoryIds: jsonb('data_category_ids').$type<string[]>().notNull(),
    recipientIds: jsonb('recipient_ids').$type<string[]>().notNull(),
    noRecipients: boolean('no_recipients').notNull().default(false),
    processorIds: jsonb('processor_ids').$type<string[]>().notNull(),
    securityMeasureIds: jsonb('security_measure_ids').$type<string[]>().notNull(),
    specialCategoryConditions: jsonb('special_category_conditions').$type<SpecialCategoryCondition[]>().notNull(),
    criminalDataReference: text('criminal_data_reference'),
    jointControllers: jsonb('joint_controllers').$type<JointController[]>().notNull(),
    controllers: jsonb('controllers').$type<ClientController[]>().notNull(),
    transfers: jsonb('transfers').$type<Transfer[]>().notNull(),
    retention: jsonb('retention').$type<RetentionRule[]>().notNull(),
    dpia: jsonb('dpia').$type<Dpia>().notNull(),
    automatedDecisionMaking: boolean('automated_decision_making').notNull(),
    automatedDecisions: jsonb('automated_decisions').$type<AutomatedDecision[]>().notNull().default([]),
    profiling: boolean('profiling').notNull(),
    dataSources: jsonb('data_sources').$type<DataSource[]>().notNull(),
    systems: jsonb('systems').$type<string[]>().notNull(),
    lastReviewedAt: date('last_reviewed_at', { mode: 'string' }),
    /** Months between reviews; null takes the organisation's `review_interval_months`. */
    reviewIntervalMonths: integer('review_interval_months'),
    /**
     * Derived, kept with every write (and when the organisation's interval changes): the last review,
     * or the creation date when never reviewed, plus the interval. Stored so lists filter and order by it.
     */
    nextReviewDue: date('next_review_due', { mode: 'string' }).notNull(),
    ...bundleColumns(),
    recordExemptionClaimed: boolean('record_exemption_claimed').notNull().default(false),
    occasional: boolean('occasional').notNull().default(false),
    ...mutableRowColumns()
  },
  (table) => [
    unique('activities_tenant_key').on(table.organisationId, table.id),
    check('activities_status_check', sql`${table.status} in ('draft', 'active', 'retired')`),
    check('activities_role_check', sql`${table.role} in ('controller', 'joint_controller', 'processor')`),
    index('activities_name_idx').on(table.organisationId, sql`lower(${table.name})`, table.id),
    uniqueIndex('activities_key_key').on(table.organisationId, table.key),
    index('activities_updated_idx').on(table.organisationId, table.updatedAt),
    index('activities_review_due_idx').on(table.organisationId, table.nextReviewDue, table.id)
  ]
)

/**
 * One row per catalogue entry an activity links to, wherever the link sits: `field` names the
 * list (`dataCategoryIds`, `transfers`, `retention`, ...) and `item` the transfer or retention
 * rule it belongs to. Exactly one target column is set.
 */
export const activityLinks = pgTable(
  'activity_links',
  {
    organisationId: uuid('organisation_id').notNull(),
    activityId: uuid('activity_id').notNull(),
    field: text('field').notNull(),
    item: integer('item'),
    position: integer('position').notNull(),
    dataCategoryId: uuid('data_category_id'),
    dataSubjectCategoryId: uuid('data_subject_category_id'),
    recipientId: uuid('recipient_id'),
    processorId: uuid('processor_id'),
    securityMeasureId: uuid('security_measure_id')
  },
  (table) => [
    foreignKey({
      name: 'activity_links_activity_fk',
      columns: [table.organisationId, table.activityId],
      foreignColumns: [activities.organisationId, activities.id]
    }).onDelete('cascade'),
    foreignKey({
      name: 'activity_links_data_category_fk',
      columns: [table.organisationId, table.dataCategoryId],
      foreignColumns: [dataCategories.organisationId, dataCategories.id]
    }),
    foreignKey({
      name: 'activity_links_data_subject_category_fk',
      columns: [table.organisationId, table.dataSubjectCategoryId],
      foreignColumns: [dataSubjectCategories.organisationId, dataSubjectCategories.id]
    }),
    foreignKey({
      name: 'activity_links_recipient_fk',
      columns: [table.organisationId, table.recipientId],
      foreignColumns: [recipients.organisationId, recipients.id]
    }),
    foreignKey({
      name: 'activity_links_processor_fk',
      columns: [table.organisationId, table.processorId],
      foreignColumns: [processors.organisationId, processors.id]
    }),
    foreignKey({
      name: 'activity_links_security_measure_fk',
      columns: [table.organisationId, table.securityMeasureId],
      foreignColumns: [securityMeasures.organisationId, securityMeasures.id]
    }),
    check(
      'activity_links_one_target',
      sql`num_nonnulls(${table.dataCategoryId}, ${table.dataSubjectCategoryId}, ${table.recipientId}, ${table.processorId}, ${table.securityMeasureId}) = 1`
    ),
    index('activity_links_activity_idx').on(table.organisationId, table.activityId),
    index('activity_links_data_category_idx').on(table.organisationId, table.dataCategoryId),
    index('activity_links_data_subject_category_idx').on(table.organisationId, table.dataSubjectCategoryId),
    index('activity_links_recipient_idx').on(table.organisationId, table.recipientId),
    index('activity_links_processor_idx').on(table.organisationId, table.processorId),
    index('activity_links_security_measure_idx').on(table.organisationId, table.securityMeasureId)
  ]
)

import { sql } from 'drizzle-orm'
import { boolean, char, check, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core'
import { mutableRowColumns } from './tenancy.ts'

export interface DpoContact {
  designated: boolean
  name: string | null
  email: string | null
  phone: string | null
  address: string | null
}

export interface RepresentativeContact {
  name: string | null
  email: string | null
  phone: string | null
  address: string | null
}

/** The controller (or processor) whose record this is: Art. 30(1)(a) and 30(2)(a). The tenant root. */
export const organisations = pgTable(
  'organisations',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    registrationNumber: text('registration_number'),
    address: text('address'),
    email: text('email'),
    phone: text('phone'),
    website: text('website'),
    supervisoryAuthority: text('supervisory_authority'),
    country: char('country', { length: 2 }).notNull(),
    isPublicAuthority: boolean('is_public_authority').notNull().default(false),
    employeeCount: integer('employee_count'),
    dpo: jsonb('dpo').$type<DpoContact>(),
    representative: jsonb('representative').$type<RepresentativeContact>(),
    /** Governance (issue 19): the review interval of activities that set none, and whether writes to active activities need a `Change-Reason`. */
    reviewIntervalMonths: integer('review_interval_months').notNull().default(12),
    requireChangeReason: boolean('require_change_reason').notNull().default(false),
    /** The public register (Art. 30 published by public bodies): its URL segment, and whether it is published. */
    slug: text('slug'),
    publicRegister: boolean('public_register').notNull().default(false),
    ...mutableRowColumns()
  },
  (table) => [
    uniqueIndex('organisations_slug_key').on(table.slug),
    // Checked in the database, so every write path (the API, bundles, imports) keeps it.
    check('organisations_public_register_slug_check', sql`not ${table.publicRegister} or ${table.slug} is not null`)
  ]
)

import { boolean, char, integer, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core'
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
export const organisations = pgTable('organisations', {
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
  ...mutableRowColumns()
})

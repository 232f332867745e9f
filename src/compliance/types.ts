/** What the rules read: the organisation, its catalogue and its activities, as the API serialises them. */
import type { ActivityRole, Activity as ApiActivity, Purpose, Transfer } from '../modules/activities/activities.schemas.ts'
import type { DataCategory } from '../modules/data-categories/data-categories.resource.ts'
import type { DataSubjectCategory } from '../modules/data-subject-categories/data-subject-categories.resource.ts'
import type { Organisation as ApiOrganisation } from '../modules/organisations/organisations.schemas.ts'
import type { Processor } from '../modules/processors/processors.resource.ts'
import type { Recipient } from '../modules/recipients/recipients.resource.ts'
import type { SecurityMeasure } from '../modules/security-measures/security-measures.resource.ts'

export type Json = Record<string, unknown>

/** Fields no rule reads: metadata the checks need not be given. */
type Bookkeeping = 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'

/** The organisation as the API serialises it, without what no rule reads (its review interval defaults to `REVIEW_MONTHS`). */
export type Organisation = Omit<
  ApiOrganisation,
  Bookkeeping | 'registrationNumber' | 'website' | 'supervisoryAuthority' | 'reviewIntervalMonths' | 'requireChangeReason' | 'slug' | 'publicRegister'
> & { reviewIntervalMonths?: number }

/** An entry of each catalogue kind: what the catalogue query (exports/record.repository.ts) selects of it. */
export interface CatalogueEntries {
  dataCategories: Pick<DataCategory, 'name' | 'description' | 'specialCategory' | 'criminal'>
  dataSubjectCategories: Pick<DataSubjectCategory, 'name' | 'description' | 'includesChildren' | 'vulnerable'>
  recipients: Pick<Recipient, 'name' | 'type' | 'country' | 'description'>
  processors: Pick<
    Processor,
    | 'name'
    | 'country'
    | 'email'
    | 'phone'
    | 'address'
    | 'service'
    | 'dpaReference'
    | 'dpaSignedAt'
    | 'subprocessorAuthorisation'
    | 'dpfCertified'
    | 'subProcessorIds'
  >
  securityMeasures: Pick<SecurityMeasure, 'name' | 'code' | 'type' | 'description' | 'appliesToAllActivities'>
}

/** The organisation's catalogue: each kind's entries by id. */
export type Catalogue = { [Kind in keyof CatalogueEntries]: Map<string, CatalogueEntries[Kind]> }

export type { Purpose, Transfer }

/** The activity as the API serialises it, without what no rule reads (its creation counts: review ages start there). */
export type Activity = Omit<
  ApiActivity,
  Exclude<Bookkeeping, 'createdAt'> | 'owner' | 'dataSources' | 'systems' | 'key' | 'managedBy' | 'nextReviewDue' | 'reviewIntervalMonths'
> & { reviewIntervalMonths?: number | null }

export interface Context {
  organisation: Organisation
  catalogue: Catalogue
  /** The instant the record is checked at: adequacy end dates and review ages count from it. */
  now: Date
}

export type Severity = 'error' | 'warning' | 'info'

export interface Finding {
  rule: string
  severity: Severity
  article: string
  entityType: 'organisation' | 'activity' | 'processor'
  entityId: string
  path: string
  message: string
}

export interface Rule {
  /** A stable, readable slug. */
  id: string
  /** The lint rule of the regulatory reference it implements (`L-01` …). */
  code: string
  /** The most severe finding the rule can raise. */
  severity: Severity
  article: string
  checks: string
  scope: 'organisation' | 'activity'
  /**
   * The roles of the organisation in an activity the rule applies to: Art. 30(1) asks a controller
   * (alone or jointly) for purposes, categories, recipients and retention; Art. 30(2) asks a processor
   * only for its client controllers, the categories of processing, transfers and security.
   */
  roles: readonly ActivityRole[]
  /**
   * `requirement`: the finding states what a provision requires. `heuristic`: an inference from
   * patterns (wording, typical cases) that can be wrong for one organisation, so a DPO may
   * acknowledge it.
   */
  kind: RuleKind
}

export type RuleKind = 'requirement' | 'heuristic'

/** Both kinds of controller: Art. 30(1) applies to each (Art. 26 adds the arrangement). */
export const controllerRoles = ['controller', 'joint_controller'] as const satisfies readonly ActivityRole[]
export const allRoles = ['controller', 'joint_controller', 'processor'] as const satisfies readonly ActivityRole[]
export const processorRole = ['processor'] as const satisfies readonly ActivityRole[]

/** A finding as an activity rule returns it: the rule and the activity are added around it. */
export type ActivityFinding = Omit<Finding, 'rule' | 'entityType' | 'entityId'>

export interface ActivityRule extends Rule {
  scope: 'activity'
  evaluate(activity: Activity, context: Context): ActivityFinding[]
}

export interface OrganisationRule extends Rule {
  scope: 'organisation'
  evaluate(context: Context): Omit<Finding, 'rule'>[]
}

/** The calendar date (`YYYY-MM-DD`) `months` before `now`: review and re-check intervals compare against it. */
export function monthsBefore(now: Date, months: number): string {
  const limit = new Date(now)
  limit.setUTCMonth(limit.getUTCMonth() - months)
  return limit.toISOString().slice(0, 10)
}

export const blank = (value: string | null | undefined) => value === null || value === undefined || value.trim() === ''

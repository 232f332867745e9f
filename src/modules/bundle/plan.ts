import { createHash } from 'node:crypto'
import { canonicalJson } from '../../compliance/acknowledgements.ts'
import { activityFindings, type Finding, organisationFindings } from '../../compliance/index.ts'
import type { Catalogue, Context } from '../../compliance/types.ts'
import type { FieldError } from '../../shared/problems.ts'
import {
  AutomatedDecision,
  activityDefaults,
  ClientController,
  Dpia,
  JointController,
  Purpose,
  RetentionRule,
  SpecialCategoryCondition,
  Transfer
} from '../activities/activities.schemas.ts'
import { dataCategoriesResource } from '../data-categories/data-categories.resource.ts'
import { dataSubjectCategoriesResource } from '../data-subject-categories/data-subject-categories.resource.ts'
import { processorsResource } from '../processors/processors.resource.ts'
import { recipientsResource } from '../recipients/recipients.resource.ts'
import { securityMeasuresResource } from '../security-measures/security-measures.resource.ts'
import type { CatalogueKind } from './bundle.repository.ts'
import type { BundleDocument } from './bundle.schemas.ts'

type Json = Record<string, unknown>
type Entry = Json & { key: string }
export type EntityType = 'organisation' | CatalogueKind | 'activities'
export const catalogueOrder: CatalogueKind[] = ['dataCategories', 'dataSubjectCategories', 'recipients', 'processors', 'securityMeasures']

export interface Change {
  op: 'create' | 'update' | 'delete'
  entityType: EntityType
  key: string
  fields: { path: string; from: unknown; to: unknown }[]
}

export interface PlanOptions {
  prune: boolean
  managedBy?: string | undefined
}

/** What a create fills when a bundle leaves a field out: a bundle says the whole record, so a missing field is its default. */
const organisationDefaults: Json = {
  registrationNumber: null,
  address: null,
  email: null,
  phone: null,
  website: null,
  supervisoryAuthority: null,
  isPublicAuthority: false,
  employeeCount: null,
  dpo: null,
  representative: null,
  slug: null,
  publicRegister: false
}
const completes: Record<CatalogueKind, (given: never) => Json> = {
  dataCategories: dataCategoriesResource.complete,
  dataSubjectCategories: dataSubjectCategoriesResource.complete,
  recipients: recipientsResource.complete,
  processors: processorsResource.complete,
  securityMeasures: securityMeasuresResource.complete
}

/** An activity's defaults in a bundle: links are by keys. */
const { dataSubjectCategoryIds: _s, dataCategoryIds: _d, recipientIds: _r, processorIds: _p, securityMeasureIds: _m, ...unlinked } = activityDefaults
const keyedActivityDefaults = {
  ...unlinked,
  dataSubjectCategoryKeys: [] as string[],
  dataCategoryKeys: [] as string[],
  recipientKeys: [] as string[],
  processorKeys: [] as string[],
  securityMeasureKeys: [] as string[]
}

/** The bundle with every field a write would fill, in the shape a pull gives: what it is compared with. */
export function filled(bundle: BundleDocument): BundleDocument {
  const { $schema: _, ...rest } = bundle
  const catalogue = (kind: CatalogueKind) =>
    (rest[kind] as Entry[]).map((entry) => {
      const { subProcessorKeys, ...fields } = entry
      const { subProcessorIds: _, ...complete }: Json = { managedBy: null, ...completes[kind](fields as never), key: entry.key }
      return kind === 'processors' ? { ...complete, subProcessorKeys: subProcessorKeys ?? [] } : complete
    })
  return {
    organisation: { ...organisationDefaults, ...rest.organisation },
    dataCategories: catalogue('dataCategories'),
    dataSubjectCategories: catalogue('dataSubjectCategories'),
    recipients: catalogue('recipients'),
    processors: catalogue('processors'),
    securityMeasures: catalogue('securityMeasures'),
    activities: rest.activities.map((activity) => {
      const full = { ...keyedActivityDefaults, ...activity }
      return {
        ...full,
        purposes: full.purposes.map(Purpose.fill),
        specialCategoryConditions: full.specialCategoryConditions.map(SpecialCategoryCondition.fill),
        jointControllers: full.jointControllers.map(JointController.fill),
        controllers: full.controllers.map(ClientController.fill),
        automatedDecisions: full.automatedDecisions.map(AutomatedDecision.fill),
        dpia: Dpia.fill(full.dpia),
        transfers: (activity.transfers ?? []).map(({ processorKey, ...transfer }) => {
          const { processorId: _, ...complete } = Transfer.fill(transfer)
          return { ...complete, processorKey: processorKey ?? null }
        }),
        retention: (activity.retention ?? []).map(({ dataCategoryKeys, ...rule }) => {
          const { dataCategoryIds: _, ...complete } = RetentionRule.fill(rule)
          return { ...complete, dataCategoryKeys: dataCategoryKeys ?? [] }
        })
      }
    })
  } as unknown as BundleDocument
}

/** Links to keys that neither the bundle nor the record has: 422, each named by its bundle path. */
export function unknownKeys(bundle: BundleDocument, current: BundleDocument): FieldError[] {
  const known = (kind: CatalogueKind) => new Set([...(bundle[kind] as Entry[]), ...(current[kind] as Entry[])].map((entry) => entry.key))
  const keys = Object.fromEntries(catalogueOrder.map((kind) => [kind, known(kind)])) as Record<CatalogueKind, Set<string>>
  const errors: FieldError[] = []
  const check = (kind: CatalogueKind, list: unknown, at: string) => {
    for (const [index, key] of ((list ?? []) as string[]).entries())
      if (!keys[kind].has(key)) errors.push({ path: `${at}/${index}`, message: `'${key}' is the key of no ${kind} entry in the bundle or the organisation` })
  }
  for (const [index, processor] of bundle.processors.entries()) check('processors', processor.subProcessorKeys, `/body/processors/${index}/subProcessorKeys`)
  bundle.activities.forEach((activity, index) => {
    const at = `/body/activities/${index}`
    check('dataSubjectCategories', activity.dataSubjectCategoryKeys, `${at}/dataSubjectCategoryKeys`)
    check('dataCategories', activity.dataCategoryKeys, `${at}/dataCategoryKeys`)
    check('recipients', activity.recipientKeys, `${at}/recipientKeys`)
    check('processors', activity.processorKeys, `${at}/processorKeys`)
    check('securityMeasures', activity.securityMeasureKeys, `${at}/securityMeasureKeys`)
    ;(activity.transfers ?? []).forEach((transfer, item) => {
      if (transfer.processorKey) check('processors', [transfer.processorKey], `${at}/transfers/${item}/processorKey`)
    })
    for (const [item, rule] of (activity.retention ?? []).entries()) check('dataCategories', rule.dataCategoryKeys, `${at}/retention/${item}/dataCategoryKeys`)
  })
  // A key twice in one list of the bundle.
  for (const kind of [...catalogueOrder, 'activities'] as const) {
    const seen = new Set<string>()
    ;(bundle[kind] as Entry[]).forEach((entry, index) => {
      if (seen.has(entry.key)) errors.push({ path: `/body/${kind}/${index}/key`, message: `'${entry.key}' is the key of an earlier entry of ${kind}` })
      seen.add(entry.key)
    })
  }
  return errors
}

const differences = (from: Json, to: Json) =>
  [...new Set([...Object.keys(from), ...Object.keys(to)])]
    .filter((field) => canonicalJson(from[field] ?? null) !== canonicalJson(to[field] ?? null))
    .map((field) => ({ path: `/${field}`, from: from[field] ?? null, to: to[field] ?? null }))

/** The record after the plan, in bundle form: the bundle's entries, and those it leaves out but does not prune. */
export function planChanges(current: BundleDocument, wanted: BundleDocument, options: PlanOptions): { changes: Change[]; after: BundleDocument } {
  const changes: Change[] = []
  const orgFields = differences(current.organisation as Json, wanted.organisation as Json)
  if (orgFields.length > 0) changes.push({ op: 'update', entityType: 'organisation', key: 'organisation', fields: orgFields })
  const after = { organisation: wanted.organisation } as Json
  for (const kind of [...catalogueOrder, 'activities'] as const) {
    const now = new Map((current[kind] as Entry[]).map((entry) => [entry.key, entry]))
    const next = new Map((wanted[kind] as Entry[]).map((entry) => [entry.key, entry]))
    const kept: Entry[] = []
    for (const [key, entry] of next) {
      const existing = now.get(key)
      if (!existing) changes.push({ op: 'create', entityType: kind, key, fields: differences({}, entry) })
      else {
        const fields = differences(existing, entry)
        if (fields.length > 0) changes.push({ op: 'update', entityType: kind, key, fields })
      }
      kept.push(entry)
    }
    for (const [key, entry] of now) {
      if (next.has(key)) continue
      if (options.prune && options.managedBy !== undefined && entry.managedBy === options.managedBy)
        changes.push({ op: 'delete', entityType: kind, key, fields: differences(entry, {}) })
      else kept.push(entry)
    }
    after[kind] = kept
  }
  return { changes, after: after as unknown as BundleDocument }
}

/** Entries a delete would leave linked from what stays: each is a 409 at apply, so the plan refuses it too. */
export function brokenLinks(changes: Change[], after: BundleDocument): { entityType: string; key: string; linkedFrom: string }[] {
  const deleted = new Set(changes.filter((change) => change.op === 'delete').map((change) => `${change.entityType}:${change.key}`))
  const broken: { entityType: string; key: string; linkedFrom: string }[] = []
  const link = (kind: CatalogueKind, keys: unknown, from: string) => {
    for (const key of (keys ?? []) as string[]) if (deleted.has(`${kind}:${key}`)) broken.push({ entityType: kind, key, linkedFrom: from })
  }
  for (const processor of after.processors) link('processors', processor.subProcessorKeys, `processors/${processor.key}`)
  for (const activity of after.activities) {
    const from = `activities/${activity.key}`
    link('dataSubjectCategories', activity.dataSubjectCategoryKeys, from)
    link('dataCategories', activity.dataCategoryKeys, from)
    link('recipients', activity.recipientKeys, from)
    link('processors', activity.processorKeys, from)
    link('securityMeasures', activity.securityMeasureKeys, from)
    for (const transfer of activity.transfers ?? []) link('processors', transfer.processorKey ? [transfer.processorKey] : [], from)
    for (const rule of activity.retention ?? []) link('dataCategories', rule.dataCategoryKeys, from)
  }
  return broken
}

/** A finding on a record in bundle form: its entity named by kind and key. */
export type PlannedFinding = Omit<Finding, 'entityId'> & { entityKey: string }

/** The findings of a record in bundle form: keys stand in for ids, so the findings of two versions of a record compare. */
export function findingsOf(record: BundleDocument, organisationId: string, now: Date): PlannedFinding[] {
  const catalogueOf = (kind: CatalogueKind) =>
    new Map(
      (record[kind] as Entry[]).map(
        (entry) => [entry.key, kind === 'processors' ? { ...entry, subProcessorIds: entry.subProcessorKeys ?? [] } : entry] as const
      )
    )
  const catalogue = Object.fromEntries(catalogueOrder.map((kind) => [kind, catalogueOf(kind)])) as unknown as Catalogue
  const context: Context = { organisation: { id: organisationId, ...record.organisation } as Context['organisation'], catalogue, now }
  const findings = [
    ...organisationFindings(context),
    ...record.activities
      .filter((activity) => activity.status !== 'retired')
      .flatMap((activity) =>
        activityFindings(
          {
            ...(activity as unknown as Json),
            id: activity.key,
            createdAt: now.toISOString(),
            dataSubjectCategoryIds: activity.dataSubjectCategoryKeys ?? [],
            dataCategoryIds: activity.dataCategoryKeys ?? [],
            recipientIds: activity.recipientKeys ?? [],
            processorIds: activity.processorKeys ?? [],
            securityMeasureIds: activity.securityMeasureKeys ?? [],
            transfers: (activity.transfers ?? []).map(({ processorKey, ...transfer }) => ({ ...transfer, processorId: processorKey ?? null })),
            retention: (activity.retention ?? []).map(({ dataCategoryKeys, ...rule }) => ({ ...rule, dataCategoryIds: dataCategoryKeys ?? [] }))
          } as unknown as Parameters<typeof activityFindings>[0],
          context
        )
      )
  ]
  return findings.map(({ entityId, ...finding }) => ({ ...finding, entityKey: finding.entityType === 'organisation' ? 'organisation' : entityId }))
}

const findingIdentity = (finding: PlannedFinding) =>
  canonicalJson([finding.rule, finding.entityType, finding.entityKey, finding.path, finding.severity, finding.message])

/** The findings the plan adds and those it resolves. */
export function findingsDelta(before: PlannedFinding[], after: PlannedFinding[]) {
  const was = new Set(before.map(findingIdentity))
  const will = new Set(after.map(findingIdentity))
  return { added: after.filter((finding) => !was.has(findingIdentity(finding))), resolved: before.filter((finding) => !will.has(findingIdentity(finding))) }
}

/** What a plan is for: the record it was made on and what it asks; applying with it as If-Match proves the record is unchanged. */
export const planHash = (current: BundleDocument, wanted: BundleDocument, options: PlanOptions) =>
  createHash('sha256')
    .update(canonicalJson({ current, wanted, prune: options.prune, managedBy: options.managedBy ?? null }))
    .digest('hex')

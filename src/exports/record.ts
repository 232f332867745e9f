import { sql } from 'drizzle-orm'
import { activityFindings, summarise } from '../compliance/index.ts'
import type { Activity as ComplianceActivity, Organisation as ComplianceOrganisation, Context } from '../compliance/types.ts'
import type { DatabaseHandle, Row, Snapshot } from '../db/client.ts'
import { countryByCode } from '../reference/countries.ts'
import { dpiaCriteria } from '../reference/dpia-criteria.ts'
import { legalBases } from '../reference/legal-bases.ts'
import { securityMeasureVocabulary } from '../reference/security-measures.ts'
import { specialCategories } from '../reference/special-categories.ts'
import { transferMechanisms } from '../reference/transfer-mechanisms.ts'
import { ApiProblem } from '../shared/problems.ts'
import type { ExportActivity, ExportOrganisation } from './record.schemas.ts'

type Json = Record<string, unknown>
export type RecordKind = 'controller' | 'processor'

export interface RecordOptions {
  record: RecordKind
  includeDrafts: boolean
  /** Read the record as it stood at this instant (from the audit trail); undefined: now. */
  asOf?: string | undefined
  /** Run the checks on each activity for its findings summary (the JSON export shows it). */
  findings?: boolean
}

export interface ClientController {
  name: string
  contact: string | null
  representative: string | null
}

/** What a renderer reads: the header, then the activities (a fresh pass, one statement, each time it asks). */
export interface AssembledRecord {
  organisation: ExportOrganisation
  record: RecordKind
  generatedAt: string
  asOf: string | null
  includesDrafts: boolean
  activities(): AsyncIterable<{ activity: ExportActivity; controller: ClientController | null }>
}

const byCode = <T extends { code: string }>(list: readonly T[]) => new Map(list.map((entry) => [entry.code, entry]))
const codeLists = {
  legalBasis: byCode(legalBases),
  specialCategory: byCode(specialCategories),
  mechanism: byCode(transferMechanisms),
  securityMeasure: byCode(securityMeasureVocabulary),
  dpiaCriterion: byCode(dpiaCriteria)
}

export function codeRef(list: keyof typeof codeLists, code: unknown) {
  if (typeof code !== 'string') return null
  const entry = codeLists[list].get(code)
  return { code, label: entry?.label ?? code, article: entry?.article ?? '' }
}

export function countryRef(code: unknown) {
  if (typeof code !== 'string') return null
  const country = countryByCode.get(code)
  if (!country) return { code, name: code, eea: false, adequacy: null }
  const { adequacy } = country
  return {
    code,
    name: country.name,
    eea: country.eea,
    adequacy: adequacy && { decision: adequacy.decision, scope: adequacy.scope, conditions: adequacy.conditions, validUntil: adequacy.validUntil }
  }
}

/**
 * The order of every list of linked entries in an export: by name in any case, then by id, compared
 * by code point (as collation "C" does), so PGlite and PostgreSQL export a record alike.
 */
export function byName(a: { name: string; id: string }, b: { name: string; id: string }): number {
  return Buffer.compare(Buffer.from(a.name.toLowerCase()), Buffer.from(b.name.toLowerCase())) || Buffer.compare(Buffer.from(a.id), Buffer.from(b.id))
}

const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`)

const organisationQuery = (organisationId: string) => sql`
  select id, name, registration_number, address, email, phone, website, country, supervisory_authority,
         is_public_authority, employee_count, dpo, representative
    from organisations where id = ${organisationId}`

/** The whole catalogue in one statement: it is bounded by the organisation's size, not its activities. */
export const catalogueQuery = (organisationId: string) => sql`
  select 'dataCategories' as kind, id, jsonb_build_object('name', name, 'description', description, 'specialCategory', special_category, 'criminal', criminal) as entry
    from data_categories where organisation_id = ${organisationId}
  union all
  select 'dataSubjectCategories', id, jsonb_build_object('name', name, 'description', description, 'includesChildren', includes_children, 'vulnerable', vulnerable)
    from data_subject_categories where organisation_id = ${organisationId}
  union all
  select 'recipients', id, jsonb_build_object('name', name, 'type', type, 'country', country, 'description', description)
    from recipients where organisation_id = ${organisationId}
  union all
  select 'processors', p.id, jsonb_build_object('name', p.name, 'country', p.country, 'email', p.email, 'phone', p.phone, 'address', p.address, 'service', p.service,
         'dpaReference', p.dpa_reference, 'dpaSignedAt', p.dpa_signed_at, 'subprocessorAuthorisation', p.subprocessor_authorisation, 'dpfCertified', p.dpf_certified,
         'subProcessorIds', coalesce((select jsonb_agg(l.subprocessor_id order by l.position) from processor_subprocessors l where l.processor_id = p.id), '[]'::jsonb))
    from processors p where p.organisation_id = ${organisationId}
  union all
  select 'securityMeasures', id, jsonb_build_object('name', name, 'code', code, 'type', type, 'description', description, 'appliesToAllActivities', applies_to_all_activities)
    from security_measures where organisation_id = ${organisationId}
  order by 1, 2`

/**
 * As of an instant, each entity is its latest audit snapshot at or before it, unless that was its
 * deletion. The snapshots are mapped back to the columns of the live queries, so everything after
 * them (resolution, checks, rendering) is the same code.
 */
const latestSnapshots = (organisationId: string, asOf: string, entityTypes: string[]) => sql`
  select entity_type, entity_id, snapshot from (
    select distinct on (entity_type, entity_id) entity_type, entity_id, action, snapshot
      from audit_events
     where organisation_id = ${organisationId} and at <= ${asOf}::timestamptz and entity_type in (${sql.join(
       entityTypes.map((type) => sql`${type}`),
       sql`, `
     )})
     order by entity_type, entity_id, seq desc
  ) latest where action <> 'delete'`

const organisationAsOfQuery = (organisationId: string, asOf: string) => sql`
  select s->>'id' as id, s->>'name' as name, s->>'registrationNumber' as registration_number, s->>'address' as address, s->>'email' as email,
         s->>'phone' as phone, s->>'website' as website, s->>'country' as country, s->>'supervisoryAuthority' as supervisory_authority,
         (s->>'isPublicAuthority')::boolean as is_public_authority, (s->>'employeeCount')::int as employee_count, s->'dpo' as dpo, s->'representative' as representative
    from (select snapshot as s from (${latestSnapshots(organisationId, asOf, ['organisation'])}) o) organisation`

const catalogueAsOfQuery = (organisationId: string, asOf: string) => sql`
  select case entity_type when 'data_category' then 'dataCategories' when 'data_subject_category' then 'dataSubjectCategories' when 'recipient' then 'recipients'
              when 'processor' then 'processors' else 'securityMeasures' end as kind, entity_id as id, snapshot as entry
    from (${latestSnapshots(organisationId, asOf, ['data_category', 'data_subject_category', 'recipient', 'processor', 'security_measure'])}) catalogue
   order by 1, 2`

function activitiesAsOfQuery(organisationId: string, options: RecordOptions & { asOf: string }) {
  const statuses = options.includeDrafts ? ['active', 'draft'] : ['active']
  const roles = options.record === 'processor' ? ['processor'] : ['controller', 'joint_controller']
  const list = (values: string[]) =>
    sql.join(
      values.map((value) => sql`${value}`),
      sql`, `
    )
  const columns = sql`s->>'id' as id, s->>'name' as name, s->>'description' as description, s->>'owner' as owner, s->>'status' as status, s->>'role' as role,
    s->'purposes' as purposes, s->'dataSubjectCategoryIds' as data_subject_category_ids, s->'dataCategoryIds' as data_category_ids, s->'recipientIds' as recipient_ids,
    s->'processorIds' as processor_ids, s->'securityMeasureIds' as security_measure_ids, s->'specialCategoryConditions' as special_category_conditions,
    s->>'criminalDataReference' as criminal_data_reference, s->'jointControllers' as joint_controllers, s->'controllers' as controllers, s->'transfers' as transfers,
    s->'retention' as retention, s->'dpia' as dpia, (s->>'automatedDecisionMaking')::boolean as automated_decision_making, (s->>'profiling')::boolean as profiling,
    s->'dataSources' as data_sources, s->'systems' as systems, s->>'lastReviewedAt' as last_reviewed_at, (s->>'version')::int as version,
    s->>'createdAt' as created_at, s->>'updatedAt' as updated_at`
  const from = sql`(select snapshot as s from (${latestSnapshots(organisationId, options.asOf, ['activity'])}) latest) a
    where s->>'status' in (${list(statuses)}) and s->>'role' in (${list(roles)})`
  if (options.record === 'controller')
    return sql`select ${columns}, null::jsonb as client_controller from ${from} order by lower(s->>'name') collate "C", s->>'id'`
  return sql`select ${columns}, c.value as client_controller from ${sql`(select snapshot as s from (${latestSnapshots(organisationId, options.asOf, ['activity'])}) latest) a`}
    left join lateral jsonb_array_elements(s->'controllers') c on true
    where s->>'status' in (${list(statuses)}) and s->>'role' in (${list(roles)})
    order by c.value->>'name' collate "C" nulls last, c.value::text collate "C", lower(s->>'name') collate "C", s->>'id'`
}

function activitiesQuery(organisationId: string, options: RecordOptions) {
  if (options.asOf) return activitiesAsOfQuery(organisationId, { ...options, asOf: options.asOf })
  const statuses = options.includeDrafts ? sql`('active', 'draft')` : sql`('active')`
  const roles = options.record === 'processor' ? sql`('processor')` : sql`('controller', 'joint_controller')`
  const columns = sql`a.id, a.name, a.description, a.owner, a.status, a.role, a.purposes, a.data_subject_category_ids, a.data_category_ids, a.recipient_ids,
    a.processor_ids, a.security_measure_ids, a.special_category_conditions, a.criminal_data_reference, a.joint_controllers, a.controllers, a.transfers,
    a.retention, a.dpia, a.automated_decision_making, a.profiling, a.data_sources, a.systems, a.last_reviewed_at::text as last_reviewed_at, a.version,
    ${iso('a.created_at')} as created_at, ${iso('a.updated_at')} as updated_at`
  const where = sql`a.organisation_id = ${organisationId} and a.status in ${statuses} and a.role in ${roles}`
  if (options.record === 'controller')
    return sql`select ${columns}, null::jsonb as client_controller from activities a where ${where} order by lower(a.name) collate "C", a.id`
  // The processor record lists each activity under every client controller it serves (Art. 30(2)(a)).
  return sql`select ${columns}, c.value as client_controller from activities a left join lateral jsonb_array_elements(a.controllers) c on true
    where ${where} order by c.value->>'name' collate "C" nulls last, c.value::text collate "C", lower(a.name) collate "C", a.id`
}

type Catalogue = Record<'dataCategories' | 'dataSubjectCategories' | 'recipients' | 'processors' | 'securityMeasures', Map<string, Json>>

/** The rows of `catalogueQuery` (or its as-of twin) as maps by id; the compliance rules read the same maps. */
export function toCatalogue(rows: Row[]): Catalogue {
  const catalogue: Catalogue = {
    dataCategories: new Map(),
    dataSubjectCategories: new Map(),
    recipients: new Map(),
    processors: new Map(),
    securityMeasures: new Map()
  }
  for (const row of rows) catalogue[row.kind as keyof Catalogue].set(String(row.id), row.entry as Json)
  return catalogue
}

function toOrganisation(row: Row): ExportOrganisation {
  return {
    id: String(row.id),
    name: String(row.name),
    registrationNumber: row.registration_number as string | null,
    address: row.address as string | null,
    email: row.email as string | null,
    phone: row.phone as string | null,
    website: row.website as string | null,
    country: countryRef(row.country),
    supervisoryAuthority: row.supervisory_authority as string | null,
    isPublicAuthority: Boolean(row.is_public_authority),
    employeeCount: row.employee_count as number | null,
    dpo: row.dpo as ExportOrganisation['dpo'],
    representative: row.representative as ExportOrganisation['representative']
  }
}

/** The activity in the shape the compliance rules read (that of the API). */
function complianceActivity(row: Row): ComplianceActivity {
  return {
    id: String(row.id),
    name: String(row.name),
    status: String(row.status),
    role: String(row.role),
    purposes: row.purposes,
    dataSubjectCategoryIds: row.data_subject_category_ids,
    dataCategoryIds: row.data_category_ids,
    recipientIds: row.recipient_ids,
    processorIds: row.processor_ids,
    securityMeasureIds: row.security_measure_ids,
    specialCategoryConditions: row.special_category_conditions,
    criminalDataReference: row.criminal_data_reference,
    jointControllers: row.joint_controllers,
    controllers: row.controllers,
    transfers: row.transfers,
    retention: row.retention,
    dpia: row.dpia,
    automatedDecisionMaking: Boolean(row.automated_decision_making),
    profiling: Boolean(row.profiling),
    lastReviewedAt: (row.last_reviewed_at ?? null) as string | null
  } as ComplianceActivity
}

/** An activity as an auditor reads it: names for ids, labels and articles for codes, organisation-wide measures merged in, and what the checks found. */
export function resolveActivity(row: Row, catalogue: Catalogue, compliance?: Context): ExportActivity {
  const entry = (list: keyof Catalogue, id: string) => catalogue[list].get(id) ?? { name: '(unknown)' }
  const named = (list: keyof Catalogue, id: string) => ({ id, name: String(entry(list, id).name) })
  const ids = (value: unknown) => (value as string[] | null) ?? []
  const objects = (value: unknown) => (value as Json[] | null) ?? []
  const text = (value: unknown) => (value ?? null) as string | null

  const ownMeasures = new Set(ids(row.security_measure_ids))
  const measures = [...catalogue.securityMeasures].filter(([id, measure]) => measure.appliesToAllActivities || ownMeasures.has(id))
  const dpia = row.dpia as Json

  return {
    id: String(row.id),
    name: String(row.name),
    description: text(row.description),
    businessFunction: text(row.owner),
    status: row.status as 'draft' | 'active',
    role: row.role as ExportActivity['role'],
    purposes: objects(row.purposes).map((purpose) => ({
      description: String(purpose.description),
      legalBasis: codeRef('legalBasis', purpose.legalBasis),
      legalReference: text(purpose.legalReference),
      legitimateInterest: text(purpose.legitimateInterest),
      liaReference: text(purpose.liaReference),
      consent: purpose.consent as ExportActivity['purposes'][number]['consent'],
      directMarketing: Boolean(purpose.directMarketing)
    })),
    dataSubjectCategories: ids(row.data_subject_category_ids)
      .map((id) => {
        const category = entry('dataSubjectCategories', id)
        return {
          id,
          name: String(category.name),
          description: text(category.description),
          includesChildren: Boolean(category.includesChildren),
          vulnerable: Boolean(category.vulnerable)
        }
      })
      .sort(byName),
    dataCategories: ids(row.data_category_ids)
      .map((id) => {
        const category = entry('dataCategories', id)
        return {
          id,
          name: String(category.name),
          description: text(category.description),
          specialCategory: codeRef('specialCategory', category.specialCategory),
          criminal: Boolean(category.criminal)
        }
      })
      .sort(byName),
    recipients: ids(row.recipient_ids)
      .map((id) => {
        const recipient = entry('recipients', id)
        return {
          id,
          name: String(recipient.name),
          type: String(recipient.type),
          country: countryRef(recipient.country),
          description: text(recipient.description)
        }
      })
      .sort(byName),
    processors: ids(row.processor_ids)
      .map((id) => {
        const processor = entry('processors', id)
        return {
          id,
          name: String(processor.name),
          country: countryRef(processor.country),
          email: text(processor.email),
          phone: text(processor.phone),
          address: text(processor.address),
          service: text(processor.service),
          dpaReference: text(processor.dpaReference),
          dpaSignedAt: text(processor.dpaSignedAt),
          subprocessorAuthorisation: String(processor.subprocessorAuthorisation),
          dpfCertified: (processor.dpfCertified ?? null) as boolean | null,
          subProcessors: ids(processor.subProcessorIds)
            .map((subId) => named('processors', subId))
            .sort(byName)
        }
      })
      .sort(byName),
    specialCategoryConditions: objects(row.special_category_conditions).map((condition) => ({
      condition: codeRef('legalBasis', condition.condition)!,
      reference: text(condition.reference)
    })),
    criminalDataReference: text(row.criminal_data_reference),
    jointControllers: row.joint_controllers as ExportActivity['jointControllers'],
    controllers: row.controllers as ExportActivity['controllers'],
    transfers: objects(row.transfers).map((transfer) => ({
      country: countryRef(transfer.country),
      importer: text(transfer.importer),
      processor: transfer.processorId ? named('processors', String(transfer.processorId)) : null,
      mechanism: codeRef('mechanism', transfer.mechanism),
      sccModule: (transfer.sccModule ?? null) as number | null,
      safeguardReference: text(transfer.safeguardReference),
      tiaReference: text(transfer.tiaReference),
      derogation: transfer.derogation as ExportActivity['transfers'][number]['derogation']
    })),
    retention: objects(row.retention).map((rule) => {
      const categories = ids(rule.dataCategoryIds)
      return {
        dataCategories: (categories.length > 0 ? categories : ids(row.data_category_ids)).map((id) => named('dataCategories', id)).sort(byName),
        allDataCategories: categories.length === 0,
        period: text(rule.period),
        trigger: text(rule.trigger),
        description: text(rule.description),
        legalReference: text(rule.legalReference)
      }
    }),
    securityMeasures: measures
      .map(([id, measure]) => ({
        id,
        name: String(measure.name),
        code: codeRef('securityMeasure', measure.code),
        type: String(measure.type),
        description: text(measure.description),
        appliesTo: measure.appliesToAllActivities ? ('organisation' as const) : ('activity' as const)
      }))
      .sort(byName),
    dpia: {
      status: String(dpia.status),
      reference: text(dpia.reference),
      completedAt: text(dpia.completedAt),
      notRequiredReason: text(dpia.notRequiredReason),
      criteria: ids(dpia.criteria).map((code) => codeRef('dpiaCriterion', code)!)
    },
    automatedDecisionMaking: Boolean(row.automated_decision_making),
    profiling: Boolean(row.profiling),
    dataSources: ids(row.data_sources),
    systems: ids(row.systems),
    lastReviewedAt: text(row.last_reviewed_at),
    version: Number(row.version),
    createdAt: String(row.created_at),
    updatedAt: String(row.updated_at),
    ...(compliance ? { findings: findingsSummary(row, compliance) } : {})
  }
}

function findingsSummary(row: Row, compliance: Context) {
  const findings = activityFindings(complianceActivity(row), compliance)
  return { ...summarise(findings), rules: [...new Set(findings.map((finding) => finding.rule))] }
}

/**
 * The one assembly path of every export: in one snapshot, the organisation and its catalogue (two
 * statements), then the activities streamed in order (one statement per pass the renderer makes).
 * Yields what `render` yields.
 */
export function exportRecord<T>(
  database: DatabaseHandle,
  organisationId: string,
  options: RecordOptions,
  render: (record: AssembledRecord) => AsyncGenerator<T>
) {
  const { asOf } = options
  return database.readSnapshot(async function* (snapshot: Snapshot) {
    const [current] = await snapshot.all(organisationQuery(organisationId))
    if (!current) throw new ApiProblem('not_found', `There is no organisation ${organisationId}.`)
    // Before the organisation existed the record is empty; its identity is then today's.
    const organisationRow = asOf ? ((await snapshot.all(organisationAsOfQuery(organisationId, asOf)))[0] ?? current) : current
    const catalogue = toCatalogue(await snapshot.all(asOf ? catalogueAsOfQuery(organisationId, asOf) : catalogueQuery(organisationId)))
    const compliance: Context = {
      organisation: {
        id: String(organisationRow.id),
        name: String(organisationRow.name),
        address: organisationRow.address,
        email: organisationRow.email,
        phone: organisationRow.phone,
        country: organisationRow.country,
        isPublicAuthority: Boolean(organisationRow.is_public_authority),
        employeeCount: organisationRow.employee_count,
        dpo: organisationRow.dpo,
        representative: organisationRow.representative
      } as ComplianceOrganisation,
      catalogue: catalogue as unknown as Context['catalogue'],
      now: new Date()
    }
    yield* render({
      organisation: toOrganisation(organisationRow),
      record: options.record,
      generatedAt: new Date().toISOString(),
      asOf: asOf ?? null,
      includesDrafts: options.includeDrafts,
      async *activities() {
        for await (const row of snapshot.each(activitiesQuery(organisationId, options))) {
          yield {
            activity: resolveActivity(row, catalogue, options.findings ? compliance : undefined),
            controller: (row.client_controller ?? null) as ClientController | null
          }
        }
      }
    })
  })
}

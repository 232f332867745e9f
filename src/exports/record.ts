import { activityFindings, summarise } from '../compliance/index.ts'
import { organisationWideMeasures } from '../compliance/security.ts'
import type { Catalogue, CatalogueEntries, Context } from '../compliance/types.ts'
import type { DatabaseHandle, Snapshot } from '../db/client.ts'
import type { Activity, ClientController } from '../modules/activities/activities.schemas.ts'
import type { Organisation } from '../modules/organisations/organisations.schemas.ts'
import { countryByCode } from '../reference/countries.ts'
import { dpiaCriteria } from '../reference/dpia-criteria.ts'
import { internationalOrganisationByCode } from '../reference/international-organisations.ts'
import { legalBases } from '../reference/legal-bases.ts'
import { securityMeasureVocabulary } from '../reference/security-measures.ts'
import { specialCategories } from '../reference/special-categories.ts'
import { transferMechanisms } from '../reference/transfer-mechanisms.ts'
import { catalogueDefaults, type RecordKind, type RecordScope, readActivities, readCatalogue, readOrganisation } from './record.repository.ts'
import type { ExportActivity, ExportedRecord, ExportOrganisation } from './record.schemas.ts'

export type { RecordKind }

export interface RecordOptions extends RecordScope {
  /** Run the checks on each activity for its findings summary (the JSON export shows it). */
  findings?: boolean
}

export type { ClientController }

/** One activity of the record, with the client controller it is listed under (processor record). */
export interface AssembledActivity {
  activity: ExportActivity
  controller: ClientController | null
  /** The activity as the API serialises it, which the rules read; absent in a record read back from an exported document. */
  stored?: Activity
}

/** What a renderer reads: the header, then the activities (a fresh pass, one statement, each time it asks). */
export interface AssembledRecord {
  organisation: ExportOrganisation
  record: RecordKind
  generatedAt: string
  asOf: string | null
  includesDrafts: boolean
  activities(): AsyncIterable<AssembledActivity>
}

const byCode = <T extends { code: string }>(list: readonly T[]) => new Map(list.map((entry) => [entry.code, entry]))
const codeLists = {
  legalBasis: byCode(legalBases),
  specialCategory: byCode(specialCategories),
  mechanism: byCode(transferMechanisms),
  securityMeasure: byCode(securityMeasureVocabulary),
  dpiaCriterion: byCode(dpiaCriteria)
}

type CodeRef = { code: string; label: string; article: string }

export function codeRef(list: keyof typeof codeLists, code: string): CodeRef
export function codeRef(list: keyof typeof codeLists, code: unknown): CodeRef | null
export function codeRef(list: keyof typeof codeLists, code: unknown): CodeRef | null {
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

function exportOrganisation(organisation: Organisation): ExportOrganisation {
  return {
    id: organisation.id,
    name: organisation.name,
    registrationNumber: organisation.registrationNumber,
    address: organisation.address,
    email: organisation.email,
    phone: organisation.phone,
    website: organisation.website,
    country: countryRef(organisation.country),
    supervisoryAuthority: organisation.supervisoryAuthority,
    isPublicAuthority: organisation.isPublicAuthority,
    employeeCount: organisation.employeeCount,
    dpo: organisation.dpo,
    representative: organisation.representative
  }
}

/** What a link to an id missing from the catalogue reads as. */
const unknownEntries: CatalogueEntries = {
  dataCategories: { ...catalogueDefaults.dataCategories, name: '(unknown)' },
  dataSubjectCategories: { ...catalogueDefaults.dataSubjectCategories, name: '(unknown)' },
  recipients: { ...catalogueDefaults.recipients, name: '(unknown)' },
  processors: { ...catalogueDefaults.processors, name: '(unknown)' },
  securityMeasures: { ...catalogueDefaults.securityMeasures, name: '(unknown)' }
}

/** Retired activities are never exported (the queries leave them out). */
function exportedStatus(status: Activity['status']): ExportActivity['status'] {
  if (status === 'retired') throw new Error('a retired activity reached the export')
  return status
}

/** An activity as an auditor reads it: names for ids, labels and articles for codes, organisation-wide measures merged in, and what the checks found. */
export function resolveActivity(activity: Activity, catalogue: Catalogue, compliance?: Context): ExportActivity {
  const entry = <Kind extends keyof Catalogue>(list: Kind, id: string): CatalogueEntries[Kind] => catalogue[list].get(id) ?? unknownEntries[list]
  const named = (list: keyof Catalogue, id: string) => ({ id, name: entry(list, id).name })

  const measures = [
    ...organisationWideMeasures(catalogue.securityMeasures),
    ...[...new Set(activity.securityMeasureIds)].flatMap((id) => {
      const measure = catalogue.securityMeasures.get(id)
      return measure && !measure.appliesToAllActivities ? [[id, measure] as const] : []
    })
  ]
  const { dpia } = activity

  return {
    id: activity.id,
    name: activity.name,
    description: activity.description,
    businessFunction: activity.owner,
    status: exportedStatus(activity.status),
    role: activity.role,
    purposes: activity.purposes.map((purpose) => ({
      description: purpose.description,
      legalBasis: codeRef('legalBasis', purpose.legalBasis),
      legalReference: purpose.legalReference,
      legitimateInterest: purpose.legitimateInterest,
      liaReference: purpose.liaReference,
      consent: purpose.consent,
      directMarketing: purpose.directMarketing,
      objectionMechanism: purpose.objectionMechanism,
      informationSocietyService: purpose.informationSocietyService,
      publicAuthorityTask: purpose.publicAuthorityTask
    })),
    dataSubjectCategories: activity.dataSubjectCategoryIds
      .map((id) => {
        const category = entry('dataSubjectCategories', id)
        return {
          id,
          name: category.name,
          description: category.description,
          includesChildren: category.includesChildren,
          vulnerable: category.vulnerable
        }
      })
      .sort(byName),
    dataCategories: activity.dataCategoryIds
      .map((id) => {
        const category = entry('dataCategories', id)
        return {
          id,
          name: category.name,
          description: category.description,
          specialCategory: codeRef('specialCategory', category.specialCategory),
          criminal: category.criminal
        }
      })
      .sort(byName),
    recipients: activity.recipientIds
      .map((id) => {
        const recipient = entry('recipients', id)
        return {
          id,
          name: recipient.name,
          type: recipient.type,
          country: countryRef(recipient.country),
          description: recipient.description
        }
      })
      .sort(byName),
    noRecipients: activity.noRecipients,
    processors: activity.processorIds
      .map((id) => {
        const processor = entry('processors', id)
        return {
          id,
          name: processor.name,
          country: countryRef(processor.country),
          email: processor.email,
          phone: processor.phone,
          address: processor.address,
          service: processor.service,
          dpaReference: processor.dpaReference,
          dpaSignedAt: processor.dpaSignedAt,
          subprocessorAuthorisation: processor.subprocessorAuthorisation,
          dpfCertified: processor.dpfCertified,
          subProcessors: processor.subProcessorIds.map((subId) => named('processors', subId)).sort(byName)
        }
      })
      .sort(byName),
    specialCategoryConditions: activity.specialCategoryConditions.map((condition) => ({
      condition: codeRef('legalBasis', condition.condition),
      reference: condition.reference,
      consent: condition.consent
    })),
    criminalDataReference: activity.criminalDataReference,
    jointControllers: activity.jointControllers,
    controllers: activity.controllers,
    transfers: activity.transfers.map((transfer) => ({
      country: countryRef(transfer.country),
      internationalOrganisation: transfer.internationalOrganisation
        ? {
            code: transfer.internationalOrganisation,
            name: internationalOrganisationByCode.get(transfer.internationalOrganisation)?.name ?? transfer.internationalOrganisation
          }
        : null,
      importer: transfer.importer,
      importerRole: transfer.importerRole,
      dpfCertified: transfer.dpfCertified,
      dpfCheckedAt: transfer.dpfCheckedAt,
      processor: transfer.processorId ? named('processors', transfer.processorId) : null,
      mechanism: codeRef('mechanism', transfer.mechanism),
      sccModule: transfer.sccModule,
      safeguardReference: transfer.safeguardReference,
      tiaReference: transfer.tiaReference,
      derogation: transfer.derogation,
      consent: transfer.consent
    })),
    retention: activity.retention.map((rule) => {
      const categories = rule.dataCategoryIds
      return {
        dataCategories: (categories.length > 0 ? categories : activity.dataCategoryIds).map((id) => named('dataCategories', id)).sort(byName),
        allDataCategories: categories.length === 0,
        period: rule.period,
        kind: rule.kind,
        trigger: rule.trigger,
        description: rule.description,
        legalReference: rule.legalReference
      }
    }),
    securityMeasures: measures
      .map(([id, measure]) => ({
        id,
        name: measure.name,
        code: codeRef('securityMeasure', measure.code),
        type: measure.type,
        description: measure.description,
        appliesTo: measure.appliesToAllActivities ? ('organisation' as const) : ('activity' as const)
      }))
      .sort(byName),
    dpia: {
      status: dpia.status,
      reference: dpia.reference,
      completedAt: dpia.completedAt,
      notRequiredReason: dpia.notRequiredReason,
      criteria: dpia.criteria.map((code) => codeRef('dpiaCriterion', code))
    },
    automatedDecisionMaking: activity.automatedDecisionMaking,
    automatedDecisions: activity.automatedDecisions,
    profiling: activity.profiling,
    dataSources: activity.dataSources,
    systems: activity.systems,
    lastReviewedAt: activity.lastReviewedAt,
    recordExemptionClaimed: activity.recordExemptionClaimed,
    occasional: activity.occasional,
    version: activity.version,
    createdAt: activity.createdAt,
    updatedAt: activity.updatedAt,
    ...(compliance ? { findings: findingsSummary(activity, compliance) } : {})
  }
}

function findingsSummary(activity: Activity, compliance: Context) {
  const findings = activityFindings(activity, compliance)
  return { ...summarise(findings), rules: [...new Set(findings.map((finding) => finding.rule))] }
}

/**
 * The one assembly path of every export: in one snapshot, the organisation and its catalogue (two
 * statements, three as of an instant), then the activities streamed in order (one statement per
 * pass the renderer makes). Yields what `render` yields; `render` also gets what the rules read, for a
 * document that shows the findings.
 */
export function exportRecord<T>(
  database: DatabaseHandle,
  organisationId: string,
  options: RecordOptions,
  render: (record: AssembledRecord, compliance: Context) => AsyncGenerator<T>
) {
  const { asOf } = options
  return database.readSnapshot(async function* (snapshot: Snapshot) {
    const organisation = await readOrganisation(snapshot, organisationId, asOf)
    const catalogue = await readCatalogue(snapshot, organisationId, asOf)
    const compliance: Context = { organisation, catalogue, now: new Date() }
    yield* render(
      {
        organisation: exportOrganisation(organisation),
        record: options.record,
        generatedAt: new Date().toISOString(),
        asOf: asOf ?? null,
        includesDrafts: options.includeDrafts,
        async *activities() {
          for await (const { activity, controller } of readActivities(snapshot, organisationId, options)) {
            yield { activity: resolveActivity(activity, catalogue, options.findings ? compliance : undefined), controller, stored: activity }
          }
        }
      },
      compliance
    )
  })
}

/**
 * A record exported earlier (a snapshot's frozen JSON) as the renderers read it, so CSV and XLSX are
 * rendered from the stored document exactly as from the database: the same header, the activities in
 * the stored order, each with its client controller in the processor record.
 */
export function assembledFrom(document: ExportedRecord): AssembledRecord {
  const { organisation, record, generatedAt, asOf, includesDrafts } = document
  return {
    organisation,
    record,
    generatedAt,
    asOf,
    includesDrafts,
    async *activities() {
      if (document.record === 'controller') {
        for (const activity of document.activities) yield { activity, controller: null }
        return
      }
      for (const group of document.controllers) for (const activity of group.activities) yield { activity, controller: group.controller }
    }
  }
}

import { type RightsInput, rightsOf } from '../compliance/rights.ts'
import type { ExportActivity, ExportOrganisation } from './record.schemas.ts'
import type { ClientController } from './record.ts'

/**
 * A spreadsheet opening a CSV file may evaluate a cell starting with = + - @ (or their full-width
 * forms), a tab or a carriage return as a formula, also when blanks, quotes or no-break spaces come
 * first; a leading apostrophe makes it plain text (OWASP CSV injection). Only for CSV: an XLSX text
 * cell is never evaluated.
 */
export function neutralise(value: string): string {
  return /^[\s"'\u00a0]*[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/.test(value) ? `'${value}` : value
}

const join = (values: (string | null | undefined)[]) => values.filter((value): value is string => Boolean(value)).join('; ')
const parts = (...values: (string | null | undefined)[]) => values.filter((value): value is string => Boolean(value)).join(', ')
const code = (ref: { code: string; label: string } | null) => (ref ? `${ref.code} ${ref.label}` : null)
const country = (ref: { code: string; name: string } | null) => (ref ? `${ref.name} (${ref.code})` : null)

/** What the rights computation reads, from the activity as exported. */
export const rightsInput = (a: ExportActivity): RightsInput => ({
  role: a.role,
  noRecipients: a.noRecipients,
  automatedDecisionMaking: a.automatedDecisionMaking,
  automatedDecisions: a.automatedDecisions,
  recipientIds: a.recipients.map((recipient) => recipient.id),
  processorIds: a.processors.map((processor) => processor.id),
  purposes: a.purposes.map((purpose) => ({ legalBasis: purpose.legalBasis?.code ?? null, directMarketing: purpose.directMarketing })),
  specialCategoryConditions: a.specialCategoryConditions.map((condition) => ({ condition: condition.condition.code })),
  transfers: a.transfers.map((transfer) => ({ mechanism: transfer.mechanism?.code ?? null })),
  controllers: a.controllers
})

/** The rights available to individuals (ICO column 16), as the rights endpoint computes them. */
const rightsAvailable = (a: ExportActivity) =>
  join(
    rightsOf(rightsInput(a))
      .filter((answer) => answer.applies !== 'no')
      .map((answer) => `${answer.right.replaceAll('_', ' ')} (${answer.article}${answer.applies === 'partial' ? ', in part' : ''})`)
  )

/**
 * The columns of the controller record, in the order of the UK ICO controller template (columns 1–23),
 * after the activity's own name, and followed by what the template leaves out.
 */
export const controllerColumns: [string, (a: ExportActivity) => string][] = [
  ['Processing activity', (a) => a.name],
  ['Business function', (a) => a.businessFunction ?? ''],
  ['Purpose of processing', (a) => join(a.purposes.map((p) => p.description))],
  [
    'Name and contact details of joint controller',
    (a) => join(a.jointControllers.map((c) => parts(c.name, c.contact, c.arrangementReference && `arrangement: ${c.arrangementReference}`)))
  ],
  ['Categories of individuals', (a) => join(a.dataSubjectCategories.map((c) => c.name))],
  [
    'Categories of personal data',
    (a) =>
      join(
        a.dataCategories.map((c) =>
          c.specialCategory ? `${c.name} (special category: ${c.specialCategory.label})` : c.criminal ? `${c.name} (criminal convictions and offences)` : c.name
        )
      )
  ],
  // Processors are recipients (Art. 4(9)): listed here without being entered twice.
  [
    'Categories of recipients',
    (a) =>
      a.noRecipients && a.recipients.length === 0 && a.processors.length === 0
        ? 'None: the data are disclosed to no one'
        : join([...a.recipients.map((r) => parts(r.name, country(r.country))), ...a.processors.map((p) => parts(`${p.name} (processor)`, country(p.country)))])
  ],
  [
    'Link to contract with processor',
    (a) => join(a.processors.map((p) => `${p.name}: ${p.dpaReference ?? 'no contract reference'}${p.dpaSignedAt ? ` (signed ${p.dpaSignedAt})` : ''}`))
  ],
  // A processor established outside the EEA receives the data there, whether or not a transfer is recorded for it.
  [
    'Names of third countries or international organisations',
    (a) =>
      join([
        ...a.transfers.map((t) =>
          parts(country(t.country), t.internationalOrganisation && `${t.internationalOrganisation.name} (${t.internationalOrganisation.code})`, t.importer)
        ),
        ...a.processors
          .filter((p) => p.country && !p.country.eea && !a.transfers.some((t) => t.processor?.id === p.id))
          .map((p) => parts(country(p.country), `${p.name} (processor)`))
      ])
  ],
  [
    'Safeguards for exceptional transfers',
    (a) =>
      join(
        a.transfers.map((t) =>
          parts(
            code(t.mechanism),
            t.sccModule ? `SCC module ${t.sccModule}` : null,
            t.safeguardReference,
            t.tiaReference && `TIA: ${t.tiaReference}`,
            t.derogation && `assessment: ${t.derogation.assessmentReference ?? 'none'}, safeguards: ${t.derogation.safeguards ?? 'none'}`
          )
        )
      )
  ],
  [
    'Retention schedule',
    (a) =>
      join(
        a.retention.map(
          (r) =>
            `${r.allDataCategories ? 'All data' : r.dataCategories.map((c) => c.name).join(', ')}: ${parts(r.kind?.replaceAll('_', ' '), r.period, r.trigger && `from ${r.trigger}`, r.description, r.legalReference) || 'no period given'}`
        )
      )
  ],
  [
    'General description of technical and organisational security measures',
    (a) => join(a.securityMeasures.map((m) => (m.code ? `${m.name} (${m.code.code})` : m.name)))
  ],
  [
    'Article 6 lawful basis',
    (a) =>
      join(
        a.purposes.map(
          (p) =>
            `${p.description}: ${p.legalBasis ? `${p.legalBasis.article} ${p.legalBasis.label}` : 'not recorded'}${p.legalReference ? ` (${p.legalReference})` : ''}`
        )
      )
  ],
  ['Article 9 condition', (a) => join(a.specialCategoryConditions.map((c) => parts(`${c.condition.article} ${c.condition.label}`, c.reference)))],
  ['Legitimate interests', (a) => join(a.purposes.map((p) => p.legitimateInterest))],
  ['Link to record of legitimate interests assessment', (a) => join(a.purposes.map((p) => p.liaReference))],
  ['Rights available to individuals', rightsAvailable],
  [
    'Existence of automated decision-making, including profiling',
    (a) =>
      join([
        ...(a.automatedDecisions.length > 0
          ? a.automatedDecisions.map((d) =>
              parts(d.description, d.exception && `exception ${d.exception}`, d.legalOrSimilarEffect ? null : 'no legal or similar effect')
            )
          : [a.automatedDecisionMaking ? 'Automated decision-making' : null]),
        a.profiling ? 'Profiling' : null
      ]) || 'No'
  ],
  ['Source of the personal data', (a) => join(a.dataSources)],
  [
    'Link to record of consent',
    (a) =>
      join([
        ...a.purposes.map((p) => p.consent?.recordReference),
        ...a.specialCategoryConditions.map((c) => c.consent?.recordReference),
        ...a.transfers.map((t) => t.consent?.recordReference),
        ...a.automatedDecisions.map((d) => d.consent?.recordReference)
      ])
  ],
  ['Location of personal data', (a) => join(a.systems)],
  ['DPIA required', (a) => (a.dpia.status === 'not_assessed' ? 'Not assessed' : a.dpia.status === 'not_required' ? 'No' : 'Yes')],
  ['DPIA progress', (a) => a.dpia.status.replaceAll('_', ' ')],
  ['Link to DPIA', (a) => a.dpia.reference ?? ''],
  ['Art. 10 authority or law (criminal data)', (a) => a.criminalDataReference ?? ''],
  ['Role', (a) => a.role.replaceAll('_', ' ')],
  ['Status', (a) => a.status],
  ['Last reviewed', (a) => a.lastReviewedAt ?? ''],
  ['Activity ID', (a) => a.id]
]

/** The processor record of Art. 30(2): per client controller, the categories of processing. */
export const processorColumns: [string, (a: ExportActivity, c: ClientController | null) => string][] = [
  ['Name and contact details of controller', (_, c) => (c ? parts(c.name, c.contact) : 'not recorded')],
  ["Controller's representative", (_, c) => c?.representative ?? ''],
  ['Categories of processing', (a, c) => c?.processing ?? parts(a.name, a.description)],
  ['Names of third countries or international organisations', (a) => controllerColumns[8]![1](a)],
  ['Safeguards for exceptional transfers', (a) => controllerColumns[9]![1](a)],
  ['General description of technical and organisational security measures', (a) => controllerColumns[11]![1](a)],
  ['Status', (a) => a.status],
  ['Activity ID', (a) => a.id]
]

type Contact = { name: string | null; email: string | null; phone: string | null; address: string | null } | null

const contact = (who: Contact) => (who ? parts(who.name, who.email, who.phone, who.address) : '')

/**
 * Whose record it is, repeated on every row so that a CSV alone says it: the controller (Art.
 * 30(1)(a)) or, in the processor record, the processor itself (Art. 30(2)(a)), with the
 * representative and the DPO. Appended after the template's columns.
 */
export const organisationColumns = (record: 'controller' | 'processor'): [string, (o: ExportOrganisation) => string][] => [
  [
    record === 'controller' ? 'Controller (name and contact details)' : 'Processor (name and contact details)',
    (o) => parts(o.name, o.email, o.phone, o.address)
  ],
  [record === 'controller' ? "Controller's representative" : "Processor's representative", (o) => contact(o.representative)],
  ['Data protection officer', (o) => (o.dpo?.designated ? contact(o.dpo) || 'designated, no contact details recorded' : '')]
]

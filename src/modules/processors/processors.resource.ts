import { and, eq, inArray, sql } from 'drizzle-orm'
import { Type } from 'typebox'
import type { Database } from '../../db/client.ts'
import { processorSubprocessors, processors } from '../../db/schema/index.ts'
import { catalogueExamples } from '../../example/openapi-examples.ts'
import { equalsIfGiven, type Fields, textFilter } from '../../resources/catalogue.repository.ts'
import { type CatalogueResource, catalogueRoutes } from '../../resources/catalogue-resource.ts'
import type { FieldError } from '../../shared/problems.ts'
import { CalendarDate, CountryCode, Description, Nullable, Text, Uuid } from '../../shared/schemas.ts'
import { unknownCountry } from '../../shared/validation.ts'
import { linkedActivities } from '../activities/activities.repository.ts'

const authorisations = ['specific', 'general', 'unknown'] as const

/** Sub-processors whose chain of engagements already leads back to `processorId`: linking them would close a cycle. */
async function cycleRoots(tx: Database, organisationId: string, processorId: string, subProcessorIds: string[]): Promise<Set<string>> {
  const direct = sql.join(
    subProcessorIds.map((id) => sql`${id}::uuid`),
    sql`, `
  )
  const result = await tx.execute(sql`
    with recursive reach(root, id) as (
      select l.processor_id, l.subprocessor_id from processor_subprocessors l
       where l.organisation_id = ${organisationId} and l.processor_id in (${direct})
      union
      select r.root, l.subprocessor_id from reach r
        join processor_subprocessors l on l.processor_id = r.id and l.organisation_id = ${organisationId}
    )
    select distinct root from reach where id = ${processorId}`)
  return new Set(result.rows.map((row) => String(row.root)))
}

async function checkSubProcessors(tx: Database, organisationId: string, id: string | undefined, fields: Fields): Promise<FieldError[]> {
  const ids = fields.subProcessorIds as string[] | undefined
  if (!ids || ids.length === 0) return []
  const path = (index: number) => `/body/subProcessorIds/${index}`
  const existing = new Set(
    (
      await tx
        .select({ id: processors.id })
        .from(processors)
        .where(and(eq(processors.organisationId, organisationId), inArray(processors.id, ids)))
    ).map((row) => row.id)
  )
  const errors: FieldError[] = ids.flatMap((subId, index) => {
    if (subId === id) return [{ path: path(index), message: 'a processor cannot be its own sub-processor' }]
    if (!existing.has(subId)) return [{ path: path(index), message: `there is no processor ${subId} in this organisation` }]
    return []
  })
  if (errors.length > 0 || id === undefined) return errors
  const roots = await cycleRoots(tx, organisationId, id, ids)
  return ids.flatMap((subId, index) =>
    roots.has(subId)
      ? [{ path: path(index), message: `processor ${subId} already engages this processor, directly or through others: the link would make a cycle` }]
      : []
  )
}

async function writeSubProcessors(tx: Database, organisationId: string, id: string, fields: Fields) {
  const ids = fields.subProcessorIds as string[] | undefined
  if (ids === undefined) return
  await tx.delete(processorSubprocessors).where(and(eq(processorSubprocessors.organisationId, organisationId), eq(processorSubprocessors.processorId, id)))
  if (ids.length > 0) {
    await tx.insert(processorSubprocessors).values(ids.map((subprocessorId, position) => ({ organisationId, processorId: id, subprocessorId, position })))
  }
}

export const processorsResource: CatalogueResource = {
  path: 'processors',
  names: { one: 'Processor', many: 'Processors' },
  tag: 'Processors',
  label: 'processor',
  entityType: 'processor',
  about:
    "A processor that handles personal data on the organisation's behalf (Art. 28), with its Art. 28(3) contract, how sub-processors are authorised (Art. 28(2)), the sub-processors it engages (other processors of this organisation; no cycles), and, for a US processor, whether it is certified under the EU-US Data Privacy Framework (Art. 45, Implementing Decision (EU) 2023/1795).",
  table: processors,
  linkFields: ['subProcessorIds'],
  linkColumns: () => ({
    subProcessorIds: sql<
      string[]
    >`coalesce((select json_agg(l.subprocessor_id order by l.position) from processor_subprocessors l where l.processor_id = ${processors.id}), '[]'::json)`
  }),
  checkLinks: checkSubProcessors,
  writeLinks: writeSubProcessors,
  referencedBy: [
    linkedActivities('processor_id'),
    (organisationId, id) =>
      sql`select 'processor' as entity_type, p.id, p.name from processor_subprocessors l join processors p on p.id = l.processor_id where l.organisation_id = ${organisationId} and l.subprocessor_id = ${id}`
  ],
  fields: {
    name: Text(300, 'Legal name of the processor, unique in the organisation regardless of case.', ['Google Ireland Limited']),
    description: Description(),
    country: Nullable(CountryCode('Where the processor is established, ISO 3166-1 alpha-2; null when unknown.')),
    email: Nullable(Type.String({ format: 'email', maxLength: 320 }), 'Contact email.'),
    phone: Nullable(Text(64), 'Contact telephone.'),
    address: Nullable(Text(2000), 'Postal address.'),
    service: Nullable(Text(2000), 'What the processor does for the organisation.'),
    dpaReference: Nullable(Text(500), 'Where the Art. 28(3) data processing agreement is kept (document id or link).'),
    dpaSignedAt: Nullable(CalendarDate('When the agreement was signed, `YYYY-MM-DD`.', { examples: ['2025-03-01'] })),
    subprocessorAuthorisation: Type.Enum([...authorisations], {
      description:
        'How the controller authorised sub-processors (Art. 28(2)): `specific` or `general` written authorisation, or `unknown`. Defaults to `unknown` rather than assuming an authorisation that may not exist.'
    }),
    subProcessorIds: Type.Array(Uuid(), {
      uniqueItems: true,
      maxItems: 100,
      description: 'Processors of this organisation that this processor engages, in order.'
    }),
    dpfCertified: Nullable(
      Type.Boolean(),
      'For a processor in the United States: whether it is on the Data Privacy Framework List. Null elsewhere, or when not checked.'
    )
  },
  required: ['name'],
  defaults: () => ({
    description: null,
    country: null,
    email: null,
    phone: null,
    address: null,
    service: null,
    dpaReference: null,
    dpaSignedAt: null,
    subprocessorAuthorisation: 'unknown',
    subProcessorIds: [],
    dpfCertified: null
  }),
  filters: {
    country: Type.Optional(CountryCode('Only processors in this country.')),
    subprocessorAuthorisation: Type.Optional(Type.Enum([...authorisations], { description: 'Only processors with this kind of authorisation.' })),
    dpfCertified: Type.Optional(Type.Boolean({ description: 'Only processors that are (true) or are not (false) DPF-certified.' }))
  },
  where: (query) => [
    textFilter(processors, query.q as string | undefined),
    equalsIfGiven(processors.country, query.country),
    equalsIfGiven(processors.subprocessorAuthorisation, query.subprocessorAuthorisation),
    equalsIfGiven(processors.dpfCertified, query.dpfCertified)
  ],
  check: (entry) => [
    unknownCountry(entry.country as string | null, '/country'),
    entry.dpfCertified !== null && entry.dpfCertified !== undefined && entry.country !== 'US'
      ? { path: '/dpfCertified', message: 'applies only to processors in the United States (country US); use null' }
      : undefined
  ],
  examples: catalogueExamples.processors
}

export default catalogueRoutes(processorsResource)

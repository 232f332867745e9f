import { and, eq, inArray, sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { processorSubprocessors, processors } from '../../db/schema/index.ts'
import { equalsIfGiven } from '../../resources/catalogue.repository.ts'
import type { FieldError } from '../../shared/problems.ts'
import { linkedActivities } from '../activities/activities.repository.ts'
import type { ProcessorQuery } from './processors.resource.ts'

/** The links a write names: the sub-processors, in order (absent from a patch that leaves them). */
type Links = { subProcessorIds?: string[] | undefined }

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

async function checkSubProcessors(tx: Database, organisationId: string, id: string | undefined, fields: Links): Promise<FieldError[]> {
  const ids = fields.subProcessorIds
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

async function writeSubProcessors(tx: Database, organisationId: string, id: string, fields: Links) {
  const ids = fields.subProcessorIds
  if (ids === undefined) return
  await tx.delete(processorSubprocessors).where(and(eq(processorSubprocessors.organisationId, organisationId), eq(processorSubprocessors.processorId, id)))
  if (ids.length > 0) {
    await tx.insert(processorSubprocessors).values(ids.map((subprocessorId, position) => ({ organisationId, processorId: id, subprocessorId, position })))
  }
}

/** Where processors and their sub-processor links are stored, how a list filters them, and what links to one. */
export const processorsStorage = {
  table: processors,
  where: (query: ProcessorQuery) => [
    equalsIfGiven(processors.country, query.country),
    equalsIfGiven(processors.subprocessorAuthorisation, query.subprocessorAuthorisation),
    equalsIfGiven(processors.dpfCertified, query.dpfCertified)
  ],
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
    (organisationId: string, id: string) =>
      sql`select 'processor' as entity_type, p.id, p.name from processor_subprocessors l join processors p on p.id = l.processor_id where l.organisation_id = ${organisationId} and l.subprocessor_id = ${id}`
  ]
}

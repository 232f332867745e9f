import { allRoles, blank, type OrganisationRule } from './types.ts'

export const processorContract: OrganisationRule = {
  id: 'processor-contract-incomplete',
  code: 'L-34',
  severity: 'error',
  article: 'Art. 28(3)',
  scope: 'organisation',
  roles: allRoles,
  kind: 'requirement',
  checks:
    "Every processor has a written Art. 28(3) contract (reference and date); a sub-processor is bound by its processor's contract, so its entry need only say where that is documented (Art. 28(4), warning); how sub-processors are authorised is known (warning).",
  evaluate: ({ catalogue }) => {
    const subProcessors = new Set([...catalogue.processors.values()].flatMap((processor) => processor.subProcessorIds))
    return [...catalogue.processors].flatMap(([id, processor]) => [
      // A sub-processor is bound by its processor's contract, not the organisation's (Art. 28(4)): its
      // entry need only say where that is documented (e.g. the processor's sub-processor list).
      ...(subProcessors.has(id) && blank(processor.dpaReference)
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 28(4)',
              entityType: 'processor' as const,
              entityId: id,
              path: '/dpaReference',
              message: `Record where the contract binding the sub-processor '${processor.name}' to the obligations of the processing agreement is documented, such as the processor's sub-processor list (Art. 28(4)).`
            }
          ]
        : []),
      ...(!subProcessors.has(id) && (blank(processor.dpaReference) || blank(processor.dpaSignedAt))
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 28(3)',
              entityType: 'processor' as const,
              entityId: id,
              path: blank(processor.dpaReference) ? '/dpaReference' : '/dpaSignedAt',
              message: `Record the data processing agreement with '${processor.name}' and when it was signed: processing by a processor needs a written contract (Art. 28(3), 28(9)).`
            }
          ]
        : []),
      ...(processor.subprocessorAuthorisation === 'unknown'
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 28(2)',
              entityType: 'processor' as const,
              entityId: id,
              path: '/subprocessorAuthorisation',
              message: `Record whether '${processor.name}' may engage sub-processors under a specific or a general written authorisation (Art. 28(2)).`
            }
          ]
        : [])
    ])
  }
}

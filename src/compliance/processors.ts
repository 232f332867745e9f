import { allRoles, blank, type OrganisationRule } from './types.ts'

export const processorContract: OrganisationRule = {
  id: 'processor-contract-incomplete',
  code: 'L-34',
  severity: 'error',
  article: 'Art. 28(3)',
  scope: 'organisation',
  roles: allRoles,
  kind: 'requirement',
  checks: 'Every processor has a written Art. 28(3) contract (reference and date); how sub-processors are authorised is known (warning).',
  evaluate: ({ catalogue }) =>
    [...catalogue.processors].flatMap(([id, processor]) => [
      ...(blank(processor.dpaReference) || blank(processor.dpaSignedAt)
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

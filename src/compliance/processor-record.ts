import { type ActivityRule, blank, processorRole } from './types.ts'

/*
 * The processor record (Art. 30(2)): for each activity the organisation carries out as a processor,
 * the client controllers it acts for, the categories of processing for each, and the Art. 28 terms
 * it processes under. Transfers (30(2)(c)) and security (30(2)(d)) are checked by the rules every
 * role shares.
 */

export const clientControllerContact: ActivityRule = {
  id: 'client-controller-contact-missing',
  code: 'L-01',
  severity: 'error',
  article: 'Art. 30(2)(a)',
  scope: 'activity',
  roles: processorRole,
  kind: 'requirement',
  checks: 'In the processor record, every client controller has contact details.',
  evaluate: (activity) =>
    activity.role !== 'processor'
      ? []
      : activity.controllers.flatMap((controller, index) =>
          blank(controller.contact)
            ? [
                {
                  severity: 'error' as const,
                  article: 'Art. 30(2)(a)',
                  path: `/controllers/${index}/contact`,
                  message: `Add the contact details of the client controller '${controller.name}' (Art. 30(2)(a)).`
                }
              ]
            : []
        )
}

export const processorRecordIncomplete: ActivityRule = {
  id: 'processor-record-incomplete',
  code: 'L-01',
  severity: 'error',
  article: 'Art. 30(2)(a)',
  scope: 'activity',
  roles: processorRole,
  kind: 'requirement',
  checks:
    "A processor activity names the controllers it is carried out for (Art. 30(2)(a)) and the categories of processing for each, in the client controller entry or in the activity's description (Art. 30(2)(b)).",
  evaluate: (activity) => {
    if (activity.controllers.length === 0)
      return [
        {
          severity: 'error',
          article: 'Art. 30(2)(a)',
          path: '/controllers',
          message: 'Name the controllers this processing is carried out for, with their contact details (Art. 30(2)(a)).'
        }
      ]
    if (!blank(activity.description)) return []
    return activity.controllers.flatMap((controller, index) =>
      blank(controller.processing)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 30(2)(b)',
              path: `/controllers/${index}/processing`,
              message: `Describe the categories of processing carried out for '${controller.name}' (Art. 30(2)(b)), here or in the activity's description.`
            }
          ]
        : []
    )
  }
}

export const clientControllerContract: ActivityRule = {
  id: 'client-controller-contract-missing',
  code: 'L-34',
  severity: 'error',
  article: 'Art. 28(3)',
  scope: 'activity',
  roles: processorRole,
  kind: 'requirement',
  checks:
    'The processing for each client controller is governed by an Art. 28(3) contract that sets its documented instructions; where the activity uses sub-processors, how that controller authorised them is known (Art. 28(2), a warning).',
  evaluate: (activity) =>
    activity.controllers.flatMap((controller, index) => [
      ...(blank(controller.contractReference)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 28(3)',
              path: `/controllers/${index}/contractReference`,
              message: `Record where the Art. 28(3) contract with '${controller.name}' is kept: it sets the documented instructions the processing follows (Art. 28(3)(a)).`
            }
          ]
        : []),
      ...(controller.subprocessorAuthorisation === 'unknown' && activity.processorIds.length > 0
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 28(2)',
              path: `/controllers/${index}/subprocessorAuthorisation`,
              message: `The activity uses sub-processors: record whether '${controller.name}' authorised them specifically or generally in writing (Art. 28(2)).`
            }
          ]
        : [])
    ])
}

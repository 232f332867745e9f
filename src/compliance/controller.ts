import { countryByCode } from '../reference/countries.ts'
import { type ActivityRule, allRoles, blank, controllerRoles, type OrganisationRule } from './types.ts'

export const controllerContact: OrganisationRule = {
  id: 'controller-contact-missing',
  code: 'L-01',
  severity: 'error',
  article: 'Art. 30(1)(a)',
  scope: 'organisation',
  roles: allRoles,
  kind: 'requirement',
  checks:
    'The controller has contact details: with none at all, an error; a postal address alone is a contact detail, so only a warning suggests an email address or telephone number.',
  evaluate: ({ organisation }) => {
    if (!blank(organisation.email) || !blank(organisation.phone)) return []
    const postalOnly = !blank(organisation.address)
    return [
      {
        severity: postalOnly ? 'warning' : 'error',
        article: 'Art. 30(1)(a)',
        entityType: 'organisation',
        entityId: organisation.id,
        path: '/email',
        message: postalOnly
          ? "Only a postal address is recorded: add the controller's email address or telephone number so that people and the supervisory authority can reach it promptly (Art. 30(1)(a))."
          : "Add the controller's contact details, an email address, telephone number or postal address: Art. 30(1)(a) requires them."
      }
    ]
  }
}

export const dataProtectionOfficer: OrganisationRule = {
  id: 'dpo-contact-missing',
  code: 'L-02',
  severity: 'error',
  article: 'Art. 37(7)',
  scope: 'organisation',
  roles: allRoles,
  kind: 'requirement',
  checks: 'A designated DPO has contact details; a public authority has a DPO (Art. 37(1)(a)).',
  evaluate: ({ organisation }) => {
    const dpo = organisation.dpo
    if (dpo?.designated && blank(dpo.email) && blank(dpo.phone) && blank(dpo.address)) {
      return [
        {
          severity: 'error',
          article: 'Art. 37(7)',
          entityType: 'organisation',
          entityId: organisation.id,
          path: '/dpo',
          message: "Record the DPO's email, telephone or address: they are part of the record (Art. 30(1)(a)) and must be published (Art. 37(7))."
        }
      ]
    }
    if (organisation.isPublicAuthority && !dpo?.designated) {
      return [
        {
          severity: 'warning',
          article: 'Art. 37(1)(a)',
          entityType: 'organisation',
          entityId: organisation.id,
          path: '/dpo',
          message: 'A public authority must designate a DPO (Art. 37(1)(a)); record the DPO.'
        }
      ]
    }
    return []
  }
}

export const representative: OrganisationRule = {
  id: 'eu-representative-missing',
  code: 'L-03',
  severity: 'warning',
  article: 'Art. 27',
  scope: 'organisation',
  roles: allRoles,
  kind: 'requirement',
  checks: 'A controller established outside the EEA records its representative in the Union.',
  evaluate: ({ organisation }) =>
    countryByCode.get(organisation.country)?.eea === false && !organisation.representative
      ? [
          {
            severity: 'warning',
            article: 'Art. 27',
            entityType: 'organisation',
            entityId: organisation.id,
            path: '/representative',
            message: 'The controller is established outside the EEA: record its representative in the Union (Art. 27), unless the Art. 27(2) exemption applies.'
          }
        ]
      : []
}

export const jointControllers: ActivityRule = {
  id: 'joint-controller-incomplete',
  code: 'L-03',
  severity: 'error',
  article: 'Art. 26',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Joint controllers have contact details and an Art. 26 arrangement; a joint-controller activity names them.',
  evaluate: (activity) => [
    ...(activity.role === 'joint_controller' && activity.jointControllers.length === 0
      ? [
          {
            severity: 'error' as const,
            article: 'Art. 30(1)(a)',
            path: '/jointControllers',
            message: 'The activity is run jointly: name the joint controllers and their contact details (Art. 30(1)(a)).'
          }
        ]
      : []),
    ...activity.jointControllers.flatMap((controller, index) => [
      ...(blank(controller.contact)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 30(1)(a)',
              path: `/jointControllers/${index}/contact`,
              message: `Add the contact details of the joint controller '${controller.name}'.`
            }
          ]
        : []),
      ...(blank(controller.arrangementReference)
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 26(1)',
              path: `/jointControllers/${index}/arrangementReference`,
              message: `Record where the Art. 26 arrangement with '${controller.name}' is kept.`
            }
          ]
        : [])
    ])
  ]
}

import type { Catalogue } from '../../compliance/types.ts'
import type { ExportActivity } from '../../exports/record.schemas.ts'
import { resolveActivity } from '../../exports/record.ts'
import { countryByCode } from '../../reference/countries.ts'
import type { Activity } from '../activities/activities.schemas.ts'
import type { Organisation } from '../organisations/organisations.schemas.ts'
import type { PublicActivity, PublicRegister } from './public-register.schemas.ts'

/** The bases whose law is itself public: a legal obligation (6.1.c) and a task in the public interest or official authority (6.1.e). */
const PUBLIC_LAW_BASES = new Set(['6.1.c', '6.1.e'])

const place = (code: string | null) => (code === null ? null : { code, name: countryByCode.get(code)?.name ?? code })

/**
 * What a register publishes of an activity, picked field by field from the export's resolved
 * activity: nothing of owners, systems, processors, internal references, notes or ids can follow.
 */
export function publicActivity(activity: ExportActivity): PublicActivity {
  return {
    name: activity.name,
    purposes: activity.purposes.map((purpose) => ({
      description: purpose.description,
      legalBasis: purpose.legalBasis,
      legalReference: purpose.legalBasis && PUBLIC_LAW_BASES.has(purpose.legalBasis.code) ? purpose.legalReference : null
    })),
    specialCategoryConditions: activity.specialCategoryConditions.map(({ condition }) => condition),
    dataSubjectCategories: activity.dataSubjectCategories.map(({ name }) => ({ name })),
    dataCategories: activity.dataCategories.map(({ name, specialCategory, criminal }) => ({ name, specialCategory, criminal })),
    recipients: activity.recipients.map(({ name, type }) => ({ name, type: type as PublicActivity['recipients'][number]['type'] })),
    transfers: activity.transfers.map((transfer) => ({
      country: transfer.country && { code: transfer.country.code, name: transfer.country.name },
      internationalOrganisation: transfer.internationalOrganisation,
      mechanism: transfer.mechanism
    })),
    retention: activity.retention.map((rule) => ({
      dataCategories: rule.dataCategories.map(({ name }) => name),
      allDataCategories: rule.allDataCategories,
      period: rule.period,
      kind: rule.kind,
      trigger: rule.trigger,
      description: rule.description,
      legalReference: rule.legalReference
    }))
  }
}

/** The register of an organisation: its contact block and its active activities (the caller reads only those). */
export function publicRegister(organisation: Organisation, catalogue: Catalogue, activities: readonly Activity[]): PublicRegister {
  const { dpo } = organisation
  return {
    controller: {
      name: organisation.name,
      registrationNumber: organisation.registrationNumber,
      address: organisation.address,
      email: organisation.email,
      phone: organisation.phone,
      website: organisation.website,
      country: place(organisation.country),
      supervisoryAuthority: organisation.supervisoryAuthority,
      dpo: dpo?.designated ? { name: dpo.name, email: dpo.email, phone: dpo.phone, address: dpo.address } : null
    },
    activities: activities.map((activity) => publicActivity(resolveActivity(activity, catalogue)))
  }
}

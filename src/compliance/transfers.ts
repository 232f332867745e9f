import { countryByCode } from '../reference/countries.ts'
import { internationalOrganisationByCode } from '../reference/international-organisations.ts'
import { type Activity, type ActivityFinding, type ActivityRule, allRoles, blank, type Context, monthsBefore, type Transfer } from './types.ts'

const outsideEea = (country: string | null) => country !== null && countryByCode.get(country)?.eea !== true

/** Where a transfer goes: an international organisation, else a third country (null when neither is recorded). */
const destinationOf = (transfer: Transfer) => transfer.internationalOrganisation ?? transfer.country

/** The adequacy decision covering the destination, if any. */
const adequacyOf = (transfer: Transfer) =>
  transfer.internationalOrganisation
    ? internationalOrganisationByCode.get(transfer.internationalOrganisation)?.adequacy
    : transfer.country
      ? countryByCode.get(transfer.country)?.adequacy
      : undefined

/** How long a DPF List check holds before it should be repeated (the reference's H-3). */
const DPF_CHECK_MONTHS = 12

export const transferWithoutCountry: ActivityRule = {
  id: 'transfer-without-country',
  code: 'L-07',
  severity: 'error',
  article: 'Art. 30(1)(e)',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks: 'Every transfer identifies the third country or the international organisation it goes to.',
  evaluate: (activity) =>
    activity.transfers.flatMap((transfer, index) =>
      destinationOf(transfer) === null
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 30(1)(e)',
              path: `/transfers/${index}/country`,
              message: `Identify the third country or international organisation the transfer${transfer.importer ? ` to ${transfer.importer}` : ''} goes to (Art. 30(1)(e)).`
            }
          ]
        : []
    )
}

export const transferWithoutGround: ActivityRule = {
  id: 'transfer-without-mechanism',
  code: 'L-08',
  severity: 'error',
  article: 'Art. 44',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks:
    'A transfer outside the EEA rests on adequacy, appropriate safeguards (Arts. 46, 47) or a derogation (Art. 49); to a country with an adequacy decision, a missing ground is a warning that suggests `45`.',
  evaluate: (activity) =>
    activity.transfers.flatMap((transfer, index) => {
      if (transfer.mechanism !== null || (transfer.internationalOrganisation === null && transfer.country !== null && !outsideEea(transfer.country))) return []
      const path = `/transfers/${index}/mechanism`
      const adequate = Boolean(adequacyOf(transfer))
      return [
        adequate
          ? {
              severity: 'warning' as const,
              article: 'Art. 45(1)',
              path,
              message: `${destinationOf(transfer)} has an adequacy decision: record the ground as \`45\` if the decision covers this importer, or the safeguard relied on (Arts. 44, 45).`
            }
          : {
              severity: 'error' as const,
              article: 'Art. 44',
              path,
              message:
                'Name the Chapter V ground of the transfer: an adequacy decision, appropriate safeguards such as standard contractual clauses, or a derogation (Arts. 44–49).'
            }
      ]
    })
}

/** The EEA members outside the EU: an adequacy decision reaches them only once the EEA Agreement incorporates it. */
const EEA_EFTA = new Set(['IS', 'LI', 'NO'])

export const adequacyNotValid: ActivityRule = {
  id: 'adequacy-not-valid',
  code: 'L-09',
  severity: 'error',
  article: 'Art. 45(1)',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks:
    'A transfer on adequacy (45) goes to a country with a decision in force whose conditions the importer meets (the US: an importer on the DPF List, in any role, checked in the last 12 months) and that covers the exporter (a decision not yet in the EEA Agreement does not cover Iceland, Liechtenstein or Norway: a warning); the US decision is under appeal (info).',
  evaluate: (activity, { catalogue, now, organisation }) =>
    activity.transfers.flatMap((transfer, index): ActivityFinding[] => {
      const destination = destinationOf(transfer)
      if (transfer.mechanism !== '45' || destination === null) return []
      const at = `/transfers/${index}`
      const adequacy = adequacyOf(transfer)
      if (!adequacy)
        return [
          {
            severity: 'error' as const,
            article: 'Art. 45(1)',
            path: `${at}/mechanism`,
            message: `There is no adequacy decision for ${destination}: use appropriate safeguards (Art. 46) or a derogation (Art. 49).`
          }
        ]
      if (adequacy.validUntil && adequacy.validUntil < now.toISOString().slice(0, 10)) {
        return [
          {
            severity: 'error' as const,
            article: 'Art. 45(3)',
            path: `${at}/mechanism`,
            message: `The adequacy decision for ${destination} ended on ${adequacy.validUntil}: find another ground.`
          }
        ]
      }
      if (!adequacy.inEeaAgreement && EEA_EFTA.has(organisation.country))
        return [
          {
            severity: 'warning' as const,
            article: 'Art. 45(1)',
            path: `${at}/mechanism`,
            message: `The adequacy decision for ${destination} is not yet part of the EEA Agreement, so it does not yet cover an exporter in ${organisation.country}: rely on appropriate safeguards (Art. 46) until it is incorporated.`
          }
        ]
      if (destination === 'US') {
        const processor = transfer.processorId ? catalogue.processors.get(transfer.processorId) : undefined
        const onTheList = transfer.dpfCertified === true || processor?.dpfCertified === true
        const stale = transfer.dpfCertified === true && (transfer.dpfCheckedAt ?? '') < monthsBefore(now, DPF_CHECK_MONTHS)
        return [
          ...(onTheList
            ? []
            : [
                {
                  severity: 'error' as const,
                  article: 'Art. 45(1)',
                  path: `${at}/dpfCertified`,
                  message:
                    'The EU-US adequacy decision covers only importers on the Data Privacy Framework List, in any role: mark the transfer dpfCertified (or link a processor marked so), or use standard contractual clauses.'
                }
              ]),
          ...(stale
            ? [
                {
                  severity: 'warning' as const,
                  article: 'Art. 45(1)',
                  path: `${at}/dpfCheckedAt`,
                  message: `Check the importer on the DPF List again and record the date: ${transfer.dpfCheckedAt ? `the last check, on ${transfer.dpfCheckedAt}, is` : 'no check is recorded, or it is'} more than ${DPF_CHECK_MONTHS} months old, and certifications lapse.`
                }
              ]
            : []),
          {
            severity: 'info' as const,
            article: 'Art. 45(5)',
            path: at,
            message: 'The EU-US Data Privacy Framework is under appeal (C-703/25 P): keep a fallback such as standard contractual clauses ready.'
          }
        ]
      }
      return adequacy.scope === 'partial'
        ? [
            {
              severity: 'info' as const,
              article: 'Art. 45(1)',
              path: at,
              message: `The adequacy decision for ${destination} is partial (${adequacy.conditions ?? 'see the decision'}): confirm the importer is covered.`
            }
          ]
        : []
    })
}

export const compellingInterestsUndocumented: ActivityRule = {
  id: 'compelling-interest-transfer-undocumented',
  code: 'L-10',
  severity: 'error',
  article: 'Art. 49(6)',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks:
    'A transfer on compelling legitimate interests (49.1.sub2) documents the interest, the assessment, the safeguards and when the supervisory authority was informed.',
  evaluate: (activity) =>
    activity.transfers.flatMap((transfer, index) => {
      if (transfer.mechanism !== '49.1.sub2') return []
      const derogation = transfer.derogation
      const missing = !derogation
        ? ['compellingInterest', 'assessmentReference', 'safeguards', 'supervisoryAuthorityNotifiedAt']
        : (['compellingInterest', 'assessmentReference', 'safeguards', 'supervisoryAuthorityNotifiedAt'] as const).filter((field) => blank(derogation[field]))
      return missing.length > 0
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 49(6)',
              path: `/transfers/${index}/derogation`,
              message: `A transfer under the second subparagraph of Art. 49(1) must be documented in the record (Arts. 30(1)(e), 49(6)); missing: ${missing.join(', ')}.`
            }
          ]
        : []
    })
}

export const sccIncomplete: ActivityRule = {
  id: 'scc-transfer-incomplete',
  code: 'L-13',
  severity: 'warning',
  article: 'Art. 46(1)',
  scope: 'activity',
  roles: allRoles,
  kind: 'requirement',
  checks:
    'A transfer on appropriate safeguards (an Art. 46 tool, or binding corporate rules under Art. 47, also coded 46.2.b) records its transfer impact assessment; one on standard contractual clauses (46.2.c) also names the module, which fits the roles of exporter and importer.',
  evaluate: (activity) =>
    activity.transfers.flatMap((transfer, index) => {
      if (transfer.mechanism === null || !(transfer.mechanism.startsWith('46.') || transfer.mechanism === '47')) return []
      return [
        ...(transfer.mechanism === '46.2.c' &&
        transfer.sccModule !== null &&
        transfer.importerRole !== null &&
        transfer.sccModule !== sccModuleFor(activity.role, transfer.importerRole)
          ? [
              {
                severity: 'warning' as const,
                article: 'Art. 46(2)(c)',
                path: `/transfers/${index}/sccModule`,
                message: `Module ${transfer.sccModule} does not fit the roles: from a ${activity.role === 'processor' ? 'processor' : 'controller'} to a ${transfer.importerRole.replace('_', '-')} the clauses are module ${sccModuleFor(activity.role, transfer.importerRole)} (Implementing Decision (EU) 2021/914).`
              }
            ]
          : []),
        ...(transfer.mechanism === '46.2.c' && transfer.sccModule === null
          ? [
              {
                severity: 'warning' as const,
                article: 'Art. 46(2)(c)',
                path: `/transfers/${index}/sccModule`,
                message: 'Name the module of the standard contractual clauses (Implementing Decision (EU) 2021/914: 1 to 4).'
              }
            ]
          : []),
        ...(blank(transfer.tiaReference)
          ? [
              {
                severity: 'warning' as const,
                article: transfer.mechanism === '47' ? 'Art. 47' : 'Art. 46(1)',
                path: `/transfers/${index}/tiaReference`,
                message: `Record the transfer impact assessment that ${BCR.has(transfer.mechanism) ? 'binding corporate rules' : 'appropriate safeguards'} need as much as other Art. 46 tools (CJEU C-311/18).`
              }
            ]
          : [])
      ]
    })
}

/** The SCC module for the roles (Implementing Decision (EU) 2021/914): C2C 1, C2P 2, P2P 3, P2C 4. */
const sccModuleFor = (exporter: Activity['role'], importer: NonNullable<Transfer['importerRole']>) =>
  exporter === 'processor' ? (importer === 'controller' ? 4 : 3) : importer === 'controller' ? 1 : 2

/** Binding corporate rules: Art. 47 defines them, Art. 46(2)(b) lists them among the safeguards; either code means them. */
const BCR = new Set(['47', '46.2.b'])

export const processorAbroadWithoutTransfer: ActivityRule = {
  id: 'processor-abroad-without-transfer',
  code: 'L-14',
  severity: 'warning',
  article: 'Art. 44',
  scope: 'activity',
  roles: allRoles,
  kind: 'heuristic',
  checks:
    "A processor established outside the EEA, or a sub-processor of one of the activity's processors (at any depth), appears as a transfer of the activities that use it: a sub-processor abroad is the most common transfer.",
  evaluate: (activity, { catalogue }) => {
    const seen = new Set<string>()
    return activity.processorIds.flatMap((id, index) =>
      chainOf(id, catalogue, seen).flatMap(({ processor, via }) => {
        const covered = activity.transfers.some((transfer) => transfer.processorId === processor.id || transfer.country === processor.country)
        if (!outsideEea(processor.country) || covered) return []
        return [
          {
            severity: 'warning' as const,
            article: via ? 'Art. 28(4)' : 'Art. 44',
            path: `/processorIds/${index}`,
            message: via
              ? `'${processor.name}', a sub-processor of '${via}', is in ${processor.country}, outside the EEA: record the transfer and its ground (Arts. 28(4), 44).`
              : `The processor '${processor.name}' is in ${processor.country}, outside the EEA: record the transfer and its ground.`
          }
        ]
      })
    )
  }
}

/** A processor and every sub-processor below it not `seen` yet (each is reported once per activity), with the processor that engages it. */
function chainOf(id: string, catalogue: Context['catalogue'], seen: Set<string>) {
  const found: { processor: { id: string; name: string; country: string | null }; via: string | null }[] = []
  const visit = (processorId: string, via: string | null) => {
    const processor = catalogue.processors.get(processorId)
    if (!processor || seen.has(processorId)) return
    seen.add(processorId)
    found.push({ processor: { id: processorId, name: processor.name, country: processor.country }, via })
    for (const subId of processor.subProcessorIds) visit(subId, processor.name)
  }
  visit(id, null)
  return found
}

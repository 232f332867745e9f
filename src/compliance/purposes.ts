import type { Consent } from '../modules/activities/activities.schemas.ts'
import { countryByCode } from '../reference/countries.ts'
import { type Activity, type ActivityFinding, type ActivityRule, blank, type Context, controllerRoles } from './types.ts'

const GENERIC =
  /^(business purposes?|historical purposes?|other( purposes?)?|improve (our )?services?|administration|general purposes?|various|misc(ellaneous)?)\.?$/i
const words = (text: string) =>
  text
    .trim()
    .split(/\s+/)
    .filter((word) => word.length > 1).length

export const purposeMissing: ActivityRule = {
  id: 'purpose-missing',
  code: 'L-04',
  severity: 'error',
  article: 'Art. 30(1)(b)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'The activity has at least one purpose.',
  evaluate: (activity) =>
    activity.purposes.length === 0
      ? [{ severity: 'error', article: 'Art. 30(1)(b)', path: '/purposes', message: 'Record the purposes of the processing (Art. 30(1)(b)).' }]
      : []
}

export const purposeGeneric: ActivityRule = {
  id: 'purpose-generic',
  code: 'L-04',
  severity: 'warning',
  article: 'Art. 5(1)(b)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks:
    'Each purpose is specific: a generic phrase ("business purposes", "other") is a warning; one or two words ("Payroll") may be specific enough in context, so they are only an info.',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) => {
      const generic = GENERIC.test(purpose.description.trim())
      if (!generic && words(purpose.description) >= 3) return []
      return [
        {
          severity: generic ? ('warning' as const) : ('info' as const),
          article: 'Art. 5(1)(b)',
          path: `/purposes/${index}/description`,
          message: generic
            ? `'${purpose.description}' is too generic: purposes must be specified and explicit (Art. 5(1)(b)).`
            : `'${purpose.description}' is short: check that it says what the data are used for, specifically enough for the people concerned (Art. 5(1)(b)).`
        }
      ]
    })
}

export const purposeWithoutBasis: ActivityRule = {
  id: 'purpose-without-legal-basis',
  code: 'L-19',
  severity: 'error',
  article: 'Art. 6(1)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Every purpose names its Art. 6(1) legal basis.',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) =>
      purpose.legalBasis === null
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 6(1)',
              path: `/purposes/${index}/legalBasis`,
              message: `Choose the Art. 6(1) legal basis of the purpose '${purpose.description}': processing is lawful only on one of them.`
            }
          ]
        : []
    )
}

export const legalReferenceMissing: ActivityRule = {
  id: 'legal-obligation-without-reference',
  code: 'L-21',
  severity: 'error',
  article: 'Art. 6(3)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'A purpose on 6.1.c (legal obligation) or 6.1.e (public task) cites the Union or Member State law it rests on.',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) =>
      (purpose.legalBasis === '6.1.c' || purpose.legalBasis === '6.1.e') && blank(purpose.legalReference)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 6(3)',
              path: `/purposes/${index}/legalReference`,
              message: `Cite the law that lays down the ${purpose.legalBasis === '6.1.c' ? 'legal obligation' : 'public task'} behind '${purpose.description}' (Art. 6(3)).`
            }
          ]
        : []
    )
}

const subjects = (activity: Activity, context: Context) =>
  activity.dataSubjectCategoryIds.map((id) => context.catalogue.dataSubjectCategories.get(id)).filter((category) => category !== undefined)

/** Data subject categories that read as employees or job applicants (by name: a heuristic). */
export const employmentSubjects = (activity: Activity, context: Context) =>
  subjects(activity, context).filter((category) => /employee|staff|applicant|candidate|worker/i.test(category.name))

export const legitimateInterests: ActivityRule = {
  id: 'legitimate-interest-undocumented',
  code: 'L-22',
  severity: 'error',
  article: 'Art. 6(1)(f)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'A 6.1.f purpose states the interest pursued (error) and its legitimate interests assessment (warning); children among the data subjects weigh against it (warning).',
  evaluate: (activity, context) => {
    const children = subjects(activity, context).some((category) => category.includesChildren)
    return activity.purposes.flatMap((purpose, index) => {
      if (purpose.legalBasis !== '6.1.f') return []
      const at = `/purposes/${index}`
      return [
        ...(blank(purpose.legitimateInterest)
          ? [
              {
                severity: 'error' as const,
                article: 'Art. 13(1)(d)',
                path: `${at}/legitimateInterest`,
                message: `State the legitimate interest pursued by '${purpose.description}' (Arts. 6(1)(f), 13(1)(d)).`
              }
            ]
          : []),
        ...(blank(purpose.liaReference)
          ? [
              {
                severity: 'warning' as const,
                article: 'Art. 6(1)(f)',
                path: `${at}/liaReference`,
                message: `Record where the legitimate interests assessment (balancing test) for '${purpose.description}' is documented.`
              }
            ]
          : []),
        ...(children
          ? [
              {
                severity: 'warning' as const,
                article: 'Art. 6(1)(f)',
                path: at,
                message:
                  'The data subjects include children, whose interests weigh heavily against legitimate interests (Art. 6(1)(f)); review the balancing test.'
              }
            ]
          : [])
      ]
    })
  }
}

/**
 * What documents a consent: where the record is kept (Art. 7(1)) and how it is withdrawn (Art. 7(3)).
 * `at` is the JSON pointer of the object that holds the consent.
 */
export function consentGaps(consent: Consent | null, at: string, what: string): ActivityFinding[] {
  return [
    ...(blank(consent?.recordReference)
      ? [
          {
            severity: 'error' as const,
            article: 'Art. 7(1)',
            path: `${at}/consent/recordReference`,
            message: `Record where the consents for ${what} are kept: the controller must be able to demonstrate them (Art. 7(1)).`
          }
        ]
      : []),
    ...(blank(consent?.withdrawalMechanism)
      ? [
          {
            severity: 'error' as const,
            article: 'Art. 7(3)',
            path: `${at}/consent/withdrawalMechanism`,
            message: `Describe how consent to ${what} is withdrawn, as easily as it is given (Art. 7(3)).`
          }
        ]
      : [])
  ]
}

export const consentUndocumented: ActivityRule = {
  id: 'consent-undocumented',
  code: 'L-23',
  severity: 'error',
  article: 'Art. 7',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    "Consent has a record that demonstrates it (Art. 7(1)) and a way to withdraw it (Art. 7(3)), where it belongs: on the 6.1.a purpose, on the 9.2.a condition (explicit consent, whatever the purpose's basis) and on the 49.1.a transfer. Explicit consent documented on a 6.1.a purpose of the same activity is accepted for 9.2.a and 49.1.a.",
  evaluate: (activity) => {
    const documentedOnPurpose = activity.purposes.find((purpose) => purpose.legalBasis === '6.1.a' && !blank(purpose.consent?.recordReference))?.consent ?? null
    const onPurposes = activity.purposes.flatMap((purpose, index) =>
      purpose.legalBasis === '6.1.a' ? consentGaps(purpose.consent, `/purposes/${index}`, `'${purpose.description}'`) : []
    )
    const onConditions = activity.specialCategoryConditions.flatMap((condition, index) =>
      condition.condition === '9.2.a'
        ? consentGaps(
            condition.consent ?? documentedOnPurpose,
            `/specialCategoryConditions/${index}`,
            'the special category data (explicit consent, Art. 9(2)(a))'
          )
        : []
    )
    const onTransfers = activity.transfers.flatMap((transfer, index) =>
      transfer.mechanism === '49.1.a'
        ? consentGaps(
            transfer.consent ?? documentedOnPurpose,
            `/transfers/${index}`,
            'the transfer (explicit consent after being informed of the risks, Art. 49(1)(a))'
          ).map((finding) => ({ ...finding, article: finding.article === 'Art. 7(1)' ? 'Art. 49(1)(a)' : finding.article }))
        : []
    )
    return [...onPurposes, ...onConditions, ...onTransfers]
  }
}

export const childConsent: ActivityRule = {
  id: 'child-consent-age',
  code: 'L-30',
  severity: 'error',
  article: 'Art. 8(1)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    "Consent (6.1.a) to an information society service offered to children sets the age below which a parent consents, no lower than the organisation's country allows (Art. 8(1): 13–16, else 16): missing is a warning, lower an error; and says how parental consent is verified (Art. 8(2)), a warning.",
  evaluate: (activity, context) => {
    if (!subjects(activity, context).some((category) => category.includesChildren)) return []
    const country = countryByCode.get(context.organisation.country)
    const age = country?.digitalConsentAge ?? 16
    return activity.purposes.flatMap((purpose, index): ActivityFinding[] => {
      if (purpose.legalBasis !== '6.1.a' || !purpose.informationSocietyService) return []
      const at = `/purposes/${index}/consent`
      const threshold = purpose.consent?.ageThreshold ?? null
      const findings: ActivityFinding[] = []
      if (threshold === null)
        findings.push({
          severity: 'warning',
          article: 'Art. 8(1)',
          path: `${at}/ageThreshold`,
          message: `Children may use the service behind '${purpose.description}': record the age below which a parent must consent (${age} where the organisation is established, ${country?.name ?? context.organisation.country}; Art. 8(1)).`
        })
      else if (threshold < age)
        findings.push({
          severity: 'error',
          article: 'Art. 8(1)',
          path: `${at}/ageThreshold`,
          message: `Children from ${threshold} consent alone to '${purpose.description}', but the age in ${country?.name ?? context.organisation.country} is ${age}: below it, consent is lawful only if a parent gives or authorises it (Art. 8(1)).`
        })
      if (blank(purpose.consent?.parentalConsentVerification))
        findings.push({
          severity: 'warning',
          article: 'Art. 8(2)',
          path: `${at}/parentalConsentVerification`,
          message: `Describe the reasonable efforts made to verify that a parent consented for younger children (Art. 8(2)).`
        })
      return findings
    })
  }
}

export const legitimateInterestsOfPublicAuthority: ActivityRule = {
  id: 'legitimate-interests-of-public-authority',
  code: 'L-20',
  severity: 'error',
  article: 'Art. 6(1)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'A public authority does not rest processing in the performance of its tasks on 6.1.f (Art. 6(1), second subparagraph): an error for its tasks, or while that is undecided (the stricter reading); a warning outside them.',
  evaluate: (activity, context) =>
    context.organisation.isPublicAuthority
      ? activity.purposes.flatMap((purpose, index): ActivityFinding[] =>
          purpose.legalBasis !== '6.1.f'
            ? []
            : purpose.publicAuthorityTask === false
              ? [
                  {
                    severity: 'warning' as const,
                    article: 'Art. 6(1)',
                    path: `/purposes/${index}/legalBasis`,
                    message: `A public authority may rely on legitimate interests only outside its tasks as a public authority: check that '${purpose.description}' is, and that no law makes it a task (Art. 6(1), second subparagraph; Recital 47).`
                  }
                ]
              : [
                  {
                    severity: 'error' as const,
                    article: 'Art. 6(1)',
                    path: `/purposes/${index}/${purpose.publicAuthorityTask === null ? 'publicAuthorityTask' : 'legalBasis'}`,
                    message:
                      purpose.publicAuthorityTask === null
                        ? `6.1.f is unavailable to a public authority for its tasks (Art. 6(1), second subparagraph): rest '${purpose.description}' on 6.1.e or 6.1.c, or record that it lies outside its tasks (publicAuthorityTask false).`
                        : `'${purpose.description}' is a task of the public authority: 6.1.f is unavailable for it (Art. 6(1), second subparagraph); rest it on 6.1.e or 6.1.c with the law that lays it down.`
                  }
                ]
        )
      : []
}

export const contractWithNonParties: ActivityRule = {
  id: 'contract-basis-for-non-parties',
  code: 'L-24',
  severity: 'warning',
  article: 'Art. 6(1)(b)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'Contract (6.1.b) is not used for contact persons of business customers or other people who are not party to the contract.',
  evaluate: (activity, context) => {
    const nonParties = subjects(activity, context).filter((category) =>
      /contact person|contacts? at|representatives? of|third part/i.test(`${category.name} ${category.description ?? ''}`)
    )
    if (nonParties.length === 0) return []
    return activity.purposes.flatMap((purpose, index) =>
      purpose.legalBasis === '6.1.b'
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 6(1)(b)',
              path: `/purposes/${index}/legalBasis`,
              message: `6.1.b covers only a contract the data subject is party to; ${nonParties.map((c) => `'${c.name}'`).join(', ')} are not. Consider 6.1.f for them.`
            }
          ]
        : []
    )
  }
}

export const consentFromEmployees: ActivityRule = {
  id: 'consent-in-imbalance-of-power',
  code: 'L-25',
  severity: 'warning',
  article: 'Art. 4(11)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'Consent (6.1.a) is not relied on for employees or job applicants, for whom it is rarely freely given.',
  evaluate: (activity, context) => {
    const dependent = employmentSubjects(activity, context)
    if (dependent.length === 0) return []
    return activity.purposes.flatMap((purpose, index) =>
      purpose.legalBasis === '6.1.a'
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 4(11)',
              path: `/purposes/${index}/legalBasis`,
              message: `Consent is rarely freely given by ${dependent.map((c) => `'${c.name}'`).join(', ')} (Arts. 4(11), 7(4)); consider another basis.`
            }
          ]
        : []
    )
  }
}

export const alternativeBases: ActivityRule = {
  id: 'purpose-with-alternative-bases',
  code: 'L-26',
  severity: 'warning',
  article: 'Art. 5(1)(a)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'A purpose is recorded under one legal basis, not as alternatives ("consent or contract").',
  evaluate: (activity) => {
    const seen = new Map<string, { basis: string | null; index: number }>()
    return activity.purposes.flatMap((purpose, index) => {
      const key = purpose.description.trim().toLowerCase()
      const earlier = seen.get(key)
      if (!earlier) {
        seen.set(key, { basis: purpose.legalBasis, index })
        return []
      }
      return earlier.basis !== purpose.legalBasis
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 5(1)(a)',
              path: `/purposes/${index}`,
              message: `'${purpose.description}' is recorded under both ${earlier.basis ?? 'no basis'} and ${purpose.legalBasis ?? 'no basis'}: each purpose needs one identified basis (Arts. 5(1)(a), 13(1)(c)).`
            }
          ]
        : []
    })
  }
}

export const directMarketingObjection: ActivityRule = {
  id: 'direct-marketing-without-opt-out',
  code: 'L-32',
  severity: 'warning',
  article: 'Art. 21(2)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks:
    'A direct marketing purpose not based on consent records how people object (opt out), offered clearly and separately (Art. 21(2)–(4)); on consent, withdrawing it is the opt-out (checked by L-23).',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) =>
      purpose.directMarketing && purpose.legalBasis !== '6.1.a' && blank(purpose.objectionMechanism)
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 21(2)',
              path: `/purposes/${index}/objectionMechanism`,
              message: `Record how recipients of '${purpose.description}' object or opt out: the right to object to direct marketing is absolute and must be offered clearly and separately (Art. 21(2)–(4)). Withdrawing consent is a different mechanism.`
            }
          ]
        : []
    )
}

const IMPLIED = /clos(e|es|ing) (the )?(cookie|banner|box|message)|continu\w* (to )?(brows|us)|implied|browser settings|dismiss/i

export const impliedConsent: ActivityRule = {
  id: 'consent-by-implied-action',
  code: 'L-33',
  severity: 'warning',
  article: 'Art. 4(11)',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'heuristic',
  checks: 'Consent is not taken from an implied action (closing a banner, continuing to browse, browser settings).',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) =>
      purpose.legalBasis === '6.1.a' && IMPLIED.test(purpose.consent?.mechanism ?? '')
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 4(11)',
              path: `/purposes/${index}/consent/mechanism`,
              message: 'Consent needs a clear affirmative action (Art. 4(11)); closing a banner or continuing to browse is not one.'
            }
          ]
        : []
    )
}

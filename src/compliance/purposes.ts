import { type Activity, type ActivityRule, blank, type Context, controllerRoles } from './types.ts'

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

export const consentUndocumented: ActivityRule = {
  id: 'consent-undocumented',
  code: 'L-23',
  severity: 'error',
  article: 'Art. 7',
  scope: 'activity',
  roles: controllerRoles,
  kind: 'requirement',
  checks: 'Consent (6.1.a, 9.2.a or a 49.1.a transfer) has a record that demonstrates it (Art. 7(1)) and a way to withdraw it (Art. 7(3)).',
  evaluate: (activity) => {
    const consentPurposes = activity.purposes.map((purpose, index) => ({ purpose, index })).filter(({ purpose }) => purpose.legalBasis === '6.1.a')
    const findings = consentPurposes.flatMap(({ purpose, index }) => [
      ...(blank(purpose.consent?.recordReference)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 7(1)',
              path: `/purposes/${index}/consent/recordReference`,
              message: `Record where the consents for '${purpose.description}' are kept: the controller must be able to demonstrate them (Art. 7(1)).`
            }
          ]
        : []),
      ...(blank(purpose.consent?.withdrawalMechanism)
        ? [
            {
              severity: 'error' as const,
              article: 'Art. 7(3)',
              path: `/purposes/${index}/consent/withdrawalMechanism`,
              message: `Describe how consent to '${purpose.description}' is withdrawn, as easily as it is given (Art. 7(3)).`
            }
          ]
        : [])
    ])
    const recorded = consentPurposes.some(({ purpose }) => !blank(purpose.consent?.recordReference))
    const explicit = activity.specialCategoryConditions.findIndex((condition) => condition.condition === '9.2.a')
    if (explicit >= 0 && !recorded)
      findings.push({
        severity: 'error',
        article: 'Art. 7(1)',
        path: `/specialCategoryConditions/${explicit}`,
        message: 'Explicit consent (Art. 9(2)(a)) is relied on, but no purpose records where the consents are kept (Art. 7(1)).'
      })
    activity.transfers.forEach((transfer, index) => {
      if (transfer.mechanism === '49.1.a' && !recorded)
        findings.push({
          severity: 'error',
          article: 'Art. 49(1)(a)',
          path: `/transfers/${index}/mechanism`,
          message: 'The transfer relies on explicit consent (Art. 49(1)(a)): record where the informed consents are kept.'
        })
    })
    return findings
  }
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
    const dependent = subjects(activity, context).filter((category) => /employee|staff|applicant|candidate|worker/i.test(category.name))
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
  checks: 'A direct marketing purpose records how people opt out (objection is absolute, Art. 21(2)–(4)).',
  evaluate: (activity) =>
    activity.purposes.flatMap((purpose, index) =>
      purpose.directMarketing && blank(purpose.consent?.withdrawalMechanism)
        ? [
            {
              severity: 'warning' as const,
              article: 'Art. 21(2)',
              path: `/purposes/${index}`,
              message: `Record how recipients of '${purpose.description}' object or opt out: the right to object to direct marketing is absolute and must be offered clearly and separately (Art. 21(2)–(4)).`
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

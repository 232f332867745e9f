import type { InternationalOrganisation } from './reference.schemas.ts'

/**
 * International organisations a transfer may go to (Art. 30(1)(e)) that the reference knows of: those
 * with an adequacy decision of their own (Art. 45(1) covers "an international organisation").
 * Source: gdpr.md section 3.2.
 */
export const internationalOrganisations: readonly InternationalOrganisation[] = [
  {
    code: 'IO:EPORG',
    name: 'European Patent Organisation',
    adequacy: {
      decision: 'Implementing Decision (EU) 2025/1382',
      article: 'Art. 45(3)',
      scope: 'full',
      conditions: null,
      validFrom: '2025-07-15',
      validUntil: null,
      // Not verified: the stricter reading (exporters in Iceland, Liechtenstein and Norway are warned).
      inEeaAgreement: false,
      notes:
        'The first adequacy decision for an international organisation (OJ L of 18 Jul 2025). Its incorporation into the EEA Agreement has not been verified, so exporters in Iceland, Liechtenstein and Norway are warned to confirm it.'
    }
  }
]

export const internationalOrganisationByCode: ReadonlyMap<string, InternationalOrganisation> = new Map(internationalOrganisations.map((io) => [io.code, io]))

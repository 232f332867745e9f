/**
 * The API's codes as terms of the W3C Data Privacy Vocabulary (DPV 2.x) and its extensions, for the
 * JSON-LD export. Every IRI here was looked up in DPV 2.3 (w3c/dpv, `2.3/legal/eu/gdpr/modules/*.ttl`,
 * `2.3/pd/pd.ttl`, `2.3/loc/loc.ttl`); docs/dpv.md has the table and the reasons for the few that are
 * not one to one. Values are compact IRIs with the prefixes of the context (`dpv-context.ts`).
 */

export const namespaces = {
  dpv: 'https://w3id.org/dpv#',
  'eu-gdpr': 'https://w3id.org/dpv/legal/eu/gdpr#',
  loc: 'https://w3id.org/dpv/loc#',
  pd: 'https://w3id.org/dpv/pd#',
  /** Our own terms, for what DPV has no term for. A URN: the same in every deployment, owned by no domain. */
  ropa: 'urn:ropa-api:ns#'
} as const

/** Art. 6(1) bases and Art. 9(2) conditions (`src/reference/legal-bases.ts`). */
export const legalBasisIris: Readonly<Record<string, string>> = {
  '6.1.a': 'eu-gdpr:A6-1-a',
  '6.1.b': 'eu-gdpr:A6-1-b',
  '6.1.c': 'eu-gdpr:A6-1-c',
  '6.1.d': 'eu-gdpr:A6-1-d',
  '6.1.e': 'eu-gdpr:A6-1-e',
  '6.1.f': 'eu-gdpr:A6-1-f',
  '9.2.a': 'eu-gdpr:A9-2-a',
  '9.2.b': 'eu-gdpr:A9-2-b',
  '9.2.c': 'eu-gdpr:A9-2-c',
  '9.2.d': 'eu-gdpr:A9-2-d',
  '9.2.e': 'eu-gdpr:A9-2-e',
  '9.2.f': 'eu-gdpr:A9-2-f',
  '9.2.g': 'eu-gdpr:A9-2-g',
  '9.2.h': 'eu-gdpr:A9-2-h',
  '9.2.i': 'eu-gdpr:A9-2-i',
  '9.2.j': 'eu-gdpr:A9-2-j'
}

interface TransferTerms {
  /** The Chapter V ground, a `dpv:DataTransferLegalBasis`. */
  legalBasis: string
  /** The safeguard itself, where DPV names it (an `eu-gdpr:DataTransferTool` or a contract). */
  measure?: string
}

/** Chapter V transfer tools (`src/reference/transfer-mechanisms.ts`). */
export const transferMechanismTerms: Readonly<Record<string, TransferTerms>> = {
  '45': { legalBasis: 'eu-gdpr:A45-3' },
  '46.2.a': { legalBasis: 'eu-gdpr:A46-2-a' },
  '46.2.b': { legalBasis: 'eu-gdpr:A46-2-b', measure: 'eu-gdpr:BindingCorporateRules' },
  '46.2.c': { legalBasis: 'eu-gdpr:A46-2-c', measure: 'eu-gdpr:SCCByCommission' },
  '46.2.d': { legalBasis: 'eu-gdpr:A46-2-d', measure: 'eu-gdpr:SCCBySupervisoryAuthority' },
  '46.2.e': { legalBasis: 'eu-gdpr:A46-2-e', measure: 'eu-gdpr:CodesOfConductForDataTransfers' },
  '46.2.f': { legalBasis: 'eu-gdpr:A46-2-f', measure: 'eu-gdpr:CertificationMechanismsForDataTransfers' },
  '46.3.a': { legalBasis: 'eu-gdpr:A46-3-a', measure: 'eu-gdpr:AdHocContractualClauses' },
  '46.3.b': { legalBasis: 'eu-gdpr:A46-3-b' },
  // DPV has no Art. 47 ground: approved BCRs are the Art. 46(2)(b) safeguard ("binding corporate rules in accordance with Article 47").
  '47': { legalBasis: 'eu-gdpr:A46-2-b', measure: 'eu-gdpr:BindingCorporateRules' },
  '49.1.a': { legalBasis: 'eu-gdpr:A49-1-a' },
  '49.1.b': { legalBasis: 'eu-gdpr:A49-1-b' },
  '49.1.c': { legalBasis: 'eu-gdpr:A49-1-c' },
  '49.1.d': { legalBasis: 'eu-gdpr:A49-1-d' },
  '49.1.e': { legalBasis: 'eu-gdpr:A49-1-e' },
  '49.1.f': { legalBasis: 'eu-gdpr:A49-1-f' },
  '49.1.g': { legalBasis: 'eu-gdpr:A49-1-g' },
  // DPV's A49-2 ("Art 49(2) legitimate interests") is defined by the text of the second subparagraph of Art. 49(1).
  '49.1.sub2': { legalBasis: 'eu-gdpr:A49-2' }
}

/** Art. 9(1) special categories (`src/reference/special-categories.ts`): the GDPR extension's concept where it has one, else the PD extension's. */
export const specialCategoryIris: Readonly<Record<string, readonly string[]>> = {
  racial_or_ethnic_origin: ['pd:Race', 'pd:EthnicOrigin'],
  political_opinions: ['pd:PoliticalOpinion'],
  religious_or_philosophical_beliefs: ['pd:ReligiousBelief', 'pd:PhilosophicalBelief'],
  trade_union_membership: ['pd:TradeUnionMembership'],
  genetic_data: ['eu-gdpr:GeneticData'],
  biometric_data: ['eu-gdpr:BiometricData'],
  health_data: ['eu-gdpr:HealthData'],
  sex_life_or_sexual_orientation: ['pd:Sexual']
}

/** Art. 10 data: personal data relating to criminal convictions and offences. */
export const criminalDataIri = 'pd:Criminal'

/** A country by its ISO 3166-1 alpha-2 code: DPV's location extension names each of the 249 codes the API knows. */
export const countryIri = (code: string) => `loc:${code}`

/** What a recipient of each type is, besides a `dpv:Recipient`. */
export const recipientTypeIris: Readonly<Record<string, string | undefined>> = {
  internal: undefined,
  processor: 'dpv:DataProcessor',
  joint_controller: 'dpv:DataController',
  independent_controller: 'dpv:DataController',
  public_authority: 'dpv:Authority',
  other: undefined
}

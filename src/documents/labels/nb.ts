import type { Applies, RightKey } from '../../compliance/rights.ts'
import type { Severity } from '../../compliance/types.ts'
import type { CodeLabels } from './index.ts'
import { countryName, dpiaCriterionLabels, legalBasisLabels, mechanismLabels, securityMeasureLabels, specialCategoryLabels } from './nb/codes.ts'
import { bokmalFinding } from './nb/findings.ts'
import { bokmalReason } from './nb/rights.ts'

const rights: Record<RightKey, string> = {
  information: 'Informasjon (art. 13 og 14)',
  access: 'Innsyn',
  rectification: 'Retting',
  erasure: 'Sletting',
  restriction: 'Begrensning av behandlingen',
  notification_of_recipients: 'Underretning til mottakere',
  portability: 'Dataportabilitet',
  object: 'Protest',
  object_to_direct_marketing: 'Protest mot direkte markedsføring',
  withdraw_consent: 'Tilbaketrekking av samtykke',
  not_subject_to_automated_decision: 'Ikke å være gjenstand for en avgjørelse som utelukkende er basert på automatisert behandling',
  complaint: 'Klage til tilsynsmyndigheten',
  assistance_to_the_controller: 'Bistand til den behandlingsansvarlige'
}

const rightLabels = new Map<string, string>(Object.entries(rights))

const appliesLabels: Record<Applies, string> = { full: 'Gjelder', partial: 'Gjelder delvis', no: 'Gjelder ikke' }
const severityLabels: Record<Severity, string> = { error: 'Feil', warning: 'Advarsel', info: 'Informasjon' }

const byCode = (table: Readonly<Record<string, string>>) => (code: string) => table[code] ?? code

/** Norwegian Bokmål, in the terms of personvernforordningen and Datatilsynet. */
export const norwegianBokmal: CodeLabels = {
  lang: 'nb',
  legalBasis: byCode(legalBasisLabels),
  specialCategory: byCode(specialCategoryLabels),
  mechanism: byCode(mechanismLabels),
  securityMeasure: byCode(securityMeasureLabels),
  dpiaCriterion: byCode(dpiaCriterionLabels),
  country: countryName,
  right: (right) => rightLabels.get(right) ?? right,
  applies: (applies) => appliesLabels[applies],
  severity: (severity) => severityLabels[severity],
  rightReason: bokmalReason,
  finding: bokmalFinding
}

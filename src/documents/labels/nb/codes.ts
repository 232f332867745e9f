import { dpiaCriteria } from '../../../reference/dpia-criteria.ts'
import { internationalOrganisations } from '../../../reference/international-organisations.ts'
import { legalBases } from '../../../reference/legal-bases.ts'
import { securityMeasureVocabulary } from '../../../reference/security-measures.ts'
import { specialCategories } from '../../../reference/special-categories.ts'
import { transferMechanisms } from '../../../reference/transfer-mechanisms.ts'

type Table<Label = string> = Readonly<Record<string, Label>>

/**
 * The labels of one reference list, keyed by code. The reference codes are plain strings (their
 * schemas are shared with the API), so the compiler cannot see a missing code: checking here, when the
 * module loads, stops a new reference code from reaching a Norwegian document untranslated.
 */
export function completeTable<Label>(list: readonly { code: string }[], table: Table<Label>, name: string): Table<Label> {
  const missing = list.map((entry) => entry.code).filter((code) => !Object.hasOwn(table, code))
  const unknown = Object.keys(table).filter((code) => !list.some((entry) => entry.code === code))
  if (missing.length > 0 || unknown.length > 0)
    throw new Error(`Bokmål ${name}: missing ${missing.join(', ') || 'none'}; unknown ${unknown.join(', ') || 'none'}`)
  return table
}

/** Art. 6(1) and 9(2), in the wording of personvernforordningen. */
export const legalBasisLabels = completeTable(
  legalBases,
  {
    '6.1.a': 'Samtykke',
    '6.1.b': 'Avtale',
    '6.1.c': 'Rettslig forpliktelse',
    '6.1.d': 'Vitale interesser',
    '6.1.e': 'Oppgave i allmennhetens interesse eller utøvelse av offentlig myndighet',
    '6.1.f': 'Berettiget interesse',
    '9.2.a': 'Uttrykkelig samtykke',
    '9.2.b': 'Arbeidsrett, trygderett og sosialrett',
    '9.2.c': 'Vitale interesser når samtykke ikke kan gis',
    '9.2.d': 'Stiftelser, sammenslutninger og andre ideelle organer',
    '9.2.e': 'Åpenbart offentliggjort av den registrerte',
    '9.2.f': 'Rettskrav og domstoler',
    '9.2.g': 'Viktige allmenne interesser',
    '9.2.h': 'Helse- og sosialtjenester, forebyggende medisin og arbeidsmedisin',
    '9.2.i': 'Folkehelse',
    '9.2.j': 'Arkivformål, forskning eller statistikk'
  },
  'legal bases'
)

/** Art. 9(1). */
export const specialCategoryLabels = completeTable(
  specialCategories,
  {
    racial_or_ethnic_origin: 'Rasemessig eller etnisk opprinnelse',
    political_opinions: 'Politisk oppfatning',
    religious_or_philosophical_beliefs: 'Religion eller filosofisk overbevisning',
    trade_union_membership: 'Fagforeningsmedlemskap',
    genetic_data: 'Genetiske opplysninger',
    biometric_data: 'Biometriske opplysninger brukt til å entydig identifisere en person',
    health_data: 'Helseopplysninger',
    sex_life_or_sexual_orientation: 'Seksuelle forhold eller seksuell orientering'
  },
  'special categories'
)

/** Chapter V (kapittel V: overføring av personopplysninger til tredjeland eller internasjonale organisasjoner). */
export const mechanismLabels = completeTable(
  transferMechanisms,
  {
    '45': 'Beslutning om tilstrekkelig beskyttelsesnivå',
    '46.2.a': 'Rettslig bindende instrument mellom offentlige myndigheter',
    '46.2.b': 'Bindende virksomhetsregler',
    '46.2.c': 'Standardpersonvernbestemmelser vedtatt av Kommisjonen (SCC)',
    '46.2.d': 'Standardpersonvernbestemmelser vedtatt av en tilsynsmyndighet',
    '46.2.e': 'Godkjente atferdsnormer',
    '46.2.f': 'Godkjent sertifiseringsordning',
    '46.3.a': 'Særskilte avtalevilkår (godkjent av tilsynsmyndigheten)',
    '46.3.b': 'Administrative ordninger mellom offentlige myndigheter (godkjent av tilsynsmyndigheten)',
    '47': 'Bindende virksomhetsregler (BCR)',
    '49.1.a': 'Uttrykkelig samtykke til overføringen',
    '49.1.b': 'Avtale med den registrerte',
    '49.1.c': 'Avtale i den registrertes interesse',
    '49.1.d': 'Viktige hensyn til allmennhetens interesse',
    '49.1.e': 'Rettskrav',
    '49.1.f': 'Vitale interesser',
    '49.1.g': 'Offentlig register',
    '49.1.sub2': 'Tvingende berettigede interesser'
  },
  'transfer mechanisms'
)

/** Art. 32 and the organisational measures around it (Datatilsynet's and NSM's usual terms). */
export const securityMeasureLabels = completeTable(
  securityMeasureVocabulary,
  {
    'T.ENC_REST': 'Kryptering av lagrede data',
    'T.ENC_TRANSIT': 'Kryptering under overføring (TLS 1.2+)',
    'T.ENC_E2E': 'Ende-til-ende-kryptering',
    'T.KEY_MGMT': 'Nøkkelhåndtering (HSM/KMS, nøkkelrotasjon)',
    'T.PSEUDONYMISATION': 'Pseudonymisering',
    'T.ANONYMISATION': 'Anonymisering eller aggregering før bruk',
    'T.MINIMISATION_MASKING': 'Dataminimering, maskering, avkorting',
    'T.ACCESS_CONTROL': 'Rolle- eller attributtbasert tilgangsstyring, minste privilegium',
    'T.MFA': 'Flerfaktorautentisering',
    'T.PASSWORD_POLICY': 'Sterke passordregler / passordhåndterer',
    'T.SSO_IAM': 'Sentral identitetsforvaltning, SSO',
    'T.PAM': 'Styring av privilegerte tilganger',
    'T.LOGGING': 'Logging av tilgang og endringer',
    'T.MONITORING': 'Sikkerhetsovervåking / SIEM / varsling',
    'T.NETWORK_SECURITY': 'Brannmurer, segmentering, VPN, private nett',
    'T.ANTI_MALWARE': 'Antivirus / EDR',
    'T.PATCH_MGMT': 'Programvareoppdatering og sårbarhetshåndtering',
    'T.SECURE_DEV': 'Sikker utviklingsprosess',
    'T.ENDPOINT_MGMT': 'Enhetsstyring, full diskkryptering på bærbare PC-er og mobiler',
    'T.EMAIL_SECURITY': 'E-postsikkerhet (SPF/DKIM/DMARC, filtrering av phishing)',
    'T.WEB_SECURITY': 'WAF, DDoS-beskyttelse, sikkerhetshoder',
    'T.BACKUP': 'Regelmessig sikkerhetskopiering',
    'T.BACKUP_OFFSITE_IMMUTABLE': 'Sikkerhetskopier utenfor lokalene, uforanderlige og krypterte',
    'T.RESTORE_TEST': 'Testet gjenoppretting / katastrofegjenoppretting / kontinuitetsplan',
    'T.REDUNDANCY': 'Høy tilgjengelighet, redundans',
    'T.SECURE_DELETION': 'Sikker sletting / kryptografisk sletting, sanering av lagringsmedier',
    'T.DLP': 'Forebygging av datalekkasjer (DLP)',
    'T.PHYSICAL': 'Fysisk adgangskontroll til lokaler og datasentre',
    'T.PENTEST': 'Penetrasjonstesting / sårbarhetsskanning',
    'O.SECURITY_POLICY': 'Informasjonssikkerhetspolicy, styringssystem (ISMS)',
    'O.TRAINING': 'Bevisstgjøring og opplæring av ansatte',
    'O.CONFIDENTIALITY': 'Taushetserklæringer',
    'O.NEED_TO_KNOW': 'Tilgang etter tjenstlig behov; behandling bare etter instruks',
    'O.ACCESS_REVIEW': 'Periodisk gjennomgang av tilganger; rutiner ved tiltredelse, endring og fratredelse',
    'O.VENDOR_MGMT': 'Kontroll av databehandlere, databehandleravtaler (art. 28), revisjoner',
    'O.INCIDENT_RESPONSE': 'Rutine for håndtering av avvik og hendelser',
    'O.BREACH_REGISTER': 'Dokumentasjon av brudd på personopplysningssikkerheten',
    'O.RETENTION_SCHEDULE': 'Plan for lagringstid og sletting',
    'O.PRIVACY_BY_DESIGN': 'Innebygd personvern og personvern som standardinnstilling',
    'O.DPIA_PROCESS': 'Rutine for å avklare behovet for vurdering av personvernkonsekvenser (DPIA)',
    'O.AUDIT': 'Interne eller eksterne revisjoner, etterlevelseskontroll',
    'O.CERTIFICATION': 'ISO/IEC 27001 / 27701 eller sertifisering etter art. 42',
    'O.CODE_OF_CONDUCT': 'Etterlevelse av atferdsnormer etter art. 40',
    'O.CLEAN_DESK': 'Rene pulter, skjermlås, sikring av papirdokumenter'
  },
  'security measures'
)

/** The nine WP248 criteria (Datatilsynet's list) and the three cases of art. 35 nr. 3. */
export const dpiaCriterionLabels = completeTable(
  dpiaCriteria,
  {
    evaluation_scoring: 'Evaluering eller poengsetting',
    automated_decision_with_legal_effect: 'Automatiserte avgjørelser med rettsvirkning eller tilsvarende betydelig virkning',
    systematic_monitoring: 'Systematisk overvåking',
    sensitive_data: 'Sensitive opplysninger eller opplysninger av svært personlig karakter',
    large_scale: 'Behandling i stor skala',
    matching_combining: 'Sammenstilling eller kombinering av datasett',
    vulnerable_data_subjects: 'Sårbare registrerte',
    innovative_technology: 'Innovativ bruk av teknologi eller nye organisatoriske løsninger',
    prevents_exercise_of_rights: 'Hindrer utøvelse av en rettighet eller bruk av en tjeneste eller avtale',
    '35.3.a': 'Systematisk og omfattende automatisert vurdering med betydelige virkninger',
    '35.3.b': 'Særlige kategorier eller opplysninger om straffedommer i stor skala',
    '35.3.c': 'Systematisk overvåking av et offentlig tilgjengelig område i stor skala'
  },
  'DPIA criteria'
)

export const internationalOrganisationNames = completeTable(
  internationalOrganisations,
  { 'IO:EPORG': 'Den europeiske patentorganisasjon' },
  'international organisations'
)

const regionNames = new Intl.DisplayNames(['nb'], { type: 'region', fallback: 'code' })

/** A country by its ISO code (Intl's Bokmål names), or an international organisation by its own code. */
export function countryName(code: string): string {
  return internationalOrganisationNames[code] ?? (/^[A-Z]{2}$/.test(code) ? regionNames.of(code) : undefined) ?? code
}

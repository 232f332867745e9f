import { rules } from '../../../compliance/index.ts'
import type { Finding } from '../../../compliance/types.ts'
import { completeTable } from './codes.ts'

/**
 * What each rule finds, in Bokmål. The rules write English sentences with names woven in, and carry
 * no key beyond the rule id, so the Norwegian text is the rule's statement in general terms; the
 * field the finding points at (`byField`, by the last named segment of its path) picks among the
 * statements of a rule that finds more than one thing.
 */
type Statement = string | { byField: Readonly<Record<string, string>>; otherwise: string }

const statements = completeTable<Statement>(
  rules.map((rule) => ({ code: rule.id })),
  {
    'client-controller-contact-missing': 'Registrer kontaktopplysningene til den behandlingsansvarlige oppdragsgiveren.',
    'controller-contact-missing':
      'Registrer kontaktopplysningene til den behandlingsansvarlige (e-postadresse eller telefonnummer, ikke bare postadresse), slik at de registrerte og tilsynsmyndigheten raskt kan nå den.',
    'processor-record-incomplete': {
      byField: { processing: 'Beskriv hvilke kategorier behandling som utføres for den behandlingsansvarlige oppdragsgiveren.' },
      otherwise: 'Oppgi de behandlingsansvarlige som behandlingen utføres på vegne av, med kontaktopplysninger.'
    },
    'dpo-contact-missing':
      'Registrer personvernombudet og kontaktopplysningene: de inngår i protokollen, skal offentliggjøres, og en offentlig myndighet skal utpeke et personvernombud.',
    'eu-representative-missing':
      'Den behandlingsansvarlige er etablert utenfor EØS: registrer representanten i Unionen, med mindre unntaket i art. 27 nr. 2 gjelder.',
    'joint-controller-incomplete': {
      byField: {
        contact: 'Registrer kontaktopplysningene til den felles behandlingsansvarlige.',
        arrangementReference: 'Registrer hvor ordningen mellom de felles behandlingsansvarlige etter art. 26 oppbevares.'
      },
      otherwise: 'Behandlingen skjer i fellesskap: oppgi de felles behandlingsansvarlige og kontaktopplysningene deres.'
    },
    'purpose-generic': 'Formålet er for generelt eller svært kort: formål skal være spesifikke og uttrykkelig angitte, slik at de registrerte forstår dem.',
    'purpose-missing': 'Registrer formålene med behandlingen.',
    'categories-missing': {
      byField: { dataCategoryIds: 'Oppgi kategoriene av personopplysninger.' },
      otherwise: 'Oppgi kategoriene av registrerte.'
    },
    'recipients-missing': {
      byField: {
        noRecipients: 'Behandlingen oppgir at den ikke har mottakere, men har registrert mottakere eller databehandlere: rett det ene eller det andre.'
      },
      otherwise: 'Oppgi kategoriene av mottakere opplysningene utleveres til, eller at det ikke finnes noen.'
    },
    'transfer-without-country': 'Oppgi tredjelandet eller den internasjonale organisasjonen overføringen går til.',
    'transfer-without-mechanism':
      'Oppgi overføringsgrunnlaget etter kapittel V: en beslutning om tilstrekkelig beskyttelsesnivå, nødvendige garantier som standardpersonvernbestemmelser, eller et unntak for særlige situasjoner.',
    'adequacy-not-valid': {
      byField: {
        dpfCertified:
          'Beslutningen om tilstrekkelig beskyttelsesnivå for USA gjelder bare mottakere på Data Privacy Framework-listen: merk overføringen eller databehandleren som sertifisert, eller bruk standardpersonvernbestemmelser.',
        dpfCheckedAt:
          'Kontroller mottakeren på DPF-listen på nytt og registrer datoen: siste kontroll er eldre enn tolv måneder, og sertifiseringer kan bortfalle.'
      },
      otherwise:
        'Beslutningen om tilstrekkelig beskyttelsesnivå som overføringen bygger på, mangler, er utløpt, er ikke innlemmet i EØS-avtalen, er påklaget eller bare delvis: kontroller at den dekker mottakeren, ellers bruk nødvendige garantier (art. 46) eller et unntak (art. 49).'
    },
    'compelling-interest-transfer-undocumented':
      'En overføring på grunnlag av tvingende berettigede interesser skal dokumenteres i protokollen: interessen, vurderingen, garantiene og når tilsynsmyndigheten ble underrettet.',
    'scc-transfer-incomplete': {
      byField: { sccModule: 'Oppgi hvilken modul av standardpersonvernbestemmelsene som brukes, og at den passer til rollene til eksportøren og importøren.' },
      otherwise: 'Registrer vurderingen av overføringens virkninger (TIA) som nødvendige garantier og bindende virksomhetsregler krever.'
    },
    'processor-abroad-without-transfer': 'En databehandler eller underdatabehandler er etablert utenfor EØS: registrer overføringen og overføringsgrunnlaget.',
    'retention-missing': 'Registrer hvor lenge opplysningene lagres, eller kriteriet som avgjør lagringstiden.',
    'retention-open-ended':
      'Lagringstiden har ingen øvre grense: fastsett en lengste lagringstid, loven som begrenser den, eller en syklus for ny vurdering (lagringsbegrensning).',
    'retention-law-without-legal-obligation': {
      byField: {
        kind: 'Lagringsregelen viser til en lov, men intet formål bygger på en rettslig forpliktelse (6.1.c): legg til formålet eller angi regelens art.'
      },
      otherwise:
        'Lagringstiden er fastsatt i lov: vis til loven, og dersom den pålegger lagring, legg til et formål som bygger på rettslig forpliktelse (6.1.c).'
    },
    'security-measures-missing': 'Beskriv de tekniske og organisatoriske sikkerhetstiltakene.',
    'purpose-without-legal-basis': 'Velg behandlingsgrunnlaget etter art. 6 nr. 1 for formålet: behandlingen er lovlig bare på ett av dem.',
    'legitimate-interests-of-public-authority':
      'En offentlig myndighet kan ikke bygge behandling som ledd i myndighetsoppgavene sine på berettiget interesse (6.1.f): bruk 6.1.e eller 6.1.c, eller registrer at formålet ligger utenfor oppgavene.',
    'legal-obligation-without-reference': 'Vis til loven som fastsetter den rettslige forpliktelsen eller oppgaven i allmennhetens interesse bak formålet.',
    'legitimate-interest-undocumented': {
      byField: {
        legitimateInterest: 'Angi den berettigede interessen som forfølges med formålet.',
        liaReference: 'Registrer hvor interesseavveiningen for formålet er dokumentert.'
      },
      otherwise: 'De registrerte omfatter barn, hvis interesser veier tungt mot berettiget interesse: gå gjennom interesseavveiningen på nytt.'
    },
    'consent-undocumented': {
      byField: { withdrawalMechanism: 'Beskriv hvordan samtykket trekkes tilbake, like enkelt som det ble gitt.' },
      otherwise: 'Registrer hvor samtykkene oppbevares: den behandlingsansvarlige må kunne påvise dem.'
    },
    'contract-basis-for-non-parties':
      'Avtale (6.1.b) dekker bare en avtale den registrerte selv er part i; kontaktpersoner og andre som ikke er part, er det ikke. Vurder berettiget interesse (6.1.f) for dem.',
    'consent-in-imbalance-of-power':
      'Samtykke fra ansatte eller jobbsøkere er sjelden frivillig på grunn av maktubalansen: vurder et annet behandlingsgrunnlag.',
    'purpose-with-alternative-bases': 'Formålet er registrert med flere behandlingsgrunnlag: hvert formål trenger ett identifisert behandlingsgrunnlag.',
    'special-category-without-condition':
      'Behandlingen omfatter særlige kategorier av personopplysninger: registrer vilkåret i art. 9 nr. 2 som gjør behandlingen tillatt.',
    'special-category-condition-without-reference':
      'Vilkåret for behandling av særlige kategorier krever hjemmel: vis til loven eller tariffavtalen behandlingen bygger på.',
    'criminal-data-without-authority':
      'Behandlingen omfatter opplysninger om straffedommer og lovovertredelser: oppgi den offentlige myndigheten eller loven som gir adgang til den.',
    'child-consent-age': {
      byField: { parentalConsentVerification: 'Beskriv hvilke rimelige tiltak som gjøres for å kontrollere at en forelder har samtykket for yngre barn.' },
      otherwise:
        'Barn kan bruke tjenesten: registrer aldersgrensen der foreldre må samtykke, ikke lavere enn i landet der virksomheten er etablert; under den er samtykket lovlig bare når en forelder gir eller godkjenner det.'
    },
    'automated-decision-unlawful': {
      byField: {
        lawReference: 'Vis til loven som gir hjemmel for den automatiserte avgjørelsen og fastsetter garantier.',
        safeguards: 'Den automatiserte avgjørelsen må minst gi rett til menneskelig inngripen, til å uttrykke sitt synspunkt og til å bestride avgjørelsen.',
        specialCategories:
          'Den automatiserte avgjørelsen bruker særlige kategorier av personopplysninger: bare med uttrykkelig samtykke (9.2.a) eller viktige allmenne interesser i lov (9.2.g).',
        logicInformation:
          'Registrer hvor de registrerte får vite om den underliggende logikken i den automatiserte avgjørelsen og de forventede konsekvensene.',
        recordReference: 'Registrer hvor de uttrykkelige samtykkene til den automatiserte avgjørelsen oppbevares.',
        withdrawalMechanism: 'Beskriv hvordan det uttrykkelige samtykket til den automatiserte avgjørelsen trekkes tilbake.'
      },
      otherwise:
        'Automatiserte avgjørelser med rettsvirkning eller tilsvarende betydelig virkning må bygge på et unntak i art. 22 nr. 2 (avtale, lov eller uttrykkelig samtykke) og beskrives med unntaket.'
    },
    'direct-marketing-without-opt-out':
      'Registrer hvordan mottakerne av direkte markedsføring kan protestere: retten er ubetinget og skal tilbys klart og atskilt fra annen informasjon.',
    'consent-by-implied-action': 'Samtykke krever en klar bekreftende handling; å lukke et banner eller fortsette å surfe er ikke det.',
    'client-controller-contract-missing': {
      byField: {
        subprocessorAuthorisation:
          'Behandlingen bruker underdatabehandlere: registrer om den behandlingsansvarlige har godkjent dem særskilt eller generelt skriftlig.'
      },
      otherwise: 'Registrer hvor databehandleravtalen med den behandlingsansvarlige oppbevares: den fastsetter de dokumenterte instruksene.'
    },
    'processor-contract-incomplete': {
      byField: {
        subprocessorAuthorisation: 'Registrer om databehandleren kan engasjere underdatabehandlere etter særskilt eller generell skriftlig godkjenning.'
      },
      otherwise:
        'Registrer databehandleravtalen (eller avtalen med underdatabehandleren) og når den ble signert: behandling ved en databehandler krever skriftlig avtale.'
    },
    'dpia-mandatory-not-completed': 'En vurdering av personvernkonsekvenser (DPIA) er obligatorisk her: gjennomfør den før behandlingen starter.',
    'dpia-likely-required':
      'Behandlingen oppfyller ett eller flere kriterier for høy risiko (WP248): gjennomfør en vurdering av personvernkonsekvenser (DPIA) før behandlingen, eller registrer hvorfor den ikke trengs.',
    'record-exemption-cannot-hold':
      'Unntaket fra protokollplikten i art. 30 nr. 5 gjelder ikke her: det forutsetter under 250 ansatte, behandling som bare skjer leilighetsvis, ingen særlige kategorier eller straffeopplysninger og ingen sannsynlig risiko.',
    'review-overdue': 'Oppføringen er ikke gjennomgått innenfor gjennomgangsintervallet: gå gjennom den og registrer gjennomgangen.'
  },
  'findings'
)

/** `Art. 6(1)(f)` as Norwegian law cites it: `art. 6 nr. 1 bokstav f`. */
export function norwegianArticle(article: string): string {
  return article
    .replace(/^Arts?\. /, 'art. ')
    .replace(/(\d+)\((\d+)\)\(([a-z])\)/g, '$1 nr. $2 bokstav $3')
    .replace(/(\d+)\((\d+)\)/g, '$1 nr. $2')
}

/** The last named segment of a JSON pointer (`/purposes/0/consent/recordReference` → `recordReference`). */
const fieldOf = (path: string) =>
  path
    .split('/')
    .filter((segment) => segment !== '' && !/^\d+$/.test(segment))
    .at(-1) ?? ''

function statementOf(finding: Finding): string {
  const statement = statements[finding.rule]
  if (statement === undefined) return finding.message
  return typeof statement === 'string' ? statement : (statement.byField[fieldOf(finding.path)] ?? statement.otherwise)
}

/** A finding in Bokmål: the rule's statement, the provision it cites and the field it points at. */
export function bokmalFinding(finding: Finding): string {
  return `${statementOf(finding)} (${norwegianArticle(finding.article)}; felt ${finding.path})`
}

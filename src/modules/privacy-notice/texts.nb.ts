import { contactLabels } from '../../documents/labels/contact.ts'
import type { NoticeTexts } from './texts.ts'

export const norwegianTexts: NoticeTexts = {
  chrome: { page: 'Side', none: '–' },
  title: 'Personvernerklæring',
  addressedTo: (audience) => `For: ${audience}`,
  generated: (date) => `Laget fra protokollen over behandlingsaktiviteter ${date}`,
  intro:
    'Denne erklæringen forteller hvordan personopplysningene dine behandles, slik personvernforordningen krever (artikkel 13 og 14): hvem som er ansvarlig, for hvilke formål og på hvilket rettslig grunnlag, hvem som mottar opplysningene, hvor lenge de lagres og hvilke rettigheter du har.',

  ...contactLabels.nb,
  controllerHeading: 'Hvem som er ansvarlig for opplysningene dine',
  representative: 'Representant i EU',

  processingHeading: 'Hva vi behandler og hvorfor',
  processingIntro:
    'Hver behandlingsaktivitet nedenfor oppgir formålene med rettslig grunnlag, opplysningene, mottakerne, overføringer til utlandet og hvor lenge opplysningene lagres.',
  noActivities: 'Ingen behandlingsaktivitet omfattes av denne erklæringen.',
  role: { controller: 'Behandlingsansvarlig', joint_controller: 'Felles behandlingsansvarlige (art. 26)' },
  jointControllers: 'Felles behandlingsansvarlige',
  dataSubjects: 'Hvem det gjelder',
  personalData: 'Personopplysninger',
  specialCategory: (label) => `særlig kategori: ${label}`,
  criminal: 'straffedommer og lovovertredelser',
  purposes: 'Formål og rettslig grunnlag',
  purpose: 'Formål',
  legalBasis: 'Rettslig grunnlag',
  details: 'Nærmere opplysninger',
  legitimateInterest: (text) => `Berettiget interesse: ${text}`,
  law: (text) => `Lov: ${text}`,
  consentWithdrawal: (text) => `Slik trekker du samtykket tilbake: ${text}`,
  objection: (text) => `Slik protesterer du: ${text}`,
  directMarketing: 'Direkte markedsføring: du kan når som helst protestere (art. 21 nr. 2).',
  specialCategoryConditions: 'Vilkår for særlige kategorier av opplysninger (art. 9 nr. 2)',
  recipients: 'Mottakere',
  processors: 'Databehandlere (leverandører som behandler opplysninger på våre vegne)',
  noRecipients: 'Opplysningene utleveres ikke til noen.',
  transfers: 'Overføringer ut av EØS',
  destination: 'Mottakerland',
  importer: 'Mottaker',
  safeguard: 'Overføringsgrunnlag',
  safeguardsCopy: 'Garantier og hvor du får en kopi',
  adequacyDecision: (decision) => `beslutning om tilstrekkelig beskyttelsesnivå: ${decision}`,
  retention: 'Hvor lenge opplysningene lagres',
  dataCategoriesColumn: 'Opplysninger',
  allDataCategories: 'Alle opplysninger i denne aktiviteten',
  period: 'Periode',
  criteria: 'Regnet fra, eller kriterier',
  retentionKinds: {
    fixed_period: 'fast periode',
    statutory_minimum: 'minstetid etter lov',
    statutory_maximum: 'lengste tid loven tillater',
    limitation_period: 'til krav er foreldet',
    until_event: 'til hendelsen inntreffer, høyst perioden'
  },
  sources: 'Hvor opplysningene kommer fra',
  sourceKinds: {
    data_subject: 'Fra deg',
    third_party: 'Fra tredjeparter',
    publicly_available: 'Fra offentlig tilgjengelige kilder',
    generated: 'Skapt av oss under behandlingen'
  },
  article14: 'Noen av disse opplysningene er ikke samlet inn fra deg (art. 14).',
  automatedDecisions: 'Automatiserte avgjørelser',
  decision: 'Avgjørelse',
  exception: 'Tillatt fordi',
  decisionSafeguards: 'Dine garantier',
  logic: 'Logikken bak, betydningen og de forventede konsekvensene',
  exceptions: {
    '22.2.a': 'nødvendig for en avtale med deg (art. 22 nr. 2 bokstav a)',
    '22.2.b': 'hjemlet i lov (art. 22 nr. 2 bokstav b)',
    '22.2.c': 'ditt uttrykkelige samtykke (art. 22 nr. 2 bokstav c)'
  },
  safeguardKinds: {
    human_intervention: 'menneskelig inngripen',
    express_point_of_view: 'å uttrykke ditt syn',
    contest_decision: 'å bestride avgjørelsen'
  },
  profiling: 'Opplysningene brukes til profilering.',

  rightsHeading: 'Dine rettigheter',
  rightsIntro:
    'Du kan bruke rettighetene nedenfor ved å kontakte den behandlingsansvarlige. Du skal få svar uten ugrunnet opphold og senest innen én måned, som kan forlenges med ytterligere to måneder ved behov; det er gratis (art. 12).',
  rightExplanations: {
    information: 'Du har rett til å få vite hvordan opplysningene dine behandles; denne erklæringen gir deg den informasjonen (art. 13 og 14).',
    access: 'Du kan spørre om vi behandler opplysninger om deg og få en kopi av dem, med informasjon om behandlingen (art. 15).',
    rectification: 'Du kan få rettet uriktige opplysninger om deg og supplert ufullstendige (art. 16).',
    erasure: 'Du kan få slettet opplysninger om deg når loven gir rett til det, for eksempel når de ikke lenger trengs (art. 17).',
    restriction: 'Du kan kreve at behandlingen begrenses, for eksempel mens riktigheten av opplysningene kontrolleres (art. 18).',
    notification_of_recipients:
      'Retting, sletting eller begrensning meldes til hver mottaker av opplysningene, og du kan be om å få vite hvem de er (art. 19).',
    portability:
      'Du kan få utlevert opplysninger du selv har gitt, i et strukturert, maskinlesbart format, eller få dem overført til en annen behandlingsansvarlig (art. 20).',
    object:
      'Du kan, av grunner knyttet til din særlige situasjon, protestere mot behandling basert på offentlig myndighetsutøvelse eller berettigede interesser; behandlingen stanser da med mindre det foreligger tungtveiende berettigede grunner (art. 21 nr. 1).',
    object_to_direct_marketing: 'Du kan når som helst protestere mot behandling for direkte markedsføring, og den stanser da (art. 21 nr. 2 og 3).',
    withdraw_consent:
      'Når behandlingen bygger på samtykke, kan du når som helst trekke det tilbake like enkelt som du ga det; det påvirker ikke behandlingen før tilbaketrekkingen (art. 7 nr. 3).',
    not_subject_to_automated_decision:
      'Du har rett til ikke å være gjenstand for en avgjørelse som utelukkende bygger på automatisert behandling og som har rettsvirkning eller tilsvarende betydelig virkning for deg, med unntakene og garantiene i art. 22.',
    complaint: 'Du kan klage til en tilsynsmyndighet, særlig i landet der du bor eller arbeider (art. 77).'
  },
  appliesTo: 'Gjelder',
  appliesInPart: 'delvis',
  complaintHeading: 'Klage',

  gaps: {
    controllerContact: 'Protokollen har ingen kontaktopplysninger (adresse, e-post eller telefon) for den behandlingsansvarlige.',
    representative: 'Den behandlingsansvarlige er etablert utenfor EØS, men protokollen oppgir ingen representant i Unionen.',
    dpoUnknown: 'Protokollen sier ikke om det er utpekt et personvernombud.',
    dpoContact: 'Et personvernombud er utpekt, men protokollen har ingen kontaktopplysninger for ombudet.',
    supervisoryAuthority: 'Organisasjonsprofilen oppgir ingen tilsynsmyndighet.',
    legalBasis: (purpose) => `Det er ikke registrert noe rettslig grunnlag for formålet «${purpose}».`,
    legitimateInterest: (purpose) => `Formålet «${purpose}» bygger på berettigede interesser, men protokollen oppgir ikke interessen som forfølges.`,
    law: (purpose) => `Formålet «${purpose}» bygger på en rettslig forpliktelse eller offentlig myndighetsutøvelse, men protokollen oppgir ingen lov.`,
    specialCategoryCondition: (categories) =>
      `Særlige kategorier av opplysninger (${categories}) behandles, men det er ikke registrert noe vilkår etter art. 9 nr. 2.`,
    recipients: 'Protokollen verken oppgir mottakere eller sier at opplysningene ikke utleveres til noen.',
    destination: 'En overføring til utlandet er registrert uten mottakerland eller internasjonal organisasjon.',
    mechanism: 'En overføring til utlandet er registrert uten overføringsgrunnlag (beslutning om tilstrekkelig beskyttelsesnivå, garantier eller unntak).',
    safeguardsCopy: 'En overføring bygger på nødvendige garantier, men protokollen sier ikke hvor man får en kopi av dem.',
    retentionMissing: (categories) => `Det er ikke registrert lagringstid eller kriterier for: ${categories || 'opplysningene i denne aktiviteten'}.`,
    retentionPeriod: 'En lagringsregel har verken periode eller kriteriene som brukes for å fastsette den.',
    sources: 'Protokollen sier ikke hvor opplysningene kommer fra.',
    dataCategories: 'Opplysninger samles ikke inn fra den registrerte, men protokollen oppgir ingen kategorier av personopplysninger.',
    provisionRequirement:
      'Protokollen sier ikke om det er et lovbestemt eller avtalefestet krav å gi opplysningene, om det er en plikt, og hva som skjer om de ikke gis.',
    decisionsUndescribed: 'Aktiviteten treffer automatiserte avgjørelser, men protokollen beskriver ingen av dem.',
    decisionLogic: (decision) => `Protokollen gir ingen informasjon om logikken, betydningen og konsekvensene av den automatiserte avgjørelsen «${decision}».`
  }
}

import { type ReasonTexts, type RightAnswer, reasonOf, reasonText } from '../../../compliance/rights.ts'

const list = (codes: string[]) => codes.join(', ')
const provisionally = (provisional: boolean) => (provisional ? ' Ingen behandlingsgrunnlag er registrert ennå, så dette er foreløpig.' : '')

const exceptionLabels = {
  '22.2.a': 'nødvendighet for en avtale (art. 22 nr. 2 bokstav a)',
  '22.2.b': 'hjemmel i lov (art. 22 nr. 2 bokstav b)',
  '22.2.c': 'uttrykkelig samtykke (art. 22 nr. 2 bokstav c)'
} as const

/** The reasons of the rights computation, in the terms of personvernforordningen. */
const bokmal: ReasonTexts = {
  information: (r) =>
    `Alltid: formålene og behandlingsgrunnlagene (${list(r.bases) || 'ingen registrert'}), mottakere, lagringstid og rettigheter skal opplyses når opplysningene samles inn.${r.legitimateInterests ? ' For 6.1.f også de berettigede interessene som forfølges (art. 13 nr. 1 bokstav d).' : ''}${r.consent ? ' For samtykke også retten til å trekke det tilbake (art. 13 nr. 2 bokstav c).' : ''}${r.automatedDecisions ? ' For automatiserte avgjørelser også relevante opplysninger om den underliggende logikken og konsekvensene (art. 13 nr. 2 bokstav f).' : ''}`,
  every_basis: () => 'Uansett behandlingsgrunnlag.',
  recipients_recorded: (r) =>
    `${r.processorsOnly ? 'Databehandlere, som er mottakere (art. 4 nr. 9), er' : 'Mottakere er'} registrert: retting, sletting og begrensning skal meldes videre til dem.`,
  no_recipients: (r) => (r.disclosedToNoOne ? 'Opplysningene utleveres ikke til noen.' : 'Ingen mottakere er registrert.'),
  portability_applies: (r) => `For opplysninger den registrerte selv har gitt, som behandles automatisert, på grunnlag av ${list(r.bases)} (art. 20 nr. 1).`,
  portability_not: (r) =>
    `Art. 20 nr. 1 bokstav a gjelder bare samtykke og avtale; denne behandlingen bygger på ${list(r.bases) || 'ikke noe registrert grunnlag'}.${provisionally(r.provisional)}`,
  object_applies: (r) =>
    `For formålene som bygger på ${list(r.bases)}, herunder profilering; den behandlingsansvarlige må da påvise tvingende berettigede grunner.`,
  object_not: (r) =>
    `Art. 21 nr. 1 gjelder bare behandling på grunnlag av 6.1.e eller 6.1.f.${r.consent ? ' Samtykket kan i stedet trekkes tilbake (art. 7 nr. 3).' : ''}${provisionally(r.provisional)}`,
  direct_marketing: () => 'Et formål er direkte markedsføring: retten til å protestere er ubetinget, uansett behandlingsgrunnlag (art. 21 nr. 2 og 3).',
  no_direct_marketing: () => 'Ingen formål er direkte markedsføring.',
  consent_relied_on: (r) => `Behandlingen bygger på samtykke (${list(r.codes)}): det kan når som helst trekkes tilbake, like enkelt som det ble gitt.`,
  no_consent: () => 'Behandlingen bygger ikke på samtykke.',
  erasure_on_withdrawal: (r) =>
    `Når samtykket trekkes tilbake og det ikke finnes annet rettslig grunnlag (art. 17 nr. 1 bokstav b).${r.otherBases ? ' Andre formål bygger på andre behandlingsgrunnlag.' : ''}`,
  erasure_exempt: () =>
    'Behandling som er nødvendig for å oppfylle en rettslig forpliktelse eller utføre en oppgave i allmennhetens interesse, er unntatt fra retten til sletting så lenge behovet varer (art. 17 nr. 3 bokstav b).',
  erasure_on_grounds: (r) =>
    `Når opplysningene ikke lenger er nødvendige (art. 17 nr. 1 bokstav a), etter en protest som tas til følge (bokstav c) eller når de er behandlet ulovlig (bokstav d).${provisionally(r.provisional)}`,
  no_automated_decisions: () => 'Ingen avgjørelser som utelukkende er basert på automatisert behandling, er registrert.',
  automated_without_effect: () =>
    'De registrerte automatiserte avgjørelsene har ingen rettsvirkning eller tilsvarende betydelig virkning, så art. 22 gjelder ikke for dem.',
  automated_without_exception: (r) =>
    `${r.all ? 'Ingen' : 'Ikke alle'} avgjørelser med rettsvirkning eller tilsvarende virkning bygger på et unntak i art. 22 nr. 2 (berettiget interesse, vitale interesser og vanlig samtykke er ikke unntak): den registrerte har rett til ikke å være gjenstand for ${r.all ? 'slike avgjørelser' : 'disse'}.`,
  automated_on_exceptions: (r) =>
    `Avgjørelsene bygger på ${r.exceptions.map((exception) => exceptionLabels[exception]).join(', ')}: ${r.exceptions.some((exception) => exception !== '22.2.b') ? 'ved avtale eller uttrykkelig samtykke minst retten til menneskelig inngripen, til å uttrykke sitt synspunkt og til å bestride avgjørelsen (art. 22 nr. 3)' : 'loven som gir hjemmel, fastsetter garantiene (art. 22 nr. 2 bokstav b)'}; og retten til relevante opplysninger om den underliggende logikken (art. 13 nr. 2 bokstav f og art. 15 nr. 1 bokstav h).`,
  complaint: () => 'Alltid: den registrerte kan klage til tilsynsmyndigheten.',
  processor_assists: (r) =>
    `Virksomheten er databehandler: rettighetene i art. 12–22 skal oppfylles av ${r.controllers.length > 0 ? `${r.controllers.length > 1 ? 'de behandlingsansvarlige oppdragsgiverne' : 'den behandlingsansvarlige oppdragsgiveren'} (${r.controllers.join(', ')})` : 'de behandlingsansvarlige oppdragsgiverne'}, ikke av den. Den bistår dem med egnede tekniske og organisatoriske tiltak når de besvarer forespørsler, og videresender forespørsler den mottar.`,
  processor_complaint: () => 'Alltid: den registrerte kan klage til tilsynsmyndigheten, også over en databehandler.'
}

/** An answer's reason in Bokmål, from its key; a copy of an answer, which has lost its key, keeps its English reason. */
export function bokmalReason(answer: RightAnswer): string {
  const reason = reasonOf(answer)
  return reason ? reasonText(bokmal, reason) : answer.reason
}

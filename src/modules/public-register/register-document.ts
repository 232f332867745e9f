import type { Block, DocumentSource, Field } from '../../documents/document.ts'
import { contactLabels } from '../../documents/labels/contact.ts'
import type { CodeLabels } from '../../documents/labels/index.ts'
import type { Lang, PublicActivity, PublicRegister } from './public-register.schemas.ts'

/** The document's own words; codes, countries and articles are named by the language's `CodeLabels`. */
const words = {
  en: {
    ...contactLabels.en,
    title: 'Record of processing activities',
    subtitle: 'Public register (GDPR Art. 30)',
    activities: 'Processing activities',
    noActivities: 'No active processing activities are recorded.',
    purposes: 'Purposes and legal bases',
    conditions: 'Conditions for special categories (Art. 9(2))',
    dataSubjects: 'Categories of data subjects',
    dataCategories: 'Categories of personal data',
    criminal: 'criminal convictions and offences (Art. 10)',
    recipients: 'Categories of recipients',
    transfers: 'Transfers to third countries or international organisations',
    retention: 'Time limits for erasure',
    allCategories: 'All categories',
    page: 'Page',
    none: 'None',
    recipientTypes: {
      internal: 'internal',
      processor: 'processor',
      joint_controller: 'joint controller',
      independent_controller: 'independent controller',
      public_authority: 'public authority',
      other: 'other'
    }
  },
  nb: {
    ...contactLabels.nb,
    title: 'Protokoll over behandlingsaktiviteter',
    subtitle: 'Offentlig protokoll (personvernforordningen art. 30)',
    activities: 'Behandlingsaktiviteter',
    noActivities: 'Ingen aktive behandlingsaktiviteter er registrert.',
    purposes: 'Formål og behandlingsgrunnlag',
    conditions: 'Vilkår for særlige kategorier (art. 9 nr. 2)',
    dataSubjects: 'Kategorier av registrerte',
    dataCategories: 'Kategorier av personopplysninger',
    criminal: 'straffedommer og lovovertredelser (art. 10)',
    recipients: 'Kategorier av mottakere',
    transfers: 'Overføringer til tredjeland eller internasjonale organisasjoner',
    retention: 'Frister for sletting',
    allCategories: 'Alle kategorier',
    page: 'Side',
    none: 'Ingen',
    recipientTypes: {
      internal: 'intern',
      processor: 'databehandler',
      joint_controller: 'felles behandlingsansvarlig',
      independent_controller: 'selvstendig behandlingsansvarlig',
      public_authority: 'offentlig myndighet',
      other: 'annen'
    }
  }
} as const
type Words = (typeof words)[Lang]

type Ref = { code: string; article: string }
type Named = (ref: Ref) => string
/** A code as `label (article)` in the document's language, for one list of codes. */
const naming =
  (label: (code: string) => string): Named =>
  (ref) =>
    ref.article ? `${label(ref.code)} (${ref.article})` : label(ref.code)
const joined = (...parts: (string | null | undefined)[]) => parts.filter((part): part is string => Boolean(part)).join(' — ')
const present = (fields: (Field | undefined)[]): Field[] => fields.filter((field): field is Field => field !== undefined)
const optional = (label: string, value: string | null): Field | undefined => (value === null ? undefined : { label, value })

function activityFields(activity: PublicActivity, w: Words, labels: CodeLabels): Field[] {
  const basis = naming(labels.legalBasis)
  return present([
    {
      label: w.purposes,
      value: activity.purposes.map((purpose) => joined(purpose.description, purpose.legalBasis && basis(purpose.legalBasis), purpose.legalReference))
    },
    activity.specialCategoryConditions.length > 0 ? { label: w.conditions, value: activity.specialCategoryConditions.map(basis) } : undefined,
    { label: w.dataSubjects, value: activity.dataSubjectCategories.map(({ name }) => name) },
    {
      label: w.dataCategories,
      value: activity.dataCategories.map((category) =>
        joined(category.name, category.specialCategory && naming(labels.specialCategory)(category.specialCategory), category.criminal ? w.criminal : null)
      )
    },
    { label: w.recipients, value: activity.recipients.map(({ name, type }) => `${name} (${w.recipientTypes[type]})`) },
    {
      label: w.transfers,
      value: activity.transfers.map((transfer) =>
        joined(placeName(transfer.country ?? transfer.internationalOrganisation, labels), transfer.mechanism && naming(labels.mechanism)(transfer.mechanism))
      )
    },
    {
      label: w.retention,
      value: activity.retention.map((rule) =>
        joined(rule.allDataCategories ? w.allCategories : rule.dataCategories.join(', '), rule.period, rule.trigger, rule.description, rule.legalReference)
      )
    }
  ])
}

const placeName = (place: { code: string } | null, labels: CodeLabels) => place && labels.country(place.code)

function* blocks(register: PublicRegister, w: Words, labels: CodeLabels): Generator<Block> {
  const { controller } = register
  yield {
    kind: 'cover',
    title: w.title,
    subtitle: `${controller.name}: ${w.subtitle}`,
    fields: present([
      { label: w.controller, value: controller.name },
      optional(w.registrationNumber, controller.registrationNumber),
      optional(w.address, controller.address),
      optional(w.email, controller.email),
      optional(w.phone, controller.phone),
      optional(w.website, controller.website),
      optional(w.country, placeName(controller.country, labels)),
      optional(w.supervisoryAuthority, controller.supervisoryAuthority)
    ])
  }
  if (controller.dpo) {
    const { dpo } = controller
    yield { kind: 'heading', level: 2, text: w.dpo, id: 'dpo' }
    yield {
      kind: 'fields',
      fields: present([optional(w.name, dpo.name), optional(w.email, dpo.email), optional(w.phone, dpo.phone), optional(w.address, dpo.address)])
    }
  }
  yield { kind: 'heading', level: 1, text: w.activities, id: 'activities' }
  if (register.activities.length === 0) yield { kind: 'paragraph', text: w.noActivities }
  for (const [index, activity] of register.activities.entries()) {
    yield { kind: 'heading', level: 2, text: activity.name, id: `activity-${index + 1}` }
    yield { kind: 'fields', fields: activityFields(activity, w, labels) }
  }
}

/** The register as a document of blocks, in English or Norwegian Bokmål; every string is plain text for the renderer to escape. */
export function registerDocument(register: PublicRegister, lang: Lang, labels: CodeLabels): DocumentSource {
  const w = words[lang]
  return {
    title: `${w.title}: ${register.controller.name}`,
    lang,
    running: `${register.controller.name} — ${w.title}`,
    chrome: { page: w.page, none: w.none },
    blocks: [...blocks(register, w, labels)]
  }
}

import { type Static, Type } from 'typebox'
import { type Lang, languages } from '../../documents/labels/index.ts'
import { Nullable } from '../../shared/schemas.ts'
import { retentionKinds } from '../activities/activities.schemas.ts'
import { SLUG_PATTERN } from '../organisations/organisations.schemas.ts'
import { recipientTypes } from '../recipients/recipients.resource.ts'

const text = Nullable(Type.String())
const CodeRef = Type.Object(
  { code: Type.String(), label: Type.String(), article: Type.String() },
  { additionalProperties: false, description: 'A code with its label (English, as the reference gives it) and the article it rests on.' }
)
const Place = Type.Object({ code: Type.String(), name: Type.String() }, { additionalProperties: false })

export const PublicRegisterParams = Type.Object(
  {
    organisationSlug: Type.String({
      minLength: 1,
      maxLength: 60,
      pattern: SLUG_PATTERN,
      description: "The organisation's `slug`.",
      examples: ['example-kommune']
    })
  },
  { additionalProperties: false }
)

export const PublicRegisterQuery = Type.Object(
  {
    lang: Type.Optional(
      Type.Enum([...languages], {
        description: 'The language of the HTML headings: `en` (default) or `nb` (Norwegian Bokmål). Codes keep their English labels.'
      })
    )
  },
  { additionalProperties: false }
)

const PublicActivitySchema = Type.Object(
  {
    name: Type.String({ description: 'What the processing is called.' }),
    purposes: Type.Array(
      Type.Object(
        {
          description: Type.String(),
          legalBasis: Nullable(CodeRef),
          legalReference: Nullable(Type.String(), 'The law the purpose rests on, for a legal obligation (6.1.c) or a public task (6.1.e); otherwise null.')
        },
        { additionalProperties: false }
      ),
      { description: 'The purposes and their legal bases (Art. 30(1)(b), Art. 6(1)).' }
    ),
    specialCategoryConditions: Type.Array(CodeRef, { description: 'The Art. 9(2) conditions relied on for special categories of data.' }),
    dataSubjectCategories: Type.Array(Type.Object({ name: Type.String() }, { additionalProperties: false }), {
      description: 'The categories of data subjects (Art. 30(1)(c)).'
    }),
    dataCategories: Type.Array(
      Type.Object(
        {
          name: Type.String(),
          specialCategory: Nullable(CodeRef, 'The Art. 9(1) special category, if the data are one.'),
          criminal: Type.Boolean({ description: 'Data relating to criminal convictions and offences (Art. 10).' })
        },
        { additionalProperties: false }
      ),
      { description: 'The categories of personal data (Art. 30(1)(c)).' }
    ),
    recipients: Type.Array(Type.Object({ name: Type.String(), type: Type.Enum([...recipientTypes]) }, { additionalProperties: false }), {
      description: 'The categories of recipients (Art. 30(1)(d)).'
    }),
    transfers: Type.Array(
      Type.Object({ country: Nullable(Place), internationalOrganisation: Nullable(Place), mechanism: Nullable(CodeRef) }, { additionalProperties: false }),
      { description: 'Transfers to third countries or international organisations and their safeguards (Art. 30(1)(e)).' }
    ),
    retention: Type.Array(
      Type.Object(
        {
          dataCategories: Type.Array(Type.String(), { description: 'The names of the data categories the rule covers.' }),
          allDataCategories: Type.Boolean(),
          period: Nullable(Type.String(), 'ISO 8601 duration.'),
          kind: Nullable(Type.Enum([...retentionKinds])),
          trigger: text,
          description: text,
          legalReference: text
        },
        { additionalProperties: false }
      ),
      { description: 'The envisaged time limits for erasure (Art. 30(1)(f)).' }
    )
  },
  { additionalProperties: false }
)

const Contact = { name: text, email: text, phone: text, address: text }

export const PublicRegisterSchema = Type.Object(
  {
    controller: Type.Object(
      {
        name: Type.String(),
        registrationNumber: text,
        address: text,
        email: text,
        phone: text,
        website: text,
        country: Nullable(Place),
        supervisoryAuthority: text,
        dpo: Nullable(Type.Object(Contact, { additionalProperties: false }), 'The data protection officer, when one is designated (Art. 37(7)).')
      },
      { additionalProperties: false, description: 'The controller and its contact details (Art. 30(1)(a)).' }
    ),
    activities: Type.Array(PublicActivitySchema, { description: 'The active processing activities, in name order.' })
  },
  {
    additionalProperties: false,
    description:
      'The public register: what a public body publishes of its record. Only active activities, and of them only purposes, legal bases, categories, recipient categories, transfers and retention.'
  }
)
export type PublicRegister = Static<typeof PublicRegisterSchema>
export type PublicActivity = Static<typeof PublicActivitySchema>
export type { Lang }

/** The register of a small municipality, as `GET /public/example-kommune/register` gives it. */
export const publicRegisterExample: PublicRegister = {
  controller: {
    name: 'Eksempel kommune',
    registrationNumber: '964000000',
    address: 'Rådhusgata 1, 3500 Eksempel',
    email: 'postmottak@eksempel.kommune.no',
    phone: '+47 32 00 00 00',
    website: 'https://www.eksempel.kommune.no',
    country: { code: 'NO', name: 'Norway' },
    supervisoryAuthority: 'Datatilsynet',
    dpo: { name: 'Kari Nordmann', email: 'personvernombud@eksempel.kommune.no', phone: null, address: null }
  },
  activities: [
    {
      name: 'Property tax',
      purposes: [
        {
          description: 'Assessing and collecting property tax.',
          legalBasis: { code: '6.1.e', label: 'Public task or official authority', article: 'Art. 6(1)(e)' },
          legalReference: 'Eigedomsskattelova § 3'
        }
      ],
      specialCategoryConditions: [],
      dataSubjectCategories: [{ name: 'Property owners' }],
      dataCategories: [{ name: 'Contact details', specialCategory: null, criminal: false }],
      recipients: [{ name: 'Public authorities', type: 'public_authority' }],
      transfers: [],
      retention: [
        {
          dataCategories: ['Contact details'],
          allDataCategories: true,
          period: 'P10Y',
          kind: 'statutory_minimum',
          trigger: 'End of the tax year',
          description: null,
          legalReference: 'Arkivlova'
        }
      ]
    }
  ]
}

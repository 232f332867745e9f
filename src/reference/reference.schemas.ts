import { type Static, Type } from 'typebox'

const code = (description: string) => Type.String({ description })
const article = Type.String({
  description: 'The GDPR provision the entry rests on, written as in citations (e.g. `Art. 6(1)(f)`).',
  examples: ['Art. 6(1)(f)']
})

export const LegalBasisSchema = Type.Object(
  {
    code: code('Stable code: `6.1.a` … `6.1.f` for Art. 6(1) bases, `9.2.a` … `9.2.j` for Art. 9(2) conditions.'),
    label: Type.String(),
    article,
    description: Type.String(),
    kind: Type.Union([Type.Literal('lawful_basis'), Type.Literal('special_category_condition')], {
      description: '`lawful_basis` (Art. 6(1), one per purpose) or `special_category_condition` (Art. 9(2), needed in addition for special category data).'
    }),
    requiresReference: Type.Boolean({
      description: 'True when the record must name the Union or Member State law (or, for 9.2.b, the collective agreement) the basis rests on.'
    })
  },
  { additionalProperties: false }
)
export type LegalBasis = Static<typeof LegalBasisSchema>

export const SpecialCategorySchema = Type.Object(
  { code: code('Art. 9(1) category code.'), label: Type.String(), article, description: Type.String() },
  { additionalProperties: false }
)
export type SpecialCategory = Static<typeof SpecialCategorySchema>

export const AdequacySchema = Type.Object(
  {
    decision: Type.String({ description: 'The Commission decision, e.g. `Implementing Decision (EU) 2023/1795`.' }),
    article: Type.String({ description: 'Always `Art. 45(3)` (or `Art. 45(9)` for decisions adopted under Directive 95/46/EC).' }),
    scope: Type.Union([Type.Literal('full'), Type.Literal('partial')], {
      description: '`partial`: only recipients meeting `conditions` are covered (e.g. US organisations on the DPF List).'
    }),
    conditions: Type.Union([Type.String(), Type.Null()], { description: 'What a partial decision requires of the importer; null for a full decision.' }),
    validFrom: Type.String({ format: 'date', description: 'Date of adoption.' }),
    validUntil: Type.Union([Type.String({ format: 'date' }), Type.Null()], {
      description: 'Last day the decision applies, where it is time-limited (UK: 2031-12-27); null when open-ended.'
    }),
    inEeaAgreement: Type.Boolean({
      description:
        'Incorporated into the EEA Agreement, so it covers exporters in Iceland, Liechtenstein and Norway too; a decision not yet incorporated (Brazil) covers exporters in the EU only.'
    }),
    notes: Type.Union([Type.String(), Type.Null()], { description: 'Litigation or scope caveats worth knowing.' })
  },
  { additionalProperties: false }
)
export type Adequacy = Static<typeof AdequacySchema>

export const CountrySchema = Type.Object(
  {
    code: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 code (`GB`, not `UK`; `GR`, not `EL`).' }),
    name: Type.String({ description: 'English short name.' }),
    eu: Type.Boolean({ description: 'Member State of the European Union.' }),
    eea: Type.Boolean({
      description: 'Inside the European Economic Area (EU-27 plus Iceland, Liechtenstein, Norway): transfers there are not Chapter V transfers.'
    }),
    adequacy: Type.Union([AdequacySchema, Type.Null()], { description: 'The Art. 45 adequacy decision covering the country, or null.' }),
    digitalConsentAge: Type.Union([Type.Integer({ minimum: 13, maximum: 16 }), Type.Null()], {
      description:
        'Inside the EEA: the age from which a child may consent alone to an information society service (Art. 8(1): 16 unless the state set a lower one, not below 13). Null outside the EEA.'
    })
  },
  { additionalProperties: false }
)
export type Country = Static<typeof CountrySchema>

export const InternationalOrganisationSchema = Type.Object(
  {
    code: Type.String({ pattern: '^IO:[A-Z][A-Z0-9_]{1,39}$', description: 'The identifier a transfer names it by: `IO:` and a short code.' }),
    name: Type.String(),
    adequacy: Type.Union([AdequacySchema, Type.Null()], { description: 'The Art. 45 adequacy decision covering the organisation, or null.' })
  },
  { additionalProperties: false }
)

export type InternationalOrganisation = Static<typeof InternationalOrganisationSchema>

export const TransferMechanismSchema = Type.Object(
  {
    code: code('`45`, `46.2.a` … `46.2.f`, `46.3.a`, `46.3.b`, `47`, `49.1.a` … `49.1.g`, `49.1.sub2`.'),
    label: Type.String(),
    article,
    description: Type.String(),
    category: Type.Union(
      [Type.Literal('adequacy'), Type.Literal('safeguard'), Type.Literal('authorised_safeguard'), Type.Literal('bcr'), Type.Literal('derogation')],
      { description: 'Art. 45 adequacy; Art. 46(2) safeguard; Art. 46(3) safeguard needing authorisation; Art. 47 BCR; Art. 49 derogation.' }
    )
  },
  { additionalProperties: false }
)
export type TransferMechanism = Static<typeof TransferMechanismSchema>

export const SecurityMeasureVocabularySchema = Type.Object(
  {
    code: code('Vocabulary code: `T.*` technical, `O.*` organisational.'),
    label: Type.String(),
    article,
    description: Type.String(),
    type: Type.Union([Type.Literal('technical'), Type.Literal('organisational')]),
    art32Points: Type.Array(Type.Union([Type.Literal('a'), Type.Literal('b'), Type.Literal('c'), Type.Literal('d')]), {
      description: 'The points of Art. 32(1) the measure serves (may be empty when it serves another article).'
    })
  },
  { additionalProperties: false }
)
export type SecurityMeasureVocabularyEntry = Static<typeof SecurityMeasureVocabularySchema>

export const DpiaCriterionSchema = Type.Object(
  {
    code: code('WP248 criterion code, or `35.3.a` … `35.3.c` for the cases where Art. 35(3) makes a DPIA mandatory.'),
    label: Type.String(),
    article,
    description: Type.String(),
    kind: Type.Union([Type.Literal('wp248_criterion'), Type.Literal('art35_3_case')], {
      description: '`wp248_criterion`: two or more usually require a DPIA; `art35_3_case`: one alone requires it.'
    })
  },
  { additionalProperties: false }
)
export type DpiaCriterion = Static<typeof DpiaCriterionSchema>

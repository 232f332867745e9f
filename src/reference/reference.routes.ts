import etag from '@fastify/etag'
import type { FastifyInstance } from 'fastify'
import { type TObject, type TSchema, Type } from 'typebox'
import { isObject } from '../shared/objects.ts'
import { ApiProblem, problemResponses } from '../shared/problems.ts'
import {
  CountrySchema,
  countries,
  DpiaCriterionSchema,
  dpiaCriteria,
  InternationalOrganisationSchema,
  internationalOrganisations,
  LegalBasisSchema,
  legalBases,
  SecurityMeasureVocabularySchema,
  SpecialCategorySchema,
  securityMeasureVocabulary,
  specialCategories,
  TransferMechanismSchema,
  transferMechanisms
} from './index.ts'

interface ReferenceList<Item extends { code: string }> {
  path: string
  noun: { one: string; many: string }
  summary: string
  description: string
  schema: TSchema
  codeSchema?: TSchema
  items: readonly Item[]
  /** The codes that exist, in words, when listing them all would be too long. */
  codes?: string
  /** Codes of the examples: the first is the lookup's, all make the list's (two where the list has two). */
  exampleCodes: [string, ...string[]]

  query?: TObject
  filter?: (item: Item, query: Record<string, unknown>) => boolean
}

const CACHE_CONTROL = 'public, max-age=3600'

/** Registers `GET <path>` (the whole list, optionally filtered) and `GET <path>/{code}` for one reference list. */
function registerList<Item extends { code: string }>(app: FastifyInstance, list: ReferenceList<Item>) {
  const pascal = (text: string) => text.replace(/(^|[\s-])(\w)/g, (_, __, letter: string) => letter.toUpperCase())
  const one = list.noun.one.replace(/-/g, ' ')
  const byCode = new Map(list.items.map((item) => [item.code, item]))
  const [exampleCode] = list.exampleCodes
  const codes = list.codes ?? list.items.map((item) => `\`${item.code}\``).join(', ')
  app.get(
    list.path,
    {
      schema: {
        tags: ['Reference'],
        operationId: `list${pascal(list.noun.many)}`,
        summary: list.summary,
        description: list.description,
        querystring: list.query ?? Type.Object({}, { additionalProperties: false }),
        response: {
          200: Type.Object(
            { items: Type.Array(list.schema) },
            {
              additionalProperties: false,
              description: `Every ${one} matching the filters, in a stable order.`,
              examples: [{ items: list.exampleCodes.map((code) => byCode.get(code)) }]
            }
          ),
          ...problemResponses(400)
        }
      }
    },
    async (request, reply) => {
      reply.header('cache-control', CACHE_CONTROL)
      const query = isObject(request.query) ? request.query : {}
      return { items: list.filter ? list.items.filter((item) => list.filter!(item, query)) : list.items }
    }
  )
  app.get(
    `${list.path}/:code`,
    {
      schema: {
        tags: ['Reference'],
        operationId: `get${pascal(list.noun.one)}`,
        summary: `Get one ${one} by code`,
        description: `The entry of GET /v1/reference${list.path} with this code, such as \`${exampleCode}\`. Codes: ${codes}. They are the values the record stores and are matched exactly (case-sensitive); an unknown code answers 404 (\`/problems/not-found\`)${list.codeSchema ? ', a malformed one 400' : ''}. No token needed; cacheable for an hour.`,
        params: Type.Object(
          { code: { ...(list.codeSchema ?? Type.String({ minLength: 1, maxLength: 64 })), description: `The ${one} code.`, examples: [exampleCode] } },
          { additionalProperties: false }
        ),
        response: { 200: { ...list.schema, description: `The ${one}.`, examples: [byCode.get(exampleCode)] }, ...problemResponses(400, 404) }
      }
    },
    async (request, reply) => {
      const code = isObject(request.params) ? String(request.params.code) : ''
      const item = byCode.get(code)
      if (!item) throw new ApiProblem('not_found', `There is no ${one} with code '${code}'.`)
      reply.header('cache-control', CACHE_CONTROL)
      return item
    }
  )
}

const booleanQuery = (description: string) => Type.Optional(Type.Boolean({ description }))

export default async function referenceRoutes(app: FastifyInstance) {
  await app.register(etag)

  registerList(app, {
    path: '/legal-bases',
    noun: { one: 'legal-basis', many: 'legal-bases' },
    summary: 'List the legal bases (Art. 6(1)) and special category conditions (Art. 9(2))',
    description:
      'Each purpose of an activity names one Art. 6(1) basis (`6.1.a` … `6.1.f`). Processing special category data also needs an Art. 9(2) condition (`9.2.a` … `9.2.j`). `requiresReference` marks the bases for which the record must cite the law (Art. 6(3), Art. 9(2)(b), (g)–(j)).',
    schema: LegalBasisSchema,
    items: legalBases,
    codes: '`6.1.a` … `6.1.f` (Art. 6(1) bases) and `9.2.a` … `9.2.j` (Art. 9(2) conditions)',
    exampleCodes: ['6.1.b', '9.2.b'],
    query: Type.Object(
      { kind: Type.Optional(Type.Enum(['lawful_basis', 'special_category_condition'], { description: 'Only Art. 6(1) bases or only Art. 9(2) conditions.' })) },
      { additionalProperties: false }
    ),
    filter: (item, query) => query.kind === undefined || item.kind === query.kind
  })

  registerList(app, {
    path: '/special-categories',
    noun: { one: 'special-category', many: 'special-categories' },
    summary: 'List the special categories of personal data (Art. 9(1))',
    description:
      'Data categories carry one of these codes when they reveal or concern an Art. 9(1) category; processing them is prohibited unless an Art. 9(2) condition applies.',
    schema: SpecialCategorySchema,
    items: specialCategories,
    exampleCodes: ['health_data', 'trade_union_membership']
  })

  registerList(app, {
    path: '/countries',
    noun: { one: 'country', many: 'countries' },
    summary: 'List the countries with their EEA status and adequacy decisions',
    description:
      'All ISO 3166-1 alpha-2 codes. `eea` marks the EU-27 plus Iceland, Liechtenstein and Norway (territories that are part of the EU, such as Åland or Réunion, count as inside). `adequacy` is the Art. 45 decision covering a third country, with its scope: a `partial` decision (United States: DPF-certified organisations only; Canada: PIPEDA; Japan: APPI; Korea: PIPA) covers only importers meeting `conditions`, and `validUntil` ends a time-limited one (United Kingdom).',
    schema: CountrySchema,
    codeSchema: Type.String({ pattern: '^[A-Z]{2}$' }),
    items: countries,
    codes: 'every ISO 3166-1 alpha-2 code, in upper case (`GB`, not `UK`)',
    exampleCodes: ['NO', 'US'],
    query: Type.Object(
      {
        eea: booleanQuery('Only countries inside (true) or outside (false) the EEA.'),
        adequacy: Type.Optional(Type.Enum(['full', 'partial', 'none'], { description: 'Only countries with a full, a partial, or no adequacy decision.' }))
      },
      { additionalProperties: false }
    ),
    filter: (item, query) =>
      (query.eea === undefined || item.eea === query.eea) && (query.adequacy === undefined || (item.adequacy?.scope ?? 'none') === query.adequacy)
  })

  registerList(app, {
    path: '/international-organisations',
    noun: { one: 'international-organisation', many: 'international-organisations' },
    summary: 'List the international organisations with an adequacy decision',
    description:
      'A transfer may go to an international organisation instead of a country (Art. 30(1)(e)); it names it by `internationalOrganisation`. These are the organisations with an Art. 45 decision of their own: a transfer to one of them may rest on `45`; to any other, on Art. 46 safeguards or an Art. 49 derogation.',
    schema: InternationalOrganisationSchema,
    codeSchema: Type.String({ pattern: '^IO:[A-Z][A-Z0-9_]{1,39}$' }),
    items: internationalOrganisations,
    exampleCodes: ['IO:EPORG']
  })

  registerList(app, {
    path: '/transfer-mechanisms',
    noun: { one: 'transfer-mechanism', many: 'transfer-mechanisms' },
    summary: 'List the transfer mechanisms of Chapter V (Arts. 45–49)',
    description:
      'The ground each transfer to a third country rests on: adequacy (Art. 45), appropriate safeguards (Art. 46(2) and 46(3)), binding corporate rules (Art. 47), or a derogation (Art. 49(1)).',
    schema: TransferMechanismSchema,
    items: transferMechanisms,
    codes: '`45`, `46.2.a` … `46.2.f`, `46.3.a`, `46.3.b`, `47`, `49.1.a` … `49.1.g`, `49.1.sub2`',
    exampleCodes: ['45', '46.2.c'],
    query: Type.Object(
      {
        category: Type.Optional(
          Type.Enum(['adequacy', 'safeguard', 'authorised_safeguard', 'bcr', 'derogation'], { description: 'Only mechanisms of this category.' })
        )
      },
      { additionalProperties: false }
    ),
    filter: (item, query) => query.category === undefined || item.category === query.category
  })

  registerList(app, {
    path: '/security-measures',
    noun: { one: 'security-measure-code', many: 'security-measure-codes' },
    summary: 'List the security measure vocabulary (Art. 32)',
    description:
      'Codes for the technical (`T.*`) and organisational (`O.*`) measures the record describes under Art. 30(1)(g), each with the points of Art. 32(1) it serves.',
    schema: SecurityMeasureVocabularySchema,
    items: securityMeasureVocabulary,
    codes: `${securityMeasureVocabulary.length} codes, \`T.*\` technical and \`O.*\` organisational (GET /v1/reference/security-measures lists them)`,
    exampleCodes: ['T.MFA', 'O.INCIDENT_RESPONSE'],
    query: Type.Object(
      { type: Type.Optional(Type.Enum(['technical', 'organisational'], { description: 'Only technical or only organisational measures.' })) },
      { additionalProperties: false }
    ),
    filter: (item, query) => query.type === undefined || item.type === query.type
  })

  registerList(app, {
    path: '/dpia-criteria',
    noun: { one: 'dpia-criterion', many: 'dpia-criteria' },
    summary: 'List the DPIA criteria (WP248) and the mandatory cases of Art. 35(3)',
    description: 'The nine WP248 rev.01 criteria (meeting two usually means a DPIA is needed) and the three cases in which Art. 35(3) makes a DPIA mandatory.',
    schema: DpiaCriterionSchema,
    items: dpiaCriteria,
    exampleCodes: ['sensitive_data', 'vulnerable_data_subjects'],
    query: Type.Object(
      { kind: Type.Optional(Type.Enum(['wp248_criterion', 'art35_3_case'], { description: 'Only WP248 criteria or only Art. 35(3) cases.' })) },
      { additionalProperties: false }
    ),
    filter: (item, query) => query.kind === undefined || item.kind === query.kind
  })
}

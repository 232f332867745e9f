import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { summariseAcknowledged, withAcknowledgements } from '../../compliance/acknowledgements.ts'
import { activityFindings, type Finding, organisationFindings, rules } from '../../compliance/index.ts'
import { rightsOf } from '../../compliance/rights.ts'
import { listedActivityFindingsExample, listedFindingsExample, rightsExample, withExample } from '../../example/openapi-examples.ts'
import { problemResponses } from '../../shared/problems.ts'
import { EntityParams, Nullable, OrganisationParams, Uuid } from '../../shared/schemas.ts'
import { roles as activityRoles } from '../activities/activities.schemas.ts'
import { FindingAcknowledgementSchema } from './acknowledgements.schemas.ts'
import { loadFindings, loadForCompliance } from './findings.repository.ts'

const severities = ['error', 'warning', 'info'] as const

const FindingSchema = Type.Object(
  {
    rule: Type.String({ description: 'The rule id; see /v1/reference/rules.', examples: ['purpose-without-legal-basis'] }),
    severity: Type.Enum([...severities], {
      description: '`error`: the record fails a requirement; `warning`: a likely gap or guidance not followed; `info`: advice.'
    }),
    article: Type.String({ description: 'The provision the finding rests on.', examples: ['Art. 6(1)'] }),
    entityType: Type.Enum(['organisation', 'activity', 'processor']),
    entityId: Uuid(),
    path: Type.String({ description: 'JSON pointer into the entity, to the field the finding is about.', examples: ['/purposes/0/legalBasis'] }),
    message: Type.String({ description: 'What is wrong and what to do, in plain language.' }),
    acknowledged: Nullable(
      FindingAcknowledgementSchema,
      "The DPO's acknowledgement that applies to this finding (of a heuristic rule; see …/findings/acknowledgements), or null. An acknowledged finding is listed but left out of the counts of `summary`. An acknowledgement stops applying when it expires or when the entity changes in what the finding is about; the finding then counts again."
    )
  },
  { additionalProperties: false }
)

const Summary = Type.Object(
  {
    errors: Type.Integer({ description: 'Findings of severity `error` not acknowledged.' }),
    warnings: Type.Integer({ description: 'Findings of severity `warning` not acknowledged.' }),
    infos: Type.Integer({ description: 'Findings of severity `info` not acknowledged.' }),
    acknowledged: Type.Integer({ description: 'Findings listed but left out of the counts above because an acknowledgement applies to them.' })
  },
  { additionalProperties: false }
)
const FindingsSchema = Type.Object(
  { items: Type.Array(FindingSchema), summary: Summary },
  { additionalProperties: false, description: 'The findings, organisation-wide ones first, then per activity by name, with their counts.' }
)

const RuleSchema = Type.Object(
  {
    id: Type.String(),
    code: Type.String({ description: 'The lint rule of the regulatory reference it implements.', examples: ['L-19'] }),
    severity: Type.Enum([...severities], { description: 'The most severe finding the rule raises.' }),
    article: Type.String(),
    scope: Type.Enum(['organisation', 'activity']),
    roles: Type.Array(Type.Enum([...activityRoles]), {
      description:
        "The organisation's roles in an activity the rule applies to: Art. 30(1) asks controllers (alone or joint) for purposes, categories, recipients and retention; Art. 30(2) asks processors for their client controllers, the categories of processing, transfers and security. Organisation-wide rules list every role."
    }),
    kind: Type.Enum(['requirement', 'heuristic'], {
      description:
        '`requirement`: the finding states what a provision requires. `heuristic`: an inference from wording or typical cases that can be wrong for one organisation, so a DPO may acknowledge its findings (…/findings/acknowledgements).'
    }),
    checks: Type.String()
  },
  { additionalProperties: false }
)

const RightSchema = Type.Object(
  {
    right: Type.String({ examples: ['erasure'] }),
    article: Type.String({ examples: ['Art. 17'] }),
    applies: Type.Enum(['full', 'partial', 'no']),
    reason: Type.String()
  },
  { additionalProperties: false }
)

const ruleCatalogue = rules.map(({ id, code, severity, article, scope, roles, kind, checks }) => ({
  id,
  code,
  severity,
  article,
  scope,
  roles: [...roles],
  kind,
  checks
}))

/** GET /v1/reference/rules: public, like the rest of the reference data. */
export const rulesRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/rules',
    {
      schema: {
        tags: ['Reference'],
        operationId: 'listRules',
        summary: 'List the rules the record is checked against',
        description: 'Each rule, its severity, the article it rests on and what it checks. The findings endpoints report where a record breaks them.',
        response: {
          200: Type.Object(
            { items: Type.Array(RuleSchema) },
            {
              additionalProperties: false,
              description: 'Every rule.',
              examples: [{ items: ruleCatalogue.filter((rule) => ['purpose-without-legal-basis', 'retention-missing'].includes(rule.id)) }]
            }
          )
        }
      }
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600')
      return { items: ruleCatalogue }
    }
  )
}

const findingsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db

  app.get(
    '/:orgId/findings',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Findings'],
        operationId: 'listFindings',
        summary: 'Check the whole record: findings with their articles',
        description:
          'Runs every rule over the organisation, its catalogue and its activities (retired ones are left out) in a constant number of SQL statements. Findings a DPO acknowledged (…/findings/acknowledgements) are listed with `acknowledged` set and counted in `summary.acknowledged`, not in the counts by severity.',
        params: OrganisationParams,
        querystring: Type.Object(
          {
            severity: Type.Optional(Type.Enum([...severities], { description: 'Only findings of this severity.' })),
            rule: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only findings of this rule id.' })),
            activityId: Type.Optional(Uuid('Only findings on this activity.')),
            entityType: Type.Optional(Type.Enum(['organisation', 'activity', 'processor'], { description: 'Only findings on this kind of entity.' }))
          },
          { additionalProperties: false }
        ),
        response: { 200: withExample(FindingsSchema, listedFindingsExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { context, activities, acknowledgements } = await loadFindings(db, request.params.orgId)
      const { severity, rule, activityId, entityType } = request.query
      const findings: Finding[] = [
        ...organisationFindings(context),
        ...activities.filter((activity) => activity.status !== 'retired').flatMap((activity) => activityFindings(activity, context))
      ].filter(
        (finding) =>
          (severity === undefined || finding.severity === severity) &&
          (rule === undefined || finding.rule === rule) &&
          (activityId === undefined || (finding.entityType === 'activity' && finding.entityId === activityId)) &&
          (entityType === undefined || finding.entityType === entityType)
      )
      const items = withAcknowledgements(findings, acknowledgements, activities, context)
      return { items, summary: summariseAcknowledged(items) }
    }
  )

  app.get(
    '/:orgId/activities/:id/findings',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Findings'],
        operationId: 'listActivityFindings',
        summary: 'Check one activity',
        description:
          'The findings on one activity, article by article; acknowledged ones are listed with `acknowledged` set and left out of the counts by severity.',
        params: EntityParams,
        response: { 200: withExample(FindingsSchema, listedActivityFindingsExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { context, activities, acknowledgements } = await loadFindings(db, request.params.orgId, request.params.id)
      const items = withAcknowledgements(activityFindings(activities[0]!, context), acknowledgements, activities, context)
      return { items, summary: summariseAcknowledged(items) }
    }
  )

  app.get(
    '/:orgId/activities/:id/rights',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Findings'],
        operationId: 'listActivityRights',
        summary: 'The data subject rights an activity gives',
        description:
          'The rights of Arts. 13–22 and 77 for this activity, computed from the legal bases of its purposes, direct marketing, automated decisions, explicit consent (9.2.a) and 49.1.a transfers; each with its article, whether it applies fully, partly or not, and why. For an activity the organisation carries out as `processor`, the rights are owed by its client controllers: the answer is its duty to assist them (Art. 28(3)(e)) and the right to complain (Art. 77). Art. 23 restrictions in national law are not modelled.',
        params: EntityParams,
        response: {
          200: Type.Object({ items: Type.Array(RightSchema) }, { additionalProperties: false, description: 'The rights.', examples: [rightsExample] }),
          ...problemResponses(400)
        }
      }
    },
    async (request) => {
      const { activities } = await loadForCompliance(db, request.params.orgId, request.params.id)
      return { items: rightsOf(activities[0]!) }
    }
  )
}

export default findingsRoutes

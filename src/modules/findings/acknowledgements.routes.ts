import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { fingerprintOf } from '../../compliance/acknowledgements.ts'
import { activityFindings, organisationFindings, rules } from '../../compliance/index.ts'
import { acknowledgementExamples as examples, withExample } from '../../example/openapi-examples.ts'
import { sendCreatedOnce } from '../../plugins/idempotency.ts'
import { decodeCursor, encodeCursor, writeContext } from '../../shared/http.ts'
import { ApiProblem, describeErrors, type FieldError, problemResponses } from '../../shared/problems.ts'
import { EntityParams, Instant, OrganisationParams, Page, Uuid } from '../../shared/schemas.ts'
import { createAcknowledgement, deleteAcknowledgement, getAcknowledgement, listAcknowledgements } from './acknowledgements.repository.ts'
import { AcknowledgementCreateSchema, AcknowledgementQuery, AcknowledgementSchema } from './acknowledgements.schemas.ts'
import { loadEntity } from './findings.repository.ts'

const tags = ['Findings']
const CursorSchema = Type.Object({ at: Instant('The last createdAt of the page.'), id: Uuid() }, { additionalProperties: false })

const unprocessable = (errors: FieldError[]) => new ApiProblem('unprocessable', describeErrors(errors), { errors })

/**
 * The finding a new acknowledgement is about, as the rules raise it now, with the fingerprint of
 * what it is about; or a 422 naming the field that does not fit: a rule that is unknown or states a
 * requirement, an entity that is not the organisation's, or no such finding.
 */
async function findingToAcknowledge(db: Parameters<typeof loadEntity>[0], organisationId: string, body: { rule: string; entityId: string; path: string }) {
  const rule = rules.find((candidate) => candidate.id === body.rule)
  if (!rule) throw unprocessable([{ path: '/body/rule', message: `'${body.rule}' is not a rule; /v1/reference/rules lists them` }])
  if (rule.kind !== 'heuristic')
    throw unprocessable([
      {
        path: '/body/rule',
        message: `'${rule.id}' (${rule.code}) states a legal requirement, so its findings cannot be acknowledged, only resolved in the record; acknowledgements are for rules of kind 'heuristic'`
      }
    ])
  const { context, activities } = await loadEntity(db, organisationId, rule.scope, body.entityId)
  const activity = activities[0]
  if (rule.scope === 'activity' && !activity)
    throw unprocessable([{ path: '/body/entityId', message: `is not an activity of this organisation, and '${rule.id}' is a rule on activities` }])
  if (rule.scope === 'organisation' && body.entityId !== organisationId && !context.catalogue.processors.has(body.entityId))
    throw unprocessable([{ path: '/body/entityId', message: `is neither this organisation nor one of its processors, which '${rule.id}' checks` }])
  const findings = activity ? activityFindings(activity, context) : organisationFindings(context)
  const finding = findings.find((candidate) => candidate.rule === rule.id && candidate.entityId === body.entityId && candidate.path === body.path)
  if (!finding) {
    const paths = [
      ...new Set(findings.filter((candidate) => candidate.rule === rule.id && candidate.entityId === body.entityId).map((candidate) => candidate.path))
    ]
    throw unprocessable([
      {
        path: '/body/path',
        message: `'${rule.id}' finds nothing at '${body.path}' of ${body.entityId} now${paths.length > 0 ? `; it finds something at ${paths.map((path) => `'${path}'`).join(', ')}` : ''}: only a current finding can be acknowledged`
      }
    ])
  }
  const entity = activity ?? (finding.entityType === 'organisation' ? context.organisation : context.catalogue.processors.get(finding.entityId))
  return { entityType: finding.entityType, fingerprint: fingerprintOf(entity, finding.path) }
}

const acknowledgementsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const db = app.database.db
  const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/findings/acknowledgements/${id}`

  app.post(
    '/:orgId/findings/acknowledgements',
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'acknowledgeFinding',
        summary: 'Acknowledge a finding of a heuristic rule',
        description:
          "Records that a finding of a rule of kind `heuristic` (see /v1/reference/rules) does not apply to this organisation, and why. The finding stays in the findings lists with `acknowledged` set but leaves their `summary` counts, until the acknowledgement expires (`expiresAt`) or the entity changes in what the finding is about: the value at the finding's `path`, or the whole list item the path lies in (`/purposes/0` for `/purposes/0/legalBasis`). Then the finding counts again, and can be acknowledged again. The finding must be raised now (`rule`, `entityId` and `path` as the findings list shows them); a requirement's finding cannot be acknowledged. Acknowledging a finding already acknowledged replaces the earlier acknowledgement (it is deleted, and both changes are in the audit feed). Answers 422 naming the field for an unknown or requirement rule, an entity that is not this organisation's, a finding that is not raised now, or an `expiresAt` not in the future.",
        params: OrganisationParams,
        body: withExample(AcknowledgementCreateSchema, examples.create),
        response: {
          201: { ...AcknowledgementSchema, description: 'The acknowledgement, with its `Location`.', examples: [examples.entity] },
          ...problemResponses(400, 409, 422)
        }
      }
    },
    async (request, reply) => {
      const { orgId } = request.params
      const { rule, entityId, path, reason, expiresAt = null } = request.body
      const trimmed = reason.trim()
      if (trimmed === '')
        throw new ApiProblem('validation_failed', '/body/reason must not be empty or white space only', {
          errors: [{ path: '/body/reason', message: 'must not be empty or white space only' }]
        })
      const now = new Date()
      if (expiresAt !== null && Date.parse(expiresAt) <= now.getTime())
        throw unprocessable([
          {
            path: '/body/expiresAt',
            message: `must be in the future (it is ${now.toISOString()} now); leave it out for an acknowledgement that does not expire`
          }
        ])
      const { entityType, fingerprint } = await findingToAcknowledge(db, orgId, request.body)
      return sendCreatedOnce(
        request,
        reply,
        (context) => createAcknowledgement(db, orgId, { rule, entityType, entityId, path, reason: trimmed, expiresAt, fingerprint }, context),
        (acknowledgement) => location(orgId, acknowledgement.id)
      )
    }
  )

  app.get(
    '/:orgId/findings/acknowledgements',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'listFindingAcknowledgements',
        summary: "List the organisation's acknowledged findings, newest first",
        description:
          'Every stored acknowledgement, expired ones included and marked `expired: true` (filter with `expired`). Whether one still matches its finding (the entity unchanged in what the finding is about) shows in the findings lists, where a finding it no longer applies to has `acknowledged: null`. An acknowledgement is deleted with its entity.',
        params: OrganisationParams,
        querystring: AcknowledgementQuery,
        response: { 200: withExample(Page(AcknowledgementSchema, 'A page of acknowledgements, newest first.'), examples.page), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor, ...filters } = request.query
      const { items, last } = await listAcknowledgements(db, request.params.orgId, filters, new Date(), limit, decodeCursor(CursorSchema, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.get(
    '/:orgId/findings/acknowledgements/:id',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'getFindingAcknowledgement',
        summary: 'Read an acknowledgement',
        description:
          'One acknowledgement, with whether it has expired. Acknowledgements are never changed: a new one of the same finding replaces it under a new id.',
        params: EntityParams,
        response: { 200: { ...AcknowledgementSchema, description: 'The acknowledgement.', examples: [examples.entity] }, ...problemResponses(400) }
      }
    },
    async (request) => getAcknowledgement(db, request.params.orgId, request.params.id, new Date())
  )

  app.delete(
    '/:orgId/findings/acknowledgements/:id',
    {
      config: { scope: scopes.write },
      schema: {
        tags,
        operationId: 'deleteFindingAcknowledgement',
        summary: 'Withdraw an acknowledgement',
        description: 'Deletes the acknowledgement, with an audit event: its finding counts again.',
        params: EntityParams,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400) }
      }
    },
    async (request, reply) => {
      await deleteAcknowledgement(db, request.params.orgId, request.params.id, writeContext(request))
      return reply.code(204).send(null)
    }
  )
}

export default acknowledgementsRoutes

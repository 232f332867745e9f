import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import { webhookExamples as examples, withExample } from '../../example/openapi-examples.ts'
import { sendCreatedOnce } from '../../plugins/idempotency.ts'
import { decodeCursor, encodeCursor, etagOf, ifMatchVersions, writeContext } from '../../shared/http.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { EntityParams, IfMatchHeaders, Instant, OrganisationParams, Page, Uuid } from '../../shared/schemas.ts'
import { newSecret, urlRefusal } from './delivery.ts'
import { createWebhook, deleteWebhook, getWebhook, listDeliveries, listWebhooks, redeliver, updateWebhook } from './webhooks.repository.ts'
import {
  DeliveryListQuery,
  DeliveryParams,
  DeliverySchema,
  WebhookCreatedSchema,
  WebhookCreateSchema,
  WebhookListQuery,
  WebhookPatchSchema,
  WebhookSchema,
  webhookEventTypes
} from './webhooks.schemas.ts'

const tags = ['Webhooks']
const WebhookCursor = Type.Object({ at: Instant('The last createdAt of the page.'), id: Uuid() }, { additionalProperties: false })
const DeliveryCursor = Type.Object({ seq: Type.Integer({ minimum: 1 }) }, { additionalProperties: false })

const about = `Webhooks POST the organisation's events to a URL as they happen, signed as the Standard Webhooks specification says (https://www.standardwebhooks.com/): headers \`webhook-id\` (the event id, the same on every attempt), \`webhook-timestamp\` (Unix seconds) and \`webhook-signature\` (\`v1,\` and the base64 HMAC-SHA256 of \`{webhook-id}.{webhook-timestamp}.{body}\`, keyed with the base64-decoded secret after \`whsec_\`). The body is \`{ type, timestamp, data }\`; \`data\` names the organisation, the entity, the actor, the reason given for the change and the fields it changed. Event types: ${webhookEventTypes.map((type) => `\`${type}\``).join(', ')}.

An event is stored in the transaction of the change it reports, so none is lost; a worker in the API delivers it, once per webhook across replicas, and in order for one entity (a later event of an entity waits for the earlier one to succeed or be given up). A receiver has 5 seconds to answer 2xx; redirects are not followed. Failed attempts are retried with exponential backoff and jitter for at least 24 hours. Every attempt is listed under …/deliveries.`

/** `allowPrivateNetworks`: WEBHOOK_ALLOW_PRIVATE_NETWORKS. */
const webhooksRoutes: FastifyPluginAsyncTypebox<{ allowPrivateNetworks: boolean }> = async (app, { allowPrivateNetworks }) => {
  const db = app.database.db
  const policy = { allowPrivateNetworks }
  const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/webhooks/${id}`
  const checkUrl = (url: string | undefined) => {
    const refusal = url === undefined ? undefined : urlRefusal(url, policy)
    if (refusal) throw new ApiProblem('validation_failed', `/body/url ${refusal}`, { errors: [{ path: '/body/url', message: refusal }] })
  }

  app.post(
    '/:orgId/webhooks',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'createWebhook',
        summary: 'Subscribe a URL to events',
        description: `${about}\n\nAnswers the webhook with its signing \`secret\`, which no later answer shows.`,
        params: OrganisationParams,
        body: withExample(WebhookCreateSchema, examples.create),
        response: {
          201: { ...WebhookCreatedSchema, description: 'The webhook and its secret, with `Location` and `ETag`.', examples: [examples.created] },
          ...problemResponses(400)
        }
      }
    },
    async (request, reply) => {
      const { orgId } = request.params
      checkUrl(request.body.url)
      const secret = newSecret()
      return sendCreatedOnce(
        request,
        reply,
        (context) => createWebhook(db, orgId, request.body, secret, context),
        (webhook) => location(orgId, webhook.id)
      )
    }
  )

  app.get(
    '/:orgId/webhooks',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'listWebhooks',
        summary: "List the organisation's webhooks",
        description: 'Oldest first; secrets are never shown again.',
        params: OrganisationParams,
        querystring: WebhookListQuery,
        response: { 200: withExample(Page(WebhookSchema, 'A page of webhooks, oldest first.'), examples.page), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor } = request.query
      const { items, last } = await listWebhooks(db, request.params.orgId, limit, decodeCursor(WebhookCursor, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.get(
    '/:orgId/webhooks/:id',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'getWebhook',
        summary: 'Read a webhook',
        description: 'The webhook with its `ETag`, without its secret.',
        params: EntityParams,
        response: { 200: { ...WebhookSchema, description: 'The webhook.', examples: [examples.entity] }, ...problemResponses(400) }
      }
    },
    async (request, reply) => {
      const webhook = await getWebhook(db, request.params.orgId, request.params.id)
      reply.header('etag', etagOf(webhook.version))
      return webhook
    }
  )

  app.patch(
    '/:orgId/webhooks/:id',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'updateWebhook',
        summary: 'Change a webhook',
        description:
          'Replaces the given fields (`events` whole). Events already queued keep their deliveries; new events follow the new settings. Send `If-Match` with the ETag you read.',
        params: EntityParams,
        headers: IfMatchHeaders,
        body: withExample(WebhookPatchSchema, examples.patch),
        response: { 200: { ...WebhookSchema, description: 'The webhook after the change.', examples: [examples.patched] }, ...problemResponses(400, 412) }
      }
    },
    async (request, reply) => {
      checkUrl(request.body.url)
      const webhook = await updateWebhook(db, request.params.orgId, request.params.id, request.body, ifMatchVersions(request), writeContext(request))
      reply.header('etag', etagOf(webhook.version))
      return webhook
    }
  )

  app.delete(
    '/:orgId/webhooks/:id',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'deleteWebhook',
        summary: 'Delete a webhook',
        description: 'Stops its deliveries, pending ones included, and deletes their record.',
        params: EntityParams,
        headers: IfMatchHeaders,
        response: { 204: Type.Null({ description: 'Deleted.' }), ...problemResponses(400, 412) }
      }
    },
    async (request, reply) => {
      await deleteWebhook(db, request.params.orgId, request.params.id, ifMatchVersions(request), writeContext(request))
      return reply.code(204).send(null)
    }
  )

  app.get(
    '/:orgId/webhooks/:id/deliveries',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'listWebhookDeliveries',
        summary: "List a webhook's deliveries and their attempts",
        description:
          'Newest first: each event queued for the webhook, the body sent, its state, and every attempt with the status code the receiver answered (or why it did not).',
        params: EntityParams,
        querystring: DeliveryListQuery,
        response: { 200: withExample(Page(DeliverySchema, 'A page of deliveries, newest first.'), examples.deliveries), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor, status } = request.query
      const { items, lastSeq } = await listDeliveries(db, request.params.orgId, request.params.id, status, limit, decodeCursor(DeliveryCursor, cursor)?.seq)
      return { items, nextCursor: lastSeq === undefined ? null : encodeCursor({ seq: lastSeq }) }
    }
  )

  app.post(
    '/:orgId/webhooks/:id/deliveries/:deliveryId/redeliver',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'redeliverWebhookDelivery',
        summary: 'Send a delivery again',
        description:
          'Queues the same event again for this webhook, as a new delivery (`redeliveryOf` names the first) with the same `webhook-id`, retried for another 24 hours, and records who asked in the audit feed. A delivery still pending answers 409: it is retried by itself.',
        params: DeliveryParams,
        response: { 202: { ...DeliverySchema, description: 'The new delivery, pending.', examples: [examples.redelivery] }, ...problemResponses(400, 409) }
      }
    },
    async (request, reply) => {
      const { orgId, id, deliveryId } = request.params
      return reply.code(202).send(await redeliver(db, orgId, id, deliveryId, writeContext(request)))
    }
  )
}

export default webhooksRoutes

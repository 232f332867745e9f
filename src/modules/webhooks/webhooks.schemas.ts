import { type Static, Type } from 'typebox'
import { EntityMetadata, Instant, Nullable, PageQuery, Uuid } from '../../shared/schemas.ts'

/** The audit entity types whose writes are events, by the prefix of their event types. */
export const eventEntityTypes = ['activity', 'data_category', 'data_subject_category', 'recipient', 'processor', 'security_measure'] as const
export type EventEntityType = (typeof eventEntityTypes)[number]

/** Every event type a webhook may subscribe to. */
export const webhookEventTypes = [
  'activity.created',
  'activity.updated',
  'activity.deleted',
  'data_category.created',
  'data_category.updated',
  'data_category.deleted',
  'data_subject_category.created',
  'data_subject_category.updated',
  'data_subject_category.deleted',
  'recipient.created',
  'recipient.updated',
  'recipient.deleted',
  'processor.created',
  'processor.updated',
  'processor.deleted',
  'security_measure.created',
  'security_measure.updated',
  'security_measure.deleted',
  'review.due',
  'findings.changed',
  'snapshot.created'
] as const
export type WebhookEventType = (typeof webhookEventTypes)[number]

const pastTense = { create: 'created', update: 'updated', delete: 'deleted' } as const

/** The event type of an audited write, or undefined for writes that are no event (organisations, acknowledgements, webhooks). */
export function eventTypeOf(entityType: string, action: keyof typeof pastTense): WebhookEventType | undefined {
  const type = `${entityType}.${pastTense[action]}`
  return webhookEventTypes.find((candidate) => candidate === type)
}

const WebhookUrl = (description: string) =>
  Type.String({ minLength: 8, maxLength: 2000, pattern: '^[Hh][Tt][Tt][Pp][Ss]?://', description, examples: ['https://hooks.example.com/ropa'] })
const Events = (description: string) =>
  Type.Array(Type.Enum([...webhookEventTypes]), { minItems: 1, maxItems: webhookEventTypes.length, uniqueItems: true, description })
const WebhookDescription = (description: string) => Nullable(Type.String({ minLength: 1, maxLength: 1000 }), description)

const urlNote =
  'An `https` URL whose host resolves to public addresses only (checked again before every delivery); plain `http` and private, loopback and link-local addresses only where the server sets WEBHOOK_ALLOW_PRIVATE_NETWORKS. Without user name or password.'

export const WebhookSchema = Type.Object(
  {
    ...EntityMetadata,
    url: WebhookUrl('Where events are POSTed.'),
    events: Events('The event types delivered to this webhook.'),
    description: WebhookDescription('What the webhook is for, or null.'),
    enabled: Type.Boolean({ description: 'Whether new events are delivered; a disabled webhook gets none and its pending deliveries wait.' })
  },
  { additionalProperties: false }
)
export type Webhook = Static<typeof WebhookSchema>

export const WebhookCreatedSchema = Type.Object(
  {
    ...WebhookSchema.properties,
    secret: Type.String({
      description:
        'The signing secret (Standard Webhooks: `whsec_` and base64), shown only in this answer: verify `webhook-signature` with it. Lost, it can only be replaced by a new webhook.',
      examples: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw']
    })
  },
  { additionalProperties: false }
)
export type WebhookCreated = Static<typeof WebhookCreatedSchema>

export const WebhookCreateSchema = Type.Object(
  {
    url: WebhookUrl(urlNote),
    events: Events('The event types to deliver, each once.'),
    description: Type.Optional(WebhookDescription('What the webhook is for.')),
    enabled: Type.Optional(Type.Boolean({ description: 'Deliver events (default true).' }))
  },
  { additionalProperties: false }
)
export type WebhookCreate = Static<typeof WebhookCreateSchema>

export const WebhookPatchSchema = Type.Object(
  {
    url: Type.Optional(WebhookUrl(urlNote)),
    events: Type.Optional(Events('The event types to deliver from now on.')),
    description: Type.Optional(WebhookDescription('What the webhook is for.')),
    enabled: Type.Optional(Type.Boolean({ description: 'Deliver events (true) or stop (false).' }))
  },
  { additionalProperties: false, minProperties: 1 }
)
export type WebhookPatch = Static<typeof WebhookPatchSchema>

export const WebhookListQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })

export const deliveryStatuses = ['pending', 'succeeded', 'failed'] as const

export const AttemptSchema = Type.Object(
  {
    at: Instant('When the attempt started.'),
    durationMs: Type.Integer({ minimum: 0, description: 'How long the receiver took to answer, or until the attempt gave up.' }),
    statusCode: Nullable(Type.Integer({ minimum: 100, maximum: 599 }), "The receiver's HTTP status, or null when it did not answer."),
    succeeded: Type.Boolean({ description: 'A 2xx answer; anything else (a redirect too: redirects are not followed) is a failure.' }),
    error: Nullable(Type.String(), 'Why the attempt failed without an answer (refused address, timeout, connection error), or null.')
  },
  { additionalProperties: false }
)

/** The body every delivery POSTs (Standard Webhooks: `type`, `timestamp`, `data`). */
export const EventBodySchema = Type.Object(
  {
    type: Type.Enum([...webhookEventTypes], { description: 'The event type.' }),
    timestamp: Instant('When the change happened (its audit event), or when the event was raised.'),
    data: Type.Object(
      {
        eventId: Uuid('The event; also the `webhook-id` header, the same on every attempt and redelivery, so receivers can drop duplicates.'),
        organisationId: Uuid('The organisation.'),
        entity: Nullable(
          Type.Object(
            { type: Type.String({ description: 'The entity type, as in the audit feed.' }), id: Uuid('The entity.') },
            { additionalProperties: false }
          ),
          'What the event is about, or null.'
        ),
        action: Nullable(Type.Enum(['create', 'update', 'delete']), 'The write, for the events of writes; null otherwise.'),
        actor: Nullable(Type.String(), 'The `sub` of the token that made the change, or null.'),
        reason: Nullable(Type.String(), 'Why the change was made, as the writer gave it, or null.'),
        requestId: Nullable(Type.String(), 'The request that made the change, or null.'),
        changedFields: Type.Array(Type.String(), {
          description:
            'The fields whose value differs from the previous version (on a create, every field; on a delete, none); bookkeeping fields (version, timestamps) are left out.'
        })
      },
      { additionalProperties: true, description: 'What happened; event types other than writes may add fields.' }
    )
  },
  { additionalProperties: false }
)

export const DeliverySchema = Type.Object(
  {
    id: Uuid('The delivery: one event to this webhook.'),
    status: Type.Enum([...deliveryStatuses], {
      description: '`pending`: not yet answered 2xx, retried with exponential backoff; `succeeded`; `failed`: retries ran out (after at least 24 hours).'
    }),
    event: EventBodySchema,
    attempts: Type.Array(AttemptSchema, { description: 'Every attempt, oldest first.' }),
    nextAttemptAt: Nullable(Instant('When the next attempt is due, for a pending delivery; null otherwise.')),
    giveUpAfter: Instant('After this instant a failed attempt is the last one.'),
    createdAt: Instant('When the delivery was queued: in the transaction of the change.'),
    completedAt: Nullable(Instant('When it succeeded or was given up, or null while pending.')),
    redeliveryOf: Nullable(Uuid(), 'The delivery this one sends again by hand, or null.')
  },
  { additionalProperties: false }
)
export type Delivery = Static<typeof DeliverySchema>

export const DeliveryListQuery = Type.Object(
  { ...PageQuery, status: Type.Optional(Type.Enum([...deliveryStatuses], { description: 'Only deliveries in this state.' })) },
  { additionalProperties: false }
)

export const DeliveryParams = Type.Object(
  { orgId: Uuid('The organisation.'), id: Uuid('The webhook.'), deliveryId: Uuid('The delivery.') },
  { additionalProperties: false }
)

import { randomUUID } from 'node:crypto'
import AjvCompiler from '@fastify/ajv-compiler'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyRequest, LogController } from 'fastify'
import { resolveVerificationKey } from './auth/keys.ts'
import { resolveSigningKeys } from './auth/signing-keys.ts'
import type { Config } from './config.ts'
import type { DatabaseHandle } from './db/client.ts'
import contextRoutes from './exports/context.routes.ts'
import ropaRoutes from './exports/ropa.routes.ts'
import activitiesRoutes from './modules/activities/activities.routes.ts'
import auditEventRoutes from './modules/audit-events/audit-events.routes.ts'
import bundleRoutes, { bundleSchemaRoutes } from './modules/bundle/bundle.routes.ts'
import dataCategoriesRoutes from './modules/data-categories/data-categories.resource.ts'
import dataSubjectCategoriesRoutes from './modules/data-subject-categories/data-subject-categories.resource.ts'
import acknowledgementsRoutes from './modules/findings/acknowledgements.routes.ts'
import findingsRoutes, { rulesRoutes } from './modules/findings/findings.routes.ts'
import healthRoutes from './modules/health/health.routes.ts'
import historyRoutes from './modules/history/history.routes.ts'
import importRoutes from './modules/imports/imports.routes.ts'
import organisationsRoutes from './modules/organisations/organisations.routes.ts'
import privacyNoticeRoutes from './modules/privacy-notice/privacy-notice.routes.ts'
import problemsRoutes from './modules/problems/problems.routes.ts'
import processorsRoutes from './modules/processors/processors.resource.ts'
import publicRegisterRoutes from './modules/public-register/public-register.routes.ts'
import recipientsRoutes from './modules/recipients/recipients.resource.ts'
import reviewsRoutes from './modules/reviews/reviews.routes.ts'
import securityMeasuresRoutes from './modules/security-measures/security-measures.resource.ts'
import jwksRoutes from './modules/snapshots/jwks.routes.ts'
import snapshotRoutes from './modules/snapshots/snapshots.routes.ts'
import transfersRoutes from './modules/transfers/transfers.routes.ts'
import webhooksRoutes from './modules/webhooks/webhooks.routes.ts'
import webhookWorker from './modules/webhooks/worker.ts'
import authPlugin, { publicAccess } from './plugins/auth.ts'
import changeReasonPlugin from './plugins/change-reason.ts'
import { clientErrorHandler } from './plugins/client-errors.ts'
import dbPlugin from './plugins/db.ts'
import idempotencyPlugin from './plugins/idempotency.ts'
import inputGuards, { frameworkError } from './plugins/input-guards.ts'
import openapiPlugin from './plugins/openapi.ts'
import problemDetails from './plugins/problem-details.ts'
import { protection, tokenRateLimit } from './plugins/protection.ts'
import referenceRoutes from './reference/reference.routes.ts'
import { ApiProblem } from './shared/problems.ts'
import { REDACTED, redactUrl } from './shared/redact-url.ts'
import { type BuildValidator, serializersAtFirstUse, validatorsAtFirstUse } from './shared/schema-compilers.ts'

export interface BuildOptions {
  /** An already opened database (tests and tools); by default the app opens one from `config`. */
  database?: DatabaseHandle
  /** Where log lines go (tests read them); by default standard output. */
  logStream?: { write(line: string): void }
  /** Compile every route's validators and serialisers at start (a schema that does not compile then stops the start), not at first use. */
  compileSchemasAtStart?: boolean
}

const REQUEST_ID = /^[\w.:-]{1,128}$/

// Bodies are validated strictly: unknown properties are errors (never stripped) and values are
// never coerced. Query strings and path parameters arrive as text, so they are converted.
// `verbose` gives each error the offending value, which the messages name (the input guards bound how many).
const strictAjv = { removeAdditional: false, coerceTypes: false, useDefaults: true, allErrors: true, verbose: true } as const
const textAjv = { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true, verbose: true } as const

function strictBodyValidator(): BuildValidator {
  const pool = AjvCompiler()
  return (externalSchemas, options) => {
    // Cast: the compiler's options type does not name Ajv's customOptions keys, which we merge in as a plain object.
    const withAjv = (ajv: object) => ({ ...options, customOptions: { ...options?.customOptions, ...ajv } }) as Parameters<typeof pool>[1]
    const body = pool(externalSchemas, withAjv(strictAjv))
    const text = pool(externalSchemas, withAjv(textAjv))
    return (route) => (route.httpPart === 'body' ? body(route) : text(route))
  }
}

/** Builds the whole application; `server.ts`, the tests and the tools all call this. */
export function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: {
      level: config.LOG_LEVEL,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie'], censor: REDACTED },
      // Fastify's own request serializer, but the URL without the credentials a client put in it.
      serializers: {
        req: (request: FastifyRequest) => ({
          method: request.method,
          url: redactUrl(request.url),
          host: request.host,
          remoteAddress: request.ip,
          remotePort: request.socket?.remotePort
        })
      },
      ...(options.logStream ? { stream: options.logStream } : {})
    },
    requestIdHeader: false,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    genReqId: (request) => {
      const supplied = request.headers['x-request-id']
      return typeof supplied === 'string' && REQUEST_ID.test(supplied) ? supplied : randomUUID()
    },
    bodyLimit: config.BODY_LIMIT_BYTES,
    pluginTimeout: 120_000,
    requestTimeout: 120_000,
    // Node checks the headers timeout every connectionsCheckingInterval (30 s by default), so it
    // would fire up to that much late: check a few times per timeout instead.
    http: { headersTimeout: config.HEADERS_TIMEOUT_MS, connectionsCheckingInterval: Math.min(30_000, Math.ceil(config.HEADERS_TIMEOUT_MS / 4)) },
    clientErrorHandler: clientErrorHandler(config.HEADERS_TIMEOUT_MS),
    // A client that neither sends nor reads for two minutes (a stalled download) loses its socket,
    // which ends the export it held (and its database snapshot).
    connectionTimeout: 120_000,
    // Requests arriving while closing get the problem+json 503 of the hook below, not Fastify's own.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    frameworkErrors: frameworkError,
    schemaController: {
      compilersFactory: options.compileSchemasAtStart
        ? { buildValidator: strictBodyValidator() }
        : { buildValidator: validatorsAtFirstUse(strictBodyValidator()), buildSerializer: serializersAtFirstUse() }
    }
  }).withTypeProvider<TypeBoxTypeProvider>()

  // JSON is the only request body this API reads (PATCH also as merge-patch); anything else answers 415.
  app.removeContentTypeParser('text/plain')
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, app.getDefaultJsonParser('error', 'error'))

  const verificationKey = resolveVerificationKey(config)
  app.decorate('verificationKey', { getter: () => verificationKey })
  const signingKeys = resolveSigningKeys(config)

  // While shutting down, answers still in flight close their keep-alive connection, so
  // app.close() does not wait for idle clients (keepAliveTimeout) before it can finish.
  let closing = false
  app.addHook('preClose', async () => {
    closing = true
  })
  // Synchronous hooks: every request runs them, and they await nothing.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id)
    if (!closing) return done()
    done(new ApiProblem('service_unavailable', 'The service is shutting down; retry on another instance or shortly.', { headers: { 'retry-after': '5' } }))
  })
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) reply.header('connection', 'close')
    done(null, payload)
  })

  if (config.STATEMENT_COUNT_HEADER) {
    const statementsAtStart = new WeakMap<FastifyRequest, number>()
    app.addHook('onRequest', (request, _reply, done) => {
      statementsAtStart.set(request, app.database.statements.count)
      done()
    })
    app.addHook('onSend', (request, reply, payload, done) => {
      const { count } = app.database.statements
      reply.header('x-sql-statements', String(count - (statementsAtStart.get(request) ?? count)))
      done(null, payload)
    })
  }

  app.register(problemDetails)
  app.register(protection, { config })
  app.register(inputGuards)
  app.register(openapiPlugin)
  app.register(dbPlugin, { config, ...(options.database ? { database: options.database } : {}) })
  // Delivers webhook events from the outbox; stopped before the database closes.
  app.register(webhookWorker, { config })

  // Public: no token. Registered outside the authenticated scope, not exempted by URL.
  app.register(async (open) => {
    await open.register(publicAccess)
    open.register(healthRoutes)
    open.register(problemsRoutes)
    open.register(referenceRoutes, { prefix: '/v1/reference' })
    open.register(rulesRoutes, { prefix: '/v1/reference' })
    open.register(bundleSchemaRoutes, { prefix: '/v1/schemas' })
    open.register(jwksRoutes, { signingKeys })
    open.register(publicRegisterRoutes, { prefix: '/public', config })
    open.register(contextRoutes)
  })

  // Authenticated: every route in here must declare its scope (config.scope) or start-up fails.
  app.register(async (api) => {
    await api.register(authPlugin, { config, key: verificationKey })
    await api.register(tokenRateLimit, { config })
    await api.register(idempotencyPlugin, { ttlSeconds: config.IDEMPOTENCY_KEY_TTL_SECONDS })
    await api.register(changeReasonPlugin)
    api.register(organisationsRoutes, { prefix: '/v1/organisations' })
    api.register(auditEventRoutes, { prefix: '/v1/organisations' })
    api.register(dataCategoriesRoutes, { prefix: '/v1/organisations' })
    api.register(dataSubjectCategoriesRoutes, { prefix: '/v1/organisations' })
    api.register(recipientsRoutes, { prefix: '/v1/organisations' })
    api.register(processorsRoutes, { prefix: '/v1/organisations' })
    api.register(securityMeasuresRoutes, { prefix: '/v1/organisations' })
    api.register(activitiesRoutes, { prefix: '/v1/organisations' })
    api.register(transfersRoutes, { prefix: '/v1/organisations' })
    api.register(findingsRoutes, { prefix: '/v1/organisations' })
    api.register(acknowledgementsRoutes, { prefix: '/v1/organisations' })
    api.register(historyRoutes, { prefix: '/v1/organisations' })
    api.register(reviewsRoutes, { prefix: '/v1/organisations' })
    api.register(bundleRoutes, { prefix: '/v1/organisations' })
    api.register(importRoutes, { prefix: '/v1/organisations' })
    api.register(snapshotRoutes, { prefix: '/v1/organisations', signingKeys })
    api.register(webhooksRoutes, { prefix: '/v1/organisations', allowPrivateNetworks: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS })
    api.register(privacyNoticeRoutes, { prefix: '/v1/organisations' })
    api.register(ropaRoutes, { prefix: '/v1/organisations', exportsPerOrganisation: config.EXPORTS_PER_ORGANISATION, exportsInTotal: config.EXPORTS_IN_TOTAL })
  })

  return app
}

export type App = ReturnType<typeof buildApp>

import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { KeySetUnavailableError, type VerificationKey } from '../auth/keys.ts'
import { canAccessOrganisation, type Principal, type Scope, scopes } from '../auth/scopes.ts'
import { createTokenVerifier, InvalidTokenError } from '../auth/tokens.ts'
import type { Config } from '../config.ts'
import { organisationExists } from '../modules/organisations/organisations.repository.ts'
import { isObject, pathOrgId } from '../shared/objects.ts'
import { ApiProblem, problemResponses } from '../shared/problems.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The scope an operation needs; with a list, any one of them suffices. Every authenticated route must declare it. */
    scope?: Scope | Scope[]
  }
  interface FastifyRequest {
    /** Who the bearer token speaks for; set on every route of the authenticated scope. */
    principal: Principal
  }
  interface FastifyInstance {
    verificationKey: VerificationKey
  }
}

const REALM = 'ropa'
/** jose fetches a failed key set again on the next request; a few seconds spare the identity provider. */
const KEYS_RETRY_AFTER_SECONDS = 5

const unauthenticated = (reason: string) =>
  new ApiProblem('unauthenticated', `Authentication failed: ${reason}.`, {
    headers: {
      'www-authenticate': `Bearer realm="${REALM}", error="invalid_token", error_description="${reason.replaceAll('"', "'")}"`
    }
  })

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization
  if (!header) throw unauthenticated('no bearer token was sent')
  // The scheme is case-insensitive and followed by 1*SP (RFC 7235 section 2.1).
  const match = /^Bearer +([A-Za-z0-9\-_.~+/]+=*)$/i.exec(header)
  if (!match?.[1]) throw unauthenticated('the Authorization header is not "Bearer <token>"')
  return match[1]
}

const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)

const asList = (scope: Scope | Scope[] | undefined) => (scope === undefined ? [] : Array.isArray(scope) ? scope : [scope])

/** Authenticated operations answer 503 also while the token keys (JWKS) cannot be fetched. */
const unavailable = {
  description: 'Service unavailable: the database or the keys that verify tokens cannot be reached; retry after Retry-After',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } }
}

/** Adds what the scope declaration implies to the route's documentation: security, scope note, 401/403/404/503. */
function documentAuthorisation(route: RouteOptions, scope: Scope[]) {
  const schema = route.schema ?? {}
  const needs = scope.map((s) => `\`${s}\``).join(' or ')
  const orgScoped = route.url.includes(':orgId')
  route.schema = {
    ...schema,
    security: [{ bearerAuth: [] }],
    description: `${schema.description ? `${schema.description}\n\n` : ''}**Scope:** ${needs}.${orgScoped ? " The organisation must be in the token's `orgs` claim (or the token has `ropa:platform`); otherwise 404." : ''}`,
    response: { ...(isObject(schema.response) ? schema.response : {}), ...problemResponses(401, 403, ...(orgScoped ? [404] : [])), 503: unavailable }
  }
}

export interface AuthPluginOptions {
  config: Config
  key: VerificationKey
}

/**
 * Authentication and authorisation for the scope it is registered in (fastify-plugin shares its
 * hooks with that scope only). Authorisation is data: each route's `config.scope`. A route
 * registered here without one makes start-up fail, so none can be forgotten.
 */
export default fp<AuthPluginOptions>(
  async function auth(app: FastifyInstance, { config, key }) {
    const verify = createTokenVerifier(key, {
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
      ...(config.JWT_MAX_TOKEN_AGE ? { maxTokenAge: config.JWT_MAX_TOKEN_AGE } : {})
    })
    // Null until the onRequest hook below sets it (the overload for a reference decoration's null start).
    app.decorateRequest('principal', null, [])

    app.addHook('onRoute', (route) => {
      if (route.method === 'HEAD') return
      const scope = asList(route.config?.scope)
      if (scope.length === 0) throw new Error(`${String(route.method)} ${route.url} declares no scope (config.scope): every authenticated route must`)
      documentAuthorisation(route, scope)
    })

    app.addHook('onRequest', async (request) => {
      const token = bearerToken(request)
      try {
        request.principal = await verify(token)
      } catch (error) {
        if (error instanceof InvalidTokenError) throw unauthenticated(error.message)
        if (error instanceof KeySetUnavailableError) {
          request.log.warn({ err: error }, 'token key set unavailable')
          throw new ApiProblem(
            'token_keys_unavailable',
            `The token could not be checked: ${error.message}. Retry in ${KEYS_RETRY_AFTER_SECONDS} s with the same token.`,
            { headers: { 'retry-after': String(KEYS_RETRY_AFTER_SECONDS) } }
          )
        }
        throw error
      }
      const needed = asList(request.routeOptions.config.scope)
      if (!needed.some((scope) => request.principal.scopes.has(scope))) {
        throw new ApiProblem('forbidden', `This operation needs the scope ${needed.join(' or ')}.`, {
          headers: {
            'www-authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="${needed.join(' ')}"`
          }
        })
      }
      // Before any validation: another organisation's URL answers exactly as a missing one.
      const orgId = pathOrgId(request.params)
      if (orgId !== undefined && !canAccessOrganisation(request.principal, orgId)) {
        throw new ApiProblem('not_found', `There is no organisation ${orgId}.`)
      }
      // A platform token reaches any id, so the id itself must be checked (a token's own orgs exist
      // unless deleted since; their writes then fail on the organisation key, also as 404).
      if (orgId !== undefined && !request.principal.orgs.includes(orgId) && request.principal.scopes.has(scopes.platform) && isUuid(orgId)) {
        if (!(await organisationExists(app.database.db, orgId))) throw new ApiProblem('not_found', `There is no organisation ${orgId}.`)
      }
    })
  },
  { name: 'auth' }
)

/** For the scope of the public routes: documents that they need no token, as `auth` documents the bearer token of its scope. */
export const publicAccess = fp(
  async function publicAccess(app: FastifyInstance) {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [] }
    })
  },
  { name: 'public-access' }
)

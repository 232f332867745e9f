import { asc } from 'drizzle-orm'
import type { App } from '../app.ts'
import { organisations } from '../db/schema/index.ts'
import { type ApiCall, loadBundle, readExampleBundle } from '../example/bundle.ts'
import { getOrganisation, toOrganisation } from '../modules/organisations/organisations.repository.ts'
import type { Organisation } from '../modules/organisations/organisations.schemas.ts'
import { allScopes } from './scopes.ts'
import { mintToken } from './tokens.ts'

export const FIRST_RUN_TOKEN_TTL = '30d'

/** Calls the app's own routes, as a client would, with a bearer token. */
export const injectCall =
  (app: App, token: string): ApiCall =>
  async (method, url, payload) => {
    const response = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${token}` } })
    return { status: response.statusCode, body: response.json() }
  }

/**
 * With no key configured (development only), makes the API usable at once. On an empty database
 * it loads the example organisation through the API itself, so the docs have a real register to
 * show; then it returns a token for the first organisation with every scope and a finite expiry.
 */
export async function developmentAccess(app: App): Promise<{ token: string; organisation: Organisation; loadedExample: boolean } | undefined> {
  const key = app.verificationKey
  if (key.source !== 'development') return undefined
  const db = app.database.db
  const [existing] = await db.select().from(organisations).orderBy(asc(organisations.createdAt), asc(organisations.id)).limit(1)
  let organisation: Organisation
  if (existing) {
    organisation = toOrganisation(existing)
  } else {
    const loader = await mintToken(key.secret, { sub: 'system:first-run', scopes: allScopes, orgs: [], expiresIn: '10m' })
    const { organisationId } = await loadBundle(injectCall(app, loader), readExampleBundle())
    organisation = await getOrganisation(db, organisationId)
  }
  const token = await mintToken(key.secret, { sub: 'developer', scopes: allScopes, orgs: [organisation.id], expiresIn: FIRST_RUN_TOKEN_TTL })
  return { token, organisation, loadedExample: !existing }
}

export function firstRunBanner(baseUrl: string, access: { token: string; organisation: Organisation; loadedExample: boolean }, keyFile?: string): string {
  return [
    '',
    'No JWT key is configured, so this development server signs its own tokens' + (keyFile ? ` (key kept in ${keyFile}).` : '.'),
    access.loadedExample
      ? `The database was empty: loaded the example organisation ${access.organisation.name} (${access.organisation.id}) with its catalogue and activities.`
      : `Organisation: ${access.organisation.name} (${access.organisation.id})`,
    `Token (all scopes, valid ${FIRST_RUN_TOKEN_TTL}):`,
    '',
    `  ${access.token}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${access.token}" ${baseUrl}/v1/organisations`,
    `  curl -H "Authorization: Bearer ${access.token}" ${baseUrl}/v1/organisations/${access.organisation.id}/activities`,
    `Docs: ${baseUrl}/docs`,
    'More tokens: npm run token -- --scope "ropa:read" --org <id> --sub auditor --expires 30d',
    'In production set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL (NODE_ENV=production refuses to start without one).',
    ''
  ].join('\n')
}

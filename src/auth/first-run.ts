import { asc } from 'drizzle-orm'
import type { App } from '../app.ts'
import { organisations } from '../db/schema/index.ts'
import { createOrganisation, toOrganisation } from '../modules/organisations/organisations.repository.ts'
import type { Organisation } from '../modules/organisations/organisations.schemas.ts'
import { allScopes } from './scopes.ts'
import { mintToken } from './tokens.ts'

export const FIRST_RUN_TOKEN_TTL = '30d'

/**
 * With no key configured (development only), makes the API usable at once: makes sure one
 * organisation exists and returns a token for it with every scope and a finite expiry.
 */
export async function developmentAccess(app: App): Promise<{ token: string; organisation: Organisation } | undefined> {
  const key = app.verificationKey
  if (key.source !== 'development') return undefined
  const db = app.database.db
  const [existing] = await db.select().from(organisations).orderBy(asc(organisations.createdAt), asc(organisations.id)).limit(1)
  const organisation = existing
    ? toOrganisation(existing)
    : await createOrganisation(db, { name: 'My organisation', country: 'NO' }, { actor: 'system:first-run', requestId: 'first-run' })
  const token = await mintToken(key.secret, { sub: 'developer', scopes: allScopes, orgs: [organisation.id], expiresIn: FIRST_RUN_TOKEN_TTL })
  return { token, organisation }
}

export function firstRunBanner(baseUrl: string, access: { token: string; organisation: Organisation }, keyFile?: string): string {
  return [
    '',
    'No JWT key is configured, so this development server signs its own tokens' + (keyFile ? ` (key kept in ${keyFile}).` : '.'),
    `Organisation: ${access.organisation.name} (${access.organisation.id})`,
    `Token (all scopes, valid ${FIRST_RUN_TOKEN_TTL}):`,
    '',
    `  ${access.token}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${access.token}" ${baseUrl}/v1/organisations`,
    `Docs: ${baseUrl}/docs`,
    'More tokens: npm run token -- --scope "ropa:read" --org <id> --sub auditor --expires 30d',
    'In production set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL (NODE_ENV=production refuses to start without one).',
    ''
  ].join('\n')
}

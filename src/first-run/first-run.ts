import { randomUUID } from 'node:crypto'
import type { App } from '../app.ts'
import { allScopes } from '../auth/scopes.ts'
import { mintToken } from '../auth/tokens.ts'
import type { Database } from '../db/client.ts'
import { type Bundle, loadBundle, readExampleBundle } from '../example/bundle.ts'
import { storeTarget } from '../example/store-target.ts'
import { getOrganisation, toOrganisation } from '../modules/organisations/organisations.repository.ts'
import type { Organisation } from '../modules/organisations/organisations.schemas.ts'
import { lockFirstRun, type OrganisationRow, oldestOrganisations, recordOf } from './first-run.repository.ts'

export const FIRST_RUN_TOKEN_TTL = '30d'
export const FIRST_RUN_ACTOR = 'system:first-run'

export interface DevelopmentAccess {
  token: string
  organisation: Organisation
  /** `loaded`: the database was empty; `completed`: an empty example organisation left by an earlier first run was filled. */
  example?: 'loaded' | 'completed' | undefined
  /** Whether the organisation has no catalogue entry and no activity (the banner then says how to load the example into it). */
  emptyRecord: boolean
}

/**
 * Before loading became one transaction, a first run that failed after its first step left the example
 * organisation behind with nothing in it, and every later start took it as loaded. It is recognised by
 * what it is, not by its name: the only organisation, created by the first run's own actor, whose record
 * is empty and always was (no catalogue entry or activity exists, and its audit trail shows none was
 * ever written). An organisation a user created, or one whose entries a user deleted, is left alone.
 */
async function isEmptyExampleLeftover(db: Database, found: OrganisationRow[]) {
  const [only] = found
  if (found.length !== 1 || only!.createdBy !== FIRST_RUN_ACTOR) return false
  const record = await recordOf(db, only!.id)
  return !record.hasEntries && !record.everHadEntries
}

/**
 * With no key configured (development only), makes the API usable at once. On an empty database it
 * loads the example organisation, so the docs have a real register to show; an empty example
 * organisation left by an earlier, failed first run is completed. Then it returns a token for the
 * first organisation with every scope and a finite expiry.
 *
 * The example is written in one transaction (all of it or nothing) with the resources' own schemas,
 * rules and stores, not through HTTP: load shedding or a rate limit cannot refuse a step of it.
 */
export async function developmentAccess(app: App, bundle: Bundle = readExampleBundle()): Promise<DevelopmentAccess | undefined> {
  const key = app.verificationKey
  if (key.source !== 'development') return undefined
  const { organisation, example } = await app.database.db.transaction(async (tx) => {
    await lockFirstRun(tx)
    const found = await oldestOrganisations(tx, 2)
    const load = async (into?: string) => {
      const context = { actor: FIRST_RUN_ACTOR, requestId: `first-run-${randomUUID()}`, reason: null }
      const { organisationId } = await loadBundle(storeTarget(tx, context), bundle, into)
      return getOrganisation(tx, organisationId)
    }
    if (found.length === 0) return { organisation: await load(), example: 'loaded' as const }
    if (await isEmptyExampleLeftover(tx, found)) return { organisation: await load(found[0]!.id), example: 'completed' as const }
    return { organisation: toOrganisation(found[0]!), example: undefined }
  })
  const { hasEntries } = await recordOf(app.database.db, organisation.id)
  const token = await mintToken(key.secret, { sub: 'developer', scopes: allScopes, orgs: [organisation.id], expiresIn: FIRST_RUN_TOKEN_TTL })
  return { token, organisation, example, emptyRecord: !hasEntries }
}

function exampleLine(baseUrl: string, access: DevelopmentAccess): string[] {
  const { name, id } = access.organisation
  if (access.example === 'loaded') return [`The database was empty: loaded the example organisation ${name} (${id}) with its catalogue and activities.`]
  if (access.example === 'completed') {
    return [`Completed the example organisation ${name} (${id}): an earlier first run had created it but stopped before loading its catalogue and activities.`]
  }
  const command = `npm run example -- --url ${baseUrl} --token ${access.token}`
  return [
    `Organisation: ${name} (${id})`,
    access.emptyRecord
      ? `It has no catalogue entries or activities; to load the example's into it: ${command} --org ${id}`
      : `To add the example organisation as another one: ${command}`
  ]
}

export function firstRunBanner(baseUrl: string, access: DevelopmentAccess, keyFile?: string): string {
  return [
    '',
    `No JWT key is configured, so this development server signs its own tokens${keyFile ? ` (key kept in ${keyFile}).` : '.'}`,
    ...exampleLine(baseUrl, access),
    `Token (all scopes, valid ${FIRST_RUN_TOKEN_TTL}):`,
    '',
    `  ${access.token}`,
    '',
    'Try it:',
    `  curl -H "Authorization: Bearer ${access.token}" ${baseUrl}/v1/organisations`,
    `  curl -H "Authorization: Bearer ${access.token}" ${baseUrl}/v1/organisations/${access.organisation.id}/activities`,
    `Docs: ${baseUrl}/docs`,
    'More tokens: npm run token -- --scope "ropa:read" --org <id> --sub auditor --expires 30d',
    'In production set JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL, and SIGNING_KEY (NODE_ENV=production refuses to start without them).',
    ''
  ].join('\n')
}

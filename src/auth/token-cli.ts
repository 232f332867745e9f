import { parseArgs } from 'node:util'
import { type Config, ConfigError, loadConfig } from '../config.ts'
import { resolveVerificationKey } from './keys.ts'
import { allScopes } from './scopes.ts'
import { mintToken } from './tokens.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const SPAN = /^\d+\s*(s|m|h|d|w)$/

export const usage = `Usage: npm run token -- --scope "ropa:read" --org <organisation id> [--org <id> ...] [--sub <name>] [--expires 30d]
  --scope    space-separated scopes (${allScopes.join(', ')}); default ropa:read
  --org      an organisation the token may use (repeat for several)
  --sub      who the token speaks for; recorded as the actor of changes (default: cli)
  --expires  lifetime such as 90m, 12h, 30d (default 1h)`

/** Mints a token with the configured secret (or the development key in DATA_DIR). */
export async function runTokenCli(args: string[], config: Config): Promise<string> {
  const { values } = parseArgs({
    args,
    options: {
      scope: { type: 'string', default: 'ropa:read' },
      org: { type: 'string', multiple: true, default: [] },
      sub: { type: 'string', default: 'cli' },
      expires: { type: 'string', default: '1h' }
    },
    strict: true
  })
  const scopes = values.scope.split(/[\s,]+/).filter(Boolean)
  const unknown = scopes.filter((scope) => !allScopes.some((known) => known === scope))
  const granted = scopes.flatMap((scope) => allScopes.filter((known) => known === scope))
  if (scopes.length === 0 || unknown.length > 0)
    throw new ConfigError(`--scope: unknown scope ${unknown.join(', ') || '(none given)'}; use ${allScopes.join(', ')}`)
  const badOrg = values.org.find((org) => !UUID.test(org))
  if (badOrg !== undefined) throw new ConfigError(`--org: '${badOrg}' is not an organisation id (a UUID)`)
  if (values.org.length === 0 && !scopes.includes('ropa:platform')) throw new ConfigError('--org: name at least one organisation (or grant ropa:platform)')
  if (!SPAN.test(values.expires)) throw new ConfigError(`--expires: '${values.expires}' is not a lifetime such as 90m, 12h or 30d`)
  if (!values.sub.trim()) throw new ConfigError('--sub: must not be empty')

  const key = resolveVerificationKey(config)
  if (key.source !== 'JWT_SECRET' && key.source !== 'development') {
    throw new ConfigError(`${key.source} only verifies tokens: mint them with your identity provider, or configure JWT_SECRET`)
  }
  return mintToken(key.secret, {
    sub: values.sub,
    scopes: granted,
    orgs: values.org,
    expiresIn: values.expires.replace(/\s+/g, ''),
    ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
    ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {})
  })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runTokenCli(process.argv.slice(2), loadConfig()).then(
    (token) => console.log(token),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error)
      console.error(usage)
      process.exit(1)
    }
  )
}

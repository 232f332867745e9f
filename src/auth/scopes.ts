/** The scopes of DESIGN.md section 6. No scope implies another: a token lists each it needs. */
export const scopes = {
  read: 'ropa:read',
  write: 'ropa:write',
  admin: 'ropa:admin',
  platform: 'ropa:platform'
} as const

export type Scope = (typeof scopes)[keyof typeof scopes]
export const allScopes: Scope[] = Object.values(scopes)

export interface Principal {
  /** The token's `sub`: recorded as the actor of every change. */
  sub: string
  scopes: ReadonlySet<string>
  /** Organisation ids from the `orgs` claim. */
  orgs: readonly string[]
}

/** `ropa:platform` reaches every organisation; any other token only those in its `orgs` claim. */
export function canAccessOrganisation(principal: Principal, organisationId: string): boolean {
  return principal.scopes.has(scopes.platform) || principal.orgs.includes(organisationId)
}

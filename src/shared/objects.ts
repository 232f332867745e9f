/** Any non-null object (arrays too), read by key: what JSON and route schemas are made of. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** The organisation a request's path names, if its route has an `:orgId` parameter. */
export const pathOrgId = (params: unknown): string | undefined => (isObject(params) && typeof params.orgId === 'string' ? params.orgId : undefined)

/** Any non-null object (arrays too), read by key: what JSON and route schemas are made of. */
export const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

/** The organisation a request's path names, if its route has an `:orgId` parameter. */
export const pathOrgId = (params: unknown): string | undefined => (isObject(params) && typeof params.orgId === 'string' ? params.orgId : undefined)

/** The string `code` an error carries (errno such as `ENOENT`, or a SQLSTATE), if it has one. */
export const errorCode = (error: unknown): string | undefined => (isObject(error) && typeof error.code === 'string' ? error.code : undefined)

/** The message of a thrown value, which is an Error everywhere in practice. */
export const errorMessage = (error: unknown): string => (error instanceof Error ? error.message : String(error))

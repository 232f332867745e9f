/**
 * Query parameters whose values are credentials by name: OAuth 2 and OpenID Connect (access_token,
 * id_token, refresh_token, client_secret), and the usual names of API keys, secrets, passwords and URL
 * signatures. Compared case-insensitively, with `-` and `_` alike. This API reads none of them (OAuth's
 * `code` is left out: it is the security-measures list's filter); clients send them by mistake, and
 * the log must not keep them.
 */
const CREDENTIAL_PARAMETERS = new Set([
  'access_token',
  'id_token',
  'refresh_token',
  'token',
  'jwt',
  'client_secret',
  'api_key',
  'apikey',
  'key',
  'secret',
  'password',
  'passwd',
  'auth',
  'authorization',
  'signature',
  'sig'
])

/** A JWT (JWS or JWE compact form) anywhere: base64url segments separated by dots, the first a JSON header. */
const JWT_LIKE = /eyJ[\w-]*(?:\.[\w-]*){2,4}/g

export const REDACTED = '[redacted]'

function parameterName(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase().replaceAll('-', '_')
  } catch {
    return raw.toLowerCase()
  }
}

/** The URL as it may be logged: credential parameters' values and anything shaped like a JWT replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const queryStart = url.indexOf('?')
  const path = queryStart === -1 ? url : url.slice(0, queryStart)
  const query = queryStart === -1 ? undefined : url.slice(queryStart + 1)
  const redactedQuery = query
    ?.split('&')
    .map((pair) => {
      const equals = pair.indexOf('=')
      return equals !== -1 && CREDENTIAL_PARAMETERS.has(parameterName(pair.slice(0, equals))) ? `${pair.slice(0, equals)}=${REDACTED}` : pair
    })
    .join('&')
  return `${path}${redactedQuery === undefined ? '' : `?${redactedQuery}`}`.replace(JWT_LIKE, REDACTED)
}

import type { FastifyInstance, RouteOptions } from 'fastify'
import fp from 'fastify-plugin'
import { Type } from 'typebox'
import { CHANGE_REASON_HEADER, MAX_CHANGE_REASON_LENGTH } from '../shared/http.ts'
import { isObject } from '../shared/objects.ts'

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

// The schema bounds the raw header (UTF-8 bytes read as Latin-1, up to 4 per character); `changeReason` counts characters.
const ChangeReasonHeader = Type.String({
  maxLength: MAX_CHANGE_REASON_LENGTH * 4,
  description: `Why the change is made, up to ${MAX_CHANGE_REASON_LENGTH} characters (UTF-8): stored on the audit event of each entity the request changes, and shown in the audit events, the history and the change list. Required for changes to active activities when the organisation sets \`requireChangeReason\` (428 without it).`,
  examples: ['DPO review 2026: retention shortened after the new collective agreement']
})

/** Documents the `Change-Reason` header on a write route (`writeContext` reads it). */
function documentChangeReason(route: RouteOptions) {
  const methods = Array.isArray(route.method) ? route.method : [route.method]
  const schema = route.schema
  if (!schema || schema.hide || !methods.some((method) => WRITES.has(method))) return
  const headers = isObject(schema.headers) && isObject(schema.headers.properties) ? schema.headers.properties : {}
  route.schema = { ...schema, headers: Type.Object({ ...headers, [CHANGE_REASON_HEADER]: Type.Optional(ChangeReasonHeader) }) }
}

/** The `Change-Reason` header of issue 19, in the OpenAPI document of every write of its scope. */
export default fp(
  async function changeReason(app: FastifyInstance) {
    app.addHook('onRoute', documentChangeReason)
  },
  { name: 'change-reason' }
)

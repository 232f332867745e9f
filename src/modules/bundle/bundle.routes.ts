import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { type SQL, sql } from 'drizzle-orm'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import type { DatabaseHandle, Row } from '../../db/client.ts'
import { bundleExample, bundleSchemaExample, planExample, withExample } from '../../example/openapi-examples.ts'
import { type WriteContext, writeContext } from '../../shared/http.ts'
import { ApiProblem, describeErrors, problemResponses } from '../../shared/problems.ts'
import { Instant, OrganisationParams } from '../../shared/schemas.ts'
import { clampToNow } from '../history/history.repository.ts'
import { applyChanges } from './apply.ts'
import { readRecord, type StoredRecord, toBundle } from './bundle.repository.ts'
import { type BundleDocument, BundleSchema, PlanSchema } from './bundle.schemas.ts'
import { brokenLinks, type Change, filled, findingsDelta, findingsOf, planChanges, planHash, unknownKeys } from './plan.ts'

/** The record read in one consistent snapshot. */
export async function storedRecord(database: DatabaseHandle, organisationId: string, asOf?: string): Promise<StoredRecord> {
  for await (const record of database.readSnapshot(async function* (snapshot) {
    yield await readRecord(snapshot, organisationId, asOf)
  }))
    return record
  throw new Error('the snapshot read yielded nothing')
}

/** GET /v1/schemas/bundle.json: public, so that editors can validate a bundle kept in a repository. */
export const bundleSchemaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/bundle.json',
    {
      schema: {
        tags: ['Bundles'],
        operationId: 'getBundleSchema',
        summary: 'The JSON Schema of a bundle',
        description:
          'The schema `GET …/bundle` answers with and the plan and apply endpoints accept (JSON Schema 2020-12), for editors and CI to validate bundles kept as code.',
        response: { 200: Type.Object({}, { additionalProperties: true, description: 'A JSON Schema document.', examples: [bundleSchemaExample] }) }
      }
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=3600')
      return bundleJsonSchema
    }
  )
}

/** The bundle schema as a plain JSON Schema document (TypeBox schemas are JSON Schema). */
export const bundleJsonSchema = { $schema: 'https://json-schema.org/draft/2020-12/schema', ...JSON.parse(JSON.stringify(BundleSchema)) }

const bundleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/:orgId/bundle',
    {
      config: { scope: scopes.read },
      schema: {
        tags: ['Bundles'],
        operationId: 'pullBundle',
        summary: 'Pull the record as a bundle',
        description:
          'The whole record as one document to keep as code: the organisation profile, the five catalogues and every activity (retired ones too), entries in key order, linked by keys, without ids or metadata. Applying it unchanged changes nothing. `asOf` gives the record as it stood then, from the audit trail.',
        params: OrganisationParams,
        querystring: Type.Object(
          {
            asOf: Type.Optional(
              Instant(
                'The record as it stood at this instant (RFC 3339); a future instant reads as now. Entries written before keys existed get the key of their name.'
              )
            )
          },
          { additionalProperties: false }
        ),
        response: { 200: withExample(BundleSchema, bundleExample), ...problemResponses(400) }
      }
    },
    async (request) => {
      const asOf = request.query.asOf && clampToNow(request.query.asOf)
      return toBundle(await storedRecord(app.database, request.params.orgId, asOf))
    }
  )

  app.post(
    '/:orgId/bundle/plan',
    {
      config: { scope: scopes.write },
      schema: {
        tags: ['Bundles'],
        operationId: 'planBundle',
        summary: 'Plan applying a bundle: what would change, and the findings it would add or resolve',
        description:
          "Compares the bundle with the record, entry by entry by key: `create` for a key the record lacks, `update` with each field's old and new value, and with `prune=true` `delete` for each entry of the owner `managedBy` names that the bundle leaves out (entries kept by hand, or owned by another, are never touched). A field the bundle leaves out is its default: a bundle says the whole entry. Links to keys that neither the bundle nor the record has answer 422 naming each; a delete that would leave an entry linked answers 409. Nothing is written. `planHash` is what `POST …/bundle/apply` takes as `If-Match` to apply only if the record has not changed since.",
        params: OrganisationParams,
        querystring: PlanQuery,
        body: withExample(BundleSchema, bundleExample),
        response: { 200: withExample(PlanSchema, planExample), ...problemResponses(400, 409, 422) }
      }
    },
    async (request) => plan(app.database, request.params.orgId, request.body, request.query)
  )

  app.post(
    '/:orgId/bundle/apply',
    {
      config: { scope: scopes.write },
      schema: {
        tags: ['Bundles'],
        operationId: 'applyBundle',
        summary: 'Apply a bundle: change the record to match it, all or nothing',
        description:
          'Makes the plan again (see `POST …/bundle/plan`, same body and query) and carries it out in one transaction: every entry written through the same checks as its own endpoint, one audit event per changed entity, all with this request\'s id. With `If-Match: "<planHash>"` only if the record is still the one the plan was made on (412 otherwise). Applying a pulled bundle unchanged changes nothing; applying the same bundle twice changes nothing the second time.',
        params: OrganisationParams,
        querystring: PlanQuery,
        headers: Type.Object({
          'if-match': Type.Optional(Type.String({ maxLength: 200, description: 'The `planHash` of the plan to apply, quoted: `"9c1f…"`.' }))
        }),
        body: withExample(BundleSchema, bundleExample),
        response: { 200: withExample(PlanSchema, planExample), ...problemResponses(400, 409, 412, 422, 428) }
      }
    },
    async (request) => {
      const ifMatch = request.headers['if-match']
      const expected =
        ifMatch === undefined
          ? undefined
          : ifMatch
              .trim()
              .replace(/^W\//, '')
              .replace(/^"(.*)"$/, '$1')
      return apply(app.database, request.params.orgId, request.body, request.query, expected, writeContext(request))
    }
  )
}

const PlanQuery = Type.Object(
  {
    prune: Type.Optional(Type.Boolean({ description: 'Delete entries of the owner `managedBy` names that the bundle leaves out (default false).' })),
    managedBy: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, pattern: '^\\S+$', description: 'The owner whose entries `prune` may delete; required with `prune=true`.' })
    )
  },
  { additionalProperties: false }
)

/** The plan of a bundle against the record now: 422 for unknown keys, 409 for a delete that would break a link. */
type PlanOptionsQuery = { prune?: boolean | undefined; managedBy?: string | undefined }

/** The bundle to plan: as given, or made from the record as it is (a spreadsheet import). */
export type BundleSource = BundleDocument | ((current: BundleDocument) => BundleDocument)

/** The plan of a bundle against a record: 422 for unknown keys, 409 for a delete that would break a link. */
function planAgainst(record: StoredRecord, organisationId: string, source: BundleSource, options: PlanOptionsQuery) {
  const prune = options.prune ?? false
  if (prune && options.managedBy === undefined)
    throw new ApiProblem('validation_failed', 'prune=true needs managedBy: the owner whose entries the bundle may delete.', {
      errors: [{ path: '/query/managedBy', message: 'is required when prune is true' }]
    })
  const current = toBundle(record)
  const bundle = typeof source === 'function' ? source(current) : source
  const unknown = unknownKeys(bundle, current)
  if (unknown.length > 0) throw new ApiProblem('unprocessable', describeErrors(unknown), { errors: unknown })
  const wanted = filled(bundle)
  const { changes, after } = planChanges(current, wanted, { prune, managedBy: options.managedBy })
  const broken = brokenLinks(changes, after)
  if (broken.length > 0)
    throw new ApiProblem(
      'conflict',
      `Pruning would delete entries that stay linked: ${broken.map((link) => `${link.entityType}/${link.key} from ${link.linkedFrom}`).join(', ')}.`
    )
  const now = new Date()
  const findings = findingsDelta(findingsOf(current, organisationId, now), findingsOf(after, organisationId, now))
  const count = (op: Change['op']) => changes.filter((change) => change.op === op).length
  return {
    wanted,
    answer: {
      planHash: planHash(current, wanted, { prune, managedBy: options.managedBy }),
      changes,
      findings,
      summary: {
        creates: count('create'),
        updates: count('update'),
        deletes: count('delete'),
        errorsAdded: findings.added.filter((finding) => finding.severity === 'error').length
      }
    }
  }
}

export async function plan(database: DatabaseHandle, organisationId: string, bundle: BundleSource, options: PlanOptionsQuery) {
  return planAgainst(await storedRecord(database, organisationId), organisationId, bundle, options).answer
}

/**
 * Applies a bundle in one transaction, the organisation locked so applies to it run one after the
 * other: the plan is made again inside it, checked against `If-Match` (412 when the record changed
 * since the plan the client saw), then carried out; any error undoes all of it.
 */
export async function apply(
  database: DatabaseHandle,
  organisationId: string,
  bundle: BundleSource,
  options: PlanOptionsQuery,
  expectedHash: string | undefined,
  context: WriteContext
) {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`select id from organisations where id = ${organisationId} for update`)
    const snapshot = {
      all: async (query: SQL) => (await tx.execute(query)).rows as Row[],
      each: () => {
        throw new Error('not streamed')
      }
    }
    const record = await readRecord(snapshot, organisationId)
    const { wanted, answer } = planAgainst(record, organisationId, bundle, options)
    if (expectedHash !== undefined && expectedHash !== answer.planHash)
      throw new ApiProblem(
        'precondition_failed',
        'The record has changed since the plan (If-Match does not name its planHash): plan again and review the changes.'
      )
    await applyChanges(tx, organisationId, record, wanted, answer.changes, context)
    return answer
  })
}

export default bundleRoutes

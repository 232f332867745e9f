import { createHash, randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { CompactSign } from 'jose'
import { Type } from 'typebox'
import { scopes } from '../../auth/scopes.ts'
import type { SigningKeys } from '../../auth/signing-keys.ts'
import type { DatabaseHandle } from '../../db/client.ts'
import { snapshotExamples as examples, recordExample, withExample } from '../../example/openapi-examples.ts'
import type { ExportedRecord } from '../../exports/record.schemas.ts'
import { RecordSchema } from '../../exports/record.schemas.ts'
import { type AssembledRecord, assembledFrom, exportRecord, type RecordKind } from '../../exports/record.ts'
import { renderJson } from '../../exports/render-json.ts'
import { XLSX_TYPE } from '../../exports/render-xlsx.ts'
import { batched, formats, negotiate, originOf, slug } from '../../exports/ropa.routes.ts'
import { sendCreatedOnce } from '../../plugins/idempotency.ts'
import { jcs } from '../../shared/canonical-json.ts'
import { decodeCursor, encodeCursor } from '../../shared/http.ts'
import { ApiProblem, problemResponses } from '../../shared/problems.ts'
import { EntityParams, Instant, OrganisationParams, Page, Uuid } from '../../shared/schemas.ts'
import { createSnapshot, getSnapshot, getSnapshotDocument, listSnapshots } from './snapshots.repository.ts'
import { type SnapshotClaims, SnapshotCreateSchema, SnapshotQuery, SnapshotSchema } from './snapshots.schemas.ts'

const tags = ['Snapshots']
const CursorSchema = Type.Object({ at: Instant('The last createdAt of the page.'), id: Uuid() }, { additionalProperties: false })

/** The `typ` of a snapshot's JWS header: a JWT-shaped payload that is a snapshot's claims, not an access token. */
export const SNAPSHOT_JWS_TYPE = 'ropa-snapshot+jwt'

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex')

/**
 * The JSON export of the record as it is now, in its canonical form (RFC 8785), with the instant it
 * was made and how many activities it lists: what a snapshot freezes.
 */
async function freeze(database: DatabaseHandle, organisationId: string, record: RecordKind) {
  const chunks: string[] = []
  for await (const chunk of exportRecord(database, organisationId, { record, includeDrafts: false, findings: true }, renderJson)) chunks.push(chunk)
  // Cast: the text was written by the JSON renderer from the record's own types a moment ago.
  const exported = JSON.parse(chunks.join('')) as ExportedRecord
  const activities = exported.record === 'controller' ? exported.activities : exported.controllers.flatMap((group) => group.activities)
  return { document: jcs(exported), createdAt: exported.generatedAt, activityCount: new Set(activities.map((activity) => activity.id)).size }
}

const snapshotDescription = [
  "Freezes the record as it is now: the JSON export (`GET …/ropa?format=json`, with `record` as given, drafts left out) is stored in its canonical form (RFC 8785, JCS), its SHA-256 computed, and a compact JWS signed (EdDSA, Ed25519) over `{ snapshotId, organisationId, createdAt, sha256 }`, with the signing key's `kid` in the header (`typ` is `ropa-snapshot+jwt`). The frozen record is served unchanged by …/snapshots/{id}/ropa whatever happens to the record later, and anyone can check it with any JOSE library against the public keys at /.well-known/jwks.json: verify the JWS, then compare its `sha256` with the SHA-256 of the downloaded JSON (which is already canonical; a copy that was re-formatted is canonicalised first).",
  '`note` says why the snapshot was made; `submittedTo` and `submittedAt` to whom and when it was given, for instance a supervisory authority asking for the record under Art. 30(4). Snapshots are never changed or deleted (they go only with their organisation); the audit feed has an event for each, with its digest and JWS.'
].join('\n\n')

export interface SnapshotRoutesOptions {
  signingKeys: SigningKeys
}

const snapshotRoutes: FastifyPluginAsyncTypebox<SnapshotRoutesOptions> = async (app, { signingKeys }) => {
  const db = app.database.db
  const location = (orgId: string, id: string) => `/v1/organisations/${orgId}/snapshots/${id}`

  app.post(
    '/:orgId/snapshots',
    {
      config: { scope: scopes.admin },
      schema: {
        tags,
        operationId: 'createSnapshot',
        summary: 'Freeze and sign the record as it is now',
        description: snapshotDescription,
        params: OrganisationParams,
        body: withExample(SnapshotCreateSchema, examples.create),
        response: {
          201: { ...SnapshotSchema, description: 'The snapshot, with its digest and JWS, and its `Location`.', examples: [examples.entity] },
          ...problemResponses(400)
        }
      }
    },
    async (request, reply) => {
      const { orgId } = request.params
      const { submittedTo = null, submittedAt = null, record = 'controller' } = request.body
      const note = request.body.note.trim()
      if (note === '')
        throw new ApiProblem('validation_failed', '/body/note must not be empty or white space only', {
          errors: [{ path: '/body/note', message: 'must not be empty or white space only' }]
        })
      const { document, createdAt, activityCount } = await freeze(app.database, orgId, record)
      const id = randomUUID()
      const claims: SnapshotClaims = { snapshotId: id, organisationId: orgId, createdAt, sha256: sha256(document) }
      const { kid, privateKey } = signingKeys.current
      const jws = await new CompactSign(new TextEncoder().encode(jcs(claims)))
        .setProtectedHeader({ alg: 'EdDSA', kid, typ: SNAPSHOT_JWS_TYPE })
        .sign(privateKey)
      return sendCreatedOnce(
        request,
        reply,
        (context) =>
          createSnapshot(
            db,
            {
              id,
              organisationId: orgId,
              record,
              note,
              submittedTo,
              submittedAt: submittedAt && new Date(submittedAt).toISOString(),
              activityCount,
              sha256: claims.sha256,
              jws,
              kid,
              createdAt,
              document
            },
            context
          ),
        (snapshot) => location(orgId, snapshot.id)
      )
    }
  )

  app.get(
    '/:orgId/snapshots',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'listSnapshots',
        summary: "List the organisation's snapshots, newest first",
        description: 'The metadata of every snapshot, with its digest and JWS; the frozen records are at …/snapshots/{id}/ropa.',
        params: OrganisationParams,
        querystring: SnapshotQuery,
        response: { 200: withExample(Page(SnapshotSchema, 'A page of snapshots, newest first.'), examples.page), ...problemResponses(400) }
      }
    },
    async (request) => {
      const { limit = 50, cursor } = request.query
      const { items, last } = await listSnapshots(db, request.params.orgId, limit, decodeCursor(CursorSchema, cursor))
      return { items, nextCursor: last ? encodeCursor(last) : null }
    }
  )

  app.get(
    '/:orgId/snapshots/:id',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'getSnapshot',
        summary: 'Read a snapshot: its metadata, digest and JWS',
        description: 'One snapshot without its frozen record (…/snapshots/{id}/ropa serves that).',
        params: EntityParams,
        response: { 200: { ...SnapshotSchema, description: 'The snapshot.', examples: [examples.entity] }, ...problemResponses(400) }
      }
    },
    async (request) => getSnapshot(db, request.params.orgId, request.params.id)
  )

  app.get(
    '/:orgId/snapshots/:id/ropa',
    {
      config: { scope: scopes.read },
      schema: {
        tags,
        operationId: 'exportSnapshot',
        summary: 'Download the frozen record (JSON, CSV or XLSX)',
        description:
          "The record as the snapshot froze it. JSON is the stored document byte for byte, the same at every download: the canonical JSON (RFC 8785) whose SHA-256 is the snapshot's `sha256`. CSV and XLSX are rendered from that document as `GET …/ropa` renders the record, so they show what the snapshot holds (the digest and signature are over the JSON).",
        params: EntityParams,
        querystring: Type.Object(
          {
            format: Type.Optional(
              Type.Enum(['json', 'csv', 'xlsx'], { description: 'The file format; without it, the `Accept` header decides (JSON by default).' })
            ),
            bom: Type.Optional(Type.Boolean({ description: 'CSV only: start the file with a UTF-8 byte-order mark (default `true`); `false` for scripts.' }))
          },
          { additionalProperties: false }
        ),
        response: {
          200: {
            description: 'The frozen record, with a `Content-Disposition` file name carrying the organisation, the record, the date and the snapshot.',
            content: {
              'application/json': { schema: RecordSchema, example: recordExample },
              'text/csv': { schema: Type.String({ description: 'UTF-8, comma-separated, CRLF line ends, one header row, as `GET …/ropa?format=csv`.' }) },
              [XLSX_TYPE]: { schema: Type.String({ format: 'binary' }) }
            }
          },
          ...problemResponses(400, 406)
        }
      }
    },
    async (request, reply) => {
      const format = negotiate(request, request.query.format)
      const snapshot = await getSnapshotDocument(db, request.params.orgId, request.params.id)
      // Cast: the document was written by this API from the record's own types (see `freeze`).
      const exported = JSON.parse(snapshot.document) as ExportedRecord
      const filename = `ropa-${slug(exported.organisation.name)}-${snapshot.record}-${snapshot.createdAt.slice(0, 10)}-snapshot-${snapshot.id.slice(0, 8)}.${formats[format].extension}`
      reply.type(formats[format].type).header('content-disposition', `attachment; filename="${filename}"`).header('cache-control', 'no-store')
      if (format === 'json') return reply.send(snapshot.document)
      const assembled: AssembledRecord = assembledFrom(exported)
      const rendered = formats[format].render(assembled, { bom: request.query.bom ?? true, baseUrl: originOf(request) })
      // Cast: the 200 schema describes the file for OpenAPI; the stream sent is the file itself.
      return reply.send(Readable.from(batched(rendered)) as never)
    }
  )
}

export default snapshotRoutes

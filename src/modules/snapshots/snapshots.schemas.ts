import { type Static, Type } from 'typebox'
import { Instant, Nullable, PageQuery, Text, Uuid } from '../../shared/schemas.ts'

export const SHA256_PATTERN = '^[0-9a-f]{64}$'
const COMPACT_JWS_PATTERN = '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$'

const Note = Text(2000, 'Why the snapshot was made, in the words of whoever made it (1 to 2000 characters, not only white space).', [
  'Record as submitted to Datatilsynet on request of 12 March 2025 (case 25/01234).'
])
const SubmittedTo = Text(200, 'Whom the snapshot was given to, such as a supervisory authority or an auditor.', ['Datatilsynet'])
const SubmittedAt = Instant('When it was given to them (RFC 3339).')
const recordKinds = ['controller', 'processor'] as const
const recordKindDescription = 'Which record is frozen: `controller` (Art. 30(1)) or `processor` (Art. 30(2)), as `GET …/ropa?record=` exports it.'
const RecordKind = Type.Enum([...recordKinds], { description: recordKindDescription })

/** What the JWS of a snapshot signs: its payload, a JSON object (JWS Payload) with exactly these members. */
export const SnapshotClaimsSchema = Type.Object(
  {
    snapshotId: Uuid('The snapshot.'),
    organisationId: Uuid('The organisation whose record it is.'),
    createdAt: Instant('When the snapshot was made: the `generatedAt` of the frozen export.'),
    sha256: Type.String({ pattern: SHA256_PATTERN, description: 'SHA-256, lower-case hex, of the canonical JSON (RFC 8785) of the frozen export.' })
  },
  { additionalProperties: false }
)
export type SnapshotClaims = Static<typeof SnapshotClaimsSchema>

/** A snapshot's metadata as the API answers it; the frozen record itself is at …/snapshots/{id}/ropa. */
export const SnapshotSchema = Type.Object(
  {
    id: Uuid('Server-assigned identifier.'),
    organisationId: Uuid('The organisation whose record was frozen.'),
    record: RecordKind,
    note: Note,
    submittedTo: Nullable(SubmittedTo, 'Whom the snapshot was given to, or null.'),
    submittedAt: Nullable(SubmittedAt, 'When it was given to them, or null.'),
    activityCount: Type.Integer({ minimum: 0, description: 'How many activities the frozen record lists (drafts are never included).' }),
    sha256: SnapshotClaimsSchema.properties.sha256,
    jws: Type.String({
      pattern: COMPACT_JWS_PATTERN,
      description:
        'Compact JWS (RFC 7515), `alg` EdDSA (Ed25519), whose payload is the JSON object `{ snapshotId, organisationId, createdAt, sha256 }`; the header names the key (`kid`) published at /.well-known/jwks.json.'
    }),
    kid: Type.String({ description: 'The key the JWS was signed with, as /.well-known/jwks.json names it.' }),
    createdAt: Instant('When the snapshot was made: the `generatedAt` of the frozen export.'),
    createdBy: Type.String({ description: 'The `sub` of the token that made it.' })
  },
  { additionalProperties: false }
)
export type Snapshot = Static<typeof SnapshotSchema>

export const SnapshotCreateSchema = Type.Object(
  {
    note: Note,
    submittedTo: Type.Optional(Nullable(SubmittedTo, 'Whom the snapshot is given to, such as a supervisory authority; absent or null if not (yet) known.')),
    submittedAt: Type.Optional(Nullable(SubmittedAt, 'When it was given to them; absent or null if not (yet) known.')),
    record: Type.Optional(Type.Enum([...recordKinds], { description: `${recordKindDescription} Default \`controller\`.` }))
  },
  { additionalProperties: false }
)
export type SnapshotCreate = Static<typeof SnapshotCreateSchema>

export const SnapshotQuery = Type.Object({ ...PageQuery }, { additionalProperties: false })

/** A public key of /.well-known/jwks.json (RFC 7517, RFC 8037). */
const JwkSchema = Type.Object(
  {
    kty: Type.Literal('OKP'),
    crv: Type.Literal('Ed25519'),
    x: Type.String({ description: 'The public key, base64url.' }),
    kid: Type.String({ description: 'The key id: its RFC 7638 thumbprint, as the `kid` of the JWS headers it signed.' }),
    alg: Type.Literal('EdDSA'),
    use: Type.Literal('sig')
  },
  { additionalProperties: false }
)

export const JwksSchema = Type.Object(
  { keys: Type.Array(JwkSchema, { description: 'The current signing key first, then retired keys that signed earlier snapshots.' }) },
  { additionalProperties: false, description: 'The public keys snapshots are signed with (JWK Set, RFC 7517).' }
)

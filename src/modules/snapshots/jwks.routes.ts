import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import type { SigningKeys } from '../../auth/signing-keys.ts'
import { snapshotExamples, withExample } from '../../example/openapi-examples.ts'
import { JwksSchema } from './snapshots.schemas.ts'

export interface JwksRoutesOptions {
  signingKeys: SigningKeys
}

/** The public keys snapshots are signed with, for anyone to verify a snapshot with (no token). */
const jwksRoutes: FastifyPluginAsyncTypebox<JwksRoutesOptions> = async (app, { signingKeys }) => {
  const keys = { keys: signingKeys.published }
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['Snapshots'],
        operationId: 'getSigningKeys',
        summary: 'The public keys snapshots are signed with (JWKS)',
        description:
          "A JWK Set (RFC 7517) of Ed25519 public keys (`kty` OKP, `alg` EdDSA, `use` sig): the key that signs new snapshots first, then the retired keys (SIGNING_KEYS_RETIRED) that signed earlier ones, so a snapshot verifies after the key is rotated. A key's `kid` is its RFC 7638 thumbprint and matches the `kid` in the header of the JWS it signed. No token needed; any JOSE library can fetch it (jose's `createRemoteJWKSet`).",
        response: { 200: withExample(JwksSchema, snapshotExamples.jwks) }
      }
    },
    async (_request, reply) => reply.header('cache-control', 'public, max-age=300').send(keys)
  )
}

export default jwksRoutes

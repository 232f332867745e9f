import { and, eq, gt, lte, sql } from 'drizzle-orm'
import type { Database } from '../db/client.ts'
import { idempotencyKeys } from '../db/schema/index.ts'

/** An `Idempotency-Key` a request holds, with what identifies its request. */
export interface Claim {
  subject: string
  key: string
  fingerprint: string
  /** The organisation in the URL: its deletion takes the key with it. */
  organisationId: string | null
  ttlSeconds: number
}

/** What a POST answered, as a replay repeats it. */
export interface Answer {
  status: number
  headers: Record<string, string>
  body: string | null
}

export type StoredAnswer = Answer & { fingerprint: string }

const now = sql`now()`
const isClaimed = (claim: Claim) => and(eq(idempotencyKeys.subject, claim.subject), eq(idempotencyKeys.key, claim.key))

/** The answer stored for the key, unless it expired. */
export async function findStoredAnswer(db: Database, claim: Claim): Promise<StoredAnswer | undefined> {
  const [stored] = await db
    .select({ fingerprint: idempotencyKeys.fingerprint, status: idempotencyKeys.status, headers: idempotencyKeys.headers, body: idempotencyKeys.body })
    .from(idempotencyKeys)
    .where(and(isClaimed(claim), gt(idempotencyKeys.expiresAt, now)))
  // Cast: the jsonb columns are typed unknown; only this module writes them, from a StoredAnswer.
  return stored as StoredAnswer | undefined
}

/**
 * Stores the key (a new one, or over an expired one) with `answer`, or with no answer yet when it
 * is the first statement of a create's transaction. Inserting the key row first makes a concurrent
 * request with the same key wait on its primary key until this transaction ends. Answers whether
 * the key was stored: not when another request's unexpired answer holds it.
 */
export async function storeKey(db: Database, claim: Claim, answer: Answer | null): Promise<boolean> {
  const stored = await db
    .insert(idempotencyKeys)
    .values({
      subject: claim.subject,
      key: claim.key,
      fingerprint: claim.fingerprint,
      organisationId: claim.organisationId,
      status: answer?.status ?? null,
      headers: answer?.headers ?? null,
      body: answer?.body ?? null,
      expiresAt: sql`now() + ${claim.ttlSeconds} * interval '1 second'`
    })
    .onConflictDoUpdate({
      target: [idempotencyKeys.subject, idempotencyKeys.key],
      set: {
        fingerprint: sql`excluded.fingerprint`,
        organisationId: sql`excluded.organisation_id`,
        status: sql`excluded.status`,
        headers: sql`excluded.headers`,
        body: sql`excluded.body`,
        createdAt: now,
        expiresAt: sql`excluded.expires_at`
      },
      setWhere: lte(idempotencyKeys.expiresAt, now)
    })
    .returning({ stored: sql`1` })
  return stored.length > 0
}

/** Fills in the answer of a key stored by `storeKey` in the same transaction. */
export async function recordAnswer(tx: Database, claim: Claim, answer: Answer): Promise<void> {
  await tx.update(idempotencyKeys).set({ status: answer.status, headers: answer.headers, body: answer.body }).where(isClaimed(claim))
}

export async function deleteExpiredKeys(db: Database): Promise<void> {
  await db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now))
}

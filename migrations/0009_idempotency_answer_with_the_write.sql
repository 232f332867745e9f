-- Keys are now stored with their answer in the write's own transaction: a claim left 'processing' holds no answer to replay.
DELETE FROM "idempotency_keys" WHERE "state" = 'processing';--> statement-breakpoint
ALTER TABLE "idempotency_keys" DROP COLUMN "state";

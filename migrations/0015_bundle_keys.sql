-- Every entry gains a `key`, unique per organisation and resource, that bundles link by (issue 18),
-- and `managed_by`, who owns it. Stored entries get the key a create now assigns: the name in lower
-- case, accents dropped, runs of other characters as '-' (at most 90 characters); where two entries
-- of a resource would get the same key, the later one adds part of a hash of its id.
ALTER TABLE "activities" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "activities" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "activities") named
) keyed
WHERE "activities".id = keyed.id;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "activities_key_key" ON "activities" USING btree ("organisation_id","key");--> statement-breakpoint
ALTER TABLE "data_categories" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "data_categories" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "data_categories" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "data_categories") named
) keyed
WHERE "data_categories".id = keyed.id;--> statement-breakpoint
ALTER TABLE "data_categories" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "data_categories_key_key" ON "data_categories" USING btree ("organisation_id","key");--> statement-breakpoint
ALTER TABLE "data_subject_categories" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "data_subject_categories" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "data_subject_categories" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "data_subject_categories") named
) keyed
WHERE "data_subject_categories".id = keyed.id;--> statement-breakpoint
ALTER TABLE "data_subject_categories" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "data_subject_categories_key_key" ON "data_subject_categories" USING btree ("organisation_id","key");--> statement-breakpoint
ALTER TABLE "processors" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "processors" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "processors" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "processors") named
) keyed
WHERE "processors".id = keyed.id;--> statement-breakpoint
ALTER TABLE "processors" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "processors_key_key" ON "processors" USING btree ("organisation_id","key");--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "recipients" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "recipients" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "recipients") named
) keyed
WHERE "recipients".id = keyed.id;--> statement-breakpoint
ALTER TABLE "recipients" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "recipients_key_key" ON "recipients" USING btree ("organisation_id","key");--> statement-breakpoint
ALTER TABLE "security_measures" ADD COLUMN "key" text;--> statement-breakpoint
ALTER TABLE "security_measures" ADD COLUMN "managed_by" text;--> statement-breakpoint
UPDATE "security_measures" SET "key" = keyed.key
FROM (
  SELECT id, CASE WHEN row_number() OVER (PARTITION BY organisation_id, slug ORDER BY created_at, id) = 1 THEN slug ELSE slug || '-' || left(md5(id::text), 8) END AS key
  FROM (SELECT id, organisation_id, created_at, coalesce(nullif(rtrim(left(trim(both '-' from regexp_replace(translate(lower(name), 'àáâãäåāçćčèéêëēìíîïñńòóôõöøōśšùúûüūýÿžźżæœßðþł', 'aaaaaaaccceeeeeiiiinnooooooossuuuuuyyzzzaosdtl'), '[^a-z0-9]+', '-', 'g')), 90), '-'), ''), 'entry') AS slug FROM "security_measures") named
) keyed
WHERE "security_measures".id = keyed.id;--> statement-breakpoint
ALTER TABLE "security_measures" ALTER COLUMN "key" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "security_measures_key_key" ON "security_measures" USING btree ("organisation_id","key");

CREATE TABLE "snapshots" (
	"id" uuid PRIMARY KEY NOT NULL,
	"organisation_id" uuid NOT NULL,
	"record" text NOT NULL,
	"note" text NOT NULL,
	"submitted_to" text,
	"submitted_at" timestamp (3) with time zone,
	"document" text NOT NULL,
	"activity_count" integer NOT NULL,
	"sha256" text NOT NULL,
	"jws" text NOT NULL,
	"kid" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "snapshots_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "snapshots_record_check" CHECK ("snapshots"."record" in ('controller', 'processor')),
	CONSTRAINT "snapshots_sha256_check" CHECK ("snapshots"."sha256" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "snapshots_created_idx" ON "snapshots" USING btree ("organisation_id","created_at","id");
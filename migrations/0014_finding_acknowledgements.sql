CREATE TABLE "finding_acknowledgements" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"rule" text NOT NULL,
	"entity_type" text NOT NULL,
	"entity_id" uuid NOT NULL,
	"activity_id" uuid,
	"processor_id" uuid,
	"path" text NOT NULL,
	"reason" text NOT NULL,
	"fingerprint" text NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "finding_acknowledgements_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "finding_acknowledgements_finding_key" UNIQUE("organisation_id","rule","entity_id","path"),
	CONSTRAINT "finding_acknowledgements_entity_check" CHECK (("finding_acknowledgements"."entity_type" = 'activity' and "finding_acknowledgements"."activity_id" = "finding_acknowledgements"."entity_id" and "finding_acknowledgements"."processor_id" is null)
        or ("finding_acknowledgements"."entity_type" = 'processor' and "finding_acknowledgements"."processor_id" = "finding_acknowledgements"."entity_id" and "finding_acknowledgements"."activity_id" is null)
        or ("finding_acknowledgements"."entity_type" = 'organisation' and "finding_acknowledgements"."entity_id" = "finding_acknowledgements"."organisation_id" and "finding_acknowledgements"."activity_id" is null and "finding_acknowledgements"."processor_id" is null)),
	CONSTRAINT "finding_acknowledgements_path_check" CHECK ("finding_acknowledgements"."path" like '/%')
);
--> statement-breakpoint
ALTER TABLE "finding_acknowledgements" ADD CONSTRAINT "finding_acknowledgements_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding_acknowledgements" ADD CONSTRAINT "finding_acknowledgements_activity_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "finding_acknowledgements" ADD CONSTRAINT "finding_acknowledgements_processor_fk" FOREIGN KEY ("organisation_id","processor_id") REFERENCES "public"."processors"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "finding_acknowledgements_created_idx" ON "finding_acknowledgements" USING btree ("organisation_id","created_at","id");--> statement-breakpoint
CREATE INDEX "finding_acknowledgements_activity_idx" ON "finding_acknowledgements" USING btree ("organisation_id","activity_id");--> statement-breakpoint
CREATE INDEX "finding_acknowledgements_processor_idx" ON "finding_acknowledgements" USING btree ("organisation_id","processor_id");
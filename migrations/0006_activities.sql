CREATE TABLE "activities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"owner" text,
	"status" text NOT NULL,
	"role" text NOT NULL,
	"purposes" jsonb NOT NULL,
	"data_subject_category_ids" jsonb NOT NULL,
	"data_category_ids" jsonb NOT NULL,
	"recipient_ids" jsonb NOT NULL,
	"processor_ids" jsonb NOT NULL,
	"security_measure_ids" jsonb NOT NULL,
	"special_category_conditions" jsonb NOT NULL,
	"criminal_data_reference" text,
	"joint_controllers" jsonb NOT NULL,
	"controllers" jsonb NOT NULL,
	"transfers" jsonb NOT NULL,
	"retention" jsonb NOT NULL,
	"dpia" jsonb NOT NULL,
	"automated_decision_making" boolean NOT NULL,
	"profiling" boolean NOT NULL,
	"data_sources" jsonb NOT NULL,
	"systems" jsonb NOT NULL,
	"last_reviewed_at" date,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	CONSTRAINT "activities_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "activities_status_check" CHECK ("activities"."status" in ('draft', 'active', 'retired')),
	CONSTRAINT "activities_role_check" CHECK ("activities"."role" in ('controller', 'joint_controller', 'processor'))
);
--> statement-breakpoint
CREATE TABLE "activity_links" (
	"organisation_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"field" text NOT NULL,
	"item" integer,
	"position" integer NOT NULL,
	"data_category_id" uuid,
	"data_subject_category_id" uuid,
	"recipient_id" uuid,
	"processor_id" uuid,
	"security_measure_id" uuid,
	CONSTRAINT "activity_links_one_target" CHECK (num_nonnulls("activity_links"."data_category_id", "activity_links"."data_subject_category_id", "activity_links"."recipient_id", "activity_links"."processor_id", "activity_links"."security_measure_id") = 1)
);
--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_activity_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_data_category_fk" FOREIGN KEY ("organisation_id","data_category_id") REFERENCES "public"."data_categories"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_data_subject_category_fk" FOREIGN KEY ("organisation_id","data_subject_category_id") REFERENCES "public"."data_subject_categories"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_recipient_fk" FOREIGN KEY ("organisation_id","recipient_id") REFERENCES "public"."recipients"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_processor_fk" FOREIGN KEY ("organisation_id","processor_id") REFERENCES "public"."processors"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_links" ADD CONSTRAINT "activity_links_security_measure_fk" FOREIGN KEY ("organisation_id","security_measure_id") REFERENCES "public"."security_measures"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activities_name_idx" ON "activities" USING btree ("organisation_id",lower("name"),"id");--> statement-breakpoint
CREATE INDEX "activities_updated_idx" ON "activities" USING btree ("organisation_id","updated_at");--> statement-breakpoint
CREATE INDEX "activity_links_activity_idx" ON "activity_links" USING btree ("organisation_id","activity_id");--> statement-breakpoint
CREATE INDEX "activity_links_data_category_idx" ON "activity_links" USING btree ("organisation_id","data_category_id");--> statement-breakpoint
CREATE INDEX "activity_links_data_subject_category_idx" ON "activity_links" USING btree ("organisation_id","data_subject_category_id");--> statement-breakpoint
CREATE INDEX "activity_links_recipient_idx" ON "activity_links" USING btree ("organisation_id","recipient_id");--> statement-breakpoint
CREATE INDEX "activity_links_processor_idx" ON "activity_links" USING btree ("organisation_id","processor_id");--> statement-breakpoint
CREATE INDEX "activity_links_security_measure_idx" ON "activity_links" USING btree ("organisation_id","security_measure_id");
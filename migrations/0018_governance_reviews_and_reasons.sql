CREATE TABLE "activity_reviews" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"activity_id" uuid NOT NULL,
	"activity_version" integer NOT NULL,
	"outcome" text NOT NULL,
	"note" text,
	"reviewed_by" text NOT NULL,
	"reviewed_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"request_id" text,
	CONSTRAINT "activity_reviews_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "activity_reviews_outcome_check" CHECK ("activity_reviews"."outcome" in ('confirmed', 'changed'))
);
--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "review_interval_months" integer;--> statement-breakpoint
ALTER TABLE "audit_events" ADD COLUMN "reason" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "review_interval_months" integer DEFAULT 12 NOT NULL;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "require_change_reason" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "next_review_due" date;--> statement-breakpoint
UPDATE "activities" SET "next_review_due" = (coalesce("last_reviewed_at", ("created_at" at time zone 'UTC')::date) + make_interval(months => 12))::date;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "next_review_due" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "activity_reviews" ADD CONSTRAINT "activity_reviews_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "activity_reviews" ADD CONSTRAINT "activity_reviews_activity_fk" FOREIGN KEY ("organisation_id","activity_id") REFERENCES "public"."activities"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "activity_reviews_activity_idx" ON "activity_reviews" USING btree ("organisation_id","activity_id","reviewed_at" DESC NULLS LAST,"id");--> statement-breakpoint
CREATE INDEX "activities_review_due_idx" ON "activities" USING btree ("organisation_id","next_review_due","id");
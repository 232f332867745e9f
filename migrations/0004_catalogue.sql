CREATE TABLE "data_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"special_category" text,
	"criminal" boolean DEFAULT false NOT NULL,
	CONSTRAINT "data_categories_tenant_key" UNIQUE("organisation_id","id")
);
--> statement-breakpoint
CREATE TABLE "data_subject_categories" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"includes_children" boolean DEFAULT false NOT NULL,
	"vulnerable" boolean DEFAULT false NOT NULL,
	CONSTRAINT "data_subject_categories_tenant_key" UNIQUE("organisation_id","id")
);
--> statement-breakpoint
CREATE TABLE "processor_subprocessors" (
	"organisation_id" uuid NOT NULL,
	"processor_id" uuid NOT NULL,
	"subprocessor_id" uuid NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "processor_subprocessors_processor_id_subprocessor_id_pk" PRIMARY KEY("processor_id","subprocessor_id"),
	CONSTRAINT "processor_subprocessors_not_self" CHECK ("processor_subprocessors"."processor_id" <> "processor_subprocessors"."subprocessor_id")
);
--> statement-breakpoint
CREATE TABLE "processors" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"country" char(2),
	"email" text,
	"phone" text,
	"address" text,
	"service" text,
	"dpa_reference" text,
	"dpa_signed_at" date,
	"subprocessor_authorisation" text NOT NULL,
	"dpf_certified" boolean,
	CONSTRAINT "processors_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "processors_subprocessor_authorisation_check" CHECK ("processors"."subprocessor_authorisation" in ('specific', 'general', 'unknown'))
);
--> statement-breakpoint
CREATE TABLE "recipients" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"type" text NOT NULL,
	"country" char(2),
	CONSTRAINT "recipients_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "recipients_type_check" CHECK ("recipients"."type" in ('internal', 'processor', 'joint_controller', 'independent_controller', 'public_authority', 'other'))
);
--> statement-breakpoint
CREATE TABLE "security_measures" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organisation_id" uuid NOT NULL,
	"name" text NOT NULL,
	"description" text,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"created_by" text NOT NULL,
	"updated_by" text NOT NULL,
	"code" text,
	"type" text NOT NULL,
	"applies_to_all_activities" boolean DEFAULT false NOT NULL,
	CONSTRAINT "security_measures_tenant_key" UNIQUE("organisation_id","id"),
	CONSTRAINT "security_measures_type_check" CHECK ("security_measures"."type" in ('technical', 'organisational'))
);
--> statement-breakpoint
ALTER TABLE "data_categories" ADD CONSTRAINT "data_categories_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_subject_categories" ADD CONSTRAINT "data_subject_categories_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processor_subprocessors" ADD CONSTRAINT "processor_subprocessors_processor_fk" FOREIGN KEY ("organisation_id","processor_id") REFERENCES "public"."processors"("organisation_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processor_subprocessors" ADD CONSTRAINT "processor_subprocessors_subprocessor_fk" FOREIGN KEY ("organisation_id","subprocessor_id") REFERENCES "public"."processors"("organisation_id","id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "processors" ADD CONSTRAINT "processors_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recipients" ADD CONSTRAINT "recipients_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "security_measures" ADD CONSTRAINT "security_measures_organisation_id_organisations_id_fk" FOREIGN KEY ("organisation_id") REFERENCES "public"."organisations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "data_categories_name_key" ON "data_categories" USING btree ("organisation_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "data_subject_categories_name_key" ON "data_subject_categories" USING btree ("organisation_id",lower("name"));--> statement-breakpoint
CREATE INDEX "processor_subprocessors_subprocessor_idx" ON "processor_subprocessors" USING btree ("organisation_id","subprocessor_id");--> statement-breakpoint
CREATE UNIQUE INDEX "processors_name_key" ON "processors" USING btree ("organisation_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "recipients_name_key" ON "recipients" USING btree ("organisation_id",lower("name"));--> statement-breakpoint
CREATE UNIQUE INDEX "security_measures_name_key" ON "security_measures" USING btree ("organisation_id",lower("name"));
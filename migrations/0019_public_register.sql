ALTER TABLE "organisations" ADD COLUMN "slug" text;--> statement-breakpoint
ALTER TABLE "organisations" ADD COLUMN "public_register" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "organisations_slug_key" ON "organisations" USING btree ("slug");--> statement-breakpoint
ALTER TABLE "organisations" ADD CONSTRAINT "organisations_public_register_slug_check" CHECK (not "organisations"."public_register" or "organisations"."slug" is not null);
-- As for sub-processor links (0005): deleting an organisation cascades to catalogue entries and to
-- activity links in one statement, so the links' references to catalogue entries are checked at
-- commit. A link to a deleted entry is still refused (the API answers 409 first).
ALTER TABLE "activity_links" ALTER CONSTRAINT "activity_links_data_category_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "activity_links" ALTER CONSTRAINT "activity_links_data_subject_category_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "activity_links" ALTER CONSTRAINT "activity_links_recipient_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "activity_links" ALTER CONSTRAINT "activity_links_processor_fk" DEFERRABLE INITIALLY DEFERRED;--> statement-breakpoint
ALTER TABLE "activity_links" ALTER CONSTRAINT "activity_links_security_measure_fk" DEFERRABLE INITIALLY DEFERRED;

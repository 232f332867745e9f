-- Automated decisions are described one by one (Art. 22), an activity can claim the Art. 30(5)
-- derogation, purposes say how people opt out of direct marketing, whether an information society
-- service is offered to children and whether a public authority acts within its tasks; consent gains
-- the Art. 8 age threshold and parental verification and can sit on a 9.2.a condition or a 49.1.a
-- transfer; retention rules say what bounds them. Stored entries get the defaults a write now fills,
-- so a record written before this migration reads the same after it.
ALTER TABLE "activities" ADD COLUMN "automated_decisions" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "record_exemption_claimed" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "activities" ADD COLUMN "occasional" boolean DEFAULT false NOT NULL;--> statement-breakpoint
UPDATE "activities"
SET "purposes" = (
  SELECT jsonb_agg(
    jsonb_build_object('objectionMechanism', NULL, 'informationSocietyService', false, 'publicAuthorityTask', NULL)
    || purpose
    || CASE WHEN jsonb_typeof(purpose -> 'consent') = 'object'
         THEN jsonb_build_object('consent', jsonb_build_object('ageThreshold', NULL, 'parentalConsentVerification', NULL) || (purpose -> 'consent'))
         ELSE '{}'::jsonb END
    ORDER BY position)
  FROM jsonb_array_elements("purposes") WITH ORDINALITY AS entries(purpose, position)
)
WHERE jsonb_array_length("purposes") > 0;--> statement-breakpoint
UPDATE "activities"
SET "special_category_conditions" = (
  SELECT jsonb_agg(jsonb_build_object('consent', NULL) || condition ORDER BY position)
  FROM jsonb_array_elements("special_category_conditions") WITH ORDINALITY AS entries(condition, position)
)
WHERE jsonb_array_length("special_category_conditions") > 0;--> statement-breakpoint
UPDATE "activities"
SET "transfers" = (
  SELECT jsonb_agg(jsonb_build_object('consent', NULL) || transfer ORDER BY position)
  FROM jsonb_array_elements("transfers") WITH ORDINALITY AS entries(transfer, position)
)
WHERE jsonb_array_length("transfers") > 0;--> statement-breakpoint
UPDATE "activities"
SET "retention" = (
  SELECT jsonb_agg(jsonb_build_object('kind', NULL) || rule ORDER BY position)
  FROM jsonb_array_elements("retention") WITH ORDINALITY AS entries(rule, position)
)
WHERE jsonb_array_length("retention") > 0;

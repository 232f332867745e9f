-- Client controllers of processor activities gain what Arts. 30(2)(b) and 28 ask for: the categories
-- of processing, the Art. 28(3) contract and the sub-processor authorisation. Stored entries get the
-- defaults a write now fills, so a record written before this migration reads the same after it.
UPDATE "activities"
SET "controllers" = (
  SELECT jsonb_agg(jsonb_build_object('processing', NULL, 'contractReference', NULL, 'subprocessorAuthorisation', 'unknown') || controller ORDER BY position)
  FROM jsonb_array_elements("controllers") WITH ORDINALITY AS entries(controller, position)
)
WHERE jsonb_array_length("controllers") > 0;

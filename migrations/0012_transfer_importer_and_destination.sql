-- Transfers gain the importer's role, its DPF certification with the date it was checked, and an
-- international organisation as a destination. Stored transfers get the defaults a write now fills,
-- so a record written before this migration reads the same after it.
UPDATE "activities"
SET "transfers" = (
  SELECT jsonb_agg(jsonb_build_object('internationalOrganisation', NULL, 'importerRole', NULL, 'dpfCertified', NULL, 'dpfCheckedAt', NULL) || transfer ORDER BY position)
  FROM jsonb_array_elements("transfers") WITH ORDINALITY AS entries(transfer, position)
)
WHERE jsonb_array_length("transfers") > 0;

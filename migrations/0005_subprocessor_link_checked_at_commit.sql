-- Deleting an organisation cascades to its processors and to their sub-processor links in one
-- statement; checked row by row, the link to a processor being deleted fails before the cascade
-- removes it. Checked at commit instead, a link still pointing at a deleted processor is refused
-- all the same (the API answers 409), and a whole-organisation delete goes through.
ALTER TABLE "processor_subprocessors" ALTER CONSTRAINT "processor_subprocessors_subprocessor_fk" DEFERRABLE INITIALLY DEFERRED;

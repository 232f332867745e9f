import pg from 'pg'

/** Fills an organisation with a catalogue of a few hundred entries and `count` realistic activities, straight in SQL. */
export async function seedPostgres(databaseUrl: string, organisationId: string, count: number) {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const org = organisationId
    await client.query('begin')
    await client.query(
      `insert into data_categories (organisation_id, key, name, description, special_category, criminal, created_by, updated_by)
      select $1, 'data-category-' || lpad(i::text, 3, '0'), 'Data category ' || lpad(i::text, 3, '0'), 'Generated data category', case when i % 10 = 0 then 'health_data' end, i % 25 = 0, 'bench', 'bench' from generate_series(1, 100) i`,
      [org]
    )
    await client.query(
      `insert into data_subject_categories (organisation_id, key, name, description, includes_children, vulnerable, created_by, updated_by)
      select $1, 'subjects-' || lpad(i::text, 3, '0'), 'Subjects ' || lpad(i::text, 3, '0'), 'Generated', i % 20 = 0, i % 7 = 0, 'bench', 'bench' from generate_series(1, 100) i`,
      [org]
    )
    await client.query(
      `insert into recipients (organisation_id, key, name, type, country, created_by, updated_by)
      select $1, 'recipient-' || lpad(i::text, 3, '0'), 'Recipient ' || lpad(i::text, 3, '0'), case when i % 3 = 0 then 'processor' else 'internal' end, 'NO', 'bench', 'bench' from generate_series(1, 50) i`,
      [org]
    )
    await client.query(
      `insert into processors (organisation_id, key, name, country, service, dpa_reference, dpa_signed_at, subprocessor_authorisation, created_by, updated_by)
      select $1, 'processor-' || lpad(i::text, 3, '0'), 'Processor ' || lpad(i::text, 3, '0'), case when i % 5 = 0 then 'US' else 'IE' end, 'Hosting', 'dpa/' || i, '2025-01-01', 'general', 'bench', 'bench' from generate_series(1, 30) i`,
      [org]
    )
    await client.query(
      `insert into security_measures (organisation_id, key, name, code, type, applies_to_all_activities, created_by, updated_by)
      select $1, 'measure-' || lpad(i::text, 3, '0'), 'Measure ' || lpad(i::text, 3, '0'), null, 'technical', i <= 5, 'bench', 'bench' from generate_series(1, 20) i`,
      [org]
    )
    await client.query(
      `with dc as (select array_agg(id order by name) as ids from data_categories where organisation_id = $1),
            ds as (select array_agg(id order by name) as ids from data_subject_categories where organisation_id = $1),
            rc as (select array_agg(id order by name) as ids from recipients where organisation_id = $1),
            pr as (select array_agg(id order by name) as ids from processors where organisation_id = $1),
            sm as (select array_agg(id order by name) as ids from security_measures where organisation_id = $1)
       insert into activities (organisation_id, key, name, description, owner, status, role, purposes, data_subject_category_ids, data_category_ids, recipient_ids, processor_ids,
         security_measure_ids, special_category_conditions, criminal_data_reference, joint_controllers, controllers, transfers, retention, dpia, automated_decision_making,
         profiling, data_sources, systems, last_reviewed_at, next_review_due, created_by, updated_by)
       select $1, 'activity-' || lpad(i::text, 6, '0'), 'Activity ' || lpad(i::text, 6, '0'), 'A generated processing activity of realistic size, with several purposes, links, transfers and retention rules.', 'Operations',
         'active', 'controller',
         jsonb_build_array(
           jsonb_build_object('description', 'Deliver the service to customers number ' || i, 'legalBasis', '6.1.b', 'legalReference', null, 'legitimateInterest', null, 'liaReference', null, 'consent', null, 'directMarketing', false, 'objectionMechanism', null, 'informationSocietyService', false, 'publicAuthorityTask', null),
           jsonb_build_object('description', 'Keep accounting records for the bookkeeping act', 'legalBasis', '6.1.c', 'legalReference', 'Bookkeeping Act § 13', 'legitimateInterest', null, 'liaReference', null, 'consent', null, 'directMarketing', false, 'objectionMechanism', null, 'informationSocietyService', false, 'publicAuthorityTask', null),
           jsonb_build_object('description', 'Prevent fraud against the service', 'legalBasis', '6.1.f', 'legalReference', null, 'legitimateInterest', 'Fraud prevention', 'liaReference', 'lia/fraud', 'consent', null, 'directMarketing', false, 'objectionMechanism', null, 'informationSocietyService', false, 'publicAuthorityTask', null)),
         to_jsonb(ds.ids[(i % 95) + 1 : (i % 95) + 3]), to_jsonb(dc.ids[(i % 85) + 1 : (i % 85) + 5 + (i % 11)]), to_jsonb(rc.ids[(i % 45) + 1 : (i % 45) + 2]),
         to_jsonb(pr.ids[(i % 28) + 1 : (i % 28) + 2]), to_jsonb(sm.ids[6 + (i % 14) : 6 + (i % 14)]), '[]'::jsonb, null, '[]'::jsonb, '[]'::jsonb,
         jsonb_build_array(
           jsonb_build_object('country', 'US', 'internationalOrganisation', null, 'importer', 'Importer ' || i, 'importerRole', 'processor', 'dpfCertified', null, 'dpfCheckedAt', null, 'processorId', pr.ids[(i % 28) + 1], 'mechanism', '46.2.c', 'sccModule', 2, 'safeguardReference', 'scc/' || i, 'tiaReference', 'tia/' || i, 'derogation', null, 'consent', null),
           jsonb_build_object('country', 'GB', 'internationalOrganisation', null, 'importer', 'UK office', 'importerRole', 'controller', 'dpfCertified', null, 'dpfCheckedAt', null, 'processorId', null, 'mechanism', '45', 'sccModule', null, 'safeguardReference', null, 'tiaReference', null, 'derogation', null, 'consent', null)),
         jsonb_build_array(
           jsonb_build_object('dataCategoryIds', to_jsonb(dc.ids[(i % 85) + 1 : (i % 85) + 1]), 'period', 'P5Y', 'kind', null, 'trigger', 'End of the financial year', 'description', null, 'legalReference', 'Bookkeeping Act § 13'),
           jsonb_build_object('dataCategoryIds', '[]'::jsonb, 'period', 'P3Y', 'kind', null, 'trigger', 'End of the contract', 'description', null, 'legalReference', null),
           jsonb_build_object('dataCategoryIds', to_jsonb(dc.ids[(i % 85) + 2 : (i % 85) + 2]), 'period', 'P6M', 'kind', null, 'trigger', null, 'description', 'Logs', 'legalReference', null)),
         '{"status":"not_assessed","reference":null,"completedAt":null,"notRequiredReason":null,"criteria":[]}'::jsonb, false, false, '["data_subject"]'::jsonb, '["CRM","ERP"]'::jsonb,
         '2026-06-01', '2027-06-01', 'bench', 'bench'
       from generate_series(1, $2::int) i, dc, ds, rc, pr, sm`,
      [org, count]
    )
    for (const [field, column] of [
      ['data_category_ids', 'data_category_id'],
      ['data_subject_category_ids', 'data_subject_category_id'],
      ['recipient_ids', 'recipient_id'],
      ['processor_ids', 'processor_id'],
      ['security_measure_ids', 'security_measure_id']
    ] as const) {
      const name = field.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase())
      await client.query(
        `insert into activity_links (organisation_id, activity_id, field, position, ${column})
         select a.organisation_id, a.id, $2, (e.ord - 1)::int, e.value::uuid from activities a, jsonb_array_elements_text(a.${field}) with ordinality e(value, ord) where a.organisation_id = $1`,
        [org, name]
      )
    }
    await client.query(
      `insert into activity_links (organisation_id, activity_id, field, item, position, processor_id)
       select a.organisation_id, a.id, 'transfers', (t.ord - 1)::int, 0, (t.value->>'processorId')::uuid from activities a, jsonb_array_elements(a.transfers) with ordinality t(value, ord)
        where a.organisation_id = $1 and t.value->>'processorId' is not null`,
      [org]
    )
    await client.query('commit')
    await client.query('analyze')
  } finally {
    await client.end()
  }
}

import { sql } from 'drizzle-orm'
import type { App } from '../../src/app.ts'
import { bearer, createOrganisationViaApi } from '../helper.ts'

/**
 * An organisation with `count` generated activities, inserted straight in SQL (the API path is tested
 * elsewhere): a small catalogue through the API, then activities with a purpose, links, a transfer to
 * the US and a retention rule each. Returns the organisation and a token's headers for it.
 */
export async function generateRecord(app: App, count: number) {
  const org = await createOrganisationViaApi(app)
  const headers = await bearer({ orgs: [org.id] })
  const post = async (path: string, payload: Record<string, unknown>) =>
    (await app.inject({ method: 'POST', url: `/v1/organisations/${org.id}/${path}`, headers, payload })).json().id as string
  const category = await post('data-categories', { name: 'Contact details' })
  const subjects = await post('data-subject-categories', { name: 'Customers' })
  const processor = await post('processors', { name: 'Hosting Ltd', country: 'IE' })
  await post('security-measures', { name: 'Backups', code: 'T.BACKUP', appliesToAllActivities: true })
  await app.database.db.execute(sql`
    insert into activities (organisation_id, key, name, description, status, role, purposes, data_subject_category_ids, data_category_ids, recipient_ids, processor_ids,
      security_measure_ids, special_category_conditions, joint_controllers, controllers, transfers, retention, dpia, automated_decision_making, profiling,
      data_sources, systems, next_review_due, created_by, updated_by)
    select ${org.id}, 'generated-activity-' || lpad(i::text, 5, '0'), 'Generated activity ' || lpad(i::text, 5, '0'), 'Generated for the scale test, with enough text to weigh something in the export.', 'active', 'controller',
      jsonb_build_array(jsonb_build_object('description', 'Serve customers ' || i, 'legalBasis', '6.1.b', 'legalReference', null, 'legitimateInterest', null, 'liaReference', null, 'consent', null, 'directMarketing', false, 'objectionMechanism', null, 'informationSocietyService', false, 'publicAuthorityTask', null)),
      jsonb_build_array(${subjects}::text), jsonb_build_array(${category}::text), '[]'::jsonb, jsonb_build_array(${processor}::text), '[]'::jsonb, '[]'::jsonb, '[]'::jsonb, '[]'::jsonb,
      jsonb_build_array(jsonb_build_object('country', 'US', 'internationalOrganisation', null, 'importer', 'Importer ' || i, 'importerRole', null, 'dpfCertified', null, 'dpfCheckedAt', null, 'processorId', null, 'mechanism', '46.2.c', 'sccModule', 2, 'safeguardReference', null, 'tiaReference', null, 'derogation', null, 'consent', null)),
      jsonb_build_array(jsonb_build_object('dataCategoryIds', '[]'::jsonb, 'period', 'P3Y', 'kind', null, 'trigger', 'End of contract', 'description', null, 'legalReference', null)),
      '{"status":"not_assessed","reference":null,"completedAt":null,"notRequiredReason":null,"criteria":[]}'::jsonb, false, false, '["data_subject"]'::jsonb, '[]'::jsonb, (current_date + interval '12 months')::date, 'generator', 'generator'
    from generate_series(1, ${count}) as i`)
  return { org, headers }
}

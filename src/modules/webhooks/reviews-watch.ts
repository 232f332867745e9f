import { sql } from 'drizzle-orm'
import type { Database } from '../../db/client.ts'
import { enqueueEvent } from './outbox.repository.ts'

/**
 * Queues `review.due` once for each activity (not retired) whose review has fallen due, in
 * organisations with a webhook that subscribes to it: once per due date, so a review that moves the
 * date on makes the next one due again later. Instances take turns (a transaction advisory lock), so
 * two replicas do not queue it twice. Answers how many events it queued.
 */
export async function watchReviewsDue(db: Database): Promise<number> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext('ropa-api:review.due'))`)
    const due = (
      await tx.execute(sql`
        select a.organisation_id as "organisationId", a.id, a.name, a.owner, a.next_review_due::text as "nextReviewDue"
        from activities a
        where a.status <> 'retired' and a.next_review_due <= current_date
          and exists (select 1 from webhooks w where w.organisation_id = a.organisation_id and w.enabled and 'review.due' = any(w.events))
          and not exists (
            select 1 from webhook_events e
            where e.organisation_id = a.organisation_id and e.type = 'review.due'
              and e.data->'entity'->>'id' = a.id::text and e.data->>'nextReviewDue' = a.next_review_due::text
          )
        order by a.organisation_id, a.next_review_due, a.id
        limit 1000`)
    ).rows as { organisationId: string; id: string; name: string; owner: string | null; nextReviewDue: string }[]
    for (const activity of due)
      await enqueueEvent(tx, activity.organisationId, 'review.due', {
        entity: { type: 'activity', id: activity.id },
        name: activity.name,
        owner: activity.owner,
        nextReviewDue: activity.nextReviewDue
      })
    return due.length
  })
}

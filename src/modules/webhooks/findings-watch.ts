import { summariseAcknowledged, withAcknowledgements } from '../../compliance/acknowledgements.ts'
import { activityFindings } from '../../compliance/index.ts'
import type { Database } from '../../db/client.ts'
import { loadFindings } from '../findings/findings.repository.ts'
import { enqueueEvent } from './outbox.repository.ts'
import { lockFindingsWatch, organisationsToWatch, saveFindingsWatch } from './webhooks.repository.ts'

type Summary = ReturnType<typeof summariseAcknowledged>

const sameSummary = (a: Summary | undefined, b: Summary) =>
  a !== undefined && a.errors === b.errors && a.warnings === b.warnings && a.infos === b.infos && a.acknowledged === b.acknowledged

/**
 * Queues `findings.changed` for each activity whose findings summary (the counts the findings
 * endpoints answer) differs from when it was last compared, in organisations with a webhook that
 * subscribes to it and whose audit feed has moved since. A change anywhere can change an activity's
 * findings (a processor's contract, an acknowledgement), so the whole record is checked, once per
 * pass and organisation, whatever the number of writes. The first comparison only records the
 * summaries. New activities are compared with nothing (`previousSummary: null`); retired and
 * deleted ones are not reported (their own events are). Findings that change with the date alone
 * (an overdue review) wait for the next write. Answers how many events it queued.
 */
export async function watchFindings(db: Database): Promise<number> {
  let queued = 0
  for (const organisationId of await organisationsToWatch(db)) {
    queued += await db.transaction(async (tx) => {
      // One instance compares an organisation at a time; the others skip it in this pass.
      const watch = await lockFindingsWatch(tx, organisationId)
      if (!watch.locked || (watch.previous && watch.previous.auditSeq >= watch.auditSeq)) return 0
      const { context, activities, acknowledgements } = await loadFindings(tx, organisationId)
      const summaries: Record<string, Summary> = {}
      for (const activity of activities) {
        if (activity.status === 'retired') continue
        summaries[activity.id] = summariseAcknowledged(withAcknowledgements(activityFindings(activity, context), acknowledgements, activities, context))
      }
      let events = 0
      if (watch.previous) {
        const before = watch.previous.summaries as Record<string, Summary>
        for (const [activityId, summary] of Object.entries(summaries)) {
          if (sameSummary(before[activityId], summary)) continue
          await enqueueEvent(tx, organisationId, 'findings.changed', {
            entity: { type: 'activity', id: activityId },
            summary,
            previousSummary: before[activityId] ?? null
          })
          events++
        }
      }
      await saveFindingsWatch(tx, organisationId, watch.auditSeq, summaries)
      return events
    })
  }
  return queued
}

/**
 * Acknowledged findings (issue 16): a DPO may acknowledge a finding of a heuristic rule, which then
 * stays listed but leaves the counts, for as long as the entity keeps the value the finding is
 * about and the acknowledgement has not expired. Pure functions, like the rules.
 */
import { createHash } from 'node:crypto'
import type { Acknowledgement, FindingAcknowledgement } from '../modules/findings/acknowledgements.schemas.ts'
import { summarise } from './index.ts'
import type { Activity, Context, Finding } from './types.ts'

/** An acknowledgement as stored: what the API shows, and the fingerprint of the value it was made on. */
export type StoredAcknowledgement = Omit<Acknowledgement, 'expired'> & { fingerprint: string }

export type AcknowledgedFinding = Finding & { acknowledged: FindingAcknowledgement | null }

/** The reference tokens of a JSON pointer (RFC 6901), unescaped. */
const tokensOf = (pointer: string) =>
  pointer
    .split('/')
    .slice(1)
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))

function valueAt(value: unknown, tokens: readonly string[]): unknown {
  let current = value
  for (const token of tokens) {
    if (Array.isArray(current)) current = /^(0|[1-9]\d*)$/.test(token) ? current[Number(token)] : undefined
    else if (current !== null && typeof current === 'object' && Object.hasOwn(current, token)) current = (current as Record<string, unknown>)[token]
    else return undefined
  }
  return current
}

/**
 * What an acknowledgement of a finding at `pointer` is about: the value at the pointer, or, when the
 * pointer lies inside an item of one of the entity's lists (`/purposes/0/legalBasis`), that whole
 * item (`/purposes/0`). A finding about one field of a purpose rests on the purpose as a whole (L-25
 * reads its basis, but its basis can only be consent while the finding stands), and an
 * acknowledgement made on one purpose must not pass to another that moves into its place.
 */
export function acknowledgedValue(entity: unknown, pointer: string): unknown {
  const tokens = tokensOf(pointer)
  const widened = tokens.length > 2 && Array.isArray(valueAt(entity, tokens.slice(0, 1))) ? tokens.slice(0, 2) : tokens
  return valueAt(entity, widened)
}

/**
 * JSON with object keys sorted and null-valued properties left out, so the same value has one text
 * whatever the order of its keys, and a field added to the API later (null until set) does not
 * change the text of values stored before it.
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== null && item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`
  }
  return JSON.stringify(value) ?? 'null'
}

/** SHA-256 (hex) of the canonical JSON of what a finding at `pointer` is about in the entity (see `acknowledgedValue`). */
export const fingerprintOf = (entity: unknown, pointer: string) =>
  createHash('sha256')
    .update(canonicalJson(acknowledgedValue(entity, pointer)))
    .digest('hex')

/** The entity a finding is on, as the API serialises it (as far as the rules read it), or undefined if it is not loaded. */
export function entityOf(finding: Pick<Finding, 'entityType' | 'entityId'>, activities: ReadonlyMap<string, Activity>, context: Context): unknown {
  switch (finding.entityType) {
    case 'organisation':
      return finding.entityId === context.organisation.id ? context.organisation : undefined
    case 'processor':
      return context.catalogue.processors.get(finding.entityId)
    case 'activity':
      return activities.get(finding.entityId)
  }
}

export const findingKey = (finding: Pick<Finding, 'rule' | 'entityId' | 'path'>) => JSON.stringify([finding.rule, finding.entityId, finding.path])

/** Whether an acknowledgement hides its finding at `now`: unexpired, and the value it was made on unchanged. */
export function applies(acknowledgement: StoredAcknowledgement, entity: unknown, now: Date): boolean {
  if (acknowledgement.expiresAt !== null && Date.parse(acknowledgement.expiresAt) <= now.getTime()) return false
  return entity !== undefined && fingerprintOf(entity, acknowledgement.path) === acknowledgement.fingerprint
}

/**
 * Each finding with the acknowledgement that applies to it at `context.now` (the instant the rules
 * ran at), or null: none was made, it expired, or the entity changed in what the finding is about.
 */
export function withAcknowledgements(
  findings: readonly Finding[],
  acknowledgements: readonly StoredAcknowledgement[],
  activities: readonly Activity[],
  context: Context
): AcknowledgedFinding[] {
  if (acknowledgements.length === 0) return findings.map((finding) => ({ ...finding, acknowledged: null }))
  const byFinding = new Map(acknowledgements.map((acknowledgement) => [findingKey(acknowledgement), acknowledgement]))
  const activitiesById = new Map(activities.map((activity) => [activity.id, activity]))
  return findings.map((finding) => {
    const acknowledgement = byFinding.get(findingKey(finding))
    const applying = acknowledgement && applies(acknowledgement, entityOf(finding, activitiesById, context), context.now) ? acknowledgement : undefined
    return {
      ...finding,
      acknowledged: applying
        ? { id: applying.id, by: applying.createdBy, at: applying.createdAt, reason: applying.reason, expiresAt: applying.expiresAt }
        : null
    }
  })
}

/** The counts by severity of the findings not acknowledged, and how many are. */
export function summariseAcknowledged(findings: readonly AcknowledgedFinding[]) {
  const open = findings.filter((finding) => finding.acknowledged === null)
  return { ...summarise(open), acknowledged: findings.length - open.length }
}

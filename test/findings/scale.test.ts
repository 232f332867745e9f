import t, { type Test } from 'tap'
import { buildTestApp } from '../helper.ts'
import { generateRecord } from '../support/generated-record.ts'

const GENERATED = 2000

const app = await buildTestApp(t)
const small = await generateRecord(app, 10)
const large = await generateRecord(app, GENERATED)

interface Findings {
  items: { rule: string; entityType: string; entityId: string }[]
  summary: { errors: number; warnings: number; infos: number; acknowledged: number }
}

async function findingsOf(t: Test, { org, headers }: typeof small) {
  const before = app.database.statements.count
  const res = await app.inject({ url: `/v1/organisations/${org.id}/findings`, headers })
  const statements = app.database.statements.count - before
  t.equal(res.statusCode, 200, 'the findings are listed')
  return { statements, body: res.json() as Findings }
}

t.test(`the findings of the whole record cost the same SQL statements for 10 activities as for ${GENERATED}`, async (t) => {
  const few = await findingsOf(t, small)
  const many = await findingsOf(t, large)
  t.equal(many.statements, few.statements, `${few.statements} statements either way`)
  t.equal(few.statements, 4, 'the organisation, its catalogue, its activities and the acknowledgements')
  // The generated activities are alike but for their number: a rule that finds something on each of the 10 finds it on each of the many.
  const perActivity = ({ body }: typeof few) => body.items.filter((finding) => finding.entityType === 'activity')
  const byRule = (findings: Findings['items']) =>
    findings.reduce((counts, { rule }) => counts.set(rule, (counts.get(rule) ?? 0) + 1), new Map<string, number>())
  const everywhere = [...byRule(perActivity(few))].filter(([, count]) => count === 10).map(([rule]) => rule)
  t.ok(everywhere.length > 0, `some rules find something on every generated activity: ${everywhere.join(', ')}`)
  const manyByRule = byRule(perActivity(many))
  for (const rule of everywhere) t.equal(manyByRule.get(rule), GENERATED, `${rule}: on each of the ${GENERATED} activities`)
  t.equal(new Set(perActivity(many).map((finding) => finding.entityId)).size, GENERATED, 'every activity is checked')
  t.notOk(
    perActivity(many).some((finding) => finding.rule === 'security-measures-missing'),
    'the organisation-wide measure counts for every activity'
  )
})

import { readFileSync } from 'node:fs'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

const example = JSON.parse(readFileSync(new URL('../../src/example/example-consulting-as.json', import.meta.url), 'utf8'))
const app = await buildTestApp(t)

const withoutKey = ({ key: _key, ...rest }: Record<string, unknown>) => rest

t.test('the catalogue of the example organisation loads through the API without error', async (t) => {
  const org = await createOrganisationViaApi(app, example.organisation)
  const headers = await bearer({ sub: 'loader', orgs: [org.id] })
  const base = `/v1/organisations/${org.id}`
  const ids = new Map<string, string>()
  const load = async (path: string, entries: Record<string, unknown>[], resolve: (entry: Record<string, unknown>) => Record<string, unknown> = (e) => e) => {
    for (const entry of entries) {
      const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload: resolve(withoutKey(entry)) })
      t.equal(res.statusCode, 201, `${path}: ${String(entry.key)}`)
      if (res.statusCode !== 201) t.comment(res.body)
      ids.set(`${path}:${String(entry.key)}`, res.json().id)
    }
  }
  await load('data-categories', example.dataCategories)
  await load('data-subject-categories', example.dataSubjectCategories)
  await load('recipients', example.recipients)
  await load('security-measures', example.securityMeasures)
  await load('processors', example.processors, ({ subProcessorKeys, ...rest }) => ({
    ...rest,
    subProcessorIds: (subProcessorKeys as string[]).map((key) => ids.get(`processors:${key}`))
  }))

  for (const [path, entries] of [
    ['data-categories', example.dataCategories],
    ['data-subject-categories', example.dataSubjectCategories],
    ['recipients', example.recipients],
    ['security-measures', example.securityMeasures],
    ['processors', example.processors]
  ] as const) {
    const listed = (await app.inject({ url: `${base}/${path}?limit=200`, headers })).json().items
    t.equal(listed.length, entries.length, `${path}: all ${entries.length} stored`)
    const first = entries[0]
    const stored = listed.find((entry: { name: string }) => entry.name === first.name)
    const { subProcessorKeys: _s, ...expected } = withoutKey(first) as Record<string, unknown>
    t.match(stored, expected, `${path}: '${first.name}' reads back as loaded`)
  }
  t.equal(ids.size, 14 + 12 + 4 + 9 + 5)
  const special = (await app.inject({ url: `${base}/data-categories?specialCategory=any`, headers })).json().items
  t.same(
    special.map((c: { name: string }) => c.name).sort(),
    example.dataCategories
      .filter((c: { specialCategory: string | null }) => c.specialCategory)
      .map((c: { name: string }) => c.name)
      .sort()
  )
  const organisationWide = (await app.inject({ url: `${base}/security-measures?appliesToAllActivities=true`, headers })).json().items
  t.equal(organisationWide.length, example.securityMeasures.filter((m: { appliesToAllActivities: boolean }) => m.appliesToAllActivities).length)
})

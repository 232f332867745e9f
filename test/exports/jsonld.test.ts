import jsonld from 'jsonld'
import t from 'tap'
import type { App } from '../../src/app.ts'
import { type Bundle, readExampleBundle } from '../../src/example/bundle.ts'
import { countryIri, legalBasisIris, specialCategoryIris, transferMechanismTerms } from '../../src/exports/dpv.ts'
import { contextPath, ropaContextV1 } from '../../src/exports/dpv-context.ts'
import { countries } from '../../src/reference/countries.ts'
import { legalBases } from '../../src/reference/legal-bases.ts'
import { specialCategories } from '../../src/reference/special-categories.ts'
import { transferMechanisms } from '../../src/reference/transfer-mechanisms.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
type Expanded = Record<string, unknown[]>

const DPV = 'https://w3id.org/dpv#'
const GDPR = 'https://w3id.org/dpv/legal/eu/gdpr#'
const LOC = 'https://w3id.org/dpv/loc#'
const ROPA = 'urn:ropa-api:ns#'

const app: App = await buildTestApp(t)
const bundle: Bundle = readExampleBundle()
const { organisationId: orgId } = await loadBundleViaApi(app, bundle)
const base = `/v1/organisations/${orgId}`
const origin = 'http://localhost:80'
const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [orgId] })
const writer = await bearer({ sub: 'writer', scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
const exportAs = (query: string, headers: Record<string, string> = {}, organisation = orgId) =>
  app.inject({ url: `/v1/organisations/${organisation}/ropa${query}`, headers: { ...reader, ...headers } })

/** Serves the context from the app, as a processor would fetch it over HTTP; anything else is refused (no network in tests). */
const documentLoader = async (url: string) => {
  if (url !== `${origin}${contextPath}`) throw new Error(`no network in tests: ${url}`)
  const res = await app.inject({ url: new URL(url).pathname })
  return { contextUrl: undefined, documentUrl: url, document: res.json() }
}

/** Expanded with `safe`: a key the context does not define, or a value it cannot turn into RDF, throws instead of vanishing. */
// `safe` is jsonld.js's (since 8.0); @types/jsonld does not know it yet.
const expandOptions = { documentLoader, safe: true }
const expand = async (body: string) => (await jsonld.expand(JSON.parse(body), expandOptions)) as unknown as Expanded[]

const all = (node: Expanded | undefined, property: string) => (node?.[property] ?? []) as Expanded[]
const one = (node: Expanded | undefined, property: string) => all(node, property)[0]
const idsOf = (node: Expanded | undefined, property: string) => all(node, property).map((value) => value['@id'] as unknown as string)
const literal = (node: Expanded | undefined, property: string) => (one(node, property) as Json | undefined)?.['@value']
const activitiesOf = (ropa: Expanded) => all(ropa, `${DPV}hasProcess`)
const byLabel = (ropa: Expanded, label: string) =>
  activitiesOf(ropa).find((activity) => literal(activity, 'http://www.w3.org/2000/01/rdf-schema#label') === label)

/** What the GDPR extension calls each code, spelled out here rather than read from the mapping under test. */
const expectedLegalBasis = (code: string) => `${GDPR}A${code.replaceAll('.', '-')}`
const expectedTransferBasis = (code: string) => `${GDPR}${{ '45': 'A45-3', '47': 'A46-2-b', '49.1.sub2': 'A49-2' }[code] ?? `A${code.replaceAll('.', '-')}`}`

const activeActivities = bundle.activities.filter((activity) => activity.status === 'active')
const response = await exportAs('?format=jsonld')
const [ropa] = await expand(response.body)

t.test('the controller record as DPV JSON-LD: streamed with its own type and file name, expanding losslessly', async (t) => {
  t.equal(response.statusCode, 200)
  t.equal(response.headers['content-type'], 'application/ld+json; charset=utf-8')
  t.match(response.headers['content-disposition'], /^attachment; filename="ropa-example-consulting-as-controller-\d{4}-\d\d-\d\d\.jsonld"$/)
  t.equal(response.headers['cache-control'], 'no-store')
  t.equal(response.json()['@context'], `${origin}${contextPath}`, 'the context by absolute URL on the origin of the request')
  t.same(ropa!['@type'], [`${DPV}ROPA`])
  t.equal(literal(ropa, `${ROPA}recordKind`), 'controller')
  t.equal(literal(ropa, `${ROPA}includesDrafts`), false)
  t.notOk(ropa![`${ROPA}asOf`], 'no asOf without one')
  const controller = one(ropa, `${DPV}hasDataController`)!
  t.equal(controller['@id'], `${origin}${base}`)
  t.same(controller['@type'], [`${DPV}LegalEntity`, `${DPV}DataController`])
  t.equal(literal(controller, `${DPV}hasName`), bundle.organisation.name)
  t.equal(idsOf(controller, `${DPV}hasCountry`)[0], `${LOC}NO`)
  t.equal(literal(one(controller, `${DPV}hasDataProtectionOfficer`), `${DPV}hasName`), 'Kari Nordmann')
})

t.test('every active activity is a dpv:Process named by its URL in the API', async (t) => {
  const exported = (await exportAs('')).json() as { activities: { id: string; name: string }[] }
  t.same(
    activitiesOf(ropa!).map((activity) => activity['@id']),
    exported.activities.map((activity) => `${origin}${base}/activities/${activity.id}`)
  )
  t.same(
    activitiesOf(ropa!)
      .map((activity) => literal(activity, 'http://www.w3.org/2000/01/rdf-schema#label'))
      .sort(),
    activeActivities.map((a) => a.name).sort()
  )
  for (const activity of activitiesOf(ropa!)) t.same(activity['@type'], [`${DPV}Process`])
})

t.test('the legal bases of every purpose are the GDPR extension IRIs of the example organisation', async (t) => {
  for (const activity of activeActivities) {
    const node = byLabel(ropa!, activity.name as string)
    const purposes = all(node, `${DPV}hasPurpose`)
    t.equal(purposes.length, (activity.purposes as Json[]).length, `${activity.name}: every purpose`)
    t.same(
      purposes.map((purpose) => idsOf(purpose, `${DPV}hasLegalBasis`)[0] ?? null),
      (activity.purposes as Json[]).map((purpose) => (purpose.legalBasis ? expectedLegalBasis(purpose.legalBasis as string) : null)),
      `${activity.name}: purposes' bases`
    )
    const conditions = (activity.specialCategoryConditions as Json[]).map((condition) => expectedLegalBasis(condition.condition as string))
    const purposeBases = (activity.purposes as Json[]).flatMap((purpose) => (purpose.legalBasis ? [expectedLegalBasis(purpose.legalBasis as string)] : []))
    t.same(
      idsOf(node, `${DPV}hasLegalBasis`).sort(),
      [...new Set([...purposeBases, ...conditions])].sort(),
      `${activity.name}: the activity's bases, Art. 9(2) included`
    )
  }
  t.ok(idsOf(byLabel(ropa!, 'Handling inquiries'), `${DPV}hasLegalBasis`).includes('https://w3id.org/dpv/legal/eu/gdpr#A6-1-f'))
})

t.test("the example's transfers: the Chapter V ground and the third country with its adequacy status", async (t) => {
  let withMechanism = 0
  for (const activity of activeActivities) {
    const transfers = all(byLabel(ropa!, activity.name as string), `${DPV}hasProcess`)
    t.equal(transfers.length, (activity.transfers as Json[]).length)
    for (const [i, transfer] of (activity.transfers as Json[]).entries()) {
      const node = transfers[i]!
      t.same(idsOf(node, `${DPV}hasProcessing`), [`${DPV}Transfer`])
      t.same(idsOf(node, `${DPV}hasLegalBasis`), transfer.mechanism ? [expectedTransferBasis(transfer.mechanism as string)] : [])
      t.same(idsOf(node, `${DPV}hasThirdCountry`), transfer.country ? [`${LOC}${transfer.country}`] : [])
      t.equal(literal(one(node, `${DPV}hasDataImporter`), `${DPV}hasName`), transfer.importer)
      if (transfer.mechanism) withMechanism++
    }
  }
  t.ok(withMechanism > 0, 'the example has a transfer with a mechanism')
  const us = all(byLabel(ropa!, 'Website, cookies and analytics'), `${DPV}hasProcess`)
    .map((node) => one(node, `${DPV}hasThirdCountry`))
    .find(Boolean)!
  t.equal(us['@id'], `${LOC}US`)
  t.equal(literal(us, `${ROPA}eea`), false)
  t.equal(literal(us, `${ROPA}adequacyScope`), 'partial')
  t.equal(literal(us, `${ROPA}adequacyDecision`), 'Implementing Decision (EU) 2023/1795')
})

t.test('special category data, storage conditions and measures use DPV terms', async (t) => {
  const category = bundle.dataCategories.find((c) => c.specialCategory === 'health_data')!
  const activity = activitiesOf(ropa!).find((a) =>
    all(a, `${DPV}hasPersonalData`).some((data) => literal(data, 'http://www.w3.org/2000/01/rdf-schema#label') === category.name)
  )!
  const data = all(activity, `${DPV}hasPersonalData`).find((d) => literal(d, 'http://www.w3.org/2000/01/rdf-schema#label') === category.name)!
  t.same(data['@type'], [`${DPV}PersonalData`, `${DPV}SpecialCategoryPersonalData`])
  t.same(idsOf(data, 'http://www.w3.org/2004/02/skos/core#broader'), [`${GDPR}HealthData`])
  const inquiries = byLabel(ropa!, 'Handling inquiries')!
  const storage = all(inquiries, `${DPV}hasStorageCondition`)
  t.same(
    storage.map((s) => literal(s, `${DPV}hasDuration`)),
    (bundle.activities.find((a) => a.name === 'Handling inquiries')!.retention as Json[]).map((rule) => rule.period)
  )
  t.match(one(storage[0], `${DPV}hasDuration`), { '@type': 'http://www.w3.org/2001/XMLSchema#duration' })
  t.ok(storage.every((s) => (s['@type'] as string[]).includes(`${DPV}StorageDuration`)))
  const measures = all(inquiries, `${DPV}hasTechnicalOrganisationalMeasure`)
  const organisationWide = bundle.securityMeasures.filter((m) => m.appliesToAllActivities)
  t.ok(organisationWide.length > 0)
  for (const measure of organisationWide) {
    const node = measures.find((m) => literal(m, 'http://www.w3.org/2000/01/rdf-schema#label') === measure.name)!
    t.same(node['@type'], [measure.type === 'organisational' ? `${DPV}OrganisationalMeasure` : `${DPV}TechnicalMeasure`])
  }
})

t.test('every code the API knows has a DPV term, and the terms are those DPV 2.3 defines', async (t) => {
  // Looked up in w3c/dpv 2.3/legal/eu/gdpr/modules/{legal_basis,legal_basis_special,legal_basis_data_transfer,data_transfers,misc_concepts}.ttl and 2.3/pd/pd.ttl.
  const verified = new Set([
    ...['a', 'b', 'c', 'd', 'e', 'f'].map((point) => `eu-gdpr:A6-1-${point}`),
    ...['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((point) => `eu-gdpr:A9-2-${point}`),
    'eu-gdpr:A45-3',
    ...['a', 'b', 'c', 'd', 'e', 'f'].map((point) => `eu-gdpr:A46-2-${point}`),
    'eu-gdpr:A46-3-a',
    'eu-gdpr:A46-3-b',
    ...['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((point) => `eu-gdpr:A49-1-${point}`),
    'eu-gdpr:A49-2',
    'eu-gdpr:BindingCorporateRules',
    'eu-gdpr:SCCByCommission',
    'eu-gdpr:SCCBySupervisoryAuthority',
    'eu-gdpr:CodesOfConductForDataTransfers',
    'eu-gdpr:CertificationMechanismsForDataTransfers',
    'eu-gdpr:AdHocContractualClauses',
    'eu-gdpr:GeneticData',
    'eu-gdpr:BiometricData',
    'eu-gdpr:HealthData',
    ...['Race', 'EthnicOrigin', 'PoliticalOpinion', 'ReligiousBelief', 'PhilosophicalBelief', 'TradeUnionMembership', 'Sexual'].map((term) => `pd:${term}`)
  ])
  for (const { code } of legalBases) t.ok(verified.has(legalBasisIris[code]!), `legal basis ${code}: ${legalBasisIris[code]}`)
  for (const { code } of transferMechanisms) {
    const terms = transferMechanismTerms[code]!
    t.ok(verified.has(terms.legalBasis), `transfer mechanism ${code}: ${terms.legalBasis}`)
    if (terms.measure) t.ok(verified.has(terms.measure), `its measure ${terms.measure}`)
  }
  for (const { code } of specialCategories) {
    const iris = specialCategoryIris[code] ?? []
    t.ok(iris.length > 0 && iris.every((iri) => verified.has(iri)), `special category ${code}: ${iris.join(', ')}`)
  }
  t.same(Object.keys(legalBasisIris).sort(), legalBases.map((basis) => basis.code).sort(), 'no mapping for a code the API does not know')
  t.same(Object.keys(transferMechanismTerms).sort(), transferMechanisms.map((mechanism) => mechanism.code).sort())
  t.same(Object.keys(specialCategoryIris).sort(), specialCategories.map((category) => category.code).sort())
  // DPV's location extension names every ISO 3166-1 alpha-2 code (all 249 checked against 2.3/loc/loc.ttl).
  t.ok(countries.every((country) => /^loc:[A-Z]{2}$/.test(countryIri(country.code))))
})

t.test('the context: public, immutable, with an ETag, and what the document refers to', async (t) => {
  const res = await app.inject({ url: contextPath })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/ld+json; charset=utf-8')
  t.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable')
  t.ok(res.headers.etag, 'an ETag')
  t.same(res.json(), ropaContextV1)
  const again = await app.inject({ url: contextPath, headers: { 'if-none-match': String(res.headers.etag) } })
  t.equal(again.statusCode, 304)
  t.equal((await app.inject({ url: contextPath, headers: { authorization: 'Bearer not-a-token' } })).statusCode, 200, 'no token is looked at')
})

t.test('Accept chooses JSON-LD; ?format wins; 406 as before', async (t) => {
  const viaAccept = await exportAs('', { accept: 'application/ld+json' })
  t.equal(viaAccept.headers['content-type'], 'application/ld+json; charset=utf-8')
  t.equal((await exportAs('?format=json', { accept: 'application/ld+json' })).headers['content-type'], 'application/json; charset=utf-8')
  t.equal((await exportAs('', { accept: 'text/csv, application/ld+json' })).headers['content-type'], 'text/csv; charset=utf-8', 'the first acceptable wins')
  const none = await exportAs('', { accept: 'application/xml' })
  t.equal(none.statusCode, 406)
  t.match(none.json(), { code: 'ROPA_NOT_ACCEPTABLE', status: 406 })
  t.equal((await exportAs('?format=json-ld')).statusCode, 400)
})

t.test('a token sees only its organisation; no token, no record', async (t) => {
  const other = await createOrganisationViaApi(app, { name: 'Other AS' })
  t.equal((await exportAs('?format=jsonld', {}, other.id)).statusCode, 404, "another organisation's record answers 404")
  t.equal((await app.inject({ url: `${base}/ropa?format=jsonld` })).statusCode, 401)
  const noScope = await bearer({ sub: 'nobody', scopes: [], orgs: [orgId] })
  t.equal((await exportAs('?format=jsonld', noScope)).statusCode, 403)
})

t.test('the same statements for a larger record', async (t) => {
  const count = async () => {
    const before = app.database.statements.count
    t.equal((await exportAs('?format=jsonld')).statusCode, 200)
    return app.database.statements.count - before
  }
  const few = await count()
  for (const name of ['Extra one', 'Extra two', 'Extra three']) {
    await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload: { name, status: 'active' } })
  }
  t.equal(await count(), few)
})

t.test('asOf and drafts as in the other formats', async (t) => {
  const before = new Date().toISOString()
  await new Promise((resolve) => setTimeout(resolve, 5))
  await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload: { name: 'Added later', status: 'active' } })
  await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload: { name: 'A draft idea', status: 'draft' } })
  const labels = async (query: string) => {
    const [node] = await expand((await exportAs(query)).body)
    return { node: node!, labels: activitiesOf(node!).map((a) => literal(a, 'http://www.w3.org/2000/01/rdf-schema#label')) }
  }
  const then = await labels(`?format=jsonld&asOf=${encodeURIComponent(before)}`)
  t.notOk(then.labels.includes('Added later'))
  t.same(one(then.node, `${ROPA}asOf`), { '@value': before, '@type': 'http://www.w3.org/2001/XMLSchema#dateTime' })
  const now = await labels('?format=jsonld')
  t.ok(now.labels.includes('Added later'))
  t.notOk(now.labels.includes('A draft idea'))
  const drafts = await labels('?format=jsonld&includeDrafts=true')
  t.ok(drafts.labels.includes('A draft idea'))
  t.equal(literal(drafts.node, `${ROPA}includesDrafts`), true)
})

t.test('the processor record: the organisation as processor, each activity once with all its client controllers', async (t) => {
  const create = async (payload: Json) => (await app.inject({ method: 'POST', url: `${base}/activities`, headers: writer, payload })).json()
  await create({
    name: 'Payroll for clients',
    status: 'active',
    role: 'processor',
    processorIds: [],
    controllers: [
      { name: 'Client B AS', contact: 'b@client.example' },
      { name: 'Client A AS', contact: 'a@client.example', representative: 'Rep GmbH', processing: 'Payroll runs', contractReference: 'DPA-7' }
    ]
  })
  await create({ name: 'Unattributed processing', status: 'active', role: 'processor' })
  const res = await exportAs('?format=jsonld&record=processor')
  t.match(res.headers['content-disposition'], /ropa-example-consulting-as-processor-.*\.jsonld/)
  const [node] = await expand(res.body)
  t.equal(literal(node, `${ROPA}recordKind`), 'processor')
  t.same(one(node, `${DPV}hasDataProcessor`)!['@type'], [`${DPV}LegalEntity`, `${DPV}DataProcessor`])
  const payroll = activitiesOf(node!).filter((a) => literal(a, 'http://www.w3.org/2000/01/rdf-schema#label') === 'Payroll for clients')
  t.equal(payroll.length, 1, 'listed once though it has two client controllers')
  t.same(
    all(payroll[0], `${DPV}hasDataController`).map((c) => literal(c, `${DPV}hasName`)),
    ['Client B AS', 'Client A AS']
  )
  t.equal(literal(one(all(payroll[0], `${DPV}hasDataController`)[1], `${DPV}hasRepresentative`), `${DPV}hasName`), 'Rep GmbH')
  t.same(idsOf(payroll[0], `${DPV}hasDataProcessor`), [`${origin}${base}`], 'the organisation processes')
  t.ok(byLabel(node!, 'Unattributed processing'))
  t.notOk(byLabel(node!, 'Handling inquiries'), 'controller activities are not in the processor record')
})

t.test('a record using every kind of fact expands without loss', async (t) => {
  const rich = structuredClone(bundle) as Bundle & Record<string, Json[]>
  rich.organisation = {
    ...rich.organisation,
    name: 'Rich AS',
    email: 'post@rich.example',
    representative: { name: 'Rep Ltd', email: 'rep@rich.example', phone: null, address: 'Dublin' }
  }
  rich.dataCategories.push({ key: 'genes', name: 'Genetic tests', description: null, specialCategory: 'genetic_data', criminal: false })
  rich.dataCategories.push({ key: 'records', name: 'Criminal records', description: null, specialCategory: null, criminal: true })
  rich.securityMeasures.push({
    key: 'policy',
    name: 'A policy',
    code: null,
    type: 'organisational',
    description: 'Written down.',
    appliesToAllActivities: false
  })
  const recruitment = rich.activities.find((a) => a.name === 'Recruitment') as Json
  Object.assign(recruitment, {
    dataCategoryKeys: [...(recruitment.dataCategoryKeys as string[]), 'genes', 'records'],
    securityMeasureKeys: ['policy'],
    criminalDataReference: 'Politiregisterloven § 39',
    jointControllers: [{ name: 'Partner AS', contact: 'partner@example.org', arrangementReference: 'Art. 26 agreement' }],
    transfers: [
      { country: 'DE', importer: 'Berlin office', importerRole: 'controller', processorKey: null, mechanism: null },
      { country: 'IN', importer: 'Bangalore Ltd', importerRole: 'processor', processorKey: null, mechanism: '46.2.c', sccModule: 2, tiaReference: 'TIA-1' },
      { country: null, internationalOrganisation: 'IO:EPORG', importer: null, processorKey: null, mechanism: '45' },
      { country: 'BR', importer: 'Group company', processorKey: null, mechanism: '47' }
    ],
    retention: [{ dataCategoryKeys: ['genes'], period: null, kind: 'until_event', trigger: 'End of the recruitment', description: null, legalReference: null }],
    dpia: { status: 'required', reference: 'DPIA-3', completedAt: null, notRequiredReason: null, criteria: [] }
  })
  const loaded = await loadBundleViaApi(app, rich)
  const headers = await bearer({ sub: 'rich', scopes: ['ropa:read'], orgs: [loaded.organisationId] })
  const res = await app.inject({ url: `/v1/organisations/${loaded.organisationId}/ropa?format=jsonld`, headers })
  t.equal(res.statusCode, 200)
  const [node] = await expand(res.body)
  const organisation = one(node, `${DPV}hasDataController`)
  t.equal(literal(one(organisation, `${DPV}hasRepresentative`), `${DPV}hasName`), 'Rep Ltd')
  const activity = byLabel(node!, 'Recruitment')!
  const [germany, india, patents, brazil] = all(activity, `${DPV}hasProcess`)
  t.same(idsOf(germany, `${DPV}hasCountry`), [`${LOC}DE`], 'an EEA destination is no third country')
  t.notOk(germany![`${DPV}hasThirdCountry`])
  t.same(idsOf(india, `${DPV}hasLegalBasis`), [`${GDPR}A46-2-c`])
  t.same(idsOf(india, `${DPV}hasTechnicalOrganisationalMeasure`), [`${GDPR}SCCByCommission`])
  t.equal(literal(india, `${ROPA}sccModule`), 2)
  t.equal(literal(one(india, `${DPV}hasDataImporter`), `${ROPA}importerRole`), 'processor')
  t.equal(literal(one(patents, `${ROPA}internationalOrganisation`), `${ROPA}code`), 'IO:EPORG')
  t.same(idsOf(patents, `${DPV}hasLegalBasis`), [`${GDPR}A45-3`])
  t.same(idsOf(brazil, `${DPV}hasLegalBasis`), [`${GDPR}A46-2-b`], 'BCRs (Art. 47) are the Art. 46(2)(b) safeguard')
  t.same(idsOf(brazil, `${DPV}hasTechnicalOrganisationalMeasure`), [`${GDPR}BindingCorporateRules`])
  const joint = one(activity, `${DPV}hasJointDataControllers`)!
  t.same(joint['@type'], [`${DPV}JointDataControllers`])
  t.same(
    all(joint, `${DPV}hasDataController`).map((c) => c['@id'] ?? literal(c, `${DPV}hasName`)),
    [`${origin}/v1/organisations/${loaded.organisationId}`, 'Partner AS']
  )
  const data = all(activity, `${DPV}hasPersonalData`)
  const label = (d: Expanded) => literal(d, 'http://www.w3.org/2000/01/rdf-schema#label')
  t.same(
    idsOf(
      data.find((d) => label(d) === 'Genetic tests'),
      'http://www.w3.org/2004/02/skos/core#broader'
    ),
    [`${GDPR}GeneticData`]
  )
  t.same(
    idsOf(
      data.find((d) => label(d) === 'Criminal records'),
      'http://www.w3.org/2004/02/skos/core#broader'
    ),
    ['https://w3id.org/dpv/pd#Criminal']
  )
  const [storage] = all(activity, `${DPV}hasStorageCondition`)
  t.same(storage!['@type'], [`${DPV}StorageDuration`, `${DPV}UntilEventDuration`])
  t.equal(literal(storage, `${ROPA}retentionTrigger`), 'End of the recruitment')
  t.equal(literal(one(activity, `${DPV}hasImpactAssessment`), `${ROPA}dpiaStatus`), 'required')
  t.ok(
    all(activity, `${DPV}hasTechnicalOrganisationalMeasure`).some((m) => (m['@type'] as string[]).includes(`${DPV}OrganisationalMeasure`)),
    'an organisational measure'
  )
})

t.test('a snapshot downloads as JSON-LD too', async (t) => {
  const admin = await bearer({ sub: 'admin', orgs: [orgId] })
  const created = await app.inject({ method: 'POST', url: `${base}/snapshots`, headers: admin, payload: { note: 'Before the audit' } })
  t.equal(created.statusCode, 201, created.body)
  const res = await app.inject({ url: `${base}/snapshots/${created.json().id}/ropa`, headers: { ...reader, accept: 'application/ld+json' } })
  t.equal(res.statusCode, 200)
  t.equal(res.headers['content-type'], 'application/ld+json; charset=utf-8')
  const [node] = await expand(res.body)
  t.ok(activitiesOf(node!).length > 0)
})

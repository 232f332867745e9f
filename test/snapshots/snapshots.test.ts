import { createHash } from 'node:crypto'
import { parse } from 'csv-parse/sync'
import ExcelJS from 'exceljs'
import t from 'tap'
import { Value } from 'typebox/value'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { RecordSchema } from '../../src/exports/record.schemas.ts'
import { SnapshotSchema } from '../../src/modules/snapshots/snapshots.schemas.ts'
import { jcs } from '../../src/shared/canonical-json.ts'
import { bearer, buildTestApp, createOrganisationViaApi, loadBundleViaApi } from '../helper.ts'

type Json = Record<string, unknown>
const app = await buildTestApp(t)
const bundle = readExampleBundle()
const { organisationId: orgId } = await loadBundleViaApi(app, bundle)
const base = `/v1/organisations/${orgId}`
const admin = await bearer({ sub: 'dpo@example.no', scopes: ['ropa:read', 'ropa:write', 'ropa:admin'], orgs: [orgId] })
const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [orgId] })
const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')

const create = (payload: Json, headers: Record<string, string> = admin) => app.inject({ method: 'POST', url: `${base}/snapshots`, headers, payload })
const download = (id: string, query = '', headers: Record<string, string> = reader) => app.inject({ url: `${base}/snapshots/${id}/ropa${query}`, headers })
const live = (query = '') => app.inject({ url: `${base}/ropa${query}`, headers: reader })

// The record as it is when the first snapshot is made, to compare the frozen one with later.
const liveJsonBefore = (await live()).json()
const liveCsvBefore = (await live('?format=csv')).body
const created = await create({
  note: '  Record as sent to Datatilsynet (case 25/01234). ',
  submittedTo: 'Datatilsynet',
  submittedAt: '2025-03-14T10:30:00+01:00'
})
const snapshot = created.json()
const firstDownload = await download(snapshot.id)

t.test('creating a snapshot answers 201 with its metadata, digest and JWS', async (t) => {
  t.equal(created.statusCode, 201, created.body)
  t.equal(created.headers.location, `${base}/snapshots/${snapshot.id}`)
  t.notOk(created.headers.etag, 'a snapshot never changes: no ETag')
  t.ok(Value.Check(SnapshotSchema, snapshot), 'matches its schema')
  const activeActivities = bundle.activities.filter((activity) => activity.status === 'active').length
  t.match(snapshot, {
    organisationId: orgId,
    record: 'controller',
    note: 'Record as sent to Datatilsynet (case 25/01234).',
    submittedTo: 'Datatilsynet',
    submittedAt: '2025-03-14T09:30:00.000Z',
    activityCount: activeActivities,
    sha256: /^[0-9a-f]{64}$/,
    jws: /^[\w-]+\.[\w-]+\.[\w-]+$/,
    createdBy: 'dpo@example.no'
  })
  const jwks = (await app.inject({ url: '/.well-known/jwks.json' })).json()
  t.equal(snapshot.kid, jwks.keys[0].kid, 'signed with the published current key')
  t.same((await app.inject({ url: `${base}/snapshots/${snapshot.id}`, headers: reader })).json(), snapshot, 'reads back as created')

  const [header, payload] = (snapshot.jws as string)
    .split('.')
    .slice(0, 2)
    .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()))
  t.same(header, { alg: 'EdDSA', kid: snapshot.kid, typ: 'ropa-snapshot+jwt' })
  t.same(
    payload,
    { snapshotId: snapshot.id, organisationId: orgId, createdAt: snapshot.createdAt, sha256: snapshot.sha256 },
    'the JWS signs exactly the four claims'
  )

  const audit = await app.inject({ url: `${base}/audit-events?entityType=snapshot`, headers: reader })
  t.equal(audit.json().items.length, 1, 'one audit event')
  t.match(audit.json().items[0], { action: 'create', entityId: snapshot.id, actor: 'dpo@example.no', snapshot: { sha256: snapshot.sha256, jws: snapshot.jws } })
  t.notOk('document' in audit.json().items[0].snapshot, 'the audit event holds the metadata, not the document')
})

t.test('the frozen JSON is the export of that moment, canonical, hashed as signed, the same bytes at every download', async (t) => {
  t.equal(firstDownload.statusCode, 200)
  t.equal(firstDownload.headers['content-type'], 'application/json; charset=utf-8')
  t.equal(firstDownload.headers['cache-control'], 'no-store')
  t.equal(
    firstDownload.headers['content-disposition'],
    `attachment; filename="ropa-example-consulting-as-controller-${snapshot.createdAt.slice(0, 10)}-snapshot-${snapshot.id.slice(0, 8)}.json"`
  )
  const frozen = firstDownload.json()
  t.ok(Value.Check(RecordSchema, frozen), 'a record as the export documents it')
  t.same(frozen, { ...liveJsonBefore, generatedAt: snapshot.createdAt }, 'the export as it was, made at the snapshot’s instant')
  t.equal(firstDownload.body, jcs(frozen), 'served in its canonical form (RFC 8785)')
  t.equal(sha256(firstDownload.rawPayload), snapshot.sha256, 'the digest is the SHA-256 of the bytes served')
  for (let i = 0; i < 3; i++) t.equal((await download(snapshot.id)).body, firstDownload.body, `download ${i + 2} is byte-identical`)
  t.equal((await download(snapshot.id, '', { ...reader, accept: 'application/json' })).body, firstDownload.body, 'also when negotiated')
})

t.test('the frozen record does not change when the record does', async (t) => {
  const activities = liveJsonBefore.activities as Json[]
  const renamed = activities[0]!
  const current = await app.inject({ url: `${base}/activities/${renamed.id}`, headers: admin })
  const patched = await app.inject({
    method: 'PATCH',
    url: `${base}/activities/${renamed.id}`,
    headers: { ...admin, 'if-match': current.headers.etag as string },
    payload: { name: 'Renamed after the snapshot' }
  })
  t.equal(patched.statusCode, 200, patched.body)
  const deleted = await app.inject({ method: 'DELETE', url: `${base}/activities/${activities[1]!.id}`, headers: admin })
  t.equal(deleted.statusCode, 204, deleted.body)
  const organisation = await app.inject({ url: base, headers: admin })
  t.equal(
    (
      await app.inject({
        method: 'PATCH',
        url: base,
        headers: { ...admin, 'if-match': organisation.headers.etag as string },
        payload: { name: 'Another Name AS' }
      })
    ).statusCode,
    200
  )

  const now = (await live()).json()
  t.ok(
    now.activities.some((activity: Json) => activity.name === 'Renamed after the snapshot'),
    'the live export shows the change'
  )
  t.equal(now.organisation.name, 'Another Name AS')
  const after = await download(snapshot.id)
  t.equal(after.body, firstDownload.body, 'the frozen JSON is byte for byte what it was')
  t.equal(sha256(after.rawPayload), snapshot.sha256)
  t.equal(after.json().organisation.name, 'Example Consulting AS')
  t.equal(after.json().activities.length, activities.length)
  const csv = await download(snapshot.id, '?format=csv')
  t.equal(csv.body, liveCsvBefore, 'the frozen CSV is the CSV export of that moment')
  t.notMatch(csv.body, /Renamed after the snapshot|Another Name AS/)
})

t.test('CSV and XLSX are rendered from the frozen document', async (t) => {
  const csv = await download(snapshot.id, '?format=csv')
  t.equal(csv.statusCode, 200)
  t.equal(csv.headers['content-type'], 'text/csv; charset=utf-8')
  t.match(csv.headers['content-disposition'], /-snapshot-[0-9a-f]{8}\.csv"$/)
  const rows: string[][] = parse(csv.body, { bom: true })
  t.equal(rows.length, 1 + snapshot.activityCount, 'a header row and one row per activity')
  t.ok(csv.body.startsWith('\uFEFF'), 'with a byte-order mark by default')
  const plain = await download(snapshot.id, '?format=csv&bom=false')
  t.equal(plain.body, csv.body.slice(1), '?bom=false leaves it out')
  t.equal((await download(snapshot.id, '', { ...reader, accept: 'text/csv' })).body, csv.body, 'Accept: text/csv')

  const xlsx = await download(snapshot.id, '?format=xlsx')
  t.equal(xlsx.statusCode, 200)
  t.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer)
  t.same(
    workbook.worksheets.map((sheet) => sheet.name),
    ['Controller', 'Activities', 'Transfers', 'Retention']
  )
  t.equal(workbook.getWorksheet('Activities')!.actualRowCount, 1 + snapshot.activityCount)
  t.equal(workbook.getWorksheet('Controller')!.getRow(2).getCell(2).value, 'Example Consulting AS', 'the organisation as frozen')

  const refused = await download(snapshot.id, '', { ...reader, accept: 'image/png' })
  t.equal(refused.statusCode, 406)
})

t.test('a snapshot of the processor record', async (t) => {
  const res = await create({ note: 'Art. 30(2) record for a client audit', record: 'processor' })
  t.equal(res.statusCode, 201, res.body)
  t.equal(res.json().record, 'processor')
  t.equal(res.json().submittedTo, null)
  t.equal(res.json().submittedAt, null)
  const frozen = await download(res.json().id)
  t.equal(frozen.json().record, 'processor')
  t.ok(Array.isArray(frozen.json().controllers))
  t.equal(sha256(frozen.rawPayload), res.json().sha256)
  t.equal((await download(res.json().id, '?format=csv')).body, (await live('?record=processor&format=csv')).body, 'its CSV is the processor CSV')
})

t.test('the list: newest first, paginated, only this organisation’s', async (t) => {
  const other = await createOrganisationViaApi(app)
  const otherAdmin = await bearer({ scopes: ['ropa:read', 'ropa:admin'], orgs: [other.id] })
  t.equal(
    (await app.inject({ method: 'POST', url: `/v1/organisations/${other.id}/snapshots`, headers: otherAdmin, payload: { note: 'Theirs' } })).statusCode,
    201
  )
  for (const note of ['Third', 'Fourth']) t.equal((await create({ note })).statusCode, 201)
  const all = await app.inject({ url: `${base}/snapshots`, headers: reader })
  t.equal(all.statusCode, 200)
  const notes = all.json().items.map((item: Json) => item.note)
  t.same(notes, ['Fourth', 'Third', 'Art. 30(2) record for a client audit', 'Record as sent to Datatilsynet (case 25/01234).'])
  t.equal(all.json().nextCursor, null)
  t.notOk(
    all.json().items.some((item: Json) => 'document' in item),
    'the list carries no documents'
  )

  const paged: string[] = []
  let cursor: string | null = null
  do {
    const page: { items: Json[]; nextCursor: string | null } = (
      await app.inject({ url: `${base}/snapshots?limit=1${cursor ? `&cursor=${cursor}` : ''}`, headers: reader })
    ).json()
    t.equal(page.items.length, 1)
    paged.push(page.items[0]!.note as string)
    cursor = page.nextCursor
  } while (cursor)
  t.same(paged, notes, 'pages of one give the same order')
  const theirs = await app.inject({ url: `/v1/organisations/${other.id}/snapshots`, headers: otherAdmin })
  t.same(
    theirs.json().items.map((item: Json) => item.note),
    ['Theirs']
  )
})

t.test('an Idempotency-Key makes a retried snapshot answer the first one', async (t) => {
  const headers = { ...admin, 'idempotency-key': 'snapshot-retry-1' }
  const first = await create({ note: 'Retried' }, headers)
  const again = await create({ note: 'Retried' }, headers)
  t.equal(first.statusCode, 201)
  t.equal(again.statusCode, 201)
  t.equal(again.headers['idempotent-replayed'], 'true')
  t.equal(again.body, first.body)
  const list = (await app.inject({ url: `${base}/snapshots?limit=200`, headers: reader })).json()
  t.equal(list.items.filter((item: Json) => item.note === 'Retried').length, 1, 'one snapshot made')
})

t.test('guards: a token, the admin scope, the organisation, and the body', async (t) => {
  t.equal((await create({ note: 'x' }, {})).statusCode, 401, 'no token')
  t.equal((await app.inject({ url: `${base}/snapshots` })).statusCode, 401)
  t.equal((await app.inject({ url: `${base}/snapshots/${snapshot.id}/ropa` })).statusCode, 401)
  const writer = await bearer({ scopes: ['ropa:read', 'ropa:write'], orgs: [orgId] })
  const refused = await create({ note: 'x' }, writer)
  t.equal(refused.statusCode, 403, 'ropa:write does not make snapshots')
  t.equal(refused.json().code, 'ROPA_FORBIDDEN')
  const adminOnly = await bearer({ scopes: ['ropa:admin'], orgs: [orgId] })
  t.equal((await app.inject({ url: `${base}/snapshots`, headers: adminOnly })).statusCode, 403, 'reading needs ropa:read')

  const other = await createOrganisationViaApi(app)
  const stranger = await bearer({ scopes: ['ropa:read', 'ropa:admin'], orgs: [other.id] })
  for (const url of [`${base}/snapshots/${snapshot.id}`, `${base}/snapshots/${snapshot.id}/ropa`, `${base}/snapshots`]) {
    const res = await app.inject({ url, headers: stranger })
    t.equal(res.statusCode, 404, `another organisation's token: ${url}`)
  }
  t.equal((await create({ note: 'x' }, stranger)).statusCode, 404, 'nor can it snapshot this organisation')
  for (const url of [`/v1/organisations/${other.id}/snapshots/${snapshot.id}`, `/v1/organisations/${other.id}/snapshots/${snapshot.id}/ropa`]) {
    const res = await app.inject({ url, headers: stranger })
    t.equal(res.statusCode, 404, `this organisation's snapshot under the other's URL: ${url}`)
    t.equal(res.json().code, 'ROPA_NOT_FOUND')
  }
  const missing = await app.inject({ url: `${base}/snapshots/00000000-0000-4000-8000-000000000000`, headers: reader })
  t.equal(missing.statusCode, 404)

  const invalid: [string, Json, string][] = [
    ['no note', {}, '/body/note'],
    ['an empty note', { note: '' }, '/body/note'],
    ['a note of white space', { note: ' \n\t ' }, '/body/note'],
    ['a note too long', { note: 'x'.repeat(2001) }, '/body/note'],
    ['a note that is not text', { note: 42 }, '/body/note'],
    ['an empty recipient', { note: 'x', submittedTo: '' }, '/body/submittedTo'],
    ['a recipient too long', { note: 'x', submittedTo: 'x'.repeat(201) }, '/body/submittedTo'],
    ['an instant that is not one', { note: 'x', submittedAt: '14 March 2025' }, '/body/submittedAt'],
    ['a date without a time', { note: 'x', submittedAt: '2025-03-14' }, '/body/submittedAt'],
    ['an unknown record', { note: 'x', record: 'both' }, '/body/record'],
    ['an unknown property', { note: 'x', sha256: 'a'.repeat(64) }, '/body/sha256']
  ]
  for (const [what, payload, path] of invalid) {
    const res = await create(payload)
    t.equal(res.statusCode, 400, what)
    t.ok(
      res.json().errors.some((error: { path: string }) => error.path === path),
      `${what} names ${path}`
    )
  }
  const count = (await app.inject({ url: `${base}/snapshots?limit=200`, headers: reader })).json().items.length
  t.equal(count, 5, 'no refused request made a snapshot')
  t.equal((await download(snapshot.id, '?format=pdf')).statusCode, 400, 'an unknown format')
})

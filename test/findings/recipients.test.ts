import { parse } from 'csv-parse/sync'
import t from 'tap'
import { bearer, buildTestApp, createOrganisationViaApi } from '../helper.ts'

type Json = Record<string, unknown>

// Art. 30(1)(d) asks for the categories of recipients. "None" must be sayable, and processors are
// recipients (Art. 4(9)) whether or not they are entered again as a recipient category.
const app = await buildTestApp(t)
const org = await createOrganisationViaApi(app, { name: 'Small Shop AS', email: 'privacy@shop.example' })
const headers = await bearer({ orgs: [org.id] })
const base = `/v1/organisations/${org.id}`
const readCsv = (body: string): string[][] => parse(body, { bom: true, record_delimiter: ['\r\n', '\n', '\r'] })

async function create(path: string, payload: Json) {
  const res = await app.inject({ method: 'POST', url: `${base}/${path}`, headers, payload })
  if (res.statusCode !== 201) throw new Error(`POST ${path}: ${res.statusCode} ${res.body}`)
  return res.json() as Json & { id: string; version: number }
}

const usProcessor = await create('processors', { name: 'Mailer Inc', country: 'US', dpaReference: 'dpa.pdf', dpaSignedAt: '2025-01-01' })
const accountant = await create('recipients', { name: 'Accountant', type: 'independent_controller', country: 'NO' })
const recipientFindings = async (id: string) =>
  ((await app.inject({ url: `${base}/activities/${id}/findings`, headers })).json().items as Json[]).filter((finding) => finding.rule === 'recipients-missing')

t.test('internal processing stated as such is not a gap; left unsaid it is', async (t) => {
  const stated = await create('activities', { name: 'Internal planning', noRecipients: true, status: 'active' })
  t.equal(stated.noRecipients, true)
  t.same(await recipientFindings(stated.id), [])
  const rights = (await app.inject({ url: `${base}/activities/${stated.id}/rights`, headers })).json().items
  t.match(
    rights.find((right: Json) => right.right === 'notification_of_recipients'),
    { applies: 'no', reason: /disclosed to no one/ }
  )

  const unsaid = await create('activities', { name: 'Unfinished entry' })
  t.equal(unsaid.noRecipients, false, 'false unless stated')
  t.match(await recipientFindings(unsaid.id), [{ severity: 'error', article: 'Art. 30(1)(d)', path: '/recipientIds' }])
})

t.test('a processor is a recipient without being listed twice; a statement of none next to it is a contradiction', async (t) => {
  const mailing = await create('activities', { name: 'Newsletter', processorIds: [usProcessor.id] })
  t.same(await recipientFindings(mailing.id), [], 'the processor is the recipient')
  const rights = (await app.inject({ url: `${base}/activities/${mailing.id}/rights`, headers })).json().items
  t.match(
    rights.find((right: Json) => right.right === 'notification_of_recipients'),
    { applies: 'full', reason: /Processors, which are recipients/ }
  )

  const patched = await app.inject({
    method: 'PATCH',
    url: `${base}/activities/${mailing.id}`,
    headers: { ...headers, 'if-match': `"${mailing.version}"` },
    payload: { noRecipients: true }
  })
  t.equal(patched.statusCode, 200)
  t.match(await recipientFindings(mailing.id), [
    { severity: 'error', article: 'Art. 4(9)', path: '/noRecipients', message: /processors, which are recipients/ }
  ])

  const listed = await create('activities', { name: 'Bookkeeping', noRecipients: true, recipientIds: [accountant.id] })
  t.match(await recipientFindings(listed.id), [{ path: '/noRecipients', message: /lists recipients/ }])
})

t.test('noRecipients takes a boolean only', async (t) => {
  for (const value of ['yes', 1, null]) {
    const res = await app.inject({ method: 'POST', url: `${base}/activities`, headers, payload: { name: 'Bad', noRecipients: value } })
    t.equal(res.statusCode, 400, JSON.stringify(value))
    t.match(res.json().errors, [{ path: '/body/noRecipients' }])
  }
})

t.test('the controller CSV lists processors among the recipients and a processor abroad among the third countries', async (t) => {
  await create('activities', { name: 'CSV processor case', status: 'active', processorIds: [usProcessor.id], recipientIds: [accountant.id] })
  await create('activities', { name: 'CSV none case', status: 'active', noRecipients: true })
  const rows = readCsv((await app.inject({ url: `${base}/ropa?format=csv`, headers })).body)
  const header = rows[0]!
  const row = (name: string) => rows.find((candidate) => candidate.includes(name))!
  const recipients = header.indexOf('Categories of recipients')
  const countries = header.indexOf('Names of third countries or international organisations')
  t.equal(row('CSV processor case')[recipients], 'Accountant, Norway (NO); Mailer Inc (processor), United States of America (US)')
  t.equal(row('CSV processor case')[countries], 'United States of America (US), Mailer Inc (processor)')
  t.equal(row('CSV none case')[recipients], 'None: the data are disclosed to no one')
  t.equal(row('CSV none case')[countries], '')

  const json = (await app.inject({ url: `${base}/ropa`, headers })).json()
  t.equal(json.activities.find((a: Json) => a.name === 'CSV none case').noRecipients, true)
})

t.test('a processor whose transfer is recorded is named once, as the transfer', async (t) => {
  await create('activities', {
    name: 'CSV transfer case',
    status: 'active',
    processorIds: [usProcessor.id],
    transfers: [{ country: 'US', importer: 'Mailer Inc', processorId: usProcessor.id, mechanism: '46.2.c', sccModule: 2, tiaReference: 'tia.pdf' }]
  })
  const rows = readCsv((await app.inject({ url: `${base}/ropa?format=csv`, headers })).body)
  const countries = rows[0]!.indexOf('Names of third countries or international organisations')
  t.equal(rows.find((candidate) => candidate.includes('CSV transfer case'))![countries], 'United States of America (US), Mailer Inc')
})

t.test('every controller CSV row says whose record it is (Art. 30(1)(a)): controller, representative and DPO', async (t) => {
  const patched = await app.inject({
    method: 'PATCH',
    url: base,
    headers: { ...headers, 'if-match': `"${org.version}"` },
    payload: { dpo: { designated: true, name: 'Dana Olsen', email: 'dpo@shop.example', phone: null, address: null } }
  })
  t.equal(patched.statusCode, 200, patched.body)
  const rows = readCsv((await app.inject({ url: `${base}/ropa?format=csv`, headers })).body)
  const header = rows[0]!
  const controller = header.indexOf('Controller (name and contact details)')
  t.same(header.slice(controller), ['Controller (name and contact details)', "Controller's representative", 'Data protection officer'])
  for (const row of rows.slice(1)) t.same(row.slice(controller), ['Small Shop AS, privacy@shop.example', '', 'Dana Olsen, dpo@shop.example'])
})

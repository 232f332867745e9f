import { existsSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { type Browser, chromium } from 'playwright-core'
import t from 'tap'
import { readExampleBundle } from '../../src/example/bundle.ts'
import { bearer, buildTestApp, loadBundleViaApi } from '../helper.ts'

/**
 * The pages people read, opened in a real browser (Debian's Chromium through playwright-core):
 * they render with no console error, fit a desktop and a phone without scrolling sideways, and
 * print to PDF. CI installs Chromium and sets BROWSER_REQUIRED=1; elsewhere the test is skipped
 * when there is no browser, and says so.
 */
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const browserFlags = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync'
]

if (!existsSync(executablePath)) {
  if (process.env.BROWSER_REQUIRED === '1') throw new Error(`BROWSER_REQUIRED=1 but there is no browser at ${executablePath} (apt-get install -y chromium)`)
  t.test('pages in a browser', { skip: `no Chromium at ${executablePath}: apt-get install -y chromium to run the page tests` }, () => {})
} else {
  const app = await buildTestApp(t)
  const bundle = readExampleBundle()
  const { organisationId } = await loadBundleViaApi(app, bundle)
  const reader = await bearer({ sub: 'auditor', scopes: ['ropa:read'], orgs: [organisationId] })
  const published = await app.inject({
    method: 'PATCH',
    url: `/v1/organisations/${organisationId}`,
    headers: await bearer({ sub: 'dpo', scopes: ['ropa:admin'], orgs: [organisationId] }),
    payload: { slug: 'example-consulting', publicRegister: true }
  })
  if (published.statusCode !== 200) throw new Error(`publishing the register: ${published.statusCode} ${published.body}`)
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const browser: Browser = await chromium.launch({ executablePath, args: browserFlags })
  t.teardown(() => browser.close())

  const pages = [
    { name: 'the auditor’s report', path: `/v1/organisations/${organisationId}/ropa?format=html`, mustShow: 'Art. 30' },
    { name: 'the auditor’s report in Bokmål', path: `/v1/organisations/${organisationId}/ropa?format=html&lang=nb`, mustShow: 'Art. 30' },
    { name: 'the processor record', path: `/v1/organisations/${organisationId}/ropa?format=html&record=processor`, mustShow: bundle.organisation.name },
    { name: 'the privacy notice', path: `/v1/organisations/${organisationId}/privacy-notice?format=html`, mustShow: bundle.organisation.name },
    { name: 'the public register', path: '/public/example-consulting/register', mustShow: bundle.organisation.name },
    { name: 'the privacy notice in Bokmål', path: `/v1/organisations/${organisationId}/privacy-notice?format=html&lang=nb`, mustShow: bundle.organisation.name }
  ]

  for (const page of pages) {
    t.test(page.name, async (t) => {
      for (const width of [1280, 390]) {
        const context = await browser.newContext({ viewport: { width, height: 900 }, extraHTTPHeaders: reader, javaScriptEnabled: true })
        const tab = await context.newPage()
        const problems: string[] = []
        tab.on('console', (message) => {
          if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`)
        })
        tab.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
        tab.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
        const requests: string[] = []
        tab.on('request', (request) => requests.push(request.url()))
        const response = await tab.goto(`${origin}${page.path}`, { waitUntil: 'load' })
        t.equal(response?.status(), 200, `${width} px: served`)
        t.match(await tab.textContent('body'), page.mustShow, `${width} px: the content is there`)
        t.same(problems, [], `${width} px: no console errors or failed requests`)
        t.same(
          requests.filter((url) => !url.startsWith(origin)),
          [],
          `${width} px: no request leaves the API`
        )
        const overflow = await tab.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth')
        t.equal(overflow, 0, `${width} px: no horizontal scrolling`)
        if (width === 1280) {
          const pdf = await tab.pdf({ format: 'A4', printBackground: true })
          t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'prints to PDF')
          t.ok(pdf.length > 5_000, 'a PDF with content')
        }
        await context.close()
      }
    })
  }
}

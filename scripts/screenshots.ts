import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'
import { buildApp } from '../src/app.ts'
import { allScopes } from '../src/auth/scopes.ts'
import { mintToken } from '../src/auth/tokens.ts'
import { loadConfig } from '../src/config.ts'
import { loadBundle, readExampleBundle } from '../src/example/bundle.ts'

/**
 * Screenshots of the example organisation's pages for the docs (docs/screenshots/): the
 * auditor's report and the privacy notice, on a desktop and on a phone. Run with
 * `npm run docs:screenshots` on a machine with Debian's chromium (or CHROMIUM_PATH).
 */
const secret = 'screenshots-secret-that-is-at-least-32-bytes'
const app = buildApp(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://', JWT_SECRET: secret, WEBHOOK_WORKER: 'false' }))
const outDir = fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
mkdirSync(outDir, { recursive: true })

try {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
  const token = await mintToken(new TextEncoder().encode(secret), { sub: 'screenshots', scopes: [...allScopes], orgs: [], expiresIn: '10m' })
  const authorization = `Bearer ${token}`
  const { organisationId } = await loadBundle(async (method, url, payload) => {
    const res = await app.inject({ method, url, payload, headers: { authorization } })
    return { status: res.statusCode, body: res.json() }
  }, readExampleBundle())
  const base = `${origin}/v1/organisations/${organisationId}`
  const pages = [
    { file: 'report', url: `${base}/ropa?format=html` },
    { file: 'privacy-notice', url: `${base}/privacy-notice?format=html` }
  ]
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run']
  })
  try {
    for (const page of pages) {
      for (const [suffix, viewport] of [
        ['desktop', { width: 1280, height: 1000 }],
        ['phone', { width: 390, height: 844 }]
      ] as const) {
        const context = await browser.newContext({ viewport, deviceScaleFactor: 1, extraHTTPHeaders: { authorization } })
        const tab = await context.newPage()
        const response = await tab.goto(page.url, { waitUntil: 'load' })
        if (response?.status() !== 200) throw new Error(`${page.url} answered ${response?.status()}`)
        await tab.screenshot({ path: `${outDir}${page.file}-${suffix}.png` })
        await context.close()
      }
    }
  } finally {
    await browser.close()
  }
  console.log(`wrote ${pages.length * 2} screenshots to ${outDir}`)
} finally {
  await app.close()
}

import { setFlagsFromString } from 'node:v8'
import closeWithGrace from 'close-with-grace'
import { ConfigError, loadConfig } from './config.ts'

async function main() {
  const config = loadConfig()
  // V8 reads the factor each time it sets the next collection's limit, so setting it now takes effect.
  if (config.HEAP_GROWING_PERCENT > 0) setFlagsFromString(`--heap-growing-percent=${config.HEAP_GROWING_PERCENT}`)
  // The application and its dependencies load once the configuration is valid: a wrong one fails in a moment.
  const [{ buildApp }, { developmentAccess, firstRunBanner }] = await Promise.all([import('./app.ts'), import('./first-run/first-run.ts')])
  const app = buildApp(config)

  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'closing: finishing in-flight requests')
    await app.close()
  })

  await app.ready()
  // Before listening, so the first request already finds the example register. A failed load
  // stores nothing (one transaction) and stops the start; the next start tries again.
  const access = await developmentAccess(app)
  await app.listen({ port: config.PORT, host: config.HOST })
  const baseUrl = `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${listeningPort(app.server.address(), config.PORT)}`
  app.log.info(`API docs at ${baseUrl}/docs`)
  if (access) {
    const keyFile = app.verificationKey.source === 'development' ? app.verificationKey.file : undefined
    console.log(firstRunBanner(baseUrl, access, keyFile))
  }
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || (error instanceof Error && ['DataDirLockedError', 'BundleError'].includes(error.name)) ? error.message : error
  console.error('ropa-api failed to start:', message)
  process.exit(1)
})

/** The port a listening server took (a TCP server's address is an object; a pipe's is a string). */
function listeningPort(address: string | { port: number } | null, configured: number): number {
  return typeof address === 'object' && address !== null ? address.port : configured
}

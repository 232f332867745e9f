import closeWithGrace from 'close-with-grace'
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'

async function main() {
  const config = loadConfig()
  const app = buildApp(config)

  closeWithGrace({ delay: 10_000 }, async ({ err, signal }) => {
    if (err) app.log.error({ err }, 'closing after an unexpected error')
    else app.log.info({ signal }, 'closing: finishing in-flight requests')
    await app.close()
  })

  await app.listen({ port: config.PORT, host: config.HOST })
  app.log.info(`API docs at http://${config.HOST}:${app.server.address() && typeof app.server.address() === 'object' ? (app.server.address() as { port: number }).port : config.PORT}/docs`)
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError || (error instanceof Error && error.name === 'DataDirLockedError') ? error.message : error
  console.error('ropa-api failed to start:', message)
  process.exit(1)
})

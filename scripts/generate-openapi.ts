import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'

export const openapiPath = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))

/** The OpenAPI document as committed: built from the routes of an app on an in-memory database. */
export async function renderOpenApi(): Promise<string> {
  const app = buildApp(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: 'memory://' }))
  try {
    await app.ready()
    return `${JSON.stringify(app.swagger(), null, 2)}\n`
  } finally {
    await app.close()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  writeFileSync(openapiPath, await renderOpenApi())
  console.log(`wrote ${openapiPath}`)
}

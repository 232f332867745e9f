import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { bundleJsonSchema } from '../src/modules/bundle/bundle.routes.ts'

export const openapiPath = fileURLToPath(new URL('../openapi/openapi.json', import.meta.url))
export const bundleSchemaPath = fileURLToPath(new URL('../openapi/bundle.schema.json', import.meta.url))

/** The bundle's JSON Schema as committed, for editors that validate a bundle kept in a repository. */
export const renderBundleSchema = () => `${JSON.stringify(bundleJsonSchema, null, 2)}\n`

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
  writeFileSync(bundleSchemaPath, renderBundleSchema())
  console.log(`wrote ${openapiPath} and ${bundleSchemaPath}`)
}

#!/usr/bin/env node
// `node scripts/run.mjs <entry> [args]`: one of the API's commands (db/migrate-cli, auth/token-cli,
// example/example-cli) from dist/ when it is built from the sources as they are (or is all there is,
// as in the production image), else from src/ through tsx.
import { pathToFileURL } from 'node:url'
import { entryFile } from './build.mjs'

const [node, , entry, ...args] = process.argv
if (!entry) {
  console.error('usage: node scripts/run.mjs <entry under src/, without extension> [args]')
  process.exit(2)
}
const file = await entryFile(entry)
// The entry sees itself as the script run (its `import.meta.url === process.argv[1]` check) and only its own arguments.
process.argv = [node, file, ...args]
await import(pathToFileURL(file).href)

#!/usr/bin/env node
// The `ropa` command (package.json "bin"): the compiled src/cli/ when dist/ is built from the
// sources as they are, else the TypeScript through tsx's loader (a checkout nobody has built yet).
import { pathToFileURL } from 'node:url'
import { entryFile } from '../scripts/build.mjs'

const { runRopa } = await import(pathToFileURL(await entryFile('cli/ropa')).href)
process.exitCode = await runRopa(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true
})

#!/usr/bin/env node
// The `ropa` command (package.json "bin"). The command is TypeScript in src/cli/, run through tsx's
// loader registered here in this process, as `npm start` runs the server: no build step, and no
// loader to configure for whoever runs it (tsx is a dependency, resolved from this package).
import { register } from 'tsx/esm/api'

register()
const { runRopa } = await import('../src/cli/ropa.ts')
process.exitCode = await runRopa(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stdin: process.stdin,
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
  stderrIsTTY: process.stderr.isTTY === true
})

import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))
/** What production runs: the compiled server, by plain Node (package.json "start", the Dockerfile's CMD). */
export const serverArgs = [fileURLToPath(new URL('../../dist/server.js', import.meta.url))]

/**
 * `npm run build`: quick when dist/ is already built from these sources (`npm test` builds it
 * first); otherwise compiles, one process at a time however many test files ask at once.
 */
export async function buildDist(): Promise<void> {
  // Without tap's NODE_OPTIONS: the build is no code under test.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? root }
  const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: root, env, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr.on('data', (chunk) => (stderr += chunk))
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('exit', resolve)
  })
  if (code !== 0) throw new Error(`npm run build failed (${code}): ${stderr}`)
}

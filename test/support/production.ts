import { type ChildProcess, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const root = fileURLToPath(new URL('../..', import.meta.url))
/** The Node flags of `npm start` (package.json), which the Dockerfile's CMD repeats. */
export const productionNodeFlags = (startScript: string) => /exec node ((?:--\S+ )*)dist\/server\.js$/.exec(startScript)?.[1]?.trim().split(' ').filter(Boolean)
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: { start: string } }
/** What production runs: the compiled server, by plain Node with the flags of package.json "start" (and of the Dockerfile's CMD). */
export const serverArgs = [...(productionNodeFlags(pkg.scripts.start) ?? []), fileURLToPath(new URL('../../dist/server.js', import.meta.url))]

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

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface ApiProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>` */
  address: string
  /** Resolves when the process exits, with its code. */
  exited: Promise<number | null>
  /** What the process printed so far (its log and its errors). */
  output(): string
}

/**
 * Starts `node dist/server.js` with `env` (and PATH, on a free port, logging at info unless `env` says
 * otherwise), in `cwd` (the repository's root by default), and resolves once it listens; the process is killed at teardown. Its coverage would not
 * merge with the in-process coverage of the sources, so it opts out of tap's.
 */
export async function startApiProcess(
  t: Teardown,
  env: Record<string, string>,
  { cwd = root, withoutNodeOptions = false }: { cwd?: string; withoutNodeOptions?: boolean } = {}
): Promise<ApiProcess> {
  // tap adds its process-info hook to every child's NODE_OPTIONS; `env -u` takes it out, then execs node itself (same process).
  const [command, ...args] = withoutNodeOptions ? ['env', '-u', 'NODE_OPTIONS', process.execPath, ...serverArgs] : [process.execPath, ...serverArgs]
  const child = spawn(command!, args, {
    cwd,
    env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => void child.kill('SIGKILL'))
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve))
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    void exited.then((code) => reject(new Error(`the API process exited with ${code}: ${output}`)))
  })
  return { child, address, exited, output: () => output }
}

import { type ChildProcess, spawn } from 'node:child_process'

/** How a test starts the API as its own process: what production runs. */
export const serverCommand = [process.execPath, '--import', 'tsx', 'src/server.ts'] as const

interface Teardown {
  teardown(fn: () => unknown): void
}

export interface ApiProcess {
  child: ChildProcess
  /** `http://127.0.0.1:<port>` */
  address: string
  output(): string
}

/**
 * Starts the API in a child process with `env` (and PATH) and resolves once it listens; the process is
 * killed at teardown. Its coverage would not merge with the in-process coverage, so it opts out of tap's.
 */
export async function startApiProcess(t: Teardown, env: Record<string, string>): Promise<ApiProcess> {
  const [command, ...args] = serverCommand
  const child = spawn(command, args, {
    env: { PATH: process.env.PATH ?? '', _TAPJS_PROCESSINFO_COVERAGE_: '0', PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.teardown(() => void child.kill('SIGKILL'))
  let output = ''
  child.stderr.on('data', (chunk) => (output += chunk))
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output)
      if (match?.[1]) resolve(match[1])
    })
    child.on('exit', (code) => reject(new Error(`the API process exited with ${code}: ${output}`)))
  })
  return { child, address, output: () => output }
}

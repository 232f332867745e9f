#!/usr/bin/env node
// `npm run build`: src/ compiled to dist/ by the TypeScript compiler (tsconfig.build.json), with
// src's other files (the example bundle, the OpenAPI description) copied beside the code that reads
// them. Plain Node on purpose: production runs `node dist/server.js`, with no TypeScript loader.
//
// dist/ is rebuilt only when its inputs changed (a hash of them is kept in dist/.build.json), under
// a lock, into a temporary folder renamed into place: two processes building at once (two test
// processes, `npm start` beside `npm test`) neither corrupt dist/ nor build it twice. Without the
// compiler (an install with --omit=dev) an existing dist/ is used as it is.
import { createHash } from 'node:crypto'
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fileURLToPath, pathToFileURL } from 'node:url'

export const root = fileURLToPath(new URL('..', import.meta.url))
export const distDir = join(root, 'dist')
const srcDir = join(root, 'src')
const stampFile = join(distDir, '.build.json')
const lockFile = join(root, 'dist.lock')
const CONFIG = 'tsconfig.build.json'
const require = createRequire(import.meta.url)

function typescriptVersion() {
  try {
    return require('typescript/package.json').version
  } catch {
    return undefined
  }
}

const filesUnder = (dir) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
    .sort()

/** A hash of everything the build reads: the sources, the compiler options, this script and the compiler's version. */
function inputsHash(compilerVersion) {
  const hash = createHash('sha256').update(`typescript ${compilerVersion}\n`)
  for (const file of [...filesUnder(srcDir), join(root, 'tsconfig.json'), join(root, CONFIG), fileURLToPath(import.meta.url)]) {
    hash
      .update(`${relative(root, file)}\n`)
      .update(readFileSync(file))
      .update('\n')
  }
  return hash.digest('hex')
}

const builtFrom = () => {
  try {
    return JSON.parse(readFileSync(stampFile, 'utf8')).inputs
  } catch {
    return undefined
  }
}

/**
 * What dist/ is: `current` (built from the sources as they are), `stale` (missing or built from
 * other sources), or `prebuilt` (there are no sources or no compiler to compare or rebuild with,
 * as in the production image: dist/ is what was shipped).
 */
export function distState() {
  const compilerVersion = typescriptVersion()
  if (!compilerVersion || !existsSync(srcDir)) return existsSync(stampFile) ? 'prebuilt' : 'stale'
  return builtFrom() === inputsHash(compilerVersion) ? 'current' : 'stale'
}

/**
 * The file to run for an entry under src/ (`cli/ropa`): the compiled one when dist/ can be used,
 * else the source, with tsx's loader registered in this process, so a command never runs code older
 * than the sources and never waits for a build.
 */
export async function entryFile(name) {
  if (distState() !== 'stale') return join(distDir, `${name}.js`)
  const tsx = await import('tsx/esm/api').catch(() => {
    throw new Error('dist/ is missing and tsx is not installed: run `npm run build` where the devDependencies are installed')
  })
  tsx.register()
  return join(srcDir, `${name}.ts`)
}

/** Transpiles src/ into `outDir` with the compiler's emitter; type checking is `npm run typecheck`'s. */
async function compile(outDir) {
  const { default: ts } = await import('typescript')
  const parsed = ts.getParsedCommandLineOfConfigFile(join(root, CONFIG), { outDir }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: fail(ts) })
  if (parsed.errors.length > 0) fail(ts)(parsed.errors[0])
  // Each file on its own, as `isolatedModules` promises is enough: a full program would also
  // type-check the whole tree on every build (three times the time) for the same output.
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: { ...parsed.options, noResolve: true, noLib: true, types: [], isolatedModules: true }
  })
  const problems = [...program.getSyntacticDiagnostics(), ...program.emit().diagnostics]
  if (problems.length > 0) fail(ts)(problems[0])
  for (const file of filesUnder(srcDir).filter((file) => !file.endsWith('.ts'))) {
    const target = join(outDir, relative(srcDir, file))
    mkdirSync(dirname(target), { recursive: true })
    cpSync(file, target)
  }
}

const fail = (ts) => (diagnostic) => {
  throw new Error(ts.formatDiagnostic(diagnostic, { getCanonicalFileName: (name) => name, getCurrentDirectory: () => root, getNewLine: () => '\n' }))
}

const alive = (pid) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return error.code === 'EPERM'
  }
}

/** Holds dist.lock (a file naming its holder) while `work` runs; a lock whose holder died is taken over. */
async function withLock(work, timeoutMs = 600_000) {
  for (const started = Date.now(); ; await sleep(100)) {
    try {
      const fd = openSync(lockFile, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      break
    } catch (error) {
      if (error.code !== 'EEXIST') throw error
      const holder = Number.parseInt(readFileSync(lockFile, 'utf8'), 10)
      // An empty file is a holder between creating and writing it: wait for it like any other.
      if (holder > 0 && !alive(holder)) rmSync(lockFile, { force: true })
      else if (Date.now() - started > timeoutMs) throw new Error(`${lockFile} is held by process ${holder}`)
    }
  }
  try {
    return await work()
  } finally {
    rmSync(lockFile, { force: true })
  }
}

/** Builds dist/ unless it is current; says what it did. Returns the state dist/ was found in. */
export async function build({ log = (line) => console.error(line) } = {}) {
  const found = distState()
  if (found === 'current') return found
  if (found === 'prebuilt') {
    log('build: no TypeScript compiler or no src/ here (a production install); using the existing dist/')
    return found
  }
  const compilerVersion = typescriptVersion()
  if (!compilerVersion) throw new Error('build: dist/ is missing and the TypeScript compiler is not installed (install the devDependencies)')
  return withLock(async () => {
    // Another process may have built it while this one waited for the lock.
    const inputs = inputsHash(compilerVersion)
    if (builtFrom() === inputs) return 'current'
    const started = Date.now()
    // Only the lock's holder builds: any staging folder there is left by a build that was killed.
    for (const leftover of readdirSync(root).filter((name) => /^dist\.(build|old)-\d+$/.test(name)))
      rmSync(join(root, leftover), { recursive: true, force: true })
    const staging = join(root, `dist.build-${process.pid}`)
    const previous = join(root, `dist.old-${process.pid}`)
    try {
      await compile(staging)
      writeFileSync(join(staging, '.build.json'), `${JSON.stringify({ inputs, typescript: compilerVersion }, null, 2)}\n`)
      if (existsSync(distDir)) renameSync(distDir, previous)
      renameSync(staging, distDir)
    } finally {
      rmSync(staging, { recursive: true, force: true })
      rmSync(previous, { recursive: true, force: true })
    }
    log(`build: src/ compiled to dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`)
    return 'built'
  })
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await build().catch((error) => {
    console.error(error instanceof Error ? error.message : error)
    process.exit(1)
  })
}

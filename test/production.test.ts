import { generateKeyPairSync } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { createTestDatabase, TEST_SECRET, token } from './helper.ts'
import { withMigratedDatabase } from './support/database-templates.ts'
import { buildDist, productionNodeFlags, root, serverArgs, startApiProcess } from './support/production.ts'

// Production runs the compiled JavaScript with plain Node: no TypeScript loader in the process, on
// Node 20 (which cannot run TypeScript at all) as on Node 24.
t.setTimeout(600_000)
await buildDist()

const dist = join(root, 'dist')
const jsFiles = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.js'))
/** Every module specifier in a compiled file: static imports and exports, and `import('…')`. */
const specifiers = (code: string) => [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^import\s*)['"]([^'"]+)['"]/gm)].map((match) => match[1]!)

t.test('the production command is `node dist/server.js`, in package.json and in the image', async (t) => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  t.match(pkg.scripts.start, /^node scripts\/build\.mjs && exec node (--\S+ )*dist\/server\.js$/, 'npm start builds, then runs the compiled server')
  t.notOk('tsx' in pkg.dependencies, 'tsx is a development dependency only')
  const flags = productionNodeFlags(pkg.scripts.start)
  t.same(flags, ['--max-semi-space-size=8'], 'with a smaller young generation')
  const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(join(root, 'Dockerfile'), 'utf8'))?.[1]
  t.same(JSON.parse(cmd ?? '[]'), ['node', ...(flags ?? []), 'dist/server.js'], 'the image runs the same command')
  t.same(serverArgs.slice(0, -1), flags, 'and so do the tests that start the server')
})

t.test('dist/ holds JavaScript importing JavaScript: no .ts file, no .ts specifier', async (t) => {
  t.ok(jsFiles.length > 100, `the whole of src/ is compiled (${jsFiles.length} files)`)
  t.same(
    readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((file) => /\.[mc]?ts$/.test(file)),
    [],
    'no TypeScript file'
  )
  const relative = jsFiles.flatMap((file) => specifiers(readFileSync(join(dist, file), 'utf8')).filter((specifier) => specifier.startsWith('.')))
  t.ok(relative.filter((specifier) => specifier.endsWith('.js')).length > 100, 'relative imports name .js files')
  t.same(
    relative.filter((specifier) => !/\.(js|json)$/.test(specifier)),
    [],
    'every relative import names a .js file'
  )
  t.same(
    specifiers("import a from './a.ts'\nexport { b } from \"../b.ts\"\nawait import('./c.ts')"),
    ['./a.ts', '../b.ts', './c.ts'],
    'the scan sees every form'
  )
})

t.test('`node dist/server.js` serves with no loader in the process, and SIGTERM stops it with exit code 0', async (t) => {
  const dataDir = mkdtempSync(join(tmpdir(), 'ropa-production-'))
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }))
  const databaseUrl = await createTestDatabase(t)
  if (!databaseUrl) await withMigratedDatabase(dataDir)
  const signingKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString()
  const env = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'info',
    JWT_SECRET: TEST_SECRET,
    SIGNING_KEY: signingKey,
    MAX_EVENT_LOOP_DELAY_MS: '0',
    _TAPJS_PROCESSINFO_COVERAGE_: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {})
  }
  // From another folder: the compiled code finds its migrations and assets from where it lies, not from the working directory.
  const { child, address, exited, output } = await startApiProcess(t, env, { cwd: tmpdir(), withoutNodeOptions: true })
  const argv = readFileSync(`/proc/${child.pid}/cmdline`, 'utf8').split('\0').filter(Boolean)
  t.same(argv, [process.execPath, ...serverArgs], 'the process is plain node running the compiled server: no --import, no --loader')
  const environment = readFileSync(`/proc/${child.pid}/environ`, 'utf8').split('\0')
  t.same(
    environment.filter((entry) => entry.startsWith('NODE_OPTIONS=')),
    [],
    'nor a loader through NODE_OPTIONS'
  )

  const ready = await fetch(`${address}/health/ready`)
  t.equal(ready.status, 200)
  t.same(await ready.json(), { status: 'ok', database: databaseUrl ? 'postgres' : 'pglite' })
  const created = await fetch(`${address}/v1/organisations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await token({ scopes: ['ropa:platform'] })}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Kompilert AS', country: 'NO' })
  })
  t.equal(created.status, 201)
  const { id } = (await created.json()) as { id: string }
  // Modules loaded at first use (the Bokmål labels) and files found beside the code (fonts, from node_modules) load from dist/ too.
  const pdf = await fetch(`${address}/v1/organisations/${id}/ropa?format=pdf&lang=nb`, {
    headers: { authorization: `Bearer ${await token({ scopes: ['ropa:read'], orgs: [id] })}` }
  })
  t.equal(pdf.status, 200)
  t.equal(pdf.headers.get('content-type'), 'application/pdf')
  t.equal(
    Buffer.from(await pdf.arrayBuffer())
      .subarray(0, 5)
      .toString('latin1'),
    '%PDF-'
  )

  child.kill('SIGTERM')
  t.equal(await exited, 0, 'exits 0 after SIGTERM')
  t.match(output(), /"signal":"SIGTERM".*closing/, 'closed gracefully')
  t.notMatch(output(), /"level":[56]0/, 'nothing was logged as an error')
})

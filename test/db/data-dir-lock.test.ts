import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t from 'tap'
import { buildApp } from '../../src/app.ts'
import { DataDirLockedError, lockDataDir } from '../../src/db/data-dir-lock.ts'
import { testConfig } from '../helper.ts'

const tempDir = () => mkdtempSync(join(tmpdir(), 'ropa-lock-'))

t.test('a second holder is refused while the first holds the lock, and may take it once released', async (t) => {
  const dir = tempDir()
  const release = lockDataDir(dir)
  t.equal(readFileSync(join(dir, 'ropa.lock'), 'utf8'), String(process.pid))
  t.throws(() => lockDataDir(dir), DataDirLockedError)
  t.throws(() => lockDataDir(dir), new RegExp(`in use by process ${process.pid}`))
  release()
  t.notOk(existsSync(join(dir, 'ropa.lock')))
  lockDataDir(dir)()
})

t.test('a lock left by a process that has died is taken over', async (t) => {
  const dir = tempDir()
  const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid
  t.ok(dead > 0)
  writeFileSync(join(dir, 'ropa.lock'), String(dead))
  const release = lockDataDir(dir)
  t.equal(readFileSync(join(dir, 'ropa.lock'), 'utf8'), String(process.pid))
  release()
  writeFileSync(join(dir, 'ropa.lock'), 'garbage')
  lockDataDir(dir)()
})

t.test('two apps on one PGlite folder: the second fails with a clear message, the first keeps working', async (t) => {
  const dir = tempDir()
  const config = testConfig({ DATA_DIR: dir })
  delete (config as { DATABASE_URL?: string }).DATABASE_URL
  const first = buildApp(config)
  t.teardown(() => first.close())
  await first.ready()
  const second = buildApp(config)
  await t.rejects(async () => second.ready(), { name: 'DataDirLockedError', message: /only one process may open the embedded database/ })
  const res = await first.inject('/health/ready')
  t.equal(res.statusCode, 200)
  await first.close()
  t.notOk(existsSync(join(dir, 'ropa.lock')), 'closing releases the lock')
  const third = buildApp(config)
  await third.ready()
  t.equal((await third.inject('/health/ready')).json().database, 'pglite', 'the folder reopens after a clean close')
  await third.close()
})

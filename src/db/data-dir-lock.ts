import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { errorCode } from '../shared/objects.ts'

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError'
}

/**
 * PGlite is single-user Postgres: two processes opening one folder corrupt it, and PGlite
 * itself takes no lock. This file (created with O_EXCL, holding our PID) is that lock.
 * A lock left by a process that no longer runs is taken over; a live one never is.
 */
export function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true })
  const lockPath = join(dataDir, 'ropa.lock')
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockPath, 'wx')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return () => rmSync(lockPath, { force: true })
    } catch (error) {
      if (errorCode(error) !== 'EEXIST') throw error
      const holder = Number.parseInt(readFileSync(lockPath, 'utf8'), 10)
      if (isRunning(holder)) {
        throw new DataDirLockedError(
          `DATA_DIR ${dataDir} is in use by process ${holder}: only one process may open the embedded database. ` +
            'Stop that process, use another DATA_DIR, or set DATABASE_URL to use PostgreSQL.'
        )
      }
      rmSync(lockPath, { force: true })
    }
  }
  throw new DataDirLockedError(`Could not take the lock ${lockPath}`)
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return errorCode(error) === 'EPERM'
  }
}

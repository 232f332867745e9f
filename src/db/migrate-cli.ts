import pino from 'pino'
import { loadConfig } from '../config.ts'
import { openDatabase } from './client.ts'

/** `npm run db:migrate`: applies pending migrations to the configured database and exits. */
const config = loadConfig()
const log = pino({ level: config.LOG_LEVEL })
const database = await openDatabase(config, log)
try {
  await database.migrate()
  log.info({ database: database.kind }, 'migrations applied')
} finally {
  await database.close()
}

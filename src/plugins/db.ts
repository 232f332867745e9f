import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { type DatabaseHandle, openDatabase } from '../db/client.ts'

declare module 'fastify' {
  interface FastifyInstance {
    database: DatabaseHandle
  }
}

export interface DbPluginOptions {
  config: Config
  /** A handle opened elsewhere; it is then left open when the app closes. */
  database?: DatabaseHandle
}

/** Opens the database (PGlite or PostgreSQL), applies migrations, and closes it with the app. */
export default fp<DbPluginOptions>(
  async function dbPlugin(app: FastifyInstance, { config, database }) {
    const handle = database ?? (await openDatabase(config, app.log))
    try {
      await handle.migrate()
    } catch (error) {
      if (!database) await handle.close()
      throw error
    }
    app.decorate('database', handle)
    if (!database) app.addHook('onClose', () => handle.close())
  },
  { name: 'db' }
)

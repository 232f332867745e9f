/**
 * The ceiling the API is measured against: a bare node:http server sending the same SQL the API
 * sends for the same work, with no framework, no validation, no auth and no serialisation schema.
 * PostgreSQL when DATABASE_URL is set, otherwise PGlite in DATA_DIR (a copy of the API's data).
 */
import { createServer } from 'node:http'
import { PGlite } from '@electric-sql/pglite'
import pg from 'pg'
import { freeKey, keyFromName } from '../src/shared/keys.ts'

type Query = (text: string, params: unknown[], name?: string) => Promise<Record<string, unknown>[]>
type Transaction = (work: (query: Query) => Promise<void>) => Promise<void>

async function database(): Promise<{ query: Query; transaction: Transaction }> {
  if (process.env.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 })
    pool.on('error', () => {})
    const query: Query = async (text, params, name) => (await pool.query(name ? { name, text, values: params } : { text, values: params })).rows
    return {
      query,
      async transaction(work) {
        const client = await pool.connect()
        try {
          await client.query('begin')
          await work(async (text, params) => (await client.query(text, params)).rows)
          await client.query('commit')
        } catch (error) {
          await client.query('rollback')
          throw error
        } finally {
          client.release()
        }
      }
    }
  }
  const db = await PGlite.create(process.env.DATA_DIR)
  return {
    query: async (text, params) => (await db.query<Record<string, unknown>>(text, params)).rows,
    transaction: (work) => db.transaction(async (tx) => work(async (text, params) => (await tx.query<Record<string, unknown>>(text, params)).rows))
  }
}

const { query, transaction } = await database()
const json = (status: number, body: unknown) => ({ status, body: JSON.stringify(body) })

const server = createServer(async (request, response) => {
  try {
    const url = new URL(request.url ?? '/', 'http://ceiling')
    const org = url.searchParams.get('org')
    let result: { status: number; body: string }
    if (request.method === 'GET' && url.pathname === '/activity') {
      const [row] = await query('select * from activities where organisation_id = $1 and id = $2', [org, url.searchParams.get('id')], 'ceiling_activity')
      result = row ? json(200, row) : json(404, { error: 'not found' })
    } else if (request.method === 'GET' && url.pathname === '/list') {
      const rows = await query('select * from activities where organisation_id = $1 order by lower(name), id limit 51', [org], 'ceiling_list')
      result = json(200, { items: rows.slice(0, 50), nextCursor: rows.length > 50 ? 'x' : null })
    } else if (request.method === 'POST' && url.pathname === '/create') {
      const chunks: Buffer[] = []
      for await (const chunk of request) chunks.push(chunk as Buffer)
      const body = JSON.parse(Buffer.concat(chunks).toString()) as {
        name: string
        dataCategoryIds: string[]
        dataSubjectCategoryIds: string[]
        purposes: unknown[]
      }
      let created: Record<string, unknown> | undefined
      // As the API: a create that loses the race for a key assigned from the name runs again.
      for (let attempt = 1; ; attempt++) {
        try {
          await transaction(async (tx) => {
            // The key from the name, as the API assigns it: the keys taken, then the first free one.
            const base = keyFromName(body.name)
            await tx('select pg_advisory_xact_lock(hashtext($1))', [`${org}:activities`])
            const taken = await tx('select key from activities where organisation_id = $1 and (key = $2 or key like $3)', [org, base, `${base}-%`])
            const key = freeKey(base, new Set(taken.map((row) => String(row.key))))
            ;[created] = await tx(
              `insert into activities (organisation_id, key, name, status, role, purposes, data_subject_category_ids, data_category_ids, recipient_ids, processor_ids, security_measure_ids,
             special_category_conditions, joint_controllers, controllers, transfers, retention, dpia, automated_decision_making, profiling, data_sources, systems, next_review_due, created_by, updated_by)
           values ($1, $6, $2, 'draft', 'controller', $3, $4, $5, '[]', '[]', '[]', '[]', '[]', '[]', '[]', '[]', '{"status":"not_assessed","criteria":[]}', false, false, '[]', '[]', (current_date + interval '12 months')::date, 'bench', 'bench')
           returning *`,
              [org, body.name, JSON.stringify(body.purposes), JSON.stringify(body.dataSubjectCategoryIds), JSON.stringify(body.dataCategoryIds), key]
            )
            const links = [
              ...body.dataCategoryIds.map((id) => ['dataCategoryIds', id, null]),
              ...body.dataSubjectCategoryIds.map((id) => ['dataSubjectCategoryIds', null, id])
            ]
            await tx(
              `insert into activity_links (organisation_id, activity_id, field, position, data_category_id, data_subject_category_id) values ${links.map((_, i) => `($1, $2, $${i * 3 + 3}, ${i}, $${i * 3 + 4}::uuid, $${i * 3 + 5}::uuid)`).join(', ')}`,
              [org, created!.id, ...links.flat()]
            )
            await tx(
              `insert into audit_events (organisation_id, actor, action, entity_type, entity_id, snapshot) values ($1, 'bench', 'create', 'activity', $2, $3)`,
              [org, created!.id, JSON.stringify(created)]
            )
          })
          break
        } catch (error) {
          if (attempt >= 5 || (error as { code?: string }).code !== '23505') throw error
        }
      }
      result = json(201, created)
    } else {
      result = json(404, { error: 'no route' })
    }
    response.writeHead(result.status, { 'content-type': 'application/json' }).end(result.body)
  } catch (error) {
    response.writeHead(500).end(String(error))
  }
})

server.listen(0, '127.0.0.1', () => console.log(`ceiling listening on ${(server.address() as { port: number }).port}`))
process.on('SIGTERM', () => server.close(() => process.exit(0)))

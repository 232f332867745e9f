// The log must never hold statement parameters (user data): a failed statement is logged with its
// SQL text, its SQLSTATE and where it failed, not with its parameters or a message that quotes them.
import { Writable } from 'node:stream'
import { sql } from 'drizzle-orm'
import { DrizzleQueryError } from 'drizzle-orm/errors'
import pino from 'pino'
import t from 'tap'
import { buildTestApp } from '../helper.ts'

const SECRET = 'Kari Nordmann 31129912345'
const lines: string[] = []
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk))
    done()
  }
})

const app = await buildTestApp(t, {
  env: { LOG_LEVEL: 'warn' },
  extend: (app) => {
    // Keeps the app's own logger (its serialisers and redaction); only where it writes changes.
    ;(app.log as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = capture
    app.get('/test/failing-statement', async () => app.database.db.execute(sql`select ${SECRET}::integer as n`))
    app.get('/test/unreachable-database', async () => {
      const refused = Object.assign(new Error(`connect ECONNREFUSED while sending ${SECRET}`), { code: 'ECONNREFUSED' })
      throw new DrizzleQueryError('select $1::text', [SECRET], refused)
    })
  }
})

const logged = (requestId: string) => lines.filter((line) => line.includes(requestId)).map((line) => JSON.parse(line) as Record<string, unknown>)

t.test('a statement the database refuses: 500, logged with its SQL and SQLSTATE, without its parameter', async (t) => {
  const res = await app.inject({ url: '/test/failing-statement' })
  t.equal(res.statusCode, 500)
  const entries = logged(res.json().requestId)
  const entry = entries.find((line) => line.msg === 'unhandled error')
  t.ok(entry, 'the error is logged')
  t.match(entry?.err, { message: /select \$1::integer as n/, code: '22P02' }, 'with the SQL text and the SQLSTATE')
  t.notOk(lines.join('\n').includes(SECRET), 'the parameter is nowhere in the log')
})

t.test('an unreachable database: 503, the warning without the parameter', async (t) => {
  const res = await app.inject({ url: '/test/unreachable-database' })
  t.equal(res.statusCode, 503)
  const entry = logged(res.json().requestId).find((line) => line.msg === 'database unavailable')
  t.ok(entry, 'the warning is logged')
  t.match(entry?.err, { message: /select \$1::text/, code: 'ECONNREFUSED' })
  t.notOk(lines.join('\n').includes(SECRET), 'the parameter is nowhere in the log')
})

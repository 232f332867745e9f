import t from 'tap'
import { DatabaseTimeoutError } from '../../src/db/errors.ts'
import { isDatabaseUnavailable } from '../../src/db/unavailable.ts'

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code })

t.test('errors that mean the database is out of reach', async (t) => {
  for (const error of [
    withCode('ECONNREFUSED'),
    withCode('ECONNRESET'),
    withCode('57P01', 'terminating connection due to administrator command'),
    withCode('57P03', 'the database system is starting up'),
    withCode('53300', 'too many connections'),
    withCode('08006', 'connection failure'),
    new Error('timeout exceeded when trying to connect'),
    new Error('Connection terminated unexpectedly'),
    new Error('Query read timeout'),
    new DatabaseTimeoutError('no answer'),
    new Error('Failed query: select 1', { cause: withCode('ECONNREFUSED') })
  ]) {
    t.ok(isDatabaseUnavailable(error), error.message)
  }
})

t.test('errors that are bugs or bad queries, not outages', async (t) => {
  for (const error of [
    withCode('23505', 'duplicate key value'),
    withCode('42P01', 'relation does not exist'),
    new TypeError('cannot read properties of undefined'),
    'a string',
    undefined
  ]) {
    t.notOk(isDatabaseUnavailable(error), String(error))
  }
})

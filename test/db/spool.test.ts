import { readdirSync, readlinkSync } from 'node:fs'
import t from 'tap'
import { Spool } from '../../src/db/spool.ts'

/** The spool files this process has open (they are unlinked at once, so only their descriptors show them). */
const openSpoolFiles = () =>
  readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).includes('ropa-spool-')
    } catch {
      return false
    }
  }).length

const items = (count: number) =>
  Array.from({ length: count }, (_, i) => (i % 3 === 0 ? `text ${i} øæå ${'x'.repeat(i % 500)}` : i % 3 === 1 ? Buffer.from(`bytes ${i}`) : { value: i }))

/** Adds `added` to a new spool, runs `whenWritten` (before reading), then reads everything back. */
async function throughSpool(added: unknown[], whenWritten: () => void): Promise<unknown[]> {
  const spool = new Spool<unknown>()
  for (const item of added) await spool.add(item)
  whenWritten()
  const read: unknown[] = []
  for await (const item of spool.items()) read.push(item)
  return read
}

t.test('small output stays in memory and comes back in order, each item as it went in', async (t) => {
  const added = items(30)
  const read = await throughSpool(added, () => t.equal(openSpoolFiles(), 0, 'no file for 30 small items'))
  t.same(read, added)
  t.ok(Buffer.isBuffer(read[1]), 'bytes come back as bytes')
  t.equal(typeof read[0], 'string', 'text comes back as text')
})

t.test('large output goes to a file, comes back whole and in order, and the file is closed after it', async (t) => {
  const added = items(12_000)
  const read = await throughSpool(added, () => t.equal(openSpoolFiles(), 1, 'past 1 MB the items are in a file'))
  t.same(read, added)
  t.equal(openSpoolFiles(), 0, 'the file is closed once read')
})

t.test('a reader that stops early, or a spool discarded unread, leaves no file open', async (t) => {
  const stopped = new Spool<string>()
  for (let i = 0; i < 5000; i++) await stopped.add(`line ${i} ${'y'.repeat(400)}`)
  for await (const item of stopped.items()) {
    t.equal(item.slice(0, 7), 'line 0 ')
    break
  }
  t.equal(openSpoolFiles(), 0)
  const unread = new Spool<string>()
  for (let i = 0; i < 5000; i++) await unread.add('z'.repeat(400))
  t.equal(openSpoolFiles(), 1)
  await unread.discard()
  t.equal(openSpoolFiles(), 0)
})

t.test('an item larger than a block of the file comes back whole', async (t) => {
  const spool = new Spool<Buffer>()
  const big = Buffer.alloc(3 * 1024 * 1024, 7)
  await spool.add(Buffer.from('before'))
  await spool.add(big)
  await spool.add(Buffer.from('after'))
  const read: Buffer[] = []
  for await (const item of spool.items()) read.push(item)
  t.same(
    read.map((item) => item.length),
    [6, big.length, 5]
  )
  t.ok(read[1]!.equals(big))
})

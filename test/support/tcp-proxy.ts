import net from 'node:net'
import { Transform } from 'node:stream'
import { createTestDatabase } from '../helper.ts'

export type ProxyMode = 'pass' | 'refuse' | 'blackhole' | 'stall'

/**
 * When a trap cuts the connection that sends a matching message: `before-server` drops the message
 * (the server never sees it), `after-server-answers` lets it through and cuts when the server's
 * answer comes back (the server acted on it; the client never learns that it did).
 */
export type CutMoment = 'before-server' | 'after-server-answers'

interface Trap {
  matches: (chunk: Buffer) => boolean
  moment: CutMoment
  then: ProxyMode
  fired: () => void
}

interface Pair {
  client: net.Socket
  upstream: net.Socket
  toUpstream: Transform
  toClient: Transform
  cutOnAnswer: Trap | null
}

/**
 * A TCP proxy in front of PostgreSQL that a test can cut, so outages are simulated without
 * touching the shared server. `refuse` resets every connection; `blackhole` accepts and
 * swallows bytes, as a network partition does. `stall` is a partition that keeps the open
 * connections: nothing flows either way (new connections are swallowed) until `pass` lets the
 * held bytes through again, as when a partition heals. `cutOn` cuts at one chosen message.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = 'pass'
  let trap: Trap | null = null
  const sockets = new Set<net.Socket>()
  const pairs = new Set<Pair>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const connect = (pair: Pair) => {
    pair.client.pipe(pair.toUpstream)
    pair.upstream.pipe(pair.toClient)
  }
  const hold = (pair: Pair) => {
    pair.client.unpipe(pair.toUpstream)
    pair.upstream.unpipe(pair.toClient)
    pair.client.pause()
    pair.upstream.pause()
  }
  const spring = (pair: Pair, sprung: Trap) => {
    pair.client.destroy()
    pair.upstream.destroy()
    setMode(sprung.then)
    sprung.fired()
  }
  const server = net.createServer((client) => {
    track(client)
    if (mode === 'refuse') return client.destroy()
    if (mode === 'blackhole' || mode === 'stall') return client.resume()
    const upstream = net.connect(target.port, target.host)
    track(upstream)
    const pair: Pair = {
      client,
      upstream,
      cutOnAnswer: null,
      toUpstream: new Transform({
        transform(chunk: Buffer, _encoding, done) {
          const armed = trap
          if (!armed?.matches(chunk)) return done(null, chunk)
          trap = null
          if (armed.moment === 'before-server') return spring(pair, armed)
          pair.cutOnAnswer = armed
          done(null, chunk)
        }
      }),
      toClient: new Transform({
        transform(chunk: Buffer, _encoding, done) {
          if (!pair.cutOnAnswer) return done(null, chunk)
          spring(pair, pair.cutOnAnswer)
        }
      })
    }
    pair.toUpstream.pipe(upstream)
    pair.toClient.pipe(client)
    pairs.add(pair)
    connect(pair)
    client.on('close', () => {
      upstream.destroy()
      pairs.delete(pair)
    })
    upstream.on('close', () => {
      client.destroy()
      pairs.delete(pair)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dropAll = () => {
    for (const socket of sockets) socket.destroy()
  }
  function setMode(next: ProxyMode) {
    const previous = mode
    mode = next
    if (next === 'stall') pairs.forEach(hold)
    else if (next === 'pass' && previous === 'stall') pairs.forEach(connect)
    else if (next !== 'pass') dropAll()
  }
  return {
    port: (server.address() as net.AddressInfo).port,
    setMode,
    /**
     * Once: cuts the connection whose client sends a chunk `matches` accepts, at `moment`, and then
     * switches to mode `then` (`refuse` makes the cut the start of an outage). Resolves when it has cut.
     */
    cutOn(matches: (chunk: Buffer) => boolean, moment: CutMoment, then: ProxyMode = 'pass') {
      return new Promise<void>((fired) => (trap = { matches, moment, then, fired }))
    },
    async close() {
      dropAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

/**
 * A fresh PostgreSQL database of this test file (DATABASE_URL must be set) with a proxy in front
 * of it: `url` goes through the proxy the test cuts, `directUrl` reaches the database itself.
 */
export async function proxiedTestDatabase(t: { teardown(fn: () => unknown): void }) {
  const directUrl = (await createTestDatabase(t)) as string
  const direct = new URL(directUrl)
  const proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) })
  t.teardown(() => proxy.close())
  const proxied = new URL(directUrl)
  proxied.hostname = '127.0.0.1'
  proxied.port = String(proxy.port)
  return { proxy, url: proxied.toString(), directUrl }
}

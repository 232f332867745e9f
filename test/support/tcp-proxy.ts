import net from 'node:net'

export type ProxyMode = 'pass' | 'refuse' | 'blackhole' | 'stall'

/**
 * A TCP proxy in front of PostgreSQL that a test can cut, so outages are simulated without
 * touching the shared server. `refuse` resets every connection; `blackhole` accepts and
 * swallows bytes, as a network partition does. `stall` is a partition that keeps the open
 * connections: nothing flows either way (new connections are swallowed) until `pass` lets the
 * held bytes through again, as when a partition heals.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = 'pass'
  const sockets = new Set<net.Socket>()
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const connect = (pair: { client: net.Socket; upstream: net.Socket }) => {
    pair.client.pipe(pair.upstream)
    pair.upstream.pipe(pair.client)
  }
  const hold = (pair: { client: net.Socket; upstream: net.Socket }) => {
    pair.client.unpipe(pair.upstream)
    pair.upstream.unpipe(pair.client)
    pair.client.pause()
    pair.upstream.pause()
  }
  const server = net.createServer((client) => {
    track(client)
    if (mode === 'refuse') return client.destroy()
    if (mode === 'blackhole' || mode === 'stall') return client.resume()
    const upstream = net.connect(target.port, target.host)
    track(upstream)
    const pair = { client, upstream }
    pairs.add(pair)
    connect(pair)
    client.on('close', () => (upstream.destroy(), pairs.delete(pair)))
    upstream.on('close', () => (client.destroy(), pairs.delete(pair)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dropAll = () => sockets.forEach((socket) => socket.destroy())
  return {
    port: (server.address() as net.AddressInfo).port,
    setMode(next: ProxyMode) {
      const previous = mode
      mode = next
      if (next === 'stall') pairs.forEach(hold)
      else if (next === 'pass' && previous === 'stall') pairs.forEach(connect)
      else if (next !== 'pass') dropAll()
    },
    async close() {
      dropAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

import net from 'node:net'

export type ProxyMode = 'pass' | 'refuse' | 'blackhole'

/**
 * A TCP proxy in front of PostgreSQL that a test can cut, so outages are simulated without
 * touching the shared server. `refuse` resets every connection; `blackhole` accepts and
 * swallows bytes, as a network partition does.
 */
export async function startTcpProxy(target: { host: string; port: number }) {
  let mode: ProxyMode = 'pass'
  const sockets = new Set<net.Socket>()
  const track = (socket: net.Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
  }
  const server = net.createServer((client) => {
    track(client)
    if (mode === 'refuse') return client.destroy()
    if (mode === 'blackhole') return client.resume()
    const upstream = net.connect(target.port, target.host)
    track(upstream)
    client.pipe(upstream).pipe(client)
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const dropAll = () => sockets.forEach((socket) => socket.destroy())
  return {
    port: (server.address() as net.AddressInfo).port,
    setMode(next: ProxyMode) {
      mode = next
      if (next !== 'pass') dropAll()
    },
    async close() {
      dropAll()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}

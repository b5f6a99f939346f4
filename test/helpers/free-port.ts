/** Free loopback ports for daemons a test starts. */
import { createSocket } from 'node:dgram'
import { createServer } from 'node:net'

/** A port free on 127.0.0.1 for TCP and UDP at the time of the call. */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer()
      server.once('error', reject)
      server.listen(0, '127.0.0.1', () => {
        const address = server.address()
        const p = typeof address === 'object' && address !== null ? address.port : 0
        server.close(() => {
          resolve(p)
        })
      })
    })
    if (await udpFree(port)) return port
  }
  throw new Error('no free port found')
}

/** Whether `port` on 127.0.0.1 can be bound now, for TCP and for UDP (nobody holds it). */
export async function portFree(port: number): Promise<boolean> {
  return (await tcpFree(port)) && (await udpFree(port))
}

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer()
    server.once('error', () => {
      resolve(false)
    })
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => {
      server.close(() => {
        resolve(true)
      })
    })
  })
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4')
    socket.once('error', () => {
      resolve(false)
    })
    socket.bind(port, '127.0.0.1', () => {
      socket.close(() => {
        resolve(true)
      })
    })
  })
}

/**
 * DNS over UDP (RFC 1035 §4.2.1): one query per datagram, one answer back to the sender.
 * The socket family follows the listen address: udp6 for an IPv6 address (`::` also takes
 * IPv4 where the system allows dual-stack sockets), udp4 otherwise.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { err, ok, type Result } from '../core/result.ts'

/**
 * Binds a UDP socket; resolves with the bind error (EADDRINUSE, EACCES, …) if that fails.
 * `shared`: in a cluster worker, take the main process's socket for this address, so every
 * worker reads the same one and the kernel hands each datagram to one of them.
 */
export function bindUdp(
  host: string,
  port: number,
  onMessage: (message: Buffer, peer: RemoteInfo, socket: Socket) => void,
  shared = false,
): Promise<Result<Socket, NodeJS.ErrnoException>> {
  const socket = createSocket({ type: isIPv6(host) ? 'udp6' : 'udp4' })
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      socket.removeAllListeners()
      resolve(err(e))
    }
    socket.once('error', onError)
    socket.bind({ address: host, port, exclusive: !shared }, () => {
      socket.off('error', onError)
      socket.on('message', (message, peer) => {
        onMessage(message, peer, socket)
      })
      resolve(ok(socket))
    })
  })
}

/** Closes a UDP socket; resolves once it is closed (at once if it already was). */
export function closeUdp(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    try {
      socket.close(() => {
        resolve()
      })
    } catch {
      // ERR_SOCKET_DGRAM_NOT_RUNNING: already closed, which is what we wanted.
      resolve()
    }
  })
}

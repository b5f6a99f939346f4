/**
 * DNS over UDP (RFC 1035 §4.2.1): one query per datagram, one answer back to the sender.
 * The socket family follows the listen address: udp6 for an IPv6 address (`::` also takes
 * IPv4 where the system allows dual-stack sockets), udp4 otherwise.
 *
 * The socket asks for a receive buffer of `UDP_RECEIVE_BUFFER` bytes: libuv reads at most 32
 * datagrams per turn of the event loop, so a turn spent on a burst of HTTP updates leaves the
 * queries waiting in the kernel, and the system's default buffer (208 KiB, about 200 small
 * datagrams) overflowed at 1,000 queries per second in the update-path benchmark: the kernel
 * dropped them and resolvers would have retried after their timeout. The kernel caps the size
 * at `net.core.rmem_max`.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { err, ok, type Result } from '../core/result.ts'

/** The receive buffer asked of every DNS UDP socket (NSD and Unbound suggest the same). */
export const UDP_RECEIVE_BUFFER = 4 * 1024 * 1024

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
  const socket = createSocket({
    type: isIPv6(host) ? 'udp6' : 'udp4',
    recvBufferSize: UDP_RECEIVE_BUFFER,
  })
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

/**
 * Sends `response` (if any) back to the query's sender. No callback: a failed send is the
 * socket's 'error' event, which every DNS socket's owner logs; a callback per datagram would
 * cost the answer path for nothing.
 */
export function sendUdp(
  socket: Socket,
  peer: RemoteInfo,
  response: Buffer | null | undefined,
): void {
  if (response !== null && response !== undefined) socket.send(response, peer.port, peer.address)
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

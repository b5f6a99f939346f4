/**
 * DNS over UDP and TCP to one server (RFC 1035 §4.2.1, §4.2.2 two-octet length framing),
 * with a deadline and cancellation on every exchange. TCP is used when asked, when the
 * request is larger than 512 octets, or when a UDP reply comes back truncated (TC).
 * Not implemented: EDNS payload negotiation (UPDATE messages are sent without OPT), DoT.
 */
import { createSocket } from 'node:dgram'
import { connect } from 'node:net'
import { err, ok, type Result } from '../../core/result.ts'

/** Why an exchange failed: no answer in time, or no server listening. */
export interface TransportError {
  readonly code: 'timeout' | 'unavailable'
  readonly message: string
}

/** Where to send and how long to wait. */
export interface Endpoint {
  readonly host: string
  readonly port: number
  readonly timeoutMs: number
}

/** One request, one reply over UDP; the reply must carry the request's ID. */
export function udpExchange(
  to: Endpoint,
  msg: Buffer,
  signal: AbortSignal,
): Promise<Result<Buffer, TransportError>> {
  return new Promise((resolve) => {
    const socket = createSocket(to.host.includes(':') ? 'udp6' : 'udp4')
    const id = msg.readUInt16BE(0)
    const finish = (r: Result<Buffer, TransportError>): void => {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.close()
      resolve(r)
    }
    const onAbort = (): void => {
      finish(err({ code: 'timeout', message: 'cancelled' }))
    }
    const timer = setTimeout(() => {
      finish(
        err({ code: 'timeout', message: `no UDP reply from ${where(to)} in ${to.timeoutMs} ms` }),
      )
    }, to.timeoutMs)
    signal.addEventListener('abort', onAbort)
    socket.on('error', (e) => {
      finish(err({ code: 'unavailable', message: `${where(to)}: ${e.message}` }))
    })
    // Stray datagrams (another ID) are ignored rather than taken as the answer.
    socket.on('message', (reply) => {
      if (reply.length >= 12 && reply.readUInt16BE(0) === id) finish(ok(reply))
    })
    socket.connect(to.port, to.host, () => {
      socket.send(msg)
    })
  })
}

/**
 * Sends `msg` over TCP and hands each reply message to `onMessage` until it returns true
 * (one message for UPDATE, many for AXFR). Resolves with the messages read.
 */
export function tcpExchange(
  to: Endpoint,
  msg: Buffer,
  signal: AbortSignal,
  onMessage: (reply: Buffer) => boolean = () => true,
): Promise<Result<Buffer[], TransportError>> {
  return new Promise((resolve) => {
    const socket = connect({ host: to.host, port: to.port })
    const replies: Buffer[] = []
    let pending = Buffer.alloc(0)
    let done = false
    const finish = (r: Result<Buffer[], TransportError>): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
      socket.destroy()
      resolve(r)
    }
    const onAbort = (): void => {
      finish(err({ code: 'timeout', message: 'cancelled' }))
    }
    const timer = setTimeout(() => {
      finish(
        err({ code: 'timeout', message: `no TCP reply from ${where(to)} in ${to.timeoutMs} ms` }),
      )
    }, to.timeoutMs)
    signal.addEventListener('abort', onAbort)
    socket.on('error', (e) => {
      finish(err({ code: 'unavailable', message: `${where(to)}: ${e.message}` }))
    })
    socket.on('close', () => {
      finish(err({ code: 'unavailable', message: `${where(to)} closed the connection early` }))
    })
    socket.on('connect', () => {
      const frame = Buffer.alloc(2)
      frame.writeUInt16BE(msg.length)
      socket.write(Buffer.concat([frame, msg]))
    })
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const reply = pending.subarray(2, 2 + pending.readUInt16BE(0))
        pending = pending.subarray(2 + reply.length)
        replies.push(reply)
        if (onMessage(reply)) {
          finish(ok(replies))
          return
        }
      }
    })
  })
}

function where(to: Endpoint): string {
  return `${to.host}:${to.port}`
}

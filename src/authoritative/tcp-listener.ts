/**
 * DNS over TCP (RFC 1035 §4.2.2, RFC 7766): every message is preceded by a two-octet length;
 * a client may send several queries back to back on one connection (§6.2.1.1) and gets the
 * answers in order. Idle connections are closed (§6.2.3), the number of open connections is
 * capped in all and per client address, and a client that does not read its answers is dropped.
 */
import { createServer, type Server, type Socket } from 'node:net'
import { err, ok, type Result } from '../core/result.ts'

/** How TCP connections are served. */
export interface TcpListenerOptions {
  /**
   * Turns one query from `peer` (an IP address) into its answer messages; null closes. An
   * answer may be a promise (UPDATE): later answers on the connection wait for it, in order.
   */
  readonly answer: (query: Buffer, peer: string) => Answer | Promise<Answer>
  readonly idleTimeoutMs: number
  readonly maxConnections: number
  /** Most connections from one address at once (default 10), so one client cannot take all. */
  readonly maxPerClient?: number
}

/** The messages answering one query; null closes the connection. */
export type Answer = readonly Buffer[] | null

/** A TCP server plus the connections it holds, so close() can end them. */
export interface TcpListener {
  readonly server: Server
  readonly sockets: Set<Socket>
}

// A client that lets this much pile up unread is not reading; drop it rather than buffer.
const MAX_UNREAD_BYTES = 1 << 20
// A resolver or secondary needs a few at most (RFC 7766 §6.2.2 suggests reusing one).
const DEFAULT_MAX_PER_CLIENT = 10

/** Creates the TCP server (not yet listening). */
export function createTcpListener(options: TcpListenerOptions): TcpListener {
  const sockets = new Set<Socket>()
  const perClient = new Map<string, number>()
  const maxPerClient = options.maxPerClient ?? DEFAULT_MAX_PER_CLIENT
  const server = createServer((socket) => {
    const peer = socket.remoteAddress ?? ''
    const open = perClient.get(peer) ?? 0
    if (open >= maxPerClient) {
      socket.destroy()
      return
    }
    perClient.set(peer, open + 1)
    sockets.add(socket)
    socket.on('close', () => {
      sockets.delete(socket)
      const left = (perClient.get(peer) ?? 1) - 1
      if (left <= 0) perClient.delete(peer)
      else perClient.set(peer, left)
    })
    serveConnection(socket, options)
  })
  // Connections beyond the cap are closed by Node as they arrive.
  server.maxConnections = options.maxConnections
  return { server, sockets }
}

/**
 * Starts listening; resolves with the error (EADDRINUSE, EACCES, …) if that fails. Later
 * failures of the listening socket go to `onServerError`.
 */
export function listenTcp(
  listener: TcpListener,
  host: string,
  port: number,
  onServerError: (error: Error) => void,
): Promise<Result<void, NodeJS.ErrnoException>> {
  const { server } = listener
  return new Promise((resolve) => {
    const onError = (e: NodeJS.ErrnoException): void => {
      resolve(err(e))
    }
    server.once('error', onError)
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', onError)
      server.on('error', onServerError)
      resolve(ok(undefined))
    })
  })
}

function serveConnection(socket: Socket, options: TcpListenerOptions): void {
  socket.setNoDelay(true)
  socket.setTimeout(options.idleTimeoutMs, () => {
    socket.destroy()
  })
  // Resets and aborted connections are routine on a public port; nothing to report.
  socket.on('error', () => socket.destroy())
  let pending: Buffer = Buffer.alloc(0)
  // Set while an asynchronous answer is outstanding; the queries after it queue behind it.
  let queue: Promise<void> | null = null
  const send = (responses: Answer): void => {
    if (responses === null || socket.writableLength > MAX_UNREAD_BYTES) {
      socket.destroy()
      return
    }
    for (const response of responses) {
      const frame = Buffer.allocUnsafe(2 + response.length)
      frame.writeUInt16BE(response.length, 0)
      response.copy(frame, 2)
      socket.write(frame)
    }
  }
  const serve = (query: Buffer): Promise<void> | undefined => {
    if (socket.destroyed) return undefined
    const answer = options.answer(query, socket.remoteAddress ?? '')
    if (!(answer instanceof Promise)) {
      send(answer)
      return undefined
    }
    return answer.then(send, () => {
      socket.destroy()
    })
  }
  const enqueue = (query: Buffer): void => {
    // A deferred query is copied: its bytes must outlive this 'data' event.
    const copy = queue === null ? query : Buffer.from(query)
    const next = queue === null ? serve(query) : queue.then(() => serve(copy))
    if (next === undefined) return
    queue = next
    void next.then(() => {
      if (queue === next) queue = null
    })
  }
  socket.on('data', (chunk: Buffer) => {
    pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk])
    while (pending.length >= 2 && !socket.destroyed) {
      const length = pending.readUInt16BE(0)
      if (pending.length < 2 + length) break
      const query = pending.subarray(2, 2 + length)
      pending = pending.subarray(2 + length)
      enqueue(query)
    }
  })
}

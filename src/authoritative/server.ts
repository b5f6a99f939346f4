/**
 * The built-in authoritative DNS server: UDP and TCP listeners on one address and port,
 * answering from a `ZoneLookup` (see README.md for what is and is not implemented).
 * Each listener is an edge: any exception is caught there, logged with an id, and the
 * server keeps serving. A listening TCP socket that fails is reported to `onFailure` (UDP
 * socket errors are failed sends to one client, logged only).
 */
import { randomUUID } from 'node:crypto'
import type { Socket as UdpSocket } from 'node:dgram'
import { isIPv6 } from 'node:net'
import { err, ok, type Result } from '../core/result.ts'
import { createDispatcher, type TransferOptions } from './dispatch.ts'
import type { UpdateHandlerOptions } from './update/update-server.ts'
import { createTcpListener, listenTcp, type Answer, type TcpListener } from './tcp-listener.ts'
import { bindUdp, closeUdp, sendUdp } from './udp-listener.ts'
import { createRrl, limitUdp, type RrlOptions, type UdpHandler } from './answer/rrl.ts'
import type { ZoneLookup } from './index/zone-index.ts'
import type { DnsLogger } from './dns-logger.ts'

export type { DnsLogger } from './dns-logger.ts'

/** Where and what to serve. */
export interface DnsServerOptions {
  /** Listen address: an IPv4 or IPv6 address (`0.0.0.0`, `::`, `127.0.0.1`). */
  readonly host: string
  /** UDP and TCP port; 0 picks a free one (the same for both). */
  readonly port: number
  readonly index: ZoneLookup
  readonly logger?: DnsLogger
  /** Closes TCP connections idle this long (default 10 s, RFC 7766 §6.2.3). */
  readonly tcpIdleTimeoutMs?: number
  /** Most TCP connections open at once (default 100). */
  readonly maxTcpConnections?: number
  /** Zone transfers (AXFR/IXFR) to clients inside `allow` or signed with `allowKeys`; absent: NOTIMP. */
  readonly transfer?: TransferOptions
  /** RFC 2136 UPDATE with TSIG (see update-server.ts); absent: UPDATE gets NOTIMP. */
  readonly update?: UpdateHandlerOptions
  /** Response-rate limiting of UDP answers (see rrl.ts); absent: unlimited. */
  readonly rrl?: RrlOptions
  /** Called once per answered message with its rcode (for metrics); absent: no cost. */
  readonly onAnswer?: (transport: 'udp' | 'tcp', rcode: number) => void
  /** False: TCP only; UDP is read by DNS workers, which hand some queries to `answerUdp`. */
  readonly udp?: boolean
  /** Called when a listener stops serving on its own (its server should then stop). */
  readonly onFailure?: (reason: string) => void
}

/** A running server. */
export interface DnsServer {
  readonly host: string
  /** The port actually bound (UDP and TCP). */
  readonly port: number
  /** Answers a UDP query received elsewhere (by a DNS worker); counted in `onAnswer`. */
  answerUdp(query: Buffer, client: string): Answer | Promise<Answer>
  /** Stops listening and drops open TCP connections. */
  close(): Promise<void>
}

/** Why the server could not start. */
export interface DnsServerError {
  readonly code: 'address-in-use' | 'permission-denied' | 'other'
  readonly message: string
}

// With port 0 the kernel picks a UDP port whose TCP twin may be taken; a few tries suffice.
const PORT_ZERO_ATTEMPTS = 5

/** Binds UDP and TCP and starts answering. */
export async function startDnsServer(
  options: DnsServerOptions,
): Promise<Result<DnsServer, DnsServerError>> {
  const { host, index, logger } = options
  const onError = (where: string) => (e: unknown) => {
    logger?.error({ err: e, errorId: randomUUID(), where }, 'DNS server error')
  }
  const onTcpFailure = (e: unknown): void => {
    onError('tcp socket')(e)
    options.onFailure?.(`DNS TCP listener failed: ${(e as Error).message}`)
  }
  const answer = observed(
    createDispatcher({
      index,
      onError,
      ...(logger === undefined ? {} : { logger }),
      ...(options.transfer === undefined ? {} : { transfer: options.transfer }),
      ...(options.update === undefined ? {} : { update: options.update }),
    }),
    options.onAnswer,
  )
  if (options.udp === false) return listenTcpOnly(options, answer, onTcpFailure)
  for (let attempt = 1; ; attempt++) {
    const answerUdp = answer('udp')
    const rrl = options.rrl === undefined ? null : createRrl(options.rrl)
    const onUdpError = onError('udp')
    // The hot path of every query: no closure per query (sendUdp: no send callback either).
    const onUdp: UdpHandler = (message, peer, socket) => {
      try {
        const answer = answerUdp(message, peer.address)
        if (answer instanceof Promise)
          answer.then((a) => {
            sendUdp(socket, peer, a?.[0])
          }, onUdpError)
        else sendUdp(socket, peer, answer?.[0])
      } catch (e) {
        onUdpError(e)
      }
    }
    const bound = await bindUdp(host, options.port, limitUdp(rrl, onUdp))
    if (!bound.ok) return err(describe(bound.error, host, options.port))
    const udp = bound.value
    udp.on('error', onError('udp socket'))
    const port = udp.address().port
    const tcp = createTcpListener({
      answer: answer('tcp'),
      idleTimeoutMs: options.tcpIdleTimeoutMs ?? 10_000,
      maxConnections: options.maxTcpConnections ?? 100,
    })
    const listened = await listenTcp(tcp, host, port, onTcpFailure)
    if (listened.ok) {
      logger?.info({ host, port }, 'DNS server listening (UDP and TCP)')
      return ok(running(host, port, udp, tcp, answer('udp')))
    }
    await closeUdp(udp)
    const retry = options.port === 0 && listened.error.code === 'EADDRINUSE'
    if (!retry || attempt >= PORT_ZERO_ATTEMPTS) return err(describe(listened.error, host, port))
  }
}

// The server without a UDP socket of its own (`dns.workers`): TCP on the port asked for.
async function listenTcpOnly(
  options: DnsServerOptions,
  answer: Handler,
  onTcpFailure: (e: unknown) => void,
): Promise<Result<DnsServer, DnsServerError>> {
  const { host, port } = options
  const tcp = createTcpListener({
    answer: answer('tcp'),
    idleTimeoutMs: options.tcpIdleTimeoutMs ?? 10_000,
    maxConnections: options.maxTcpConnections ?? 100,
  })
  const listened = await listenTcp(tcp, host, port, onTcpFailure)
  if (!listened.ok) return err(describe(listened.error, host, port))
  const bound = tcp.server.address()
  const actual = typeof bound === 'object' && bound !== null ? bound.port : port
  options.logger?.info({ host, port: actual }, 'DNS server listening (TCP; UDP in the workers)')
  return ok(running(host, actual, null, tcp, answer('udp')))
}

function running(
  host: string,
  port: number,
  udp: UdpSocket | null,
  tcp: TcpListener,
  answerUdp: DnsServer['answerUdp'],
): DnsServer {
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    for (const socket of tcp.sockets) socket.destroy()
    await Promise.all([
      udp === null ? undefined : closeUdp(udp),
      new Promise<void>((resolve) => {
        tcp.server.close(() => {
          resolve()
        })
      }),
    ])
  }
  return {
    host,
    port,
    answerUdp,
    close: () => (closing ??= close()),
  }
}

function describe(e: NodeJS.ErrnoException, host: string, port: number): DnsServerError {
  const where = `${isIPv6(host) ? `[${host}]` : host}:${port}`
  if (e.code === 'EADDRINUSE') {
    return {
      code: 'address-in-use',
      message: `DNS port ${where} is already in use (is systemd-resolved or another DNS server running?)`,
    }
  }
  if (e.code === 'EACCES' || e.code === 'EPERM') {
    return {
      code: 'permission-denied',
      message: `no permission to bind DNS port ${where} (ports below 1024 need root, CAP_NET_BIND_SERVICE or a lower net.ipv4.ip_unprivileged_port_start)`,
    }
  }
  if (e.code === 'EADDRNOTAVAIL') {
    return {
      code: 'other',
      message: `cannot bind DNS port ${where}: no such address on this machine`,
    }
  }
  return { code: 'other', message: `cannot bind DNS port ${where}: ${e.message}` }
}

type Handler = (
  transport: 'udp' | 'tcp',
) => (query: Buffer, client: string) => Answer | Promise<Answer>

// Reports the rcode of each answer's first message (header octet 3, low nibble).
function observed(handler: Handler, onAnswer: DnsServerOptions['onAnswer']): Handler {
  if (onAnswer === undefined) return handler
  return (transport) => {
    const inner = handler(transport)
    const count = (answer: Answer): Answer => {
      const first = answer?.[0]
      if (first !== undefined && first.length >= 4) onAnswer(transport, (first[3] ?? 0) & 0x0f)
      return answer
    }
    return (query, client) => {
      const answer = inner(query, client)
      return answer instanceof Promise ? answer.then(count) : count(answer)
    }
  }
}

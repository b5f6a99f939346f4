/**
 * The client address of a request. Exactly one forwarding header is read, the one named by
 * `http.proxy_header` (`X-Forwarded-For` by default, `X-Real-IP`, or RFC 7239 `Forwarded`),
 * and only when the socket peer is a trusted proxy: the header is walked from the right
 * through trusted proxies (proxy-addr does the walk, as it does for Fastify's `trustProxy`),
 * and the first hop that is not a trusted proxy is the client. A hop that is no address
 * falls back to the socket peer. Reading one header matters: a proxy that appends to
 * `X-Forwarded-For` passes a client's own `Forwarded` through untouched, so a second header
 * would let the client choose its address.
 */
import proxyaddr from '@fastify/proxy-addr'
import { lru } from '../core/lru.ts'
import { parseIp, type IpAddress } from '../core/addresses/addresses.ts'

/** The forwarding headers `http.proxy_header` may name. */
export const PROXY_HEADERS = ['X-Forwarded-For', 'X-Real-IP', 'Forwarded'] as const
/** One forwarding header. */
export type ProxyHeader = (typeof PROXY_HEADERS)[number]

type Headers = Readonly<Record<string, string | string[] | undefined>>

/** The parts of a request the address comes from. */
export interface PeerRequest {
  readonly socket: { readonly remoteAddress?: string | undefined }
  readonly headers: Headers
}

/** How client addresses are found. */
export interface ClientIpOptions {
  /** The one header that names the client. */
  readonly header: ProxyHeader
  /** Proxies (CIDR ranges or addresses) whose header is believed. */
  readonly trusted: readonly string[]
  /**
   * Called when a loopback peer that is not trusted sends a forwarding header: a reverse
   * proxy on this host that `http.trusted_proxies` does not name (every client then looks
   * like the host itself). `header` is the header's name, never its value.
   */
  readonly onUntrustedProxy?: (peer: string, header: string) => void
  /** Milliseconds since the epoch, for spacing those calls (at most one an hour). */
  readonly now?: () => number
}

/** Resolves a request's client address. */
export type ClientIp = (req: PeerRequest) => IpAddress

// proxy-addr through the minimal shape it reads: the peer and an `X-Forwarded-For` list.
type Walk = (
  req: { headers: { 'x-forwarded-for': string }; socket: { remoteAddress: string } },
  trust: (addr: string, i: number) => boolean,
) => string
const walk = proxyaddr as unknown as Walk

const FORWARDING = ['x-forwarded-for', 'x-real-ip', 'forwarded'] as const
const WARN_EVERY_MS = 3_600_000

/** Builds the resolver once (the trusted ranges compiled). */
export function createClientIp(options: ClientIpOptions): ClientIp {
  const trust = proxyaddr.compile([...options.trusted])
  const name = options.header.toLowerCase()
  const hops = name === 'forwarded' ? forwardedHops : (v: string) => v
  const now = options.now ?? Date.now
  let warnedAt = -Infinity
  const warn = (peer: IpAddress, req: PeerRequest): void => {
    if (options.onUntrustedProxy === undefined || !isLoopback(peer)) return
    const sent = FORWARDING.find((h) => req.headers[h] !== undefined)
    if (sent === undefined || now() - warnedAt < WARN_EVERY_MS) return
    warnedAt = now()
    options.onUntrustedProxy(peer.text, sent)
  }
  return (req) => {
    const peer = req.socket.remoteAddress
    if (peer === undefined) return UNKNOWN
    const socketIp = peerAddress(peer)
    if (!trust(socketIp.text, 0)) {
      warn(socketIp, req)
      return socketIp
    }
    const value = header(req.headers, name)
    if (value === '') return socketIp
    const client = parseIp(
      walk(
        { headers: { 'x-forwarded-for': hops(value) }, socket: { remoteAddress: socketIp.text } },
        trust,
      ),
    )
    return client.ok ? client.value : socketIp
  }
}

const UNKNOWN: IpAddress = Object.freeze({ family: 4, text: '0.0.0.0' })

/** How many socket peers are remembered (the least recently seen goes first). */
export const MAX_PEERS = 4096

// Peers parsed before: a router's pings come from a few addresses, and the same address
// object lets each range check reuse its parse (addresses.ts).
const peers = lru<string, IpAddress>(MAX_PEERS)

function peerAddress(peer: string): IpAddress {
  const known = peers.get(peer)
  if (known !== undefined) return known
  const parsed = parseIp(peer)
  const ip: IpAddress = parsed.ok ? Object.freeze(parsed.value) : UNKNOWN
  peers.set(peer, ip)
  return ip
}

function isLoopback(ip: IpAddress): boolean {
  return ip.family === 4 ? ip.text.startsWith('127.') : ip.text === '::1'
}

// A header sent twice counts as one list, as RFC 9110 §5.3 combines field lines.
function header(headers: Headers, name: string): string {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

// RFC 7239 §4: the `for=` node of each element, as an X-Forwarded-For style list. An element
// without `for=` keeps its place (as `unknown`) so the walk cannot skip over it.
function forwardedHops(value: string): string {
  const hops: string[] = []
  for (const element of value.split(',')) {
    const pair = element
      .split(';')
      .map((p) => p.trim())
      .find((p) => p.toLowerCase().startsWith('for='))
    hops.push(pair === undefined ? 'unknown' : stripNode(pair.slice(4).replace(/^"|"$/g, '')))
  }
  return hops.join(',')
}

// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1` (RFC 7239 §6).
function stripNode(node: string): string {
  if (node.startsWith('[')) return node.slice(1, node.indexOf(']'))
  const colon = node.indexOf(':')
  return colon !== -1 && node.indexOf(':', colon + 1) === -1 ? node.slice(0, colon) : node
}

/**
 * The client address of a request: the socket peer, unless the peer is a trusted proxy;
 * then the rightmost address in `X-Forwarded-For` (or RFC 7239 `Forwarded: for=`) that is
 * not itself a trusted proxy. Headers from untrusted peers are ignored, so a client cannot
 * claim another address by sending them.
 */
import { parseIp, type Cidr, type IpAddress } from '../core/addresses.ts'

/** Resolves the client address. */
export function clientAddress(
  peer: string | undefined,
  headers: Readonly<Record<string, string | string[] | undefined>>,
  trusted: readonly Cidr[],
): IpAddress {
  const socketIp = peerAddress(peer ?? '')
  if (!isTrusted(socketIp, trusted)) return socketIp
  const hops = forwardedHops(headers)
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = parseIp(hops[i] ?? '')
    if (!hop.ok) return socketIp
    if (!isTrusted(hop.value, trusted)) return hop.value
  }
  return socketIp
}

// Peers parsed before: a router's pings come from a few addresses, and the same address
// object lets each range check reuse its parse (addresses.ts). Bounded: cleared when full.
const peers = new Map<string, IpAddress>()
const MAX_PEERS = 4096

function peerAddress(peer: string): IpAddress {
  const known = peers.get(peer)
  if (known !== undefined) return known
  const parsed = parseIp(peer)
  const ip: IpAddress = Object.freeze(parsed.ok ? parsed.value : { family: 4, text: '0.0.0.0' })
  if (peers.size >= MAX_PEERS) peers.clear()
  peers.set(peer, ip)
  return ip
}

function isTrusted(ip: IpAddress, trusted: readonly Cidr[]): boolean {
  return trusted.some((c) => c.contains(ip))
}

function header(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  name: string,
): string {
  const v = headers[name]
  return Array.isArray(v) ? v.join(',') : (v ?? '')
}

// RFC 7239 first; X-Forwarded-For when absent.
function forwardedHops(headers: Readonly<Record<string, string | string[] | undefined>>): string[] {
  const forwarded = header(headers, 'forwarded')
  if (forwarded !== '') {
    const hops: string[] = []
    for (const element of forwarded.split(',')) {
      const pair = element
        .split(';')
        .map((p) => p.trim())
        .find((p) => p.toLowerCase().startsWith('for='))
      if (pair === undefined) continue
      hops.push(stripNode(pair.slice(4).replace(/^"|"$/g, '')))
    }
    return hops
  }
  return header(headers, 'x-forwarded-for')
    .split(',')
    .map((h) => h.trim())
    .filter((h) => h !== '')
}

// `[2001:db8::1]:4711` → `2001:db8::1`; `192.0.2.1:80` → `192.0.2.1`.
function stripNode(node: string): string {
  if (node.startsWith('[')) return node.slice(1, node.indexOf(']'))
  const colon = node.indexOf(':')
  return colon !== -1 && node.indexOf(':', colon + 1) === -1 ? node.slice(0, colon) : node
}

/**
 * Response-rate limiting (RRL) for UDP answers, against reflection and amplification: a
 * spoofed-source flood makes a DNS server bombard its victim with answers, so answers to
 * one client prefix are capped, the way BIND's and NSD's `rate-limit` do it.
 *
 * - Clients are grouped by prefix: the /24 of an IPv4 address, the /56 of an IPv6 address
 *   (one site), so rotating addresses inside a victim's network buys nothing.
 * - Each prefix has a token bucket of `responsesPerSecond` tokens, refilled continuously;
 *   a burst of one second's worth passes.
 * - Over the limit, every `slip`-th answer is replaced by a truncated one (header and
 *   question, TC=1, RFC 1035 §4.1.1): no larger than the query, so no amplification, and
 *   a real resolver behind a spoofed-upon prefix retries over TCP, which cannot be spoofed
 *   and is not limited. The rest are dropped. `slip` 0 drops all; 1 truncates all.
 *
 * Not implemented: BIND's separate buckets per (prefix, qname, rcode) and its
 * `log-only` mode; all answers to a prefix share one bucket. TCP is never limited here
 * (its connections are capped by the TCP listener).
 *
 * Its two bounded maps are plain `Map`s, not the `lru-cache` every other bounded cache uses:
 * `check` runs per UDP query, and under the flood it exists for every query is a new prefix.
 * Measured with both in one process, alternating, 20 runs of 200,000 checks (2026-12-07,
 * 2-core VM, fastest and median run, ns per check): a hot set of 1,000 addresses 53/151
 * here, 132/418 with `lru-cache`; a flood of unique addresses 3,638/5,089 here,
 * 5,818/7,768 with `lru-cache` (one eviction per check, where these maps drop a tenth at a
 * time or start over). `npm run bench:caches` gives the per-check figures of this code.
 */

import type { RemoteInfo, Socket } from 'node:dgram'
import { parseIp, type Cidr } from '../../core/addresses/addresses.ts'
import { sendUdp } from '../udp-listener.ts'

/** How answers are limited. */
export interface RrlOptions {
  /** Answers per second per client prefix; a burst of this many passes at once. */
  readonly responsesPerSecond: number
  /** Every slip-th limited answer goes out truncated (TC=1); 0: drop all limited answers. */
  readonly slip: number
  /** Seconds since some fixed point (injected for tests); default `performance.now()`. */
  readonly now?: () => number
  /** Most prefixes tracked at once; the oldest are forgotten beyond it (default 100,000). */
  readonly maxPrefixes?: number
  /** Clients never limited (loopback cannot be spoofed from outside). */
  readonly exempt?: readonly Cidr[]
}

/** What to do with one answer. */
export type RrlVerdict = 'send' | 'slip' | 'drop'

/** A response-rate limiter: one `check` per UDP answer. */
export interface Rrl {
  check(address: string): RrlVerdict
  /** Counts since start, for tests and metrics. */
  readonly counts: { slipped: number; dropped: number }
  /** How many prefixes and addresses are held now (for tests: both stay bounded). */
  held(): { readonly prefixes: number; readonly addresses: number }
}

interface Bucket {
  tokens: number
  last: number
  limited: number
}

/** Creates a limiter. */
export function createRrl(options: RrlOptions): Rrl {
  const rate = options.responsesPerSecond
  const now = options.now ?? (() => performance.now() / 1000)
  const maxPrefixes = options.maxPrefixes ?? 100_000
  const buckets = new Map<string, Bucket>()
  const counts = { slipped: 0, dropped: 0 }
  const known = new Map<string, string | null>()
  const keyOf = prefixKeys(options.exempt ?? [], maxPrefixes, known)
  const check = (address: string): RrlVerdict => {
    const key = keyOf(address)
    if (key === null) return 'send'
    const t = now()
    let b = buckets.get(key)
    if (b === undefined) {
      if (buckets.size >= maxPrefixes) forgetOldest(buckets, maxPrefixes)
      b = { tokens: rate, last: t, limited: 0 }
      buckets.set(key, b)
    } else {
      b.tokens = Math.min(rate, b.tokens + (t - b.last) * rate)
      b.last = t
    }
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 'send'
    }
    b.limited++
    if (options.slip > 0 && b.limited % options.slip === 0) {
      counts.slipped++
      return 'slip'
    }
    counts.dropped++
    return 'drop'
  }
  const held = () => ({ prefixes: buckets.size, addresses: known.size })
  return { check, counts, held }
}

// An address's prefix key, or null when it is exempt. Parsing an IPv6 address or matching
// CIDRs per datagram would cost more than the limiter itself, so each address is worked
// out once and remembered (up to `max` addresses; then the memory starts over).
function prefixKeys(
  cidrs: readonly Cidr[],
  max: number,
  known: Map<string, string | null>,
): (address: string) => string | null {
  return (address) => {
    let key = known.get(address)
    if (key === undefined) {
      const ip = cidrs.length === 0 ? undefined : parseIp(address)
      const exempt = ip?.ok === true && cidrs.some((c) => c.contains(ip.value))
      key = exempt ? null : prefixKey(address)
      if (known.size >= max) known.clear()
      known.set(address, key)
    }
    return key
  }
}

// Map iteration follows insertion order: the first entries are the longest-known prefixes.
function forgetOldest(buckets: Map<string, Bucket>, max: number): void {
  let drop = Math.max(1, Math.floor(max / 10))
  for (const key of buckets.keys()) {
    if (drop-- <= 0) break
    buckets.delete(key)
  }
}

/** The /24 (IPv4, IPv4-mapped included) or /56 (IPv6) an address belongs to, as a key. */
export function prefixKey(address: string): string {
  if (address.includes('.')) {
    const v4 = address.slice(address.lastIndexOf(':') + 1)
    return v4.slice(0, v4.lastIndexOf('.'))
  }
  const bare = address.includes('%') ? address.slice(0, address.indexOf('%')) : address
  const gap = bare.indexOf('::')
  const head = gap < 0 ? bare.split(':') : bare.slice(0, gap).split(':').filter(nonEmpty)
  const tail =
    gap < 0
      ? []
      : bare
          .slice(gap + 2)
          .split(':')
          .filter(nonEmpty)
  const groups = [
    ...head,
    ...Array<string>(Math.max(0, 8 - head.length - tail.length)).fill('0'),
    ...tail,
  ]
  const g = (i: number): number => parseInt(groups[i] ?? '0', 16) || 0
  return `${g(0).toString(16)}:${g(1).toString(16)}:${g(2).toString(16)}:${(g(3) >> 8).toString(16)}/56`
}

function nonEmpty(s: string): boolean {
  return s !== ''
}

/**
 * The truncated answer to `query`: its header and question with QR and TC set, no records.
 * Undefined when the query is not one to answer (a response, or a malformed question).
 */
export function truncatedAnswer(query: Buffer): Buffer | undefined {
  if (query.length < 12 || ((query[2] ?? 0) & 0x80) !== 0) return undefined
  const qdcount = query.readUInt16BE(4)
  let end = 12
  if (qdcount > 0) {
    for (let len = query[end] ?? -1; len !== 0; len = query[end] ?? -1) {
      // Queries never compress their question; anything else is not worth an answer.
      if (len < 0 || len > 63) return undefined
      end += 1 + len
    }
    end += 1 + 4
    if (end > query.length) return undefined
  }
  const reply = Buffer.from(query.subarray(0, end))
  // QR, the query's opcode and RD kept, TC set; AA, RA and the rcode cleared.
  reply[2] = 0x80 | ((query[2] ?? 0) & 0x79) | 0x02
  reply[3] = 0
  reply.writeUInt16BE(qdcount > 0 ? 1 : 0, 4)
  reply.fill(0, 6, 12)
  return reply
}

/** The UDP message handler's shape (see udp-listener.ts). */
export type UdpHandler = (message: Buffer, peer: RemoteInfo, socket: Socket) => void

/**
 * Puts the limiter in front of a UDP handler: a limited query is not even answered (no
 * work spent on it), only dropped or slipped. Without a limiter the handler is returned as is.
 */
export function limitUdp(rrl: Rrl | null, handler: UdpHandler): UdpHandler {
  if (rrl === null) return handler
  return (message, peer, socket) => {
    const verdict = rrl.check(peer.address)
    if (verdict === 'send') {
      handler(message, peer, socket)
      return
    }
    sendUdp(socket, peer, verdict === 'slip' ? truncatedAnswer(message) : undefined)
  }
}

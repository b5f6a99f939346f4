/**
 * The special-purpose address ranges a public zone refuses: IANA's IPv4 and IPv6
 * Special-Purpose Address Registries (RFC 6890 and the RFCs each row cites), plus the
 * multicast and reserved blocks. One table; each row cites its RFC.
 *
 * IPv6 ranges that carry an IPv4 address are judged by that address: a NAT64 (RFC 6052) or
 * 6to4 (RFC 3056) address of a private IPv4 host is exactly as unreachable as the host, and
 * RFC 6052 §3.1 forbids the well-known prefix for non-global IPv4. One of a public IPv4 host
 * is a working address and passes. The IPv4-mapped form (RFC 4291 §2.5.5.2) is judged the same
 * way; addresses.ts already reads `::ffff:a.b.c.d` as the IPv4 it maps. IPv4-translated
 * (`::ffff:0:a.b.c.d`, RFC 6145 §2.1 / RFC 7915), IPv4-compatible (`::a.b.c.d`, deprecated
 * by RFC 4291 §2.5.5.1) and local-use NAT64 (RFC 8215) addresses are refused outright: they
 * only mean something inside one translator or network, never in public DNS.
 */
import ipaddr from 'ipaddr.js'
import type { IpAddress } from './addresses.ts'

/** Where an IPv6 range carries an IPv4 address: its last 32 bits, or bits 16..47 (6to4). */
type Embedding = 'low32' | '6to4'

/** One special-purpose range: the word a refusal uses and the RFC that defines it. */
interface SpecialRange {
  readonly range: string
  readonly kind: string
  readonly rfc: string
  /** Judge by the IPv4 address inside instead of refusing. */
  readonly embeds?: Embedding
}

/** The table. More specific ranges may follow wider ones: the longest prefix wins. */
export const SPECIAL_RANGES: readonly SpecialRange[] = [
  { range: '0.0.0.0/8', kind: 'unspecified', rfc: 'RFC 791 §3.2, RFC 6890' },
  { range: '10.0.0.0/8', kind: 'private', rfc: 'RFC 1918' },
  { range: '100.64.0.0/10', kind: 'CGNAT shared', rfc: 'RFC 6598' },
  { range: '127.0.0.0/8', kind: 'loopback', rfc: 'RFC 1122 §3.2.1.3' },
  { range: '169.254.0.0/16', kind: 'link-local', rfc: 'RFC 3927' },
  { range: '172.16.0.0/12', kind: 'private', rfc: 'RFC 1918' },
  { range: '192.0.0.0/24', kind: 'reserved', rfc: 'RFC 6890 §2.2.2' },
  { range: '192.0.2.0/24', kind: 'documentation', rfc: 'RFC 5737' },
  { range: '192.88.99.0/24', kind: '6to4 relay anycast', rfc: 'RFC 7526' },
  { range: '192.168.0.0/16', kind: 'private', rfc: 'RFC 1918' },
  { range: '198.18.0.0/15', kind: 'benchmarking', rfc: 'RFC 2544' },
  { range: '198.51.100.0/24', kind: 'documentation', rfc: 'RFC 5737' },
  { range: '203.0.113.0/24', kind: 'documentation', rfc: 'RFC 5737' },
  { range: '224.0.0.0/4', kind: 'multicast', rfc: 'RFC 5771' },
  { range: '240.0.0.0/4', kind: 'reserved', rfc: 'RFC 1112 §4' },
  { range: '::/128', kind: 'unspecified', rfc: 'RFC 4291 §2.5.2' },
  { range: '::1/128', kind: 'loopback', rfc: 'RFC 4291 §2.5.3' },
  { range: '::/96', kind: 'IPv4-compatible (deprecated)', rfc: 'RFC 4291 §2.5.5.1' },
  { range: '::ffff:0:0/96', kind: 'IPv4-mapped', rfc: 'RFC 4291 §2.5.5.2', embeds: 'low32' },
  { range: '::ffff:0:0:0/96', kind: 'IPv4-translated', rfc: 'RFC 6145 §2.1, RFC 7915' },
  { range: '64:ff9b::/96', kind: 'NAT64', rfc: 'RFC 6052 §2.1', embeds: 'low32' },
  { range: '64:ff9b:1::/48', kind: 'local-use NAT64', rfc: 'RFC 8215' },
  { range: '100::/64', kind: 'discard-only', rfc: 'RFC 6666' },
  { range: '2001:db8::/32', kind: 'documentation', rfc: 'RFC 3849' },
  { range: '2002::/16', kind: '6to4', rfc: 'RFC 3056 §2', embeds: '6to4' },
  { range: '3fff::/20', kind: 'documentation', rfc: 'RFC 9637' },
  { range: 'fc00::/7', kind: 'unique local', rfc: 'RFC 4193' },
  { range: 'fe80::/10', kind: 'link-local', rfc: 'RFC 4291 §2.5.6' },
  { range: 'fec0::/10', kind: 'site-local', rfc: 'RFC 3879' },
  { range: 'ff00::/8', kind: 'multicast', rfc: 'RFC 4291 §2.7' },
]

interface Compiled {
  readonly net: [ipaddr.IPv4 | ipaddr.IPv6, number]
  readonly row: SpecialRange
}

// Longest prefix first, so `::1/128` is found before `::/96`.
const COMPILED: readonly Compiled[] = SPECIAL_RANGES.map((row) => ({
  net: ipaddr.parseCIDR(row.range),
  row,
})).sort((a, b) => b.net[1] - a.net[1])

/** The special-use kind of an address ("private", "private (NAT64 of 10.0.0.1)"…), or undefined. */
export function specialUse(address: IpAddress): string | undefined {
  return classify(ipaddr.parse(address.text))
}

function classify(ip: ipaddr.IPv4 | ipaddr.IPv6): string | undefined {
  const hit = COMPILED.find((c) => c.net[0].kind() === ip.kind() && ip.match(c.net))
  if (hit === undefined) return undefined
  const embeds = hit.row.embeds
  if (embeds === undefined || !(ip instanceof ipaddr.IPv6)) return hit.row.kind
  const bytes = ip.toByteArray()
  const at = embeds === 'low32' ? 12 : 2
  const inner = new ipaddr.IPv4(bytes.slice(at, at + 4))
  const innerKind = classify(inner)
  return innerKind === undefined
    ? undefined
    : `${innerKind} (${hit.row.kind} of ${inner.toString()})`
}

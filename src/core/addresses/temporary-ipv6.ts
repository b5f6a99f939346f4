/**
 * Temporary (privacy) IPv6 addresses, RFC 8981: a client that publishes the address its
 * operating system made for outgoing connections gets a new random interface identifier in
 * the same /64 every day or so, so the name keeps pointing at an address that is about to be
 * dropped. Seen here as several different addresses of one /64 within a day. The fix is on
 * the client (a stable address: EUI-64 or RFC 7217 stable-privacy) or a prefix group, which
 * publishes the prefix the router sends with a fixed interface identifier per host.
 */
import { networkOf } from './ipv6-prefix.ts'

/** Different addresses of one /64 within the window that make a warning. */
export const TEMPORARY_IPV6_COUNT = 3
/** The window, in hours. */
export const TEMPORARY_IPV6_HOURS = 24

/** What the warning says: the /64 and the addresses seen in it. */
export interface TemporaryIpv6 {
  readonly prefix: string
  readonly addresses: readonly string[]
}

/** The /64 with `TEMPORARY_IPV6_COUNT` or more different addresses within the window, if any. */
export function temporaryIpv6(
  seen: readonly { readonly at: string; readonly ipv6: string }[],
  now: Date,
): TemporaryIpv6 | undefined {
  const since = now.getTime() - TEMPORARY_IPV6_HOURS * 3600_000
  const byPrefix = new Map<string, Set<string>>()
  for (const s of seen) {
    if (Date.parse(s.at) < since) continue
    const net = networkOf({ family: 6, text: s.ipv6 }, 64)
    if (!net.ok) continue
    const set = byPrefix.get(net.value) ?? new Set<string>()
    set.add(s.ipv6)
    byPrefix.set(net.value, set)
  }
  for (const [net, addresses] of byPrefix) {
    if (addresses.size >= TEMPORARY_IPV6_COUNT)
      return { prefix: `${net}/64`, addresses: [...addresses] }
  }
  return undefined
}

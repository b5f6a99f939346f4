/**
 * The IPv6 addresses each host was last changed to, within the temporary-address window,
 * held in memory (bounded: `lru`, at most 10 per host) so a change can be checked against
 * the ones before it (`src/core/addresses/temporary-ipv6.ts`) without reading the history.
 */
import type { LRUCache } from 'lru-cache'
import {
  temporaryIpv6,
  TEMPORARY_IPV6_HOURS,
  type TemporaryIpv6,
} from '../core/addresses/temporary-ipv6.ts'
import { lru } from '../core/lru.ts'
import type { HostChangedEvent } from '../core/ports.ts'

type Seen = readonly { readonly at: string; readonly ipv6: string }[]

/** Recent IPv6 addresses per host. */
export class TemporaryIpv6Watch {
  readonly #seen: LRUCache<number, Seen>

  constructor(maxHosts = 10_000) {
    this.#seen = lru(maxHosts)
  }

  /** Takes one change; returns the warning when the host now shows temporary addresses. */
  add(event: HostChangedEvent): TemporaryIpv6 | undefined {
    if (event.newIpv6 === null || event.newIpv6 === event.oldIpv6) return undefined
    const since = Date.parse(event.at) - TEMPORARY_IPV6_HOURS * 3600_000
    const before = (this.#seen.get(event.hostId) ?? []).filter((s) => Date.parse(s.at) >= since)
    const seen = [...before, { at: event.at, ipv6: event.newIpv6 }].slice(-10)
    this.#seen.set(event.hostId, seen)
    return temporaryIpv6(seen, new Date(event.at))
  }
}

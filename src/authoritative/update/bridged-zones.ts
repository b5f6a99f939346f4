/**
 * Zones dynzone takes UPDATEs for but does not serve itself (their backend is another
 * nameserver or a provider's API: UPDATE as a bridge). Every UPDATE client first asks the
 * server it sends to for the zone's SOA (`nsupdate` and `knsupdate` without `zone`,
 * certbot-dns-rfc2136 walking up the labels until an authoritative SOA answer), so a signed
 * SOA query for such a zone gets the SOA dynzone publishes: at the apex the SOA, below it
 * NODATA with the SOA in the authority section. Nothing else is answered for these zones
 * (REFUSED, as before: their public servers answer them), and unsigned queries never are.
 */
import { RRType } from '../../dns/constants.ts'
import type { Fqdn } from '../../core/names.ts'
import type { ZoneHead } from '../../core/records.ts'
import { ZoneIndex, type LookupResult, type ZoneLookup } from '../index/zone-index.ts'

/** The apex data of every bridged zone, kept at the serial last published. */
export class BridgedZones {
  readonly #heads = new ZoneIndex()
  readonly #names = new Set<Fqdn>()

  /** Sets (or replaces) a bridged zone's apex data. */
  set(head: ZoneHead): void {
    this.#names.add(head.name)
    this.#heads.load({ ...head, records: [] })
  }

  /** True when `zone` is bridged. */
  has(zone: Fqdn): boolean {
    return this.#names.has(zone)
  }

  /** `index` for everything, and this zone's SOA for SOA queries the index refuses. */
  over(index: ZoneLookup): ZoneLookup {
    return {
      lookup: (qname, qtype, client): LookupResult => {
        const served = index.lookup(qname, qtype, client)
        if (served.kind !== 'refused' || qtype !== RRType.SOA) return served
        const head = this.#heads.lookup(qname, qtype)
        // Only the apex is known here: any other name is NODATA (an SOA lives at the apex only).
        return head.kind === 'nxdomain' ? { ...head, kind: 'nodata' } : head
      },
    }
  }
}

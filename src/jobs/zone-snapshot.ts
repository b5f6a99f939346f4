/** A zone as the store holds it plus its apex data from the config, for `backend.load`. */
import { nsAddressRecords, type NsAddress } from '../authoritative/index/ns-addresses.ts'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet, ZoneHead, ZoneSnapshot } from '../core/records.ts'
import type { StoreZone } from '../store/update-store.ts'

/** Apex data of a zone, from the config. */
export interface ZoneApex {
  readonly zone: StoreZone
  readonly ns: readonly Fqdn[]
  readonly rname: Fqdn
  readonly refresh: number
  readonly retry: number
  readonly expire: number
  readonly minimum: number
  /** `ns_addresses`: A/AAAA of in-zone name servers, added to every snapshot. */
  readonly nsAddresses?: readonly NsAddress[]
}

/** The snapshot a backend loads: the store's RRsets at `serial` under the configured apex. */
export function snapshot(
  apex: ZoneApex,
  serial: number,
  records: ZoneSnapshot['records'],
): ZoneSnapshot {
  const fill = nsAddressFill(apex)
  // Usually no addresses are configured: then a zone of a million records is not scanned.
  if (fill.wanted) for (const r of records) fill.see(r)
  return { ...zoneHead(apex, serial), records: [...records, ...fill.rest()] }
}

/** The apex data of a zone at `serial`, from the config. */
export function zoneHead(apex: ZoneApex, serial: number): ZoneHead {
  const mname = apex.ns[0] ?? apex.zone.name
  return {
    name: apex.zone.name,
    ttl: apex.zone.ttl,
    soa: {
      mname,
      rname: apex.rname,
      serial,
      refresh: apex.refresh,
      retry: apex.retry,
      expire: apex.expire,
      minimum: apex.minimum,
    },
    ns: apex.ns,
  }
}

/** The configured `ns_addresses` RRsets the store's records did not already give. */
export interface NsAddressFill {
  /** False when no addresses are configured (then `see` need not be called). */
  readonly wanted: boolean
  /** Notes one RRset of the store's. */
  see(set: RecordSet): void
  /** The configured RRsets not seen. */
  rest(): RecordSet[]
}

/**
 * A host at a name server's name owns its A/AAAA (the store's records win, and resync
 * manages them); otherwise the configured addresses fill in.
 */
export function nsAddressFill(apex: ZoneApex): NsAddressFill {
  const configured = nsAddressRecords(apex.zone.name, apex.nsAddresses ?? [], apex.zone.ttl)
  const wanted = new Set(configured.map((r) => `${r.name} ${r.type}`))
  const taken = new Set<string>()
  return {
    wanted: wanted.size > 0,
    see: (set) => {
      const key = `${set.name} ${set.type}`
      if (wanted.has(key)) taken.add(key)
    },
    rest: () => configured.filter((r) => !taken.has(`${r.name} ${r.type}`)),
  }
}

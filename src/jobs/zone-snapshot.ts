/** A zone as the store holds it plus its apex data from the config, for `backend.load`. */
import { nsAddressRecords, type NsAddress } from '../authoritative/ns-addresses.ts'
import type { Fqdn } from '../core/names.ts'
import type { ZoneSnapshot } from '../core/records.ts'
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
    records: [...records, ...nsRecords(apex, records)],
  }
}

// A host at a name server's name owns its A/AAAA (the store's records win, and resync
// manages them); otherwise the configured addresses fill in.
function nsRecords(apex: ZoneApex, records: ZoneSnapshot['records']): ZoneSnapshot['records'] {
  const configured = nsAddressRecords(apex.zone.name, apex.nsAddresses ?? [], apex.zone.ttl)
  // Usually none: then a zone of a million records is not scanned at all.
  if (configured.length === 0) return []
  const wanted = new Set(configured.map((r) => `${r.name} ${r.type}`))
  const taken = new Set<string>()
  for (const r of records) {
    const key = `${r.name} ${r.type}`
    if (wanted.has(key)) taken.add(key)
  }
  return configured.filter((r) => !taken.has(`${r.name} ${r.type}`))
}

/**
 * The zone rules and the value codec of this folder behind the core's `ZoneContentRules`
 * port: static records are checked by `checkZoneRules` over the RRsets near an edit, with
 * the apex SOA implied and the apex NS as the config gives them.
 */
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import type { ZoneContentRules } from '../core/zone-records/zone-record-types.ts'
import { RRType, typeCode } from '../dns/constants.ts'
import { nameToWire } from '../dns/name-text.ts'
import { encodeSoaRdata } from '../dns/rdata-encode.ts'
import { canonicalValue, encodeRdata } from './record-value.ts'
import type { RRset } from './rrset.ts'
import { checkZoneRules, formatRuleProblem } from './zone-rules.ts'

/** `checkZoneRules` and `canonicalValue` as the core's port. */
export const zoneContentRules: ZoneContentRules = {
  canonical: canonicalValue,
  problems(zone: Fqdn, apexNs: readonly Fqdn[], rrsets: readonly RecordSet[]): string[] {
    const origin = `${zone}.`
    const sets: RRset[] = [...apex(zone, apexNs)]
    const bad: string[] = []
    for (const set of rrsets) {
      const rdata: Buffer[] = []
      for (const value of set.values) {
        const r = encodeRdata(set.type, value)
        if (r.ok) rdata.push(r.value)
        else bad.push(`${set.name}. ${set.type}: ${r.error.message}`)
      }
      sets.push({ owner: `${set.name}.`, type: typeCode(set.type), ttl: set.ttl, rdata })
    }
    return [...bad, ...checkZoneRules(origin, sets).map(formatRuleProblem)]
  },
}

// The apex as served: an SOA (its fields do not matter to the rules) and the config's NS.
function apex(zone: Fqdn, ns: readonly Fqdn[]): RRset[] {
  const soa = encodeSoaRdata({
    mname: ns[0] ?? zone,
    rname: `hostmaster.${zone}` as Fqdn,
    serial: 1,
    refresh: 3600,
    retry: 600,
    expire: 86400,
    minimum: 60,
  })
  const nsRdata = ns.flatMap((n) => {
    const wire = nameToWire(n)
    return wire.ok ? [wire.value] : []
  })
  const origin = `${zone}.`
  return [
    { owner: origin, type: RRType.SOA, ttl: 3600, rdata: soa.ok ? [soa.value] : [] },
    { owner: origin, type: RRType.NS, ttl: 3600, rdata: nsRdata },
  ]
}

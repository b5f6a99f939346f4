/**
 * The in-memory index of every zone the built-in server answers for. Zones are loaded whole
 * from a `ZoneSnapshot` and then changed in place by `ChangeSet`s (whole RRsets replaced or
 * removed, new SOA serial), so an update is visible to the very next query. Lookups pick the
 * longest matching zone (RFC 1034 §4.3.2 step 2).
 */
import { isInZone, type Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordSet, SoaFields, ZoneSnapshot } from '../core/records.ts'
import { typeCode } from '../dns/constants.ts'
import { err, ok, type Result } from '../core/result.ts'
import { prepareRecordSet, prepareSoa, withTtl, type PreparedRRset } from './prepared-rrset.ts'
import { parentName, ZoneData, type ServedZone, type ZoneAnswer } from './zone-data.ts'

/** What the index says about a query: a zone's answer, or refused (no served zone). */
export type LookupResult =
  (ZoneAnswer & { readonly zone: ServedZone }) | { readonly kind: 'refused' }

/** Why a zone or change was not taken; maps one to one onto `BackendError` codes. */
export interface ZoneIndexError {
  readonly code: 'zone-not-found' | 'invalid-record'
  readonly message: string
}

/** Anything answers can be looked up in (the index, or a fake in tests). */
export interface ZoneLookup {
  lookup(qname: string, qtype: number): LookupResult
}

/** The served zones. */
export class ZoneIndex implements ZoneLookup {
  private readonly zones = new Map<string, ZoneData>()

  /** Loads or replaces a whole zone; on error the previous content stays served. */
  load(snapshot: ZoneSnapshot): Result<void, ZoneIndexError> {
    const zone = snapshot.name.toLowerCase() as Fqdn
    const soa = buildSoa(zone, snapshot.ttl, snapshot.soa)
    if (!soa.ok) return soa
    const data = new ZoneData(zone, soa.value.soa, soa.value.negative, snapshot.soa)
    const apexNs =
      snapshot.ns.length > 0
        ? [{ name: zone, type: 'NS' as const, ttl: snapshot.ttl, values: snapshot.ns }]
        : []
    // Apex NS from `ns` first, so an apex NS RRset in `records` (more specific) wins.
    const records = snapshot.records.filter((s) => s.values.length > 0)
    const prepared = prepareAll(zone, [...apexNs, ...records])
    if (!prepared.ok) return prepared
    for (const rrset of prepared.value) data.put(rrset)
    this.zones.set(zone, data)
    return ok(undefined)
  }

  /** Applies a change in place: removals, then replacements, then the new serial. */
  apply(change: ChangeSet): Result<void, ZoneIndexError> {
    const data = this.zones.get(change.zone.toLowerCase())
    if (data === undefined)
      return err({ code: 'zone-not-found', message: `zone ${change.zone} is not served` })
    // Validate and encode everything first so a bad record leaves the zone untouched.
    const prepared = prepareAll(
      data.name,
      change.replace.filter((s) => s.values.length > 0),
    )
    if (!prepared.ok) return prepared
    const soaFields = { ...data.soaFields, serial: change.serial }
    const soa = buildSoa(data.name, data.soa.ttl, soaFields)
    if (!soa.ok) return soa
    const removals = [...change.remove, ...change.replace.filter((s) => s.values.length === 0)]
    for (const key of removals) {
      const owner = key.name.toLowerCase() as Fqdn
      if (!isInZone(owner, data.name)) return err(outside(key.name, data.name))
    }
    for (const key of removals) data.remove(key.name.toLowerCase(), typeCode(key.type))
    for (const rrset of prepared.value) data.put(rrset)
    data.setSoa(soa.value.soa, soa.value.negative, soaFields)
    return ok(undefined)
  }

  /** Stops serving a zone; false if it was not served. */
  removeZone(name: Fqdn): boolean {
    return this.zones.delete(name.toLowerCase())
  }

  /** Looks up a lowercase name (no trailing dot) in the longest matching served zone. */
  lookup(qname: string, qtype: number): LookupResult {
    for (let n: string | undefined = qname; n !== undefined; n = parentName(n)) {
      const zone = this.zones.get(n)
      if (zone !== undefined) return { ...zone.lookup(qname, qtype), zone }
    }
    return { kind: 'refused' }
  }

  /** The RRsets of a served zone as loaded (apex NS included, SOA not); undefined if not served. */
  read(zone: Fqdn): RecordSet[] | undefined {
    return this.zones.get(zone.toLowerCase())?.recordSets()
  }

  /** The current SOA of a served zone. */
  soa(zone: Fqdn): SoaFields | undefined {
    return this.zones.get(zone.toLowerCase())?.soaFields
  }

  /** Names of the served zones. */
  zoneNames(): Fqdn[] {
    return [...this.zones.keys()] as Fqdn[]
  }
}

function buildSoa(
  zone: Fqdn,
  ttl: number,
  fields: SoaFields,
): Result<{ soa: PreparedRRset; negative: PreparedRRset }, ZoneIndexError> {
  const soa = prepareSoa(zone, ttl, fields)
  if (!soa.ok) return err({ code: 'invalid-record', message: `${zone} SOA: ${soa.error.message}` })
  return ok({ soa: soa.value, negative: withTtl(soa.value, Math.min(ttl, fields.minimum)) })
}

function prepareAll(
  zone: Fqdn,
  sets: readonly RecordSet[],
): Result<PreparedRRset[], ZoneIndexError> {
  const out: PreparedRRset[] = []
  for (const set of sets) {
    if (!isInZone(set.name.toLowerCase() as Fqdn, zone)) return err(outside(set.name, zone))
    const prepared = prepareRecordSet(set)
    if (!prepared.ok) return err({ code: 'invalid-record', message: prepared.error.message })
    out.push(prepared.value)
  }
  return ok(out)
}

function outside(name: string, zone: Fqdn): ZoneIndexError {
  return { code: 'invalid-record', message: `${name} is not inside zone ${zone}` }
}

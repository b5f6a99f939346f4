/**
 * The in-memory index of every zone the built-in server answers for. Zones are loaded whole
 * from a `ZoneSnapshot` and then changed in place by `ChangeSet`s (whole RRsets replaced or
 * removed, new SOA serial), so an update is visible to the very next query. Lookups pick the
 * longest matching zone (RFC 1034 §4.3.2 step 2).
 */
import { isInZone, type Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet, SoaFields, ZoneHead, ZoneSnapshot } from '../../core/records.ts'
import { RRType, typeCode } from '../../dns/constants.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { prepareRecordSet, prepareSoa, withTtl, type PreparedRRset } from './prepared-rrset.ts'
import {
  parentName,
  ZoneData,
  type LanRRsets,
  type ServedZone,
  type ZoneAnswer,
} from './zone-data.ts'
import { rrsetKey, type JournalEntry } from './journal.ts'
import { outside, ZoneLoad, type RecordFeed, type ZoneIndexError } from './zone-load.ts'

/** What the index says about a query: a zone's answer, or refused (no served zone). */
export type LookupResult =
  (ZoneAnswer & { readonly zone: ServedZone }) | { readonly kind: 'refused' }

export type { RecordFeed, ZoneIndexError } from './zone-load.ts'

// Up to this many served zones, the fast path finds the zone by comparing bytes.
const FEW_ZONES = 8

/** Anything answers can be looked up in (the index, or a fake in tests). */
export interface ZoneLookup {
  /** `client`, the querier's IP address, picks LAN addresses (split horizon). */
  lookup(qname: string, qtype: number, client?: string): LookupResult
}

/** One host's LAN addresses (split horizon), as kept in the store. */
export interface LanAddresses {
  readonly name: Fqdn
  readonly ttl: number
  readonly ipv4: string | null
  readonly ipv6: string | null
}

/** Called after a zone's content and serial changed (apply, or a reload at a new serial). */
export type ZoneChangeListener = (zone: ServedZone) => void

/** The served zones. */
export class ZoneIndex implements ZoneLookup {
  private readonly zones = new Map<string, ZoneData>()
  private readonly listeners = new Set<ZoneChangeListener>()

  /** Loads or replaces a whole zone; on error the previous content stays served. */
  load(snapshot: ZoneSnapshot): Result<void, ZoneIndexError> {
    const load = this.beginLoad(snapshot)
    if (!load.ok) return load
    for (const set of snapshot.records) if (!load.value.add(set)) break
    return load.value.finish(snapshot.soa.serial)
  }

  /**
   * Loads or replaces a whole zone fed by `feed` (`head.soa.serial` is not used: the feed's
   * serial is), packing each RRset as it comes; on error the previous content stays served.
   */
  async loadStreamed(head: ZoneHead, feed: RecordFeed): Promise<Result<void, ZoneIndexError>> {
    const load = this.beginLoad(head)
    if (!load.ok) return load
    const serial = await feed((set) => load.value.add(set))
    return load.value.finish(serial)
  }

  /**
   * Starts loading or replacing a whole zone fed one RRset at a time (`head`: its apex data;
   * the serial of the records is given to `finish`); the previous content is served until then.
   */
  beginLoad(head: ZoneHead): Result<ZoneLoad, ZoneIndexError> {
    const zone = head.name.toLowerCase() as Fqdn
    const soa = buildSoa(zone, head.ttl, head.soa)
    if (!soa.ok) return soa
    const journal = this.zones.get(zone)?.journal
    const data = new ZoneData(zone, soa.value.soa, soa.value.negative, head.soa, journal)
    const load = new ZoneLoad(data, (d, serial) => this.install(d, head, serial))
    // Apex NS from `ns` first, so an apex NS RRset in the records (more specific) wins.
    if (head.ns.length > 0) load.add({ name: zone, type: 'NS', ttl: head.ttl, values: head.ns })
    return ok(load)
  }

  // Serves a fully loaded zone in place of the previous one.
  private install(data: ZoneData, head: ZoneHead, serial: number): Result<void, ZoneIndexError> {
    const fields = { ...head.soa, serial }
    const soa = buildSoa(data.name, head.ttl, fields)
    if (!soa.ok) return soa
    data.setSoa(soa.value.soa, soa.value.negative, fields)
    const previous = this.zones.get(data.name)
    // LAN addresses come from their own feed (setLanAddresses) and outlive reloads.
    if (previous !== undefined) data.lan = previous.lan
    const reloaded = previous !== undefined && previous.soaFields.serial !== serial
    // A reload (changes made by another process) is journaled as the difference it makes.
    if (reloaded) data.journal.record(reloadStep(previous, data))
    this.zones.set(data.name, data)
    // A first load is announced too, so secondaries catch up after a restart of dynzone.
    if (reloaded || previous === undefined) this.emit(data)
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
    const before = new Map<string, PreparedRRset | null>()
    const touch = (owner: string, type: number): void => {
      const key = rrsetKey(owner, type)
      if (!before.has(key)) before.set(key, data.get(owner, type) ?? null)
    }
    for (const key of removals) touch(key.name.toLowerCase(), typeCode(key.type))
    for (const rrset of prepared.value) touch(rrset.owner, rrset.type)
    const last = { serial: data.soaFields.serial, soa: data.soa }
    for (const key of removals) data.remove(key.name.toLowerCase(), typeCode(key.type))
    for (const rrset of prepared.value) data.put(rrset)
    data.setSoa(soa.value.soa, soa.value.negative, soaFields)
    if (last.serial === change.serial) return ok(undefined) // a retry of an applied change
    data.journal.record({
      fromSerial: last.serial,
      toSerial: change.serial,
      fromSoa: last.soa,
      before: unchangedDropped(before, data),
    })
    this.emit(data)
    return ok(undefined)
  }

  /**
   * Replaces a zone's LAN addresses (split horizon). Not part of the zone's content: no
   * serial, no journal, no NOTIFY; secondaries serve the WAN addresses to everyone.
   */
  setLanAddresses(zone: Fqdn, hosts: readonly LanAddresses[]): Result<void, ZoneIndexError> {
    const data = this.zones.get(zone.toLowerCase())
    if (data === undefined)
      return err({ code: 'zone-not-found', message: `zone ${zone} is not served` })
    const lan = new Map<string, LanRRsets>()
    for (const h of hosts) {
      const sets = [
        ...(h.ipv4 === null
          ? []
          : [{ name: h.name, type: 'A' as const, ttl: h.ttl, values: [h.ipv4] }]),
        ...(h.ipv6 === null
          ? []
          : [{ name: h.name, type: 'AAAA' as const, ttl: h.ttl, values: [h.ipv6] }]),
      ]
      const prepared = prepareAll(data.name, sets)
      if (!prepared.ok) return prepared
      const [a, aaaa] = [RRType.A, RRType.AAAA].map((t) => prepared.value.find((p) => p.type === t))
      if (a !== undefined || aaaa !== undefined) {
        lan.set(h.name.toLowerCase(), { ...(a && { a }), ...(aaaa && { aaaa }) })
      }
    }
    data.lan = lan
    return ok(undefined)
  }

  /** Subscribes to zone changes; returns the unsubscribe function. */
  onChange(listener: ZoneChangeListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** The zone whose apex is exactly `name` (lowercase), for transfers and NOTIFY. */
  zone(name: string): ZoneData | undefined {
    return this.zones.get(name)
  }

  /** Stops serving a zone; false if it was not served. */
  removeZone(name: Fqdn): boolean {
    return this.zones.delete(name.toLowerCase())
  }

  /** The served zone holding a lowercase name (the longest match), for the UDP fast path. */
  zoneOf(name: string): ZoneData | undefined {
    for (let n: string | undefined = name; n !== undefined; n = parentName(n)) {
      const zone = this.zones.get(n)
      if (zone !== undefined) return zone
    }
    return undefined
  }

  /**
   * `zoneOf` for the name whose lowercase text is the first `length` bytes of `name` (the
   * UDP fast path): with a handful of zones, comparing bytes beats building a string.
   */
  zoneAt(name: Uint8Array, length: number): ZoneData | undefined {
    if (this.zones.size > FEW_ZONES)
      return this.zoneOf(Buffer.from(name.buffer, name.byteOffset, length).toString('latin1'))
    let best: ZoneData | undefined
    for (const zone of this.zones.values()) {
      const z = zone.name
      if (z.length > length || (best !== undefined && z.length <= best.name.length)) continue
      const at = length - z.length
      if (at > 0 && name[at - 1] !== 0x2e) continue
      let i = 0
      while (i < z.length && name[at + i] === z.charCodeAt(i)) i++
      if (i === z.length) best = zone
    }
    return best
  }

  /** Looks up a lowercase name (no trailing dot) in the longest matching served zone. */
  lookup(qname: string, qtype: number, client?: string): LookupResult {
    for (let n: string | undefined = qname; n !== undefined; n = parentName(n)) {
      const zone = this.zones.get(n)
      if (zone !== undefined) return { ...zone.lookup(qname, qtype, client), zone }
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

  private emit(zone: ServedZone): void {
    for (const listener of this.listeners) listener(zone)
  }
}

/** The journal step from `previous` to `next`: every RRset that differs, as it was before. */
function reloadStep(previous: ZoneData, next: ZoneData): JournalEntry {
  const before = new Map<string, PreparedRRset | null>()
  for (const old of previous.prepared()) {
    if (!sameRecords(old, next.get(old.owner, old.type))) {
      before.set(rrsetKey(old.owner, old.type), old)
    }
  }
  for (const rrset of next.prepared()) {
    if (previous.get(rrset.owner, rrset.type) === undefined) {
      before.set(rrsetKey(rrset.owner, rrset.type), null)
    }
  }
  return {
    fromSerial: previous.soaFields.serial,
    toSerial: next.soaFields.serial,
    fromSoa: previous.soa,
    before,
  }
}

// A change that rewrote an RRset with the same content is not a difference.
function unchangedDropped(
  before: Map<string, PreparedRRset | null>,
  data: ZoneData,
): Map<string, PreparedRRset | null> {
  for (const [key, old] of before) {
    const space = key.lastIndexOf(' ')
    const now = data.get(key.slice(0, space), Number(key.slice(space + 1)))
    if (old === null ? now === undefined : sameRecords(old, now)) before.delete(key)
  }
  return before
}

function sameRecords(a: PreparedRRset, b: PreparedRRset | undefined): boolean {
  if (b === undefined || a.records.length !== b.records.length) return false
  return a.records.every((r, i) => b.records[i]?.equals(r) === true)
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
    const prepared = prepareOne(zone, set)
    if (!prepared.ok) return prepared
    out.push(prepared.value)
  }
  return ok(out)
}

function prepareOne(zone: Fqdn, set: RecordSet): Result<PreparedRRset, ZoneIndexError> {
  if (!isInZone(set.name.toLowerCase() as Fqdn, zone)) return err(outside(set.name, zone))
  const prepared = prepareRecordSet(set)
  if (!prepared.ok) return err({ code: 'invalid-record', message: prepared.error.message })
  return prepared
}

/**
 * The `powerdns` backend: publishes through the PowerDNS Authoritative HTTP API. Every
 * change set is one `PATCH` (RRsets replaced or deleted whole), which PowerDNS applies
 * atomically, so a retry after a failure is idempotent.
 */
import type { Fqdn } from '../../core/names.ts'
import { RECORD_TYPES, type ChangeSet, type RecordSet } from '../../core/records.ts'
import type { ZoneSnapshot } from '../../core/records.ts'
import { ok, type Result } from '../../core/result.ts'
import type { BackendError, DnsBackend } from '../backend.ts'
import {
  absolute,
  canonicalOrSelf,
  validateChange,
  withAbsoluteNames,
} from '../shared/record-values.ts'
import type { PdnsApi, PdnsRrset, PdnsRrsetChange } from './powerdns-api.ts'

/** A `DnsBackend` over one PowerDNS server. */
export class PowerDnsBackend implements DnsBackend {
  readonly kind = 'powerdns'
  readonly types = RECORD_TYPES

  constructor(
    private readonly api: PdnsApi,
    private readonly createZone: boolean,
  ) {}

  /** Creates the zone if allowed and missing, then replaces its apex NS and every RRset. */
  async load(zone: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const change: ChangeSet = {
      zone: zone.name,
      serial: zone.soa.serial,
      replace: [
        ...(zone.ns.length > 0
          ? [{ name: zone.name, type: 'NS' as const, ttl: zone.ttl, values: zone.ns }]
          : []),
        ...zone.records,
      ],
      remove: [],
    }
    const valid = validateChange(change, this)
    if (!valid.ok) return valid
    const existing = await this.api.getZone(zone.name, signal)
    if (!existing.ok) {
      if (existing.error.code !== 'zone-not-found' || !this.createZone) return existing
      const created = await this.api.createZone(zone.name, zone.ns.map(absolute), signal)
      if (!created.ok) return created
    }
    return this.apply(change, signal)
  }

  /** One atomic PATCH: removals as DELETE, replacements as REPLACE (empty ones as DELETE). */
  async apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const valid = validateChange(change, this)
    if (!valid.ok) return valid
    // PowerDNS refuses a PATCH naming one RRset twice; the later entry wins, as in the index.
    const byKey = new Map<string, PdnsRrsetChange>()
    for (const key of change.remove) {
      byKey.set(`${key.name} ${key.type}`, {
        name: absolute(key.name),
        type: key.type,
        changetype: 'DELETE',
      })
    }
    for (const set of change.replace) byKey.set(`${set.name} ${set.type}`, toRrset(set))
    return this.api.patch(change.zone, [...byKey.values()], signal)
  }

  /** The zone's RRsets of the managed types (SOA and disabled records left out). */
  async read(zone: Fqdn, signal: AbortSignal): Promise<Result<RecordSet[], BackendError>> {
    const rrsets = await this.api.getZone(zone, signal)
    if (!rrsets.ok) return rrsets
    return ok(rrsets.value.flatMap(fromRrset))
  }

  /** Nothing held open: fetch pools its own sockets. */
  close(): Promise<void> {
    return Promise.resolve()
  }
}

function toRrset(set: RecordSet): PdnsRrsetChange {
  if (set.values.length === 0) {
    return { name: absolute(set.name), type: set.type, changetype: 'DELETE' }
  }
  const records = set.values.map((v) => ({ content: content(set.type, v), disabled: false }))
  return { name: absolute(set.name), type: set.type, ttl: set.ttl, changetype: 'REPLACE', records }
}

// PowerDNS wants names inside rdata absolute; the canonical form has them without the dot.
const content = withAbsoluteNames

function fromRrset(rrset: PdnsRrset): RecordSet[] {
  const type = RECORD_TYPES.find((t) => t === rrset.type)
  const records = rrset.records.filter((r) => r.disabled !== true)
  if (type === undefined || records.length === 0) return []
  const name = rrset.name.replace(/\.$/, '').toLowerCase() as Fqdn
  const values = records.map((r) => canonicalOrSelf(type, r.content))
  return [{ name, type, ttl: rrset.ttl, values }]
}

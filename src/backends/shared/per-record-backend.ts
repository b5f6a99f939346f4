/**
 * A `DnsBackend` for provider APIs that store single records (Cloudflare, DigitalOcean,
 * Hetzner, Rackspace): each apply lists the zone once, diffs every touched RRset against
 * it (`diffRecords`) and sends only the creates, updates and deletes needed, so a replace
 * is still whole-RRset and re-applying a change sends nothing.
 */
import type { Fqdn } from '../../core/names.ts'
import type { ChangeSet, RecordSet, RecordType, ZoneSnapshot } from '../../core/records.ts'
import { ok, type Result } from '../../core/result.ts'
import type { BackendError, DnsBackend } from '../backend.ts'
import { validateChange } from './record-values.ts'
import { diffRecords, type ProviderRecord, type RecordOp } from './rrset-diff.ts'

/** A record as listed, with its owner name and type. */
export interface ListedRecord extends ProviderRecord {
  readonly name: Fqdn
  readonly type: RecordType
}

/** The record calls of one provider, for one zone. */
export interface RecordApi {
  /** Every record of the zone of a managed type (all pages). */
  list(signal: AbortSignal): Promise<Result<ListedRecord[], BackendError>>
  /** Runs one create, update or delete for `set` (the op's value is one of set's values). */
  run(op: RecordOp, set: RecordSet, signal: AbortSignal): Promise<Result<void, BackendError>>
}

/** The shared per-record backend; `kind` names the provider, `types` what it takes. */
export class PerRecordBackend implements DnsBackend {
  constructor(
    readonly kind: string,
    readonly types: readonly RecordType[],
    private readonly zone: Fqdn,
    private readonly api: RecordApi,
  ) {}

  /** Replaces every RRset the snapshot holds; apex NS and SOA stay the provider's. */
  load(zone: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>> {
    return this.apply(
      { zone: zone.name, serial: zone.soa.serial, replace: zone.records, remove: [] },
      signal,
    )
  }

  /** Lists once, then creates, updates and deletes records until each RRset matches. */
  async apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const valid = validateChange(change, this)
    if (!valid.ok) return valid
    const listed = await this.api.list(signal)
    if (!listed.ok) return listed
    const byKey = new Map<string, RecordSet>()
    for (const key of change.remove)
      byKey.set(`${key.name} ${key.type}`, { ...key, ttl: 0, values: [] })
    for (const set of change.replace) byKey.set(`${set.name} ${set.type}`, set)
    for (const set of byKey.values()) {
      const existing = listed.value.filter((r) => r.name === set.name && r.type === set.type)
      for (const op of diffRecords(set.type, existing, set.values, set.ttl)) {
        const done = await this.api.run(op, set, signal)
        if (!done.ok) return done
      }
    }
    return ok(undefined)
  }

  /** The zone's records grouped into RRsets (the TTL of the first record of each). */
  async read(zone: Fqdn, signal: AbortSignal): Promise<Result<RecordSet[], BackendError>> {
    if (zone !== this.zone) {
      return {
        ok: false,
        error: { code: 'zone-not-found', retryable: false, message: `not configured for ${zone}` },
      }
    }
    const listed = await this.api.list(signal)
    if (!listed.ok) return listed
    const sets = new Map<string, { name: Fqdn; type: RecordType; ttl: number; values: string[] }>()
    for (const r of listed.value) {
      const key = `${r.name} ${r.type}`
      const set = sets.get(key)
      if (set === undefined)
        sets.set(key, { name: r.name, type: r.type, ttl: r.ttl, values: [r.value] })
      else set.values.push(r.value)
    }
    return ok([...sets.values()])
  }

  /** Nothing held open. */
  close(): Promise<void> {
    return Promise.resolve()
  }
}

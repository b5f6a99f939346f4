/**
 * The `route53` backend: each change set is one ChangeResourceRecordSets call whose
 * ChangeBatch Route 53 applies atomically. Replacements are `UPSERT`s (whole RRsets, so a
 * retry is idempotent); removals are `DELETE`s, which Route 53 accepts only with the exact
 * current TTL and values, so the current sets are read first and absent ones are skipped.
 */
import { type Fqdn } from '../../core/names.ts'
import {
  RECORD_TYPES,
  type ChangeSet,
  type RecordKey,
  type RecordSet,
  type ZoneSnapshot,
} from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { BackendError, DnsBackend } from '../backend.ts'
import {
  absolute,
  canonicalOrSelf,
  validateChange,
  withAbsoluteNames,
} from '../shared/record-values.ts'
import { pause } from '../shared/pause.ts'
import type { R53Change, R53RecordSet, Route53Port } from './route53-api.ts'

/** Options beyond the port. */
export interface Route53BackendOptions {
  /** Poll GetChange until the change is INSYNC on every Route 53 server. */
  readonly waitForSync: boolean
  /** Pause between GetChange polls. */
  readonly pollMs: number
}

// Up to this many removals are looked up one by one; past it the zone is listed once.
const TARGETED_LOOKUPS = 5
// ListResourceRecordSets returns at most 300 sets per page.
const PAGE = 300

/** A `DnsBackend` over one Route 53 hosted zone. */
export class Route53Backend implements DnsBackend {
  readonly kind = 'route53'
  /** Every type dynzone holds: route53 publishes them all. */
  readonly types = RECORD_TYPES

  constructor(
    private readonly zone: Fqdn,
    private readonly port: Route53Port,
    private readonly options: Route53BackendOptions,
  ) {}

  /** Upserts every RRset of the snapshot; apex NS and SOA stay Route 53's. */
  load(zone: ZoneSnapshot, signal: AbortSignal): Promise<Result<void, BackendError>> {
    return this.apply(
      { zone: zone.name, serial: zone.soa.serial, replace: zone.records, remove: [] },
      signal,
    )
  }

  /** One atomic ChangeBatch; re-read and sent once more if a DELETE met a changed set. */
  async apply(change: ChangeSet, signal: AbortSignal): Promise<Result<void, BackendError>> {
    const valid = validateChange(change, this)
    if (!valid.ok) return valid
    // Route 53 refuses a batch naming one RRset twice; the later entry wins, as in the index.
    const byKey = new Map<string, RecordSet | RecordKey>()
    for (const key of change.remove) byKey.set(`${key.name} ${key.type}`, key)
    for (const set of change.replace) byKey.set(`${set.name} ${set.type}`, set)
    const upserts: R53Change[] = []
    const removals: RecordKey[] = []
    for (const entry of byKey.values()) {
      if ('values' in entry && entry.values.length > 0) {
        upserts.push({ action: 'UPSERT', set: toR53(entry) })
      } else removals.push({ name: entry.name, type: entry.type })
    }
    let sent = await this.send(upserts, removals, signal)
    if (!sent.ok && isStaleDelete(sent.error)) sent = await this.send(upserts, removals, signal)
    if (!sent.ok) return sent
    for (const id of sent.value) {
      const synced = await this.waitInSync(id, signal)
      if (!synced.ok) return synced
    }
    return ok(undefined)
  }

  /** The zone's simple RRsets of the managed types (SOA and apex NS left out). */
  async read(zone: Fqdn, signal: AbortSignal): Promise<Result<RecordSet[], BackendError>> {
    if (zone !== this.zone) {
      return err({
        code: 'zone-not-found',
        retryable: false,
        message: `not configured for ${zone}`,
      })
    }
    const all = await this.listAll(signal)
    if (!all.ok) return all
    return ok(
      all.value.flatMap((s) => {
        const set = fromR53(s)
        return set === null || (set.type === 'NS' && set.name === this.zone) ? [] : [set]
      }),
    )
  }

  /** Nothing held open. */
  close(): Promise<void> {
    return Promise.resolve()
  }

  private async send(
    upserts: readonly R53Change[],
    removals: readonly RecordKey[],
    signal: AbortSignal,
  ): Promise<Result<string[], BackendError>> {
    const current = await this.currentSets(removals, signal)
    if (!current.ok) return current
    const changes = [
      ...upserts,
      ...current.value.map((set) => ({ action: 'DELETE' as const, set })),
    ]
    // An empty ChangeBatch is a Route 53 error; nothing to send is success. A change larger
    // than one ChangeBatch may hold (a whole-zone load, a backlog after an outage) goes out
    // as several, in order; each is atomic and a retry re-sends what is still needed.
    const ids: string[] = []
    for (const batch of changeBatches(changes)) {
      const r = await this.port.change(batch, signal)
      if (!r.ok) return r
      ids.push(r.value)
    }
    return ok(ids)
  }

  // The sets as Route 53 holds them now, for DELETEs that must match exactly.
  private async currentSets(
    keys: readonly RecordKey[],
    signal: AbortSignal,
  ): Promise<Result<R53RecordSet[], BackendError>> {
    if (keys.length === 0) return ok([])
    const wanted = new Set(keys.map((k) => `${k.name} ${k.type}`))
    const matches = (s: R53RecordSet) => wanted.has(`${ownerName(s.name)} ${s.type}`)
    if (keys.length > TARGETED_LOOKUPS) {
      const all = await this.listAll(signal)
      return all.ok ? ok(all.value.filter(matches)) : all
    }
    const found: R53RecordSet[] = []
    for (const key of keys) {
      const page = await this.port.list({ name: absolute(key.name), type: key.type }, 1, signal)
      if (!page.ok) return page
      // The page starts at the key, or at the next set when the key holds nothing.
      found.push(
        ...page.value.sets.filter((s) => s.type === key.type && ownerName(s.name) === key.name),
      )
    }
    return ok(found)
  }

  private async listAll(signal: AbortSignal): Promise<Result<R53RecordSet[], BackendError>> {
    const out: R53RecordSet[] = []
    let start: { name: string; type: string } | null = null
    for (;;) {
      const page = await this.port.list(start, PAGE, signal)
      if (!page.ok) return page
      out.push(...page.value.sets)
      if (page.value.next === null) return ok(out)
      start = page.value.next
    }
  }

  private async waitInSync(
    changeId: string,
    signal: AbortSignal,
  ): Promise<Result<void, BackendError>> {
    if (!this.options.waitForSync || changeId === '') return ok(undefined)
    for (;;) {
      const status = await this.port.status(changeId, signal)
      if (!status.ok) return status
      if (status.value === 'INSYNC') return ok(undefined)
      const waited = await pause(this.options.pollMs, signal)
      if (!waited) {
        return err({
          code: 'timeout',
          retryable: true,
          message: `route53: change ${changeId} not INSYNC in time`,
        })
      }
    }
  }
}

// ChangeResourceRecordSets quotas: at most 1,000 ResourceRecord elements and 32,000 characters
// of Value text per request, UPSERTs counting twice; older documentation also caps a request
// at 100 Change elements, which is kept as a margin.
const MAX_CHANGES = 100
const MAX_RECORDS = 1000
const MAX_VALUE_CHARS = 32_000

/** Splits changes into ChangeBatches within Route 53's per-request quotas, in order. */
export function changeBatches(changes: readonly R53Change[]): R53Change[][] {
  const batches: R53Change[][] = []
  let batch: R53Change[] = []
  let records = 0
  let chars = 0
  for (const c of changes) {
    const weight = c.action === 'UPSERT' ? 2 : 1
    const r = c.set.values.length * weight
    const n = c.set.values.reduce((sum, v) => sum + v.length, 0) * weight
    if (
      batch.length > 0 &&
      (batch.length >= MAX_CHANGES || records + r > MAX_RECORDS || chars + n > MAX_VALUE_CHARS)
    ) {
      batches.push(batch)
      batch = []
      records = 0
      chars = 0
    }
    batch.push(c)
    records += r
    chars += n
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}

// Another writer changed or removed the set between our read and the DELETE.
function isStaleDelete(e: BackendError): boolean {
  return (
    e.code === 'invalid-record' &&
    /Tried to delete .*(was not found|do not match the current values)/.test(e.message)
  )
}

// Route 53 wants names inside rdata absolute; the canonical form has them without the dot.
function toR53(set: RecordSet): R53RecordSet {
  const values = set.values.map((v) => withAbsoluteNames(set.type, v))
  return { name: absolute(set.name), type: set.type, ttl: set.ttl, values }
}

/** An owner name as Route 53 writes it (`\052` escapes, trailing dot) as an `Fqdn`. */
export function ownerName(name: string): Fqdn {
  return name
    .replace(/\\(\d{3})/g, (_, d: string) => String.fromCharCode(Number.parseInt(d, 8)))
    .replace(/\.$/, '')
    .toLowerCase() as Fqdn
}

function fromR53(s: R53RecordSet): RecordSet | null {
  const type = RECORD_TYPES.find((t) => t === s.type)
  if (type === undefined || s.values.length === 0) return null
  return {
    name: ownerName(s.name),
    type,
    ttl: s.ttl,
    values: s.values.map((v) => canonicalOrSelf(type, v)),
  }
}

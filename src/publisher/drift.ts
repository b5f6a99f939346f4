/**
 * Drift between what a backend holds and what the store wants, limited to the RRsets dynzone
 * manages, and the one change set that repairs it.
 *
 * The rule for "managed": at the name of a host the store knows (or knew earlier in this
 * process), the A, AAAA and TXT RRsets; at the host's `_acme-challenge` name, TXT; every
 * RRset the store holds (hosts' and static records, `zone_records`), and those it held
 * earlier in this process (resync.ts `knownKeys`, so a deleted static RRset is removed).
 * Everything else in the zone (the apex SOA and NS, names an operator added by hand at the
 * backend) is never touched.
 */
import { acmeName } from '../core/update/acme-txt.ts'
import type { Fqdn } from '../core/names.ts'
import type { ChangeSet, RecordKey, RecordSet, RecordType } from '../core/records.ts'
import { encodeRdata } from '../zone/record-value.ts'

/** One RRset found different from the store. */
export interface Drift {
  readonly name: Fqdn
  readonly type: RecordType
  /** `missing`: the store has it, the backend not; `extra`: the reverse; else `different`. */
  readonly kind: 'missing' | 'extra' | 'different'
  readonly held: readonly string[]
  readonly wanted: readonly string[]
}

/** The drift found and the change set that repairs it (empty when there is none). */
export interface DriftRepair {
  readonly drift: readonly Drift[]
  readonly change: ChangeSet
}

const HOST_TYPES: readonly RecordType[] = ['A', 'AAAA', 'TXT']

/** Which `name type` pairs dynzone manages, for host names `hosts`. */
export function managedKeys(hosts: Iterable<Fqdn>, desired: readonly RecordSet[]): Set<string> {
  const keys = new Set<string>()
  for (const host of hosts) {
    for (const type of HOST_TYPES) keys.add(`${host} ${type}`)
    keys.add(`${acmeName(host)} TXT`)
  }
  for (const set of desired) keys.add(`${set.name} ${set.type}`)
  return keys
}

/** Compares managed RRsets of `held` (the backend) with `desired` (the store). */
export function diffZone(
  zone: Fqdn,
  serial: number,
  desired: readonly RecordSet[],
  held: readonly RecordSet[],
  managed: ReadonlySet<string>,
): DriftRepair {
  const want = new Map(desired.map((s) => [`${s.name} ${s.type}`, s]))
  const have = new Map(
    held
      .map((s) => ({ ...s, name: s.name.toLowerCase() as Fqdn }))
      .filter((s) => managed.has(`${s.name} ${s.type}`))
      .map((s) => [`${s.name} ${s.type}`, s]),
  )
  const drift: Drift[] = []
  const replace: RecordSet[] = []
  const remove: RecordKey[] = []
  for (const [k, set] of want) {
    const h = have.get(k)
    if (h !== undefined && same(h, set)) continue
    drift.push({
      name: set.name,
      type: set.type,
      kind: h === undefined ? 'missing' : 'different',
      held: h?.values ?? [],
      wanted: set.values,
    })
    replace.push(set)
  }
  for (const [k, h] of have) {
    if (want.has(k)) continue
    drift.push({ name: h.name, type: h.type, kind: 'extra', held: h.values, wanted: [] })
    remove.push({ name: h.name, type: h.type })
  }
  return { drift, change: { zone, serial, replace, remove } }
}

// Compared as wire rdata, so `2001:DB8::1` and `2001:db8:0::1`, or TXT quoting styles, match.
function same(a: RecordSet, b: RecordSet): boolean {
  if (a.ttl !== b.ttl) return false
  const x = canonical(a)
  const y = canonical(b)
  return x.length === y.length && x.every((v, i) => v === y[i])
}

function canonical(set: RecordSet): string[] {
  const out = set.values.map((v) => {
    const r = encodeRdata(set.type, v)
    return r.ok ? r.value.toString('hex') : `?${v}`
  })
  return [...new Set(out)].sort()
}

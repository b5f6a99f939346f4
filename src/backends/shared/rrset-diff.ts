/**
 * For APIs that store single records rather than RRsets (Cloudflare, DigitalOcean, Hetzner,
 * Rackspace): the record operations that turn what a name and type holds into the wanted
 * RRset. Records already holding a wanted value are kept, so re-applying a change is a
 * no-op; surplus records are updated in place before any is deleted, so a one-value A
 * record changes with one call and never disappears in between.
 */
import type { RecordType } from '../../core/records.ts'
import { canonicalOrSelf } from './record-values.ts'

/** A record as the provider holds it (`value` in dynzone presentation form). */
export interface ProviderRecord {
  readonly id: string
  readonly value: string
  readonly ttl: number
}

/** One provider call. */
export type RecordOp =
  | { readonly op: 'create'; readonly value: string }
  | { readonly op: 'update'; readonly id: string; readonly value: string }
  | { readonly op: 'delete'; readonly id: string }

/** The calls that make `existing` hold exactly `wanted` at `ttl`. */
export function diffRecords(
  type: RecordType,
  existing: readonly ProviderRecord[],
  wanted: readonly string[],
  ttl: number,
): RecordOp[] {
  const canon = (v: string): string => canonicalOrSelf(type, v)
  const missing = [...new Map(wanted.map((v) => [canon(v), v])).entries()]
  const spare: ProviderRecord[] = []
  const ops: RecordOp[] = []
  for (const record of existing) {
    const at = missing.findIndex(([c]) => c === canon(record.value))
    if (at >= 0 && record.ttl === ttl) missing.splice(at, 1)
    else spare.push(record)
  }
  for (const [, value] of missing) {
    const reuse = spare.shift()
    ops.push(reuse === undefined ? { op: 'create', value } : { op: 'update', id: reuse.id, value })
  }
  for (const record of spare) ops.push({ op: 'delete', id: record.id })
  return ops
}

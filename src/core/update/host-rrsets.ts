/**
 * The host-write → RRset mapping: which RRsets one committed host write replaces or removes,
 * at which TTL. Pure: the store persists the rows and publishes exactly what this returns.
 */
import type { Fqdn } from '../names.ts'
import type { HostWrite } from '../ports.ts'
import type { RecordKey, RecordSet } from '../records.ts'
import { acmeName, quoteTxt } from './acme-txt.ts'

/** The RRset edits of one zone: RRsets replaced whole, RRsets removed. */
export interface RrsetEdits {
  readonly replace: RecordSet[]
  readonly remove: RecordKey[]
}

/** The RRset change of one host's TXT values. */
export type TxtChange = { readonly replace: RecordSet } | { readonly remove: RecordKey }

/** The TTL a host's records are served with: its own when set, else its zone's. */
export function hostTtl(ttl: number | null, zoneTtl: number): number {
  return ttl ?? zoneTtl
}

/** True when the write changes the host's A or AAAA value. */
export function addressesChanged(write: HostWrite): boolean {
  return write.ipv4 !== write.host.ipv4 || write.ipv6 !== write.host.ipv6
}

/** The RRset change that serves exactly these TXT values at the host's ACME name. */
export function txtChange(host: Fqdn, ttl: number, values: readonly string[]): TxtChange {
  const name = acmeName(host)
  return values.length === 0
    ? { remove: { name, type: 'TXT' } }
    : { replace: { name, type: 'TXT', ttl, values: values.map(quoteTxt) } }
}

/**
 * The RRsets one host write changes. When either address changed, both A and AAAA are
 * written whole (a `null` address removes its RRset); the ACME TXT RRset when `txtChanged`
 * (the stored set of values differed: a renewed expiry alone changes no RRset).
 */
export function hostRrsets(write: HostWrite, zoneTtl: number, txtChanged: boolean): RrsetEdits {
  const edits: RrsetEdits = { replace: [], remove: [] }
  const name = write.host.fqdn
  const ttl = hostTtl(write.host.ttl, zoneTtl)
  if (addressesChanged(write)) {
    for (const [type, value] of [
      ['A', write.ipv4],
      ['AAAA', write.ipv6],
    ] as const) {
      if (value === null) edits.remove.push({ name, type })
      else edits.replace.push({ name, type, ttl, values: [value] })
    }
  }
  if (txtChanged && write.txt !== undefined) {
    const change = txtChange(
      name,
      ttl,
      write.txt.map((v) => v.value),
    )
    if ('replace' in change) edits.replace.push(change.replace)
    else edits.remove.push(change.remove)
  }
  return edits
}

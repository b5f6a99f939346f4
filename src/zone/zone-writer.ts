/**
 * A canonical zone file from RRsets: every name absolute, one record a line
 * (`owner TTL IN TYPE rdata`, the form of `named-compilezone -s full`), the apex first (SOA,
 * then NS, then the rest by type code), then the other names in the canonical order of
 * RFC 4034 §6.1, types by code, rdata by its octets (RFC 4034 §6.3). The same RRsets give
 * the same bytes, so two exports compare with `diff`. Expects RRsets that pass
 * `checkZoneRules` (rdata that does not decode is written in the RFC 3597 form).
 */
import { RRType } from '../dns/constants.ts'
import { formatGeneric, formatRdata } from './rdata-format.ts'
import { typeMnemonic } from './rr-types.ts'
import type { RRset } from './rrset.ts'
import { canonicalKey, compareCanonical } from './zone-names.ts'

/** The lines of the zone file of `origin` (absolute, trailing dot), each without `\n`. */
export function* zoneFileLines(origin: string, rrsets: readonly RRset[]): Generator<string> {
  yield `; zone ${origin}`
  yield `$ORIGIN ${origin}`
  for (const set of sortRRsets(origin, rrsets)) yield* rrsetLines(set)
}

/** The lines of one RRset (`owner TTL IN TYPE rdata`), rdata sorted by its octets. */
export function rrsetLines(set: RRset): string[] {
  const type = typeMnemonic(set.type)
  const rdata = [...set.rdata].sort((a, b) => Buffer.compare(a, b))
  return rdata.map((bytes) => recordLine(set.owner, set.ttl, type, bytes, set.type))
}

function recordLine(owner: string, ttl: number, mnemonic: string, bytes: Buffer, type: number) {
  const text = formatRdata(type, bytes)
  return `${owner}\t${ttl}\tIN\t${mnemonic}\t${text.ok ? text.value : formatGeneric(bytes)}`
}

/** RRsets in the order the writer uses. */
export function sortRRsets(origin: string, rrsets: readonly RRset[]): RRset[] {
  const apex = origin.toLowerCase()
  const keyed = rrsets.map((set) => ({
    set,
    apex: set.owner.toLowerCase() === apex,
    key: canonicalKey(set.owner),
    rank: typeRank(set.type),
  }))
  keyed.sort((a, b) => {
    if (a.apex !== b.apex) return a.apex ? -1 : 1
    return compareCanonical(a.key, b.key) || a.rank - b.rank
  })
  return keyed.map((k) => k.set)
}

function typeRank(type: number): number {
  if (type === RRType.SOA) return -2
  if (type === RRType.NS) return -1
  return type
}

/**
 * An RRset turned into wire bytes once, when it is loaded or changed, so answering a query
 * only copies bytes (RFC 1035 §4.1.3 record layout after the owner name).
 */
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet, RecordType, SoaFields } from '../../core/records.ts'
import { CLASS_IN, RRType, typeCode } from '../../dns/constants.ts'
import { nameToWire } from '../../dns/name-text.ts'
import { encodeSoaRdata } from '../../dns/rdata-encode.ts'
import { encodeRdata } from '../../zone/record-value.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { wireError, type WireError } from '../../dns/wire-error.ts'

/** An RRset ready to be copied into answers. */
export interface PreparedRRset {
  /** Lowercase owner name, no trailing dot. */
  readonly owner: string
  /** Owner name in wire form, for name compression in answers. */
  readonly ownerWire: Buffer
  readonly type: number
  readonly ttl: number
  /** Per record: TYPE, CLASS, TTL, RDLENGTH and RDATA, to append after the owner name. */
  readonly records: readonly Buffer[]
  /** Lowercase names the rdata points at (NS, CNAME, MX, SRV), for CNAME chains and glue. */
  readonly targets: readonly string[]
  /** The RRset as loaded, for read-back; undefined for the SOA, which is built from fields. */
  readonly source: RecordSet | undefined
}

// RFC 2181 §8: a TTL is 0..2^31-1.
const MAX_TTL = 0x7fffffff

/** Encodes a `RecordSet`; duplicate values collapse into one record (RFC 2181 §5). */
export function prepareRecordSet(set: RecordSet): Result<PreparedRRset, WireError> {
  const owner = nameToWire(set.name)
  if (!owner.ok) return owner
  if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > MAX_TTL) {
    return err(wireError('bad-rdata', `TTL ${set.ttl} of ${set.name} ${set.type} is out of range`))
  }
  const type = typeCode(set.type)
  const seen = new Set<string>()
  const records: Buffer[] = []
  for (const value of set.values) {
    const rdata = encodeRdata(set.type, value)
    if (!rdata.ok)
      return err(wireError('bad-rdata', `${set.name} ${set.type}: ${rdata.error.message}`))
    const key = rdata.value.toString('latin1')
    if (seen.has(key)) continue
    seen.add(key)
    records.push(recordTail(type, set.ttl, rdata.value))
  }
  return ok({
    owner: set.name.toLowerCase(),
    ownerWire: lowerWire(owner.value),
    type,
    ttl: set.ttl,
    records,
    targets: set.values.flatMap((v) => targetOf(set.type, v)),
    source: set,
  })
}

/** Encodes the SOA of `zone` with the given TTL. */
export function prepareSoa(
  zone: Fqdn,
  ttl: number,
  soa: SoaFields,
): Result<PreparedRRset, WireError> {
  const owner = nameToWire(zone)
  if (!owner.ok) return owner
  const rdata = encodeSoaRdata(soa)
  if (!rdata.ok) return rdata
  if (!Number.isInteger(ttl) || ttl < 0 || ttl > MAX_TTL) {
    return err(wireError('bad-rdata', `SOA TTL ${ttl} of ${zone} is out of range`))
  }
  return ok({
    owner: zone.toLowerCase(),
    ownerWire: lowerWire(owner.value),
    type: RRType.SOA,
    ttl,
    records: [recordTail(RRType.SOA, ttl, rdata.value)],
    targets: [],
    source: undefined,
  })
}

/** The same RRset with another TTL (the negative-answer SOA of RFC 2308 §3). */
export function withTtl(rrset: PreparedRRset, ttl: number): PreparedRRset {
  const records = rrset.records.map((r) => {
    const copy = Buffer.from(r)
    copy.writeUInt32BE(ttl, 4)
    return copy
  })
  return { ...rrset, ttl, records }
}

function recordTail(type: number, ttl: number, rdata: Buffer): Buffer {
  const tail = Buffer.allocUnsafe(10 + rdata.length)
  tail.writeUInt16BE(type, 0)
  tail.writeUInt16BE(CLASS_IN, 2)
  tail.writeUInt32BE(ttl, 4)
  tail.writeUInt16BE(rdata.length, 8)
  rdata.copy(tail, 10)
  return tail
}

// Owners are kept lowercase so lookups and compression keys agree; only ASCII letters fold
// (RFC 4343), and length octets are stepped over rather than folded.
function lowerWire(wire: Buffer): Buffer {
  const out = Buffer.from(wire)
  for (let pos = 0, len = out[0] ?? 0; len !== 0; len = out[pos] ?? 0) {
    for (let i = pos + 1; i <= pos + len; i++) {
      const c = out[i] ?? 0
      if (c >= 0x41 && c <= 0x5a) out[i] = c + 0x20
    }
    pos += len + 1
  }
  return out
}

// Which field of a value is a domain name, for the types whose rdata points at one.
const TARGET_FIELD: Partial<Record<RecordType, number>> = { NS: 0, CNAME: 0, MX: 1, SRV: 3 }

function targetOf(type: RecordType, value: string): string[] {
  const index = TARGET_FIELD[type]
  const name = index === undefined ? undefined : value.trim().split(/\s+/)[index]
  if (name === undefined) return []
  return [name === '.' ? '.' : name.replace(/\.$/, '').toLowerCase()]
}

/**
 * The same RRset under another owner: a wildcard's records answering `owner` (RFC 4592 §3.3.1).
 * Allocates, so only wildcard answers pay it; undefined when `owner` does not encode.
 */
export function withOwner(rrset: PreparedRRset, owner: string): PreparedRRset | undefined {
  const wire = nameToWire(owner)
  return wire.ok ? { ...rrset, owner, ownerWire: lowerWire(wire.value) } : undefined
}

/**
 * The byte layout of one packed RRset entry (layout in packed-rrsets.ts): writing it,
 * stepping over it, and reading it back as a `PreparedRRset`. Values are checked and
 * encoded exactly as `prepareRecordSet` would, with a regex-free path for plain A values.
 */
import type { Fqdn } from '../../core/names.ts'
import type { RecordSet, RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { CLASS_IN, RRType } from '../../dns/constants.ts'
import { nameToWire } from '../../dns/name-text.ts'
import { encodeRdata } from '../../zone/record-value.ts'
import { wireError, type WireError } from '../../dns/wire-error.ts'
import type { PreparedRRset } from './prepared-rrset.ts'

/** The type names the packed form can restore for read-back. */
export const TYPE_NAMES = new Map<number, RecordType>([
  [1, 'A'],
  [28, 'AAAA'],
  [16, 'TXT'],
])

/** True when an RRset of this type code may be packed (no targets, no delegation role). */
export function packable(type: number): boolean {
  return TYPE_NAMES.has(type)
}

/** Every value encoded once, duplicates dropped; errors name the RRset. */
export function encodeValues(set: RecordSet, type: number): Result<Buffer[], WireError> {
  const rdatas: Buffer[] = []
  for (const value of set.values) {
    const rdata = type === RRType.A ? fastA(value) : undefined
    const encoded = rdata === undefined ? encodeRdata(set.type, value) : ok(rdata)
    if (!encoded.ok) {
      return err(wireError('bad-rdata', `${set.name} ${set.type}: ${encoded.error.message}`))
    }
    if (!rdatas.some((r) => r.equals(encoded.value))) rdatas.push(encoded.value)
  }
  return ok(rdatas)
}

/** Writes one entry at `start` (next ref, owner, records, values); returns where it ends. */
export function writeEntry(
  chunk: Buffer,
  start: number,
  next: number,
  owner: string,
  type: number,
  set: RecordSet,
  rdatas: readonly Buffer[],
): number {
  let p = chunk.writeInt32BE(next, start)
  p = chunk.writeUInt8(owner.length, p)
  p += chunk.write(owner, p, 'latin1')
  p = chunk.writeUInt16BE(type, p)
  p = chunk.writeUInt32BE(set.ttl, p)
  p = chunk.writeUInt16BE(rdatas.length, p)
  for (const rdata of rdatas) {
    p = chunk.writeUInt16BE(10 + rdata.length, p)
    p = chunk.writeUInt16BE(type, p)
    p = chunk.writeUInt16BE(CLASS_IN, p)
    p = chunk.writeUInt32BE(set.ttl, p)
    p = chunk.writeUInt16BE(rdata.length, p)
    p += rdata.copy(chunk, p)
  }
  p = chunk.writeUInt16BE(set.values.length, p)
  for (const v of set.values) {
    const length = chunk.write(v, p + 2, 'utf8')
    p = chunk.writeUInt16BE(length, p) + length
  }
  return p
}

/** Where the entry at `at` ends (the next entry starts). */
export function entryEnd(chunk: Buffer, at: number): number {
  let p = at + 5 + (chunk[at + 4] ?? 0) + 6
  // Records, then values: a count, then each item's length and bytes.
  for (let part = 0; part < 2; part++) {
    const count = chunk.readUInt16BE(p)
    p += 2
    for (let i = 0; i < count; i++) p += 2 + chunk.readUInt16BE(p)
  }
  return p
}

/** The entry at `at` as an object, and the ref of the next (older) entry of its owner. */
export function unpack(
  owner: string,
  chunk: Buffer,
  at: number,
): { rrset: PreparedRRset; next: number } {
  const next = chunk.readInt32BE(at)
  const nameLength = chunk[at + 4] ?? 0
  const name = chunk.toString('latin1', at + 5, at + 5 + nameLength)
  let p = at + 5 + nameLength
  const type = chunk.readUInt16BE(p)
  const ttl = chunk.readUInt32BE(p + 2)
  p += 6
  const records: Buffer[] = []
  const recordCount = chunk.readUInt16BE(p)
  p += 2
  for (let i = 0; i < recordCount; i++) {
    const length = chunk.readUInt16BE(p)
    records.push(chunk.subarray(p + 2, p + 2 + length))
    p += 2 + length
  }
  const values: string[] = []
  const valueCount = chunk.readUInt16BE(p)
  p += 2
  for (let i = 0; i < valueCount; i++) {
    const length = chunk.readUInt16BE(p)
    values.push(chunk.toString('utf8', p + 2, p + 2 + length))
    p += 2 + length
  }
  const typeName = TYPE_NAMES.get(type) ?? 'TXT'
  const source: RecordSet = { name: name as Fqdn, type: typeName, ttl, values }
  const ownerWire = wireOf(nameToWire(owner))
  return { rrset: { owner, ownerWire, type, ttl, records, targets: [], source }, next }
}

function wireOf(wire: Result<Buffer, WireError>): Buffer {
  // Packed names passed plainName: lowercase letters, digits, '-', '_', '*' and dots.
  return wire.ok ? wire.value : Buffer.from([0])
}

/**
 * A name the packed store takes: 1..63-octet labels of lowercase letters, digits, '-', '_'
 * or '*' (no escapes), at most 253 characters; anything else goes through nameToWire.
 */
export function plainName(name: string): boolean {
  if (name.length === 0 || name.length > 253) return false
  let label = 0
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x2e) {
      if (label === 0) return false
      label = 0
    } else if (
      (c >= 0x61 && c <= 0x7a) ||
      (c >= 0x30 && c <= 0x39) ||
      c === 0x2d ||
      c === 0x5f ||
      c === 0x2a
    ) {
      if (++label > 63) return false
    } else {
      return false
    }
  }
  return label > 0
}

// The common A value (a strict dotted quad, no spaces) without a regex; undefined: let
// encodeRdata decide (it trims, and reports what is wrong).
function fastA(value: string): Buffer | undefined {
  const out = Buffer.allocUnsafe(4)
  let octet = 0
  let digits = 0
  let part = 0
  for (let i = 0; i <= value.length; i++) {
    const c = i === value.length ? 0x2e : value.charCodeAt(i)
    if (c === 0x2e) {
      if (digits === 0 || octet > 255 || part > 3) return undefined
      out[part++] = octet
      octet = 0
      digits = 0
    } else if (c >= 0x30 && c <= 0x39) {
      if (digits > 0 && octet === 0) return undefined // a leading zero
      octet = octet * 10 + (c - 0x30)
      if (++digits > 3) return undefined
    } else {
      return undefined
    }
  }
  return part === 4 ? out : undefined
}

/**
 * RRsets of a bulk-loaded zone kept as bytes in large shared slabs instead of one object
 * graph per RRset: a million hosts fit in about a hundred megabytes and load without a
 * million short-lived objects. Each entry holds what `PreparedRRset` would (the owner in
 * wire form and every record's TYPE..RDATA, ready to copy into an answer) plus the values
 * as loaded, for read-back. Entries of one owner are chained, newest first. Entries are
 * never changed in place: a changed owner moves to the full node map (zone-data.ts), and
 * `drop` forgets it here.
 *
 * Entry layout: next entry ref (i32, -1: none), TYPE (u16), TTL (u32), record count (u16)
 * and per record its length (u16) and bytes, value count (u16) and per value its UTF-8
 * length (u16) and bytes, owner text length (u8) and bytes. The owner's wire form is not
 * kept: an answer points at the question's name, and building an object recomputes it.
 */
import type { Fqdn } from '../core/names.ts'
import type { RecordSet, RecordType } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import { CLASS_IN, RRType, typeCode } from '../dns/constants.ts'
import { nameToWire } from '../dns/name-text.ts'
import { encodeRdata } from '../dns/rdata-encode.ts'
import { wireError, type WireError } from '../dns/wire-error.ts'
import type { PreparedRRset } from './prepared-rrset.ts'

// Refs are chunk * CHUNK_SIZE + offset: small integers (no boxing in the Map) up to 1 GiB.
const CHUNK_SIZE = 1 << 20
const MAX_CHUNKS = 1 << 10
// RFC 2181 §8: a TTL is 0..2^31-1.
const MAX_TTL = 0x7fffffff

/** Where one packed RRset's records start, for copying them into an answer. */
export interface PackedRecords {
  readonly chunk: Buffer
  /** Offset of the first record's length field. */
  readonly at: number
  readonly count: number
}

/** The type names the packed form can restore for read-back. */
const TYPE_NAMES = new Map<number, RecordType>([
  [1, 'A'],
  [28, 'AAAA'],
  [16, 'TXT'],
])

/** True when an RRset of this type code may be packed (no targets, no delegation role). */
export function packable(type: number): boolean {
  return TYPE_NAMES.has(type)
}

/** Packed RRsets by lowercase owner name. */
export class PackedRRsets {
  private readonly heads = new Map<string, number>()
  private readonly chunks: Buffer[] = []
  private used = CHUNK_SIZE

  /** Number of owners held. */
  get size(): number {
    return this.heads.size
  }

  /** Whether `owner` has packed RRsets. */
  has(owner: string): boolean {
    return this.heads.has(owner)
  }

  /** Owners held, in insertion order. */
  owners(): IterableIterator<string> {
    return this.heads.keys()
  }

  /** Forgets `owner` (its bytes stay in the slab until the zone is reloaded). */
  drop(owner: string): boolean {
    return this.heads.delete(owner)
  }

  /**
   * Encodes and adds one RRset as loaded (`owner` is its lowercase name); ok(false) when it
   * cannot be packed (type, size) and the caller keeps it as an object instead. The checks
   * and messages are those of `prepareRecordSet`; duplicate values collapse (RFC 2181 §5).
   * A second RRset of the same type for an owner shadows the first.
   */
  add(owner: string, set: RecordSet): Result<boolean, WireError> {
    const type = typeCode(set.type)
    if (!packable(type)) return ok(false)
    if (!plainName(set.name)) {
      const wire = nameToWire(set.name)
      if (!wire.ok) return wire
      return ok(false)
    }
    if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > MAX_TTL) {
      return err(
        wireError('bad-rdata', `TTL ${set.ttl} of ${set.name} ${set.type} is out of range`),
      )
    }
    const rdatas: Buffer[] = []
    let size = 4 + 2 + 4 + 2 + 2 + 1 + set.name.length
    for (const value of set.values) {
      const rdata = type === RRType.A ? fastA(value) : undefined
      const encoded = rdata === undefined ? encodeRdata(set.type, value) : ok(rdata)
      if (!encoded.ok) {
        return err(wireError('bad-rdata', `${set.name} ${set.type}: ${encoded.error.message}`))
      }
      if (rdatas.some((r) => r.equals(encoded.value))) continue
      rdatas.push(encoded.value)
      size += 2 + 10 + encoded.value.length + 2 + 3 * value.length
    }
    if (size > CHUNK_SIZE || set.values.some((v) => 3 * v.length > 0xffff)) return ok(false)
    const chunk = this.room(size)
    if (chunk === undefined) return ok(false)
    const start = this.used
    let p = chunk.writeInt32BE(this.heads.get(owner) ?? -1, start)
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
    p = chunk.writeUInt8(set.name.length, p)
    p += chunk.write(set.name, p, 'latin1')
    this.used = p
    this.heads.set(owner, (this.chunks.length - 1) * CHUNK_SIZE + start)
    return ok(true)
  }

  // The current chunk if `size` more bytes fit, else a new one; undefined when full.
  private room(size: number): Buffer | undefined {
    if (this.used + size > CHUNK_SIZE) {
      if (this.chunks.length >= MAX_CHUNKS) return undefined
      this.chunks.push(Buffer.allocUnsafe(CHUNK_SIZE))
      this.used = 0
    }
    return this.chunks[this.chunks.length - 1]
  }

  /** The records of `owner`'s RRset of `type`, without building objects (the query path). */
  records(owner: string, type: number): PackedRecords | undefined {
    for (let ref = this.heads.get(owner) ?? -1; ref >= 0;) {
      const chunk = this.chunks[Math.floor(ref / CHUNK_SIZE)]
      if (chunk === undefined) return undefined
      const at = ref % CHUNK_SIZE
      if (chunk.readUInt16BE(at + 4) === type) {
        return { chunk, at: at + 12, count: chunk.readUInt16BE(at + 10) }
      }
      ref = chunk.readInt32BE(at)
    }
    return undefined
  }

  /** Every RRset of `owner` as objects (the general path and read-back); undefined if none. */
  node(owner: string): Map<number, PreparedRRset> | undefined {
    let ref = this.heads.get(owner)
    if (ref === undefined) return undefined
    const newestFirst: PreparedRRset[] = []
    while (ref >= 0) {
      const chunk = this.chunks[Math.floor(ref / CHUNK_SIZE)]
      if (chunk === undefined) break
      const { rrset, next } = unpack(owner, chunk, ref % CHUNK_SIZE)
      newestFirst.push(rrset)
      ref = next
    }
    // In load order, a later RRset of a type replacing the earlier one: as Map.set would.
    const node = new Map<number, PreparedRRset>()
    for (let i = newestFirst.length - 1; i >= 0; i--) {
      const rrset = newestFirst[i]
      if (rrset !== undefined) node.set(rrset.type, rrset)
    }
    return node
  }
}

function unpack(owner: string, chunk: Buffer, at: number): { rrset: PreparedRRset; next: number } {
  const next = chunk.readInt32BE(at)
  const type = chunk.readUInt16BE(at + 4)
  const ttl = chunk.readUInt32BE(at + 6)
  let p = at + 10
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
  const nameLength = chunk[p++] ?? 0
  const name = chunk.toString('latin1', p, p + nameLength)
  const typeName = TYPE_NAMES.get(type) ?? 'TXT'
  const source: RecordSet = { name: name as Fqdn, type: typeName, ttl, values }
  const ownerWire = wireOf(nameToWire(owner))
  return { rrset: { owner, ownerWire, type, ttl, records, targets: [], source }, next }
}

function wireOf(wire: Result<Buffer, WireError>): Buffer {
  // Packed names passed plainName: lowercase letters, digits, '-', '_', '*' and dots.
  return wire.ok ? wire.value : Buffer.from([0])
}

// A name the packed store takes: 1..63-octet labels of lowercase letters, digits, '-', '_'
// or '*' (no escapes), at most 253 characters; anything else goes through nameToWire.
function plainName(name: string): boolean {
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

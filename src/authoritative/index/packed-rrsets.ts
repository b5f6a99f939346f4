/**
 * RRsets of a bulk-loaded zone kept as bytes in large shared slabs instead of one object
 * graph per RRset: a million hosts fit in about a hundred megabytes and load without a
 * million short-lived objects. Each entry holds what `PreparedRRset` would (every record's
 * TYPE..RDATA, ready to copy into an answer) plus the owner and the values as loaded, for
 * read-back. Entries of one owner are chained, newest first; the owners' heads are found
 * through an open-addressing table over typed arrays (owner-table.ts) keyed by the owner's
 * bytes in the slab, so no string or Map entry is held per owner and the UDP fast path
 * looks up the query's name bytes directly. Entries are never changed in place: a changed
 * owner moves to the full node map (zone-data.ts), and `drop` forgets it here.
 *
 * Entry layout: next entry ref (i32, -1: none), owner text length (u8) and bytes (the
 * lowercase name: packed names have no upper case), TYPE (u16), TTL (u32), record count
 * (u16) and per record its length (u16) and bytes, value count (u16) and per value its
 * UTF-8 length (u16) and bytes. The owner's wire form is not kept: an answer points at the
 * question's name, and building an object recomputes it.
 */
import type { RecordSet } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { typeCode } from '../../dns/constants.ts'
import { nameToWire } from '../../dns/name-text.ts'
import { wireError, type WireError } from '../../dns/wire-error.ts'
import type { PreparedRRset } from './prepared-rrset.ts'
import { DELETED, EMPTY, hashBytes, hashText, OwnerTable } from './owner-table.ts'
import { encodeValues, entryEnd, plainName, packable, unpack, writeEntry } from './packed-entry.ts'

// Refs are chunk * CHUNK_SIZE + offset: int32 (the owner table's slots) up to 1 GiB.
const CHUNK_SIZE = 1 << 20
const MAX_CHUNKS = 1 << 10
// RFC 2181 §8: a TTL is 0..2^31-1.
const MAX_TTL = 0x7fffffff

// Reused: an owner given as text, as bytes for the table's lookup.
const KEY = Buffer.alloc(256)

/** Where one packed RRset's records start, for copying them into an answer. */
export interface PackedRecords {
  readonly chunk: Buffer
  /** Offset of the first record's length field. */
  readonly at: number
  readonly count: number
}

/** Packed RRsets by lowercase owner name. */
export class PackedRRsets {
  private readonly table = new OwnerTable()
  private readonly chunks: Buffer[] = []
  // Bytes used in each chunk, for walking the entries in order.
  private readonly fill: number[] = []
  private used = CHUNK_SIZE
  private owners_ = 0

  /** Number of owners held. */
  get size(): number {
    return this.owners_
  }

  /** Whether `owner` has packed RRsets. */
  has(owner: string): boolean {
    return this.head(owner) >= 0
  }

  /** Owners held, in insertion order. */
  *owners(): IterableIterator<string> {
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c]
      const end = c === this.chunks.length - 1 ? this.used : (this.fill[c] ?? 0)
      if (chunk === undefined) continue
      for (let at = 0; at < end; at = entryEnd(chunk, at)) {
        // An owner's oldest entry (the end of its chain) marks its place in load order.
        if (chunk.readInt32BE(at) !== -1) continue
        const owner = chunk.toString('latin1', at + 5, at + 5 + (chunk[at + 4] ?? 0))
        if (this.has(owner)) yield owner
      }
    }
  }

  /** Forgets `owner` (its bytes stay in the slab until the zone is reloaded). */
  drop(owner: string): boolean {
    const slot = this.slotOf(owner)
    if (slot < 0) return false
    this.table.remove(slot)
    this.owners_--
    return true
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
    const rdatas = encodeValues(set, type)
    if (!rdatas.ok) return rdatas
    let size = 4 + 1 + owner.length + 2 + 4 + 2 + 2
    for (const rdata of rdatas.value) size += 2 + 10 + rdata.length
    for (const value of set.values) size += 2 + 3 * value.length
    if (size > CHUNK_SIZE || set.values.some((v) => 3 * v.length > 0xffff)) return ok(false)
    const chunk = this.room(size)
    if (chunk === undefined) return ok(false)
    const start = this.used
    const slot = this.slotOf(owner)
    const previous = slot < 0 ? -1 : this.table.ref(slot)
    this.used = writeEntry(chunk, start, previous, owner, type, set, rdatas.value)
    const ref = (this.chunks.length - 1) * CHUNK_SIZE + start
    if (slot < 0) {
      this.table.insert(hashText(owner), ref)
      this.owners_++
    } else {
      this.table.replace(slot, ref)
    }
    return ok(true)
  }

  // The current chunk if `size` more bytes fit, else a new one; undefined when full.
  private room(size: number): Buffer | undefined {
    if (this.used + size > CHUNK_SIZE) {
      if (this.chunks.length >= MAX_CHUNKS) return undefined
      if (this.chunks.length > 0) this.fill[this.chunks.length - 1] = this.used
      this.chunks.push(Buffer.allocUnsafe(CHUNK_SIZE))
      this.used = 0
    }
    return this.chunks[this.chunks.length - 1]
  }

  /**
   * The head ref of the owner whose lowercase name is the first `length` bytes of `name`
   * (hashed with `hashBytes`), or -1: the UDP fast path, without building a string.
   */
  find(name: Uint8Array, length: number, hash: number): number {
    const slot = this.slotAt(name, length, hash)
    return slot < 0 ? -1 : this.table.ref(slot)
  }

  /** The records of the RRset of `type` in the chain from `ref` (from `find`), if any. */
  recordsAt(ref: number, type: number): PackedRecords | undefined {
    while (ref >= 0) {
      const chunk = this.chunkOf(ref)
      const at = ref % CHUNK_SIZE
      const p = at + 5 + (chunk[at + 4] ?? 0)
      if (chunk.readUInt16BE(p) === type) {
        return { chunk, at: p + 8, count: chunk.readUInt16BE(p + 6) }
      }
      ref = chunk.readInt32BE(at)
    }
    return undefined
  }

  /** The records of `owner`'s RRset of `type`, without building objects. */
  records(owner: string, type: number): PackedRecords | undefined {
    return this.recordsAt(this.head(owner), type)
  }

  /** Every RRset of `owner` as objects (the general path and read-back); undefined if none. */
  node(owner: string): Map<number, PreparedRRset> | undefined {
    let ref = this.head(owner)
    if (ref < 0) return undefined
    const newestFirst: PreparedRRset[] = []
    while (ref >= 0) {
      const { rrset, next } = unpack(owner, this.chunkOf(ref), ref % CHUNK_SIZE)
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

  private head(owner: string): number {
    const slot = this.slotOf(owner)
    return slot < 0 ? -1 : this.table.ref(slot)
  }

  // The table slot of `owner`, or -1. Packed owners are plain names: others are not here.
  private slotOf(owner: string): number {
    if (!plainName(owner)) return -1
    const length = KEY.write(owner, 'latin1')
    return this.slotAt(KEY, length, hashBytes(KEY, length))
  }

  // The table slot of the owner spelt by the first `length` bytes of `name`, or -1.
  private slotAt(name: Uint8Array, length: number, hash: number): number {
    const { table } = this
    for (let slot = table.first(hash); ; slot = table.next(slot)) {
      const ref = table.ref(slot)
      if (ref === EMPTY) return -1
      if (ref === DELETED || table.hash(slot) !== hash) continue
      const chunk = this.chunkOf(ref)
      const at = ref % CHUNK_SIZE
      if (chunk[at + 4] !== length) continue
      let i = 0
      while (i < length && chunk[at + 5 + i] === name[i]) i++
      if (i === length) return slot
    }
  }

  private chunkOf(ref: number): Buffer {
    const chunk = this.chunks[Math.floor(ref / CHUNK_SIZE)]
    if (chunk === undefined) throw new Error(`packed ref ${String(ref)} out of range`)
    return chunk
  }
}

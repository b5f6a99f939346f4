/**
 * Builds a DNS message in one preallocated buffer, compressing names (RFC 1035 §4.1.4).
 * Writes past the capacity set `overflowed` instead of throwing, so the caller can answer
 * with TC (RFC 2181 §9) without exceptions on the hot path.
 */
import { labelToText } from './name-text.ts'
import { MAX_MESSAGE_SIZE } from './constants.ts'

// Pointers hold 14 bits, so only names that start below 16384 can be pointed at.
const MAX_POINTER = 0x3fff

/** An append-only DNS message buffer with a name compression map. */
export class MessageWriter {
  private readonly buf: Buffer
  private pos = 0
  // Lowercase presentation suffix → offset: names compare case-insensitively (RFC 4343).
  private readonly names = new Map<string, number>()
  /** True once a write did not fit; the content is then incomplete. */
  overflowed = false

  constructor(capacity: number = MAX_MESSAGE_SIZE) {
    this.buf = Buffer.allocUnsafe(capacity)
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos
  }

  /** Writes one octet. */
  u8(value: number): void {
    if (this.room(1)) this.buf[this.pos++] = value & 0xff
  }

  /** Writes a 16-bit big-endian integer. */
  u16(value: number): void {
    if (this.room(2)) this.pos = this.buf.writeUInt16BE(value & 0xffff, this.pos)
  }

  /** Writes a 32-bit big-endian integer. */
  u32(value: number): void {
    if (this.room(4)) this.pos = this.buf.writeUInt32BE(value >>> 0, this.pos)
  }

  /** Copies bytes as they are. */
  bytes(data: Uint8Array): void {
    if (this.room(data.length)) {
      this.buf.set(data, this.pos)
      this.pos += data.length
    }
  }

  /** Overwrites a 16-bit integer already written (header fields, counts). */
  setU16(at: number, value: number): void {
    this.buf.writeUInt16BE(value & 0xffff, at)
  }

  /** Writes an uncompressed wire name, pointing at an earlier copy of any suffix. */
  name(wire: Uint8Array): void {
    const keys = suffixKeys(wire)
    let pos = 0
    for (const key of keys) {
      const earlier = this.names.get(key)
      if (earlier !== undefined) {
        this.u16(0xc000 | earlier)
        return
      }
      if (this.pos <= MAX_POINTER && !this.overflowed) this.names.set(key, this.pos)
      const len = wire[pos] ?? 0
      this.bytes(wire.subarray(pos, pos + 1 + len))
      pos += 1 + len
    }
    this.u8(0)
  }

  /** Drops everything after `length` bytes (used to cut a message back to its header). */
  truncate(length: number): void {
    this.pos = Math.min(this.pos, length)
    this.overflowed = false
    for (const [key, at] of this.names) if (at >= length) this.names.delete(key)
  }

  /** The bytes written (a view, not a copy: the writer is meant for one message). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos)
  }

  private room(n: number): boolean {
    if (this.pos + n > this.buf.length) this.overflowed = true
    return !this.overflowed
  }
}

/** Lowercase keys of every non-root suffix of a wire name, longest first. */
function suffixKeys(wire: Uint8Array): string[] {
  const labels: string[] = []
  for (let pos = 0, len = wire[0] ?? 0; len !== 0; len = wire[pos] ?? 0) {
    labels.push(labelToText(wire, pos + 1, pos + 1 + len).toLowerCase())
    pos += 1 + len
  }
  const keys = new Array<string>(labels.length)
  let suffix = ''
  for (let i = labels.length - 1; i >= 0; i--) {
    suffix = suffix === '' ? (labels[i] ?? '') : `${labels[i] ?? ''}.${suffix}`
    keys[i] = suffix
  }
  return keys
}

/**
 * Reading names from messages (RFC 1035 §4.1.4 compression). Untrusted input: every read is
 * bounds-checked, a pointer must point strictly before the run it was found in (so a chain of
 * pointers cannot loop), extended label types (RFC 6891 §5) are refused, and the expanded
 * name may not exceed 255 octets.
 */
import { MAX_NAME_WIRE_LENGTH } from './constants.ts'
import { labelToText } from './name-text.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** A name read from a message. */
export interface DecodedName {
  /** Uncompressed wire form, original case kept. */
  readonly wire: Buffer
  /** Presentation text, original case, no trailing dot; the root is `.`. */
  readonly text: string
  /** Offset just past the name in the message (past the first pointer if compressed). */
  readonly end: number
}

/** Reads a possibly compressed name at `offset`. */
export function decodeName(msg: Uint8Array, offset: number): Result<DecodedName, WireError> {
  const wire: number[] = []
  const labels: string[] = []
  let pos = offset
  let runStart = offset
  let end = -1
  for (;;) {
    if (pos >= msg.length) return err(wireError('truncated', 'name runs past the message'))
    const len = msg[pos] ?? 0
    const kind = len & 0xc0
    if (kind === 0xc0) {
      if (pos + 1 >= msg.length) return err(wireError('truncated', 'pointer runs past the message'))
      const target = ((len & 0x3f) << 8) | (msg[pos + 1] ?? 0)
      if (target >= runStart) {
        return err(wireError('bad-pointer', `compression pointer to ${target} is not backwards`))
      }
      if (end < 0) end = pos + 2
      pos = target
      runStart = target
      continue
    }
    if (kind !== 0)
      return err(wireError('bad-label-type', `unsupported label type 0x${kind.toString(16)}`))
    if (len === 0) break
    if (pos + 1 + len > msg.length)
      return err(wireError('truncated', 'label runs past the message'))
    if (wire.length + 1 + len + 1 > MAX_NAME_WIRE_LENGTH) {
      return err(wireError('name-too-long', 'name longer than 255 octets'))
    }
    wire.push(len)
    for (let i = pos + 1; i <= pos + len; i++) wire.push(msg[i] ?? 0)
    labels.push(labelToText(msg, pos + 1, pos + 1 + len))
    pos += 1 + len
  }
  wire.push(0)
  if (end < 0) end = pos + 1
  const text = labels.length === 0 ? '.' : labels.join('.')
  return ok({ wire: Buffer.from(wire), text, end })
}

/** Skips a name without building it; returns the offset just past it. */
export function skipName(msg: Uint8Array, offset: number): Result<number, WireError> {
  let pos = offset
  let total = 1
  for (;;) {
    if (pos >= msg.length) return err(wireError('truncated', 'name runs past the message'))
    const len = msg[pos] ?? 0
    if ((len & 0xc0) === 0xc0) {
      if (pos + 1 >= msg.length) return err(wireError('truncated', 'pointer runs past the message'))
      return ok(pos + 2)
    }
    if ((len & 0xc0) !== 0) return err(wireError('bad-label-type', 'unsupported label type'))
    if (len === 0) return ok(pos + 1)
    total += len + 1
    if (total > MAX_NAME_WIRE_LENGTH) {
      return err(wireError('name-too-long', 'name longer than 255 octets'))
    }
    pos += 1 + len
  }
}

/**
 * The fixed part of a resource record (RFC 1035 §4.1.3): owner name, TYPE, CLASS, TTL,
 * RDLENGTH, with the rdata bounds checked against the message.
 */
import { err, ok, type Result } from '../core/result.ts'
import { decodeName } from './name-wire.ts'
import { wireError, type WireError } from './wire-error.ts'

/** A record's header and where its rdata lies. */
export interface RecordHeader {
  /** The owner name as decoded (case kept). */
  readonly name: string
  readonly type: number
  readonly class: number
  readonly ttl: number
  /** Offset and length of the rdata. */
  readonly rdata: number
  readonly length: number
  /** Offset just past the record. */
  readonly end: number
}

/** Reads the record starting at `pos`. */
export function readRecordHeader(msg: Buffer, pos: number): Result<RecordHeader, WireError> {
  const name = decodeName(msg, pos)
  if (!name.ok) return name
  const at = name.value.end
  if (at + 10 > msg.length)
    return err(wireError('truncated', 'record header runs past the message'))
  const length = msg.readUInt16BE(at + 8)
  const end = at + 10 + length
  if (end > msg.length) return err(wireError('truncated', 'rdata runs past the message'))
  return ok({
    name: name.value.text,
    type: msg.readUInt16BE(at),
    class: msg.readUInt16BE(at + 2),
    ttl: msg.readUInt32BE(at + 4),
    rdata: at + 10,
    length,
    end,
  })
}

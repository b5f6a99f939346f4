/**
 * Reads an UPDATE message (RFC 2136 §2): the header, the zone section (exactly one entry of
 * type SOA, §2.3), the prerequisite (§2.4) and update (§2.5) sections as raw records with
 * their rdata in presentation form, and the additional section (skipped: a TSIG record has
 * already been removed by the caller, an OPT is allowed). Input is untrusted: every failure
 * is a value.
 */
import { err, ok, type Result } from '../core/result.ts'
import { HEADER_SIZE, RRType } from './constants.ts'
import { lowerName } from './name-text.ts'
import { decodeName, skipName } from './name-wire.ts'
import { parseHeader, type MessageHeader } from './query.ts'
import { decodeRdata } from './rdata-decode.ts'
import { readRecordHeader } from './record-header.ts'
import { wireError, type WireError } from './wire-error.ts'

/** One record of the prerequisite or update section. */
export interface UpdateRecord {
  /** Lowercase presentation text without the trailing dot. */
  readonly name: string
  readonly type: number
  readonly class: number
  readonly ttl: number
  /** Presentation form of the rdata; `undefined` when the rdata is empty. */
  readonly data: string | undefined
}

/** A parsed UPDATE message. */
export interface UpdateMessage {
  readonly header: MessageHeader
  /** The zone entry as sent (case kept), for echoing in the response. */
  readonly zoneWire: Buffer
  readonly zone: string
  readonly zoneClass: number
  readonly zoneType: number
  readonly prerequisites: readonly UpdateRecord[]
  readonly updates: readonly UpdateRecord[]
}

/** Parses an UPDATE message (the caller checked the opcode). */
export function parseUpdate(input: Uint8Array): Result<UpdateMessage, WireError> {
  const head = parseHeader(input)
  if (!head.ok) return head
  const header = head.value
  if (header.qdcount !== 1) {
    return err(wireError('bad-count', `expected one zone entry, got ${header.qdcount}`))
  }
  const msg = Buffer.from(input.buffer, input.byteOffset, input.length)
  const zone = decodeName(msg, HEADER_SIZE)
  if (!zone.ok) return zone
  let pos = zone.value.end
  if (pos + 4 > msg.length) return err(wireError('truncated', 'zone entry runs past the message'))
  const zoneType = msg.readUInt16BE(pos)
  const zoneClass = msg.readUInt16BE(pos + 2)
  pos += 4
  const sections: UpdateRecord[][] = [[], []]
  for (const [s, count] of [header.ancount, header.nscount].entries()) {
    for (let i = 0; i < count; i++) {
      const rr = readRecord(msg, pos)
      if (!rr.ok) return rr
      sections[s]?.push(rr.value.record)
      pos = rr.value.end
    }
  }
  for (let i = 0; i < header.arcount; i++) {
    const owner = skipName(msg, pos)
    if (!owner.ok) return owner
    if (owner.value + 10 > msg.length)
      return err(wireError('truncated', 'record runs past the message'))
    pos = owner.value + 10 + msg.readUInt16BE(owner.value + 8)
    if (pos > msg.length) return err(wireError('truncated', 'rdata runs past the message'))
  }
  if (pos !== msg.length) return err(wireError('trailing-data', 'bytes after the last record'))
  const [prerequisites = [], updates = []] = sections
  return ok({
    header,
    zoneWire: zone.value.wire,
    zone: lowerName(zone.value.text),
    zoneClass,
    zoneType,
    prerequisites,
    updates,
  })
}

function readRecord(
  msg: Buffer,
  pos: number,
): Result<{ record: UpdateRecord; end: number }, WireError> {
  const header = readRecordHeader(msg, pos)
  if (!header.ok) return header
  const { type, length } = header.value
  if (type === RRType.OPT || type === RRType.TSIG) {
    return err(wireError('bad-rdata', 'OPT or TSIG outside the additional section'))
  }
  let data: string | undefined
  if (length > 0) {
    const decoded = decodeRdata(msg, header.value.rdata, length, type)
    if (!decoded.ok) return decoded
    data = decoded.value
  }
  const { name, ttl, end } = header.value
  const record: UpdateRecord = { name: lowerName(name), type, class: header.value.class, ttl, data }
  return ok({ record, end })
}

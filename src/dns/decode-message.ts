/**
 * Decodes a whole message (RFC 1035 §4.1) into plain values: for dynzone's DNS clients
 * (responses from other servers) and for tests that check what the server sent.
 */
import { decodeName } from './name-wire.ts'
import { decodeRdata } from './rdata-decode.ts'
import { readRecordHeader } from './record-header.ts'
import { HEADER_SIZE } from './constants.ts'
import { parseHeader, type MessageHeader } from './query.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** One question as sent (name in original case). */
export interface DecodedQuestion {
  readonly name: string
  readonly type: number
  readonly class: number
}

/** One resource record with its rdata in presentation form. */
export interface DecodedRecord extends DecodedQuestion {
  readonly ttl: number
  readonly data: string
}

/** A whole message. */
export interface DecodedMessage {
  readonly header: MessageHeader
  readonly questions: readonly DecodedQuestion[]
  readonly answers: readonly DecodedRecord[]
  readonly authority: readonly DecodedRecord[]
  readonly additional: readonly DecodedRecord[]
}

/** Decodes every section of a message. */
export function decodeMessage(input: Uint8Array): Result<DecodedMessage, WireError> {
  const head = parseHeader(input)
  if (!head.ok) return head
  const h = head.value
  const msg = Buffer.from(input.buffer, input.byteOffset, input.length)
  const questions: DecodedQuestion[] = []
  let pos = HEADER_SIZE
  for (let i = 0; i < h.qdcount; i++) {
    const name = decodeName(msg, pos)
    if (!name.ok) return name
    pos = name.value.end
    if (pos + 4 > msg.length) return err(wireError('truncated', 'question runs past the message'))
    questions.push({
      name: name.value.text,
      type: msg.readUInt16BE(pos),
      class: msg.readUInt16BE(pos + 2),
    })
    pos += 4
  }
  const sections: DecodedRecord[][] = [[], [], []]
  const counts = [h.ancount, h.nscount, h.arcount]
  for (const [s, count] of counts.entries()) {
    for (let i = 0; i < count; i++) {
      const rr = decodeRecord(msg, pos)
      if (!rr.ok) return rr
      sections[s]?.push(rr.value.record)
      pos = rr.value.end
    }
  }
  if (pos !== msg.length) return err(wireError('trailing-data', 'bytes after the last record'))
  const [answers = [], authority = [], additional = []] = sections
  return ok({ header: h, questions, answers, authority, additional })
}

function decodeRecord(
  msg: Buffer,
  pos: number,
): Result<{ record: DecodedRecord; end: number }, WireError> {
  const header = readRecordHeader(msg, pos)
  if (!header.ok) return header
  const { name, type, ttl, rdata, length, end } = header.value
  const data = decodeRdata(msg, rdata, length, type)
  if (!data.ok) return data
  return ok({ record: { name, type, class: header.value.class, ttl, data: data.value }, end })
}

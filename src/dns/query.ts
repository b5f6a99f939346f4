/**
 * Parses incoming queries: the header (RFC 1035 §4.1.1), exactly one question (RFC 1035
 * §4.1.2, RFC 9619), and the OPT pseudo-record in the additional section (RFC 6891 §6.1).
 * Input is untrusted: every failure is a `QueryError` value, never an exception.
 */
import { EDNS_DO_BIT, HEADER_SIZE, RRType } from './constants.ts'
import { decodeName, skipName } from './name-wire.ts'
import { lowerName } from './name-text.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** The fixed header of a message. */
export interface MessageHeader {
  readonly id: number
  readonly flags: number
  readonly opcode: number
  readonly rcode: number
  readonly qdcount: number
  readonly ancount: number
  readonly nscount: number
  readonly arcount: number
}

/** What the client said in its OPT record. */
export interface EdnsInfo {
  readonly version: number
  readonly udpPayloadSize: number
  readonly dnssecOk: boolean
}

/** The one question of a query. */
export interface Question {
  /** The name as sent (case kept), uncompressed, so the answer can echo it byte for byte. */
  readonly nameWire: Buffer
  /** Lowercase presentation text without trailing dot, for lookups. */
  readonly name: string
  readonly type: number
  readonly class: number
}

/** A parsed query. */
export interface Query {
  readonly header: MessageHeader
  readonly question: Question
  readonly edns: EdnsInfo | undefined
}

/** Why a query was refused; `header` is set when the header itself was readable. */
export type QueryError = WireError & { readonly header: MessageHeader | undefined }

/** Reads the 12-byte header. */
export function parseHeader(msg: Uint8Array): Result<MessageHeader, WireError> {
  if (msg.length < HEADER_SIZE) return err(wireError('truncated', 'message shorter than a header'))
  const view = Buffer.from(msg.buffer, msg.byteOffset, HEADER_SIZE)
  const flags = view.readUInt16BE(2)
  return ok({
    id: view.readUInt16BE(0),
    flags,
    opcode: (flags >> 11) & 0x0f,
    rcode: flags & 0x0f,
    qdcount: view.readUInt16BE(4),
    ancount: view.readUInt16BE(6),
    nscount: view.readUInt16BE(8),
    arcount: view.readUInt16BE(10),
  })
}

/** Parses a query with exactly one question and at most one OPT record. */
export function parseQuery(input: Uint8Array): Result<Query, QueryError> {
  const head = parseHeader(input)
  if (!head.ok) return err({ ...head.error, header: undefined })
  const header = head.value
  const fail = (e: WireError): { ok: false; error: QueryError } => err({ ...e, header })
  if (header.qdcount !== 1) {
    return fail(wireError('bad-count', `expected one question, got ${header.qdcount}`))
  }
  const msg = Buffer.from(input.buffer, input.byteOffset, input.length)
  const qname = decodeName(msg, HEADER_SIZE)
  if (!qname.ok) return fail(qname.error)
  let pos = qname.value.end
  if (pos + 4 > msg.length) return fail(wireError('truncated', 'question runs past the message'))
  const question: Question = {
    nameWire: qname.value.wire,
    name: lowerName(qname.value.text),
    type: msg.readUInt16BE(pos),
    class: msg.readUInt16BE(pos + 2),
  }
  pos += 4
  let edns: EdnsInfo | undefined
  const records = header.ancount + header.nscount + header.arcount
  for (let i = 0; i < records; i++) {
    const rr = readRecordFrame(msg, pos)
    if (!rr.ok) return fail(rr.error)
    if (rr.value.type === RRType.OPT) {
      if (i < header.ancount + header.nscount) {
        return fail(wireError('bad-opt', 'OPT outside the additional section'))
      }
      if (edns !== undefined) return fail(wireError('bad-opt', 'more than one OPT record'))
      const opt = readOpt(msg, pos, rr.value.rdataStart, rr.value.end)
      if (!opt.ok) return fail(opt.error)
      edns = opt.value
    }
    pos = rr.value.end
  }
  if (pos !== msg.length) return fail(wireError('trailing-data', 'bytes after the last record'))
  return ok({ header, question, edns })
}

interface RecordFrame {
  readonly type: number
  readonly rdataStart: number
  readonly end: number
}

function readRecordFrame(msg: Buffer, pos: number): Result<RecordFrame, WireError> {
  const afterName = skipName(msg, pos)
  if (!afterName.ok) return afterName
  const fixed = afterName.value
  if (fixed + 10 > msg.length)
    return err(wireError('truncated', 'record header runs past the message'))
  const rdataStart = fixed + 10
  const end = rdataStart + msg.readUInt16BE(fixed + 8)
  if (end > msg.length) return err(wireError('truncated', 'rdata runs past the message'))
  return ok({ type: msg.readUInt16BE(fixed), rdataStart, end })
}

function readOpt(
  msg: Buffer,
  owner: number,
  rdataStart: number,
  end: number,
): Result<EdnsInfo, WireError> {
  // The OPT owner is the root name; a pointer or label there is malformed (RFC 6891 §6.1.2).
  if (msg[owner] !== 0) return err(wireError('bad-opt', 'OPT owner name is not the root'))
  // Options are TLVs that must exactly fill the rdata (RFC 6891 §6.1.2).
  let pos = rdataStart
  while (pos < end) {
    if (pos + 4 > end) return err(wireError('bad-opt', 'truncated EDNS option'))
    pos += 4 + msg.readUInt16BE(pos + 2)
  }
  if (pos !== end) return err(wireError('bad-opt', 'EDNS option runs past the OPT record'))
  const fixed = owner + 1
  return ok({
    udpPayloadSize: msg.readUInt16BE(fixed + 2),
    version: msg[fixed + 5] ?? 0,
    dnssecOk: (msg.readUInt16BE(fixed + 6) & EDNS_DO_BIT) !== 0,
  })
}

/**
 * Lays out a response in bytes (RFC 1035 §4.1): header, the question echoed as received,
 * the planned sections with owner names compressed, and the OPT record (RFC 6891 §6.1.2).
 * When the sections do not fit, they are all dropped and TC is set (RFC 2181 §9).
 */
import { EDNS_DO_BIT, EDNS_UDP_PAYLOAD, Flag, HEADER_SIZE, RRType } from '../../dns/constants.ts'
import { MessageWriter } from '../../dns/message-writer.ts'
import type { MessageHeader, Query } from '../../dns/query.ts'
import type { PreparedRRset } from '../index/prepared-rrset.ts'

/** What to send, before it is laid out in bytes. */
export interface Plan {
  readonly rcode: number
  readonly aa: boolean
  readonly answer?: readonly PreparedRRset[]
  readonly authority?: readonly PreparedRRset[]
  readonly additional?: readonly PreparedRRset[]
}

const OPT_SIZE = 11

/** The response to `q` carrying `p`, at most `limit` bytes long. */
export function renderResponse(q: Query, p: Plan, limit: number): Buffer {
  const w = new MessageWriter(limit)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  w.name(q.question.nameWire)
  w.u16(q.question.type)
  w.u16(q.question.class)
  const questionEnd = w.length
  const counts = [p.answer, p.authority, p.additional].map((list) => writeRRsets(w, list ?? []))
  const reserve = q.edns === undefined ? 0 : OPT_SIZE
  let truncated = false
  if (w.overflowed || w.length + reserve > limit) {
    // RFC 2181 §9: a partial RRset must not be used; send none and let the client use TCP.
    w.truncate(questionEnd)
    counts.fill(0)
    truncated = true
  }
  if (q.edns !== undefined) writeOpt(w, p.rcode, q.edns.dnssecOk)
  const flags =
    Flag.QR |
    (q.header.opcode << 11) |
    (p.aa ? Flag.AA : 0) |
    (truncated ? Flag.TC : 0) |
    (q.header.flags & (Flag.RD | Flag.CD)) |
    (p.rcode & 0x0f)
  writeHeader(w, q.header.id, flags, [1, ...counts], q.edns === undefined ? 0 : 1)
  return w.finish()
}

function writeRRsets(w: MessageWriter, rrsets: readonly PreparedRRset[]): number {
  let count = 0
  for (const rrset of rrsets) {
    for (const record of rrset.records) {
      w.name(rrset.ownerWire)
      w.bytes(record)
      count++
    }
  }
  return count
}

/** Appends the OPT record dynzone sends (payload 1232, extended rcode bits, DO echoed). */
export function writeOpt(w: MessageWriter, rcode: number, dnssecOk: boolean): void {
  w.u8(0)
  w.u16(RRType.OPT)
  w.u16(EDNS_UDP_PAYLOAD)
  w.u8(rcode >> 4)
  w.u8(0)
  w.u16(dnssecOk ? EDNS_DO_BIT : 0)
  w.u16(0)
}

/** Fills in the header reserved at the start of `w`; `opt` adds to the additional count. */
export function writeHeader(
  w: MessageWriter,
  id: number,
  flags: number,
  counts: number[],
  opt: number,
): void {
  const [qd = 0, an = 0, ns = 0, ar = 0] = counts
  w.setU16(0, id)
  w.setU16(2, flags)
  w.setU16(4, qd)
  w.setU16(6, an)
  w.setU16(8, ns)
  w.setU16(10, ar + opt)
}

/** A bare header (FORMERR, NOTIMP, SERVFAIL) for a query not read past its header. */
export function headerOnly(header: MessageHeader, rcode: number): Buffer {
  const w = new MessageWriter(HEADER_SIZE)
  w.bytes(Buffer.alloc(HEADER_SIZE))
  const flags = Flag.QR | (header.opcode << 11) | (header.flags & Flag.RD) | rcode
  writeHeader(w, header.id, flags, [0, 0, 0, 0], 0)
  return w.finish()
}

/**
 * Which UDP messages a DNS worker hands to the main process instead of answering from its
 * replica: what changes state or needs what only the main process holds. UPDATE (RFC 2136,
 * it goes through core and the store), NOTIFY and every other opcode; any message with a
 * TSIG record (RFC 8945: the keys, and UPDATE grants, stay in the main process); and AXFR and
 * IXFR (RFC 5936, RFC 1995: the transfer allow list and the zone journal). Everything else,
 * malformed messages included, is read-only and answered by the worker exactly as the main
 * process would (its fast path, then its general path).
 */
import { RRType } from '../../dns/constants.ts'
import { locateTsig } from '../../dns/tsig-record.ts'

const HEADER = 12

/** True when the main process must answer `message`. */
export function needsPrimary(message: Buffer): boolean {
  if (message.length < HEADER) return false
  const flags = message[2] ?? 0
  if ((flags & 0x80) !== 0) return false // a response: nobody answers it
  if (((flags >> 3) & 0x0f) !== 0) return true // not QUERY
  const tsig = locateTsig(message)
  if (tsig.ok && tsig.value !== undefined) return true
  const qtype = firstQuestionType(message)
  return qtype === RRType.AXFR || qtype === RRType.IXFR
}

// The type of the first question, or -1 when there is none or its name is unusual.
function firstQuestionType(message: Buffer): number {
  if (message.readUInt16BE(4) === 0) return -1
  let p = HEADER
  for (let len = message[p] ?? -1; len !== 0; len = message[p] ?? -1) {
    if (len < 0 || len > 63) return -1 // end of data, or a pointer: questions never compress
    p += 1 + len
  }
  return p + 3 <= message.length ? message.readUInt16BE(p + 1) : -1
}

/**
 * Reads what an IXFR query carries beyond its question (RFC 1995 §3): the client's SOA in
 * the authority section, of which only the serial matters.
 */
import { HEADER_SIZE, RRType } from '../../dns/constants.ts'
import { skipName } from '../../dns/name-wire.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { wireError, type WireError } from '../../dns/wire-error.ts'

/** The serial of the SOA in an IXFR query's authority section. */
export function ixfrClientSerial(raw: Uint8Array): Result<number, WireError> {
  const msg = Buffer.from(raw.buffer, raw.byteOffset, raw.length)
  if (msg.length < HEADER_SIZE) return err(wireError('truncated', 'message shorter than a header'))
  const ancount = msg.readUInt16BE(6)
  const nscount = msg.readUInt16BE(8)
  if (nscount < 1) return err(wireError('bad-count', 'IXFR query without an SOA in authority'))
  const afterName = skipName(msg, HEADER_SIZE)
  if (!afterName.ok) return afterName
  let pos = afterName.value + 4
  // Answer records are not expected in a query; step over them rather than fail.
  for (let i = 0; i <= ancount; i++) {
    const owner = skipName(msg, pos)
    if (!owner.ok) return owner
    const fixed = owner.value
    if (fixed + 10 > msg.length) return err(wireError('truncated', 'record runs past the message'))
    const type = msg.readUInt16BE(fixed)
    const end = fixed + 10 + msg.readUInt16BE(fixed + 8)
    if (end > msg.length) return err(wireError('truncated', 'rdata runs past the message'))
    if (i === ancount) {
      if (type !== RRType.SOA) return err(wireError('bad-rdata', 'IXFR authority is not an SOA'))
      return soaSerial(msg, fixed + 10, end)
    }
    pos = end
  }
  return err(wireError('bad-count', 'IXFR query without an SOA in authority'))
}

function soaSerial(msg: Buffer, start: number, end: number): Result<number, WireError> {
  const mname = skipName(msg, start)
  if (!mname.ok) return mname
  const rname = skipName(msg, mname.value)
  if (!rname.ok) return rname
  if (rname.value + 20 !== end) return err(wireError('bad-rdata', 'SOA rdata has the wrong length'))
  return ok(msg.readUInt32BE(rname.value))
}

/**
 * SOA rdata (RFC 1035 §3.3.13) from its fields. Record values of every other type are
 * encoded by `src/zone/record-value.ts`, the one codec of presentation values.
 */
import type { SoaFields } from '../core/records.ts'
import { nameToWire } from './name-text.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** Encodes SOA rdata (RFC 1035 §3.3.13) from its fields. */
export function encodeSoaRdata(soa: SoaFields): Result<Buffer, WireError> {
  const mname = nameToWire(soa.mname)
  const rname = nameToWire(soa.rname)
  if (!mname.ok) return mname
  if (!rname.ok) return rname
  const timers = Buffer.alloc(20)
  const values = [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minimum]
  for (const [i, v] of values.entries()) {
    if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) {
      return err(wireError('bad-rdata', `SOA timer ${v} is not a 32-bit unsigned integer`))
    }
    timers.writeUInt32BE(v, i * 4)
  }
  return ok(Buffer.concat([mname.value, rname.value, timers]))
}

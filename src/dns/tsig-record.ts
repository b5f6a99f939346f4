/**
 * Finding and reading the TSIG record (RFC 8945 §4.2, §5.1: it must be the last record of
 * the additional section). Input is untrusted: every read is bounds-checked.
 */
import { err, ok, type Result } from '../core/result.ts'
import { HEADER_SIZE } from './constants.ts'
import { lowerName } from './name-text.ts'
import { decodeName, skipName } from './name-wire.ts'

/** The TSIG type code. */
export const TSIG_TYPE = 250

/** The fields of a TSIG record. */
export interface TsigRecord {
  /** Lowercase key name without trailing dot. */
  readonly keyName: string
  readonly keyWire: Buffer
  /** Lowercase algorithm name, e.g. `hmac-sha256`. */
  readonly algorithm: string
  readonly algorithmWire: Buffer
  readonly timeSigned: number
  readonly fudge: number
  readonly mac: Buffer
  readonly originalId: number
  readonly error: number
  readonly otherData: Buffer
}

/** Offset of the TSIG record if the message ends with one; a TSIG elsewhere is an error. */
export function locateTsig(msg: Uint8Array): Result<number | undefined, string> {
  if (msg.length < HEADER_SIZE) return err('message shorter than a header')
  const view = Buffer.from(msg.buffer, msg.byteOffset, msg.length)
  const qd = view.readUInt16BE(4)
  const records = view.readUInt16BE(6) + view.readUInt16BE(8) + view.readUInt16BE(10)
  let pos = HEADER_SIZE
  for (let i = 0; i < qd; i++) {
    const end = skipName(view, pos)
    if (!end.ok) return err(end.error.message)
    pos = end.value + 4
  }
  let last: number | undefined
  for (let i = 0; i < records; i++) {
    const end = skipName(view, pos)
    if (!end.ok) return err(end.error.message)
    if (end.value + 10 > view.length) return err('record runs past the message')
    const type = view.readUInt16BE(end.value)
    if (type === TSIG_TYPE) {
      if (i !== records - 1) return err('TSIG is not the last record')
      last = pos
    }
    pos = end.value + 10 + view.readUInt16BE(end.value + 8)
    if (pos > view.length) return err('rdata runs past the message')
  }
  if (pos !== view.length) return err('bytes after the last record')
  return ok(last)
}

/** Reads the TSIG record at `at`. */
export function readTsig(msg: Uint8Array, at: number): Result<TsigRecord, string> {
  const view = Buffer.from(msg.buffer, msg.byteOffset, msg.length)
  const owner = decodeName(view, at)
  if (!owner.ok) return err(owner.error.message)
  const rdataStart = owner.value.end + 10
  const end = rdataStart + view.readUInt16BE(owner.value.end + 8)
  // The algorithm name is never compressed (RFC 8945 §4.2), so it is read from the rdata alone.
  const rdata = view.subarray(rdataStart, end)
  const alg = decodeName(rdata, 0)
  if (!alg.ok) return err(`algorithm: ${alg.error.message}`)
  let pos = alg.value.end
  if (pos + 10 > rdata.length) return err('TSIG rdata too short')
  const timeSigned = rdata.readUInt16BE(pos) * 2 ** 32 + rdata.readUInt32BE(pos + 2)
  const fudge = rdata.readUInt16BE(pos + 6)
  const macSize = rdata.readUInt16BE(pos + 8)
  pos += 10
  if (pos + macSize + 6 > rdata.length) return err('TSIG MAC runs past the rdata')
  const mac = Buffer.from(rdata.subarray(pos, pos + macSize))
  pos += macSize
  const originalId = rdata.readUInt16BE(pos)
  const error = rdata.readUInt16BE(pos + 2)
  const otherLength = rdata.readUInt16BE(pos + 4)
  pos += 6
  if (pos + otherLength !== rdata.length) return err('TSIG other data does not fill the rdata')
  return ok({
    keyName: lowerName(owner.value.text),
    keyWire: owner.value.wire,
    algorithm: lowerName(alg.value.text),
    algorithmWire: alg.value.wire,
    timeSigned,
    fudge,
    mac,
    originalId,
    error,
    otherData: Buffer.from(rdata.subarray(pos)),
  })
}

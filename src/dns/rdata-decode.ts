/**
 * Rdata to presentation text, the inverse of `encodeRdata`: names without the trailing dot,
 * TXT as quoted strings, unknown types in the RFC 3597 §5 `\# <len> <hex>` form. Names may
 * be compressed (RFC 1035 §4.1.4; RFC 3597 §4 lists the types where that is allowed).
 */
import { RRType } from './constants.ts'
import { formatIPv6 } from './ip-address.ts'
import { decodeName } from './name-wire.ts'
import { quoteString } from './character-string.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

type Field = 'u16' | 'u32' | 'name'

const LAYOUTS = new Map<number, readonly Field[]>([
  [RRType.NS, ['name']],
  [RRType.CNAME, ['name']],
  [RRType.PTR, ['name']],
  [RRType.MX, ['u16', 'name']],
  [RRType.SRV, ['u16', 'u16', 'u16', 'name']],
  [RRType.SOA, ['name', 'name', 'u32', 'u32', 'u32', 'u32', 'u32']],
])

/** Presentation text of the rdata at `start..start+length` of `msg`. */
export function decodeRdata(
  msg: Uint8Array,
  start: number,
  length: number,
  type: number,
): Result<string, WireError> {
  const end = start + length
  if (end > msg.length) return err(wireError('truncated', 'rdata runs past the message'))
  const rdata = Buffer.from(msg.buffer, msg.byteOffset + start, length)
  if (type === RRType.A && length === 4) return ok([...rdata].join('.'))
  if (type === RRType.AAAA && length === 16) return ok(formatIPv6(rdata))
  if (type === RRType.TXT) return decodeTxt(rdata)
  if (type === RRType.CAA) return decodeCaa(rdata)
  const layout = LAYOUTS.get(type)
  if (layout === undefined) return ok(genericRdata(rdata))
  return decodeFields(Buffer.from(msg.buffer, msg.byteOffset, msg.length), start, end, layout)
}

function decodeFields(
  msg: Buffer,
  start: number,
  end: number,
  layout: readonly Field[],
): Result<string, WireError> {
  const parts: string[] = []
  let pos = start
  for (const field of layout) {
    if (field === 'name') {
      const name = decodeName(msg, pos)
      if (!name.ok) return name
      parts.push(name.value.text)
      pos = name.value.end
    } else {
      const size = field === 'u16' ? 2 : 4
      if (pos + size > end) return err(wireError('bad-rdata', 'rdata shorter than its type needs'))
      parts.push(String(size === 2 ? msg.readUInt16BE(pos) : msg.readUInt32BE(pos)))
      pos += size
    }
    if (pos > end) return err(wireError('bad-rdata', 'name runs past the rdata'))
  }
  if (pos !== end) return err(wireError('bad-rdata', 'rdata longer than its type needs'))
  return ok(parts.join(' '))
}

function decodeTxt(rdata: Buffer): Result<string, WireError> {
  const strings: string[] = []
  for (let pos = 0; pos < rdata.length;) {
    const len = rdata[pos] ?? 0
    if (pos + 1 + len > rdata.length)
      return err(wireError('bad-rdata', 'TXT string runs past the rdata'))
    strings.push(quoteString(rdata.subarray(pos + 1, pos + 1 + len)))
    pos += 1 + len
  }
  if (strings.length === 0) return err(wireError('bad-rdata', 'empty TXT rdata'))
  return ok(strings.join(' '))
}

function decodeCaa(rdata: Buffer): Result<string, WireError> {
  const tagLength = rdata[1]
  if (tagLength === undefined || 2 + tagLength > rdata.length) {
    return err(wireError('bad-rdata', 'CAA rdata too short'))
  }
  const tag = rdata.subarray(2, 2 + tagLength).toString('latin1')
  return ok(`${rdata[0] ?? 0} ${tag} ${quoteString(rdata.subarray(2 + tagLength))}`)
}

function genericRdata(rdata: Buffer): string {
  return rdata.length === 0 ? '\\# 0' : `\\# ${rdata.length} ${rdata.toString('hex')}`
}

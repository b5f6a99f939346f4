/**
 * Rdata from presentation values (the `values` of a `RecordSet`): A (RFC 1035 §3.4.1),
 * AAAA (RFC 3596 §2.2), NS, CNAME, SOA, MX, TXT (RFC 1035 §3.3), SRV (RFC 2782),
 * CAA (RFC 8659 §4.1). Names in rdata are absolute with or without the trailing dot and are
 * written uncompressed, so the bytes can be computed once and copied into every answer.
 */
import type { RecordType, SoaFields } from '../core/records.ts'
import { parseStrings } from './character-string.ts'
import { parseIPv4, parseIPv6 } from './ip-address.ts'
import { nameToWire } from './name-text.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

const MAX_RDATA = 65535

/** Encodes one presentation value of `type` into rdata. */
export function encodeRdata(type: RecordType, value: string): Result<Buffer, WireError> {
  const text = value.trim()
  switch (type) {
    case 'A':
      return fromBytes(parseIPv4(text), `invalid IPv4 address "${text}"`)
    case 'AAAA':
      return fromBytes(parseIPv6(text), `invalid IPv6 address "${text}"`)
    case 'NS':
    case 'CNAME':
      return rdataName(text)
    case 'MX':
      return encodeFields(text, ['u16', 'name'], 'MX "<preference> <exchange>"')
    case 'SRV':
      return encodeFields(
        text,
        ['u16', 'u16', 'u16', 'name'],
        'SRV "<priority> <weight> <port> <target>"',
      )
    case 'TXT':
      return encodeTxt(value)
    case 'CAA':
      return encodeCaa(text)
  }
}

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

function fromBytes(bytes: Buffer | undefined, message: string): Result<Buffer, WireError> {
  return bytes === undefined ? err(wireError('bad-rdata', message)) : ok(bytes)
}

function rdataName(text: string): Result<Buffer, WireError> {
  const wire = nameToWire(text)
  return wire.ok ? wire : err(wireError('bad-rdata', wire.error.message))
}

function encodeFields(
  text: string,
  shape: readonly ('u16' | 'name')[],
  expected: string,
): Result<Buffer, WireError> {
  const fields = text.split(/\s+/)
  if (fields.length !== shape.length)
    return err(wireError('bad-rdata', `expected ${expected}, got "${text}"`))
  const parts: Buffer[] = []
  for (const [i, kind] of shape.entries()) {
    const field = fields[i] ?? ''
    if (kind === 'name') {
      const wire = rdataName(field)
      if (!wire.ok) return wire
      parts.push(wire.value)
      continue
    }
    const n = parseUint(field, 0xffff)
    if (n === undefined)
      return err(wireError('bad-rdata', `"${field}" is not 0..65535 in "${text}"`))
    const bytes = Buffer.alloc(2)
    bytes.writeUInt16BE(n)
    parts.push(bytes)
  }
  return ok(Buffer.concat(parts))
}

// A value starting with a quote is zone-file text ("a" "b" = two strings); anything else is
// one string as typed, so `v=spf1 -all` from an HTTP client stays one string.
function encodeTxt(value: string): Result<Buffer, WireError> {
  let strings: Buffer[]
  if (value.trimStart().startsWith('"')) {
    const parsed = parseStrings(value)
    if (!parsed.ok) return parsed
    strings = parsed.value
  } else {
    strings = [Buffer.from(value, 'utf8')]
  }
  const parts: Buffer[] = []
  for (const s of strings) {
    // RFC 1035 §3.3: a character-string holds at most 255 octets; longer text is split.
    if (s.length === 0) parts.push(Buffer.from([0]))
    for (let at = 0; at < s.length; at += 255) {
      const chunk = s.subarray(at, at + 255)
      parts.push(Buffer.from([chunk.length]), chunk)
    }
  }
  return sized(Buffer.concat(parts))
}

function encodeCaa(text: string): Result<Buffer, WireError> {
  const m = /^(\d+)\s+([A-Za-z0-9]+)\s+(.*)$/s.exec(text)
  const flags = m === null ? undefined : parseUint(m[1] ?? '', 255)
  if (m === null || flags === undefined) {
    return err(wireError('bad-rdata', `expected CAA "<flags> <tag> <value>", got "${text}"`))
  }
  const tag = Buffer.from(m[2] ?? '', 'ascii')
  const raw = m[3] ?? ''
  let value: Buffer
  if (raw.startsWith('"')) {
    const parsed = parseStrings(raw)
    if (!parsed.ok) return parsed
    if (parsed.value.length !== 1)
      return err(wireError('bad-rdata', `CAA value must be one string: ${raw}`))
    value = parsed.value[0] ?? Buffer.alloc(0)
  } else {
    value = Buffer.from(raw, 'utf8')
  }
  if (tag.length > 255) return err(wireError('bad-rdata', 'CAA tag longer than 255 octets'))
  return sized(Buffer.concat([Buffer.from([flags, tag.length]), tag, value]))
}

function sized(rdata: Buffer): Result<Buffer, WireError> {
  return rdata.length > MAX_RDATA
    ? err(wireError('bad-rdata', 'rdata longer than 65535 octets'))
    : ok(rdata)
}

function parseUint(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined
  const n = Number(text)
  return n <= max ? n : undefined
}

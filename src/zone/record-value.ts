/**
 * Record values (the `values` of a `RecordSet`, presentation text) to wire rdata and back,
 * for every `RecordType`: the one codec of values that the store, the core's rules (through
 * its port), the built-in index, the publisher and every backend use, built on this folder's
 * zone-file codec (`rdata-parse.ts`, `rdata-format.ts`).
 *
 * What a value may be, beyond a zone file's rdata text:
 * - names are absolute with or without the trailing dot (`10 mail.example.test`);
 * - a TXT value that does not start with `"` is one string as typed (an HTTP client's
 *   `v=spf1 -all`), and TXT strings longer than 255 octets are split (RFC 1035 §3.3.14);
 * - a CAA value (after flags and tag) that does not start with `"` is the rest as typed;
 * - text is Unicode: characters outside ASCII are their UTF-8 octets.
 *
 * The canonical form (`formatValue`) is the zone codec's, with names without the trailing
 * dot: two values are the same record exactly when their canonical forms are equal.
 */
import type { RecordType } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import { typeCode } from '../dns/constants.ts'
import { wireError, type WireError } from '../dns/wire-error.ts'
import { formatRdata } from './rdata-format.ts'
import { parseRdata } from './rdata-parse.ts'
import { stringBytes } from './text-values.ts'
import { EntryJoiner, type Token } from './tokens.ts'

const MAX_RDATA = 65535

/** Wire rdata of one value of `type` (names uncompressed). */
export function encodeRdata(type: RecordType, value: string): Result<Buffer, WireError> {
  const rdata =
    type === 'TXT'
      ? txtRdata(value)
      : type === 'CAA'
        ? caaRdata(value.trim())
        : fieldRdata(type, value)
  if (!rdata.ok) return err(wireError('bad-rdata', rdata.error))
  return rdata.value.length > MAX_RDATA
    ? err(wireError('bad-rdata', 'rdata longer than 65535 octets'))
    : ok(rdata.value)
}

/** The canonical presentation of rdata of `type` (names without the trailing dot). */
export function formatValue(type: RecordType, rdata: Buffer): Result<string, string> {
  return formatRdata(typeCode(type), rdata, 'bare')
}

/** Rdata of `type` as a zone file writes it (absolute names), for tools that read zone-file text. */
export function zoneFileValue(type: RecordType, rdata: Buffer): Result<string, string> {
  return formatRdata(typeCode(type), rdata, 'absolute')
}

/** The canonical presentation of a value, or why it is not one of `type`. */
export function canonicalValue(type: RecordType, value: string): Result<string, string> {
  const rdata = encodeRdata(type, value)
  if (!rdata.ok) return err(rdata.error.message)
  return formatValue(type, rdata.value)
}

function fieldRdata(type: RecordType, value: string): Result<Buffer, string> {
  const tokens = valueTokens(octetText(value.trim()))
  if (!tokens.ok) return tokens
  if (tokens.value.length === 0) return err('empty value')
  return parseRdata(typeCode(type), tokens.value, '.')
}

function valueTokens(text: string): Result<readonly Token[], string> {
  const entry = new EntryJoiner().push(text, 1)
  if (!entry.ok) return entry
  if (entry.value === undefined) return ok([])
  return ok(entry.value.tokens)
}

// RFC 1035 §3.3.14: quoted text is zone-file strings; anything else one string as typed.
function txtRdata(value: string): Result<Buffer, string> {
  let strings: Buffer[]
  if (value.trimStart().startsWith('"')) {
    const tokens = valueTokens(octetText(value.trim()))
    if (!tokens.ok) return tokens
    strings = []
    for (const token of tokens.value) {
      const bytes = stringBytes(token.text)
      if (!bytes.ok) return bytes
      strings.push(bytes.value)
    }
  } else {
    strings = [Buffer.from(value, 'utf8')]
  }
  const parts: Buffer[] = []
  for (const s of strings) {
    if (s.length === 0) parts.push(Buffer.from([0]))
    for (let at = 0; at < s.length; at += 255) {
      const chunk = s.subarray(at, at + 255)
      parts.push(Buffer.from([chunk.length]), chunk)
    }
  }
  return ok(Buffer.concat(parts))
}

// RFC 8659 §4.1.1: `<flags> <tag> <value>`; an unquoted value is the rest of the text.
function caaRdata(text: string): Result<Buffer, string> {
  const m = /^(\S+)\s+(\S+)\s+(.*)$/s.exec(text)
  if (m === null) return err(`expected CAA "<flags> <tag> <value>", got "${text}"`)
  const raw = m[3] ?? ''
  let value: Token
  if (raw.startsWith('"')) {
    const tokens = valueTokens(octetText(raw))
    if (!tokens.ok) return tokens
    const [only, ...rest] = tokens.value
    if (only === undefined || rest.length > 0) return err('the CAA value must be one string')
    value = only
  } else {
    value = { text: octetText(raw.replace(/["\\]/g, (c) => `\\${c}`)), quoted: true }
  }
  const head: Token[] = [
    { text: m[1] ?? '', quoted: false },
    { text: m[2] ?? '', quoted: false },
  ]
  return parseRdata(typeCode('CAA'), [...head, value], '.')
}

// Values are Unicode text; the zone codec reads one character per octet, so anything past
// ASCII becomes `\DDD` escapes of its UTF-8 octets first.
function octetText(text: string): string {
  if (!/[\u007f-\u{10ffff}]/u.test(text)) return text
  let out = ''
  for (const c of text) {
    if (c.charCodeAt(0) <= 0x7e) out += c
    else for (const b of Buffer.from(c, 'utf8')) out += `\\${String(b).padStart(3, '0')}`
  }
  return out
}

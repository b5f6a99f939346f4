/**
 * Rdata from master-file tokens (RFC 1035 §5.1) for every type of `rr-types.ts`, and the
 * RFC 3597 §5 generic form `\# <length> <hex>` for any type, known ones included (the
 * generic rdata of a known type must then be valid for that type).
 */
import { parseIPv4, parseIPv6 } from '../dns/ip-address.ts'
import { err, ok, type Result } from '../core/result.ts'
import { knownType, type RdataField } from './rr-types.ts'
import { formatRdata } from './rdata-format.ts'
import { encodeSvcParams } from './svc-params.ts'
import { hexBytes, nameWire, parseTtl, parseUint, shorten, stringBytes } from './text-values.ts'
import type { Token } from './tokens.ts'

const MAX_RDATA = 65535
// DS digest and SSHFP fingerprint lengths by type (RFC 4509, RFC 6605, RFC 4255, RFC 6594).
const DS_DIGEST = new Map([
  [1, 20],
  [2, 32],
  [4, 48],
])
const SSHFP_DIGEST = new Map([
  [1, 20],
  [2, 32],
])

/** Wire rdata of `type` from its tokens; relative names are completed with `origin`. */
export function parseRdata(
  type: number,
  tokens: readonly Token[],
  origin: string,
): Result<Buffer, string> {
  const first = tokens[0]
  if (first !== undefined && !first.quoted && first.text === '\\#')
    return parseGeneric(type, tokens)
  const known = knownType(type)
  if (known === undefined) {
    return err(`type ${type} has no text form here: write it as \\# <length> <hex>`)
  }
  const parts: Buffer[] = []
  let at = 0
  for (const field of known.fields) {
    if (at >= tokens.length && field !== 'svc-params') {
      return err(`${known.name} needs ${known.fields.length} fields, got ${tokens.length}`)
    }
    const rest = isRest(field)
    const taken = rest ? tokens.slice(at) : tokens.slice(at, at + 1)
    const bytes = parseField(field, taken, origin)
    if (!bytes.ok) return bytes
    parts.push(bytes.value)
    at += taken.length
  }
  if (at < tokens.length) {
    return err(`unexpected "${shorten(tokens[at]?.text ?? '')}" after its fields`)
  }
  const rdata = Buffer.concat(parts)
  if (rdata.length > MAX_RDATA) return err('rdata longer than 65535 octets')
  return checkDigest(type, rdata)
}

function isRest(field: RdataField): boolean {
  return field === 'strings' || field === 'hex' || field === 'svc-params' || field === 'rest-string'
}

function parseField(
  field: RdataField,
  tokens: readonly Token[],
  origin: string,
): Result<Buffer, string> {
  const text = tokens[0]?.text ?? ''
  switch (field) {
    case 'u8':
    case 'u16':
    case 'u32':
      return uint(field, text)
    case 'timer': {
      const value = parseTtl(text)
      return value === undefined ? err(`"${text}" is not a time value`) : ok(u32(value))
    }
    case 'name':
      return nameWire(text, origin)
    case 'ipv4':
      return address(parseIPv4(text), text, 'IPv4')
    case 'ipv6':
      return address(parseIPv6(text), text, 'IPv6')
    case 'strings':
      return characterStrings(tokens)
    case 'tag':
      if (!/^[A-Za-z0-9]{1,255}$/.test(text)) return err(`"${text}" is not a CAA tag`)
      return ok(Buffer.concat([Buffer.from([text.length]), Buffer.from(text, 'ascii')]))
    case 'rest-string':
      if (tokens.length !== 1) return err('the value must be one string (quote it)')
      return stringBytes(text)
    case 'hex':
      return hexBytes(tokens.map((t) => t.text).join(''))
    case 'svc-params':
      return encodeSvcParams(tokens.map((t) => t.text))
  }
}

function uint(field: 'u8' | 'u16' | 'u32', text: string): Result<Buffer, string> {
  const max = field === 'u8' ? 0xff : field === 'u16' ? 0xffff : 0xffffffff
  const value = parseUint(text, max)
  if (value === undefined) return err(`"${text}" is not an integer 0..${max}`)
  if (field === 'u8') return ok(Buffer.from([value]))
  if (field === 'u32') return ok(u32(value))
  const out = Buffer.alloc(2)
  out.writeUInt16BE(value)
  return ok(out)
}

function u32(value: number): Buffer {
  const out = Buffer.alloc(4)
  out.writeUInt32BE(value)
  return out
}

function address(bytes: Buffer | undefined, text: string, kind: string): Result<Buffer, string> {
  return bytes === undefined ? err(`"${text}" is not an ${kind} address`) : ok(bytes)
}

function characterStrings(tokens: readonly Token[]): Result<Buffer, string> {
  const parts: Buffer[] = []
  for (const token of tokens) {
    const bytes = stringBytes(token.text)
    if (!bytes.ok) return bytes
    if (bytes.value.length > 255) {
      return err(`string "${shorten(token.text)}" is longer than 255 octets (split it)`)
    }
    parts.push(Buffer.from([bytes.value.length]), bytes.value)
  }
  return ok(Buffer.concat(parts))
}

function checkDigest(type: number, rdata: Buffer): Result<Buffer, string> {
  const known = knownType(type)?.name
  const [digestType, offset] =
    known === 'DS' ? [rdata[3], 4] : known === 'SSHFP' ? [rdata[1], 2] : []
  if (digestType === undefined || offset === undefined) return ok(rdata)
  const table = known === 'DS' ? DS_DIGEST : SSHFP_DIGEST
  const want = table.get(digestType)
  if (want !== undefined && rdata.length - offset !== want) {
    return err(`digest type ${digestType} needs ${want} octets, got ${rdata.length - offset}`)
  }
  return ok(rdata)
}

// RFC 3597 §5: `\# <length> <hex words>`; a known type's rdata must then decode.
function parseGeneric(type: number, tokens: readonly Token[]): Result<Buffer, string> {
  const length = parseUint(tokens[1]?.text ?? '', MAX_RDATA)
  if (length === undefined) return err('\\# needs a length 0..65535')
  const hex = tokens
    .slice(2)
    .map((t) => t.text)
    .join('')
  const rdata = length === 0 && hex === '' ? ok(Buffer.alloc(0)) : hexBytes(hex)
  if (!rdata.ok) return rdata
  if (rdata.value.length !== length) {
    return err(`\\# says ${length} octets, the hex holds ${rdata.value.length}`)
  }
  if (knownType(type) !== undefined) {
    const check = formatRdata(type, rdata.value)
    if (!check.ok) return err(`\\# rdata is not valid for its type: ${check.error}`)
  }
  return rdata
}

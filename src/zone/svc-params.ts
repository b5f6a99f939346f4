/**
 * SVCB/HTTPS SvcParams (RFC 9460 §2.1, §7, §8, Appendix A): `key=value` presentation to the
 * wire list (keys ascending, each once) and back, in the form BIND prints. Keys: mandatory,
 * alpn, no-default-alpn, port, ipv4hint, ech, ipv6hint and `keyNNNNN` for any other.
 */
import { formatIPv6, parseIPv4, parseIPv6 } from '../dns/ip-address.ts'
import { quoteString } from '../dns/character-string.ts'
import { err, ok, type Result } from '../core/result.ts'
import { base64Bytes, parseUint, stringBytes } from './text-values.ts'

const KEY_NAMES = [
  'mandatory',
  'alpn',
  'no-default-alpn',
  'port',
  'ipv4hint',
  'ech',
  'ipv6hint',
] as const
const KEY_CODES = new Map<string, number>(KEY_NAMES.map((k, i) => [k, i]))
const MANDATORY = 0
const ALPN = 1
const NO_DEFAULT_ALPN = 2
const PORT = 3
const IPV4HINT = 4
const ECH = 5
const IPV6HINT = 6

/** The key number of `alpn`, `key65000`…, or undefined. */
export function svcKeyCode(name: string): number | undefined {
  const known = KEY_CODES.get(name.toLowerCase())
  if (known !== undefined) return known
  const m = /^key(\d{1,5})$/i.exec(name)
  const code = m === null ? undefined : Number(m[1])
  return code !== undefined && code <= 0xffff ? code : undefined
}

function svcKeyName(code: number): string {
  return KEY_NAMES[code] ?? `key${code}`
}

/** Wire form of the SvcParams written as `key[=value]` tokens. */
export function encodeSvcParams(tokens: readonly string[]): Result<Buffer, string> {
  const params = new Map<number, Buffer>()
  for (const token of tokens) {
    const eq = token.indexOf('=')
    const name = eq < 0 ? token : token.slice(0, eq)
    const key = svcKeyCode(name)
    if (key === undefined) return err(`unknown SvcParam key "${name}"`)
    if (params.has(key)) return err(`SvcParam "${name}" given twice`)
    const raw = eq < 0 ? undefined : unquote(token.slice(eq + 1))
    const value = encodeValue(key, raw)
    if (!value.ok) return err(`SvcParam ${name}: ${value.error}`)
    params.set(key, value.value)
  }
  const keys = [...params.keys()].sort((a, b) => a - b)
  const problem = checkMandatory(params)
  if (problem !== undefined) return err(problem)
  const parts: Buffer[] = []
  for (const key of keys) {
    const value = params.get(key) ?? Buffer.alloc(0)
    const head = Buffer.alloc(4)
    head.writeUInt16BE(key, 0)
    head.writeUInt16BE(value.length, 2)
    parts.push(head, value)
  }
  return ok(Buffer.concat(parts))
}

function unquote(text: string): string {
  return text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text
}

// RFC 9460 §8: every key that `mandatory` lists is present, and `mandatory` is not listed.
function checkMandatory(params: ReadonlyMap<number, Buffer>): string | undefined {
  const list = params.get(MANDATORY)
  if (list === undefined) return undefined
  for (let at = 0; at + 1 < list.length; at += 2) {
    const key = list.readUInt16BE(at)
    if (key === MANDATORY) return 'mandatory may not list itself'
    if (!params.has(key)) return `mandatory lists ${svcKeyName(key)}, which is missing`
  }
  return undefined
}

function encodeValue(key: number, raw: string | undefined): Result<Buffer, string> {
  if (key === NO_DEFAULT_ALPN) {
    return raw === undefined || raw === '' ? ok(Buffer.alloc(0)) : err('takes no value')
  }
  if (raw === undefined) return key > IPV6HINT ? ok(Buffer.alloc(0)) : err('needs a value')
  switch (key) {
    case MANDATORY:
      return encodeMandatory(raw)
    case ALPN:
      return encodeAlpn(raw)
    case PORT: {
      const port = parseUint(raw, 0xffff)
      if (port === undefined) return err(`"${raw}" is not a port`)
      const out = Buffer.alloc(2)
      out.writeUInt16BE(port)
      return ok(out)
    }
    case IPV4HINT:
    case IPV6HINT:
      return encodeHints(raw, key === IPV4HINT ? parseIPv4 : parseIPv6)
    case ECH:
      return base64Bytes(raw)
    default:
      return stringBytes(raw)
  }
}

function encodeMandatory(raw: string): Result<Buffer, string> {
  const codes: number[] = []
  for (const name of raw.split(',')) {
    const code = svcKeyCode(name)
    if (code === undefined) return err(`unknown key "${name}"`)
    if (codes.includes(code)) return err(`"${name}" listed twice`)
    codes.push(code)
  }
  const out = Buffer.alloc(codes.length * 2)
  codes.sort((a, b) => a - b).forEach((c, i) => out.writeUInt16BE(c, i * 2))
  return ok(out)
}

// A comma-separated value-list (Appendix A.1): the char-string is unescaped first, then
// `\,` and `\\` inside it keep a comma or a backslash in an item.
function encodeAlpn(raw: string): Result<Buffer, string> {
  const bytes = stringBytes(raw)
  if (!bytes.ok) return bytes
  const parts: Buffer[] = []
  let item: number[] = []
  const flush = (): boolean => {
    if (item.length === 0 || item.length > 255) return false
    parts.push(Buffer.from([item.length]), Buffer.from(item))
    item = []
    return true
  }
  for (let i = 0; i < bytes.value.length; i++) {
    const b = bytes.value[i] ?? 0
    if (b === 0x5c && i + 1 < bytes.value.length) item.push(bytes.value[++i] ?? 0)
    else if (b !== 0x2c) item.push(b)
    else if (!flush()) return err('empty or long alpn id')
  }
  if (!flush()) return err('empty or long alpn id')
  return ok(Buffer.concat(parts))
}

function encodeHints(
  raw: string,
  parse: (t: string) => Buffer | undefined,
): Result<Buffer, string> {
  const parts: Buffer[] = []
  for (const item of raw.split(',')) {
    const bytes = parse(item)
    if (bytes === undefined) return err(`"${item}" is not an address`)
    parts.push(bytes)
  }
  return ok(Buffer.concat(parts))
}

/** Presentation of wire SvcParams; a malformed list is an error (keys out of order, …). */
export function formatSvcParams(wire: Buffer): Result<string, string> {
  const out: string[] = []
  let last = -1
  for (let at = 0; at < wire.length;) {
    if (at + 4 > wire.length) return err('SvcParams cut short')
    const key = wire.readUInt16BE(at)
    const length = wire.readUInt16BE(at + 2)
    if (key <= last) return err('SvcParam keys not in ascending order')
    if (at + 4 + length > wire.length) return err('SvcParam value runs past the rdata')
    const text = formatValue(key, wire.subarray(at + 4, at + 4 + length))
    if (text === undefined) return err(`malformed SvcParam ${svcKeyName(key)}`)
    out.push(text)
    last = key
    at += 4 + length
  }
  return ok(out.join(' '))
}

function formatValue(key: number, v: Buffer): string | undefined {
  const name = svcKeyName(key)
  switch (key) {
    case MANDATORY:
      if (v.length === 0 || v.length % 2 !== 0) return undefined
      return `${name}=${listOf(v, 2, (at) => svcKeyName(v.readUInt16BE(at))).join(',')}`
    case ALPN:
      return formatAlpn(v)
    case NO_DEFAULT_ALPN:
      return v.length === 0 ? name : undefined
    case PORT:
      return v.length === 2 ? `${name}=${v.readUInt16BE(0)}` : undefined
    case IPV4HINT:
      if (v.length === 0 || v.length % 4 !== 0) return undefined
      return `${name}=${listOf(v, 4, (at) => [...v.subarray(at, at + 4)].join('.')).join(',')}`
    case ECH:
      return `${name}=${v.toString('base64')}`
    case IPV6HINT:
      if (v.length === 0 || v.length % 16 !== 0) return undefined
      return `${name}=${listOf(v, 16, (at) => formatIPv6(v.subarray(at, at + 16))).join(',')}`
    default:
      return v.length === 0 ? name : `${name}=${quoteString(v)}`
  }
}

function listOf(v: Buffer, size: number, item: (at: number) => string): string[] {
  const out: string[] = []
  for (let at = 0; at < v.length; at += size) out.push(item(at))
  return out
}

function formatAlpn(v: Buffer): string | undefined {
  const ids: string[] = []
  for (let at = 0; at < v.length;) {
    const length = v[at] ?? 0
    if (length === 0 || at + 1 + length > v.length) return undefined
    const id: number[] = []
    for (const b of v.subarray(at + 1, at + 1 + length)) {
      if (b === 0x2c || b === 0x5c) id.push(0x5c)
      id.push(b)
    }
    ids.push(quoteString(Buffer.from(id)).slice(1, -1))
    at += 1 + length
  }
  return ids.length === 0 ? undefined : `alpn="${ids.join(',')}"`
}

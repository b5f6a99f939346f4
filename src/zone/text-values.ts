/**
 * Field values in master-file text: integers, TTLs with BIND units (`1w2d3h4m5s`),
 * domain names relative to an origin (RFC 1035 §5.1: `@`, no trailing dot = relative),
 * character-strings with `\X` and `\DDD` escapes (RFC 1035 §5.1), hex and base64.
 */
import { nameToWire } from '../dns/name-text.ts'
import { err, ok, type Result } from '../core/result.ts'

const UNIT_SECONDS: Readonly<Record<string, number>> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 }
const MAX_U32 = 0xffffffff

/** An unsigned integer of at most `max`, or undefined. */
export function parseUint(text: string, max: number): number | undefined {
  if (!/^\d{1,10}$/.test(text)) return undefined
  const n = Number(text)
  return n <= max ? n : undefined
}

/** A TTL or timer: digits, or BIND units (`1h30m`, case-insensitive); 32 bits at most. */
export function parseTtl(text: string): number | undefined {
  const plain = parseUint(text, MAX_U32)
  if (plain !== undefined) return plain
  if (!/^(\d+[wdhms])+$/i.test(text)) return undefined
  let total = 0
  for (const m of text.toLowerCase().matchAll(/(\d+)([wdhms])/g)) {
    total += Number(m[1]) * (UNIT_SECONDS[m[2] ?? 's'] ?? 1)
  }
  return total <= MAX_U32 ? total : undefined
}

/**
 * An absolute name (presentation, trailing dot) from a possibly relative one: `@` is the
 * origin, a name without an unescaped trailing dot has the origin appended.
 */
export function absoluteName(text: string, origin: string): string {
  if (text === '@') return origin
  if (endsWithDot(text)) return text
  return origin === '.' ? `${text}.` : `${text}.${origin}`
}

/** Wire form of a name written relative to `origin`, with a message on failure. */
export function nameWire(text: string, origin: string): Result<Buffer, string> {
  const wire = nameToWire(absoluteName(text, origin))
  return wire.ok ? wire : err(wire.error.message)
}

function endsWithDot(text: string): boolean {
  if (!text.endsWith('.')) return false
  let slashes = 0
  for (let i = text.length - 2; i >= 0 && text[i] === '\\'; i--) slashes++
  return slashes % 2 === 0
}

/**
 * Octets of a character-string as written (quotes already removed), escapes applied. The
 * text is read one character per octet (latin1), so any bytes in the file are kept as they
 * are; a character above U+00FF (text that did not come from a file) is encoded as UTF-8.
 */
export function stringBytes(text: string): Result<Buffer, string> {
  // Fast path: plain ASCII without escapes.
  if (!text.includes('\\') && !/[^\x20-\x7e]/.test(text)) return ok(Buffer.from(text, 'latin1'))
  const out: number[] = []
  const chars = Array.from(text)
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] ?? ''
    if (c !== '\\') {
      pushChar(out, c)
      continue
    }
    const digits = chars.slice(i + 1, i + 4).join('')
    if (/^\d{3}$/.test(digits)) {
      const value = Number(digits)
      if (value > 255) return err(`escape \\${digits} is above 255`)
      out.push(value)
      i += 3
      continue
    }
    const next = chars[i + 1]
    if (next === undefined) return err('backslash at the end of a string')
    if (/^\d$/.test(next)) return err(`escape \\${digits} needs three digits`)
    pushChar(out, next)
    i += 1
  }
  return ok(Buffer.from(out))
}

function pushChar(out: number[], c: string): void {
  const code = c.codePointAt(0) ?? 0
  if (code <= 0xff) out.push(code)
  else for (const b of Buffer.from(c, 'utf8')) out.push(b)
}

/** Octets of hex digits (any case; the caller has joined the tokens). */
export function hexBytes(text: string): Result<Buffer, string> {
  if (text.length === 0 || text.length % 2 !== 0 || !/^[0-9a-fA-F]+$/.test(text)) {
    return err(`"${shorten(text)}" is not an even number of hex digits`)
  }
  return ok(Buffer.from(text, 'hex'))
}

/** Octets of base64 text (RFC 4648 §4, padding required). */
export function base64Bytes(text: string): Result<Buffer, string> {
  if (text.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    return err(`"${shorten(text)}" is not base64`)
  }
  return ok(Buffer.from(text, 'base64'))
}

/** The start of a long text, for error messages. */
export function shorten(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text
}

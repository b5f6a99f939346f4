/**
 * Domain names in presentation format (RFC 1035 §5.1) to and from uncompressed wire form
 * (RFC 1035 §3.1). Names are always taken as absolute: dynzone stores FQDNs without the
 * trailing dot, so `mail.example.com` and `mail.example.com.` are the same name.
 */
import { MAX_LABEL_LENGTH, MAX_NAME_WIRE_LENGTH } from './constants.ts'
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** The root name on the wire. */
export const ROOT_WIRE: Buffer = Buffer.from([0])

// Characters that mean something in zone files; escaped so text round-trips.
const SPECIAL = new Set([0x22, 0x24, 0x28, 0x29, 0x2e, 0x3b, 0x40, 0x5c])

/** Converts `www.example.com` (escapes `\.` and `\DDD` allowed, `.` = root) to wire form. */
export function nameToWire(text: string): Result<Buffer, WireError> {
  if (text === '.') return ok(ROOT_WIRE)
  if (text === '') return err(wireError('bad-name', 'empty name'))
  const out: number[] = []
  let label: number[] = []
  const flush = (): WireError | undefined => {
    if (label.length === 0) return wireError('bad-name', `empty label in "${text}"`)
    if (label.length > MAX_LABEL_LENGTH) {
      return wireError('label-too-long', `label longer than 63 octets in "${text}"`)
    }
    out.push(label.length, ...label)
    label = []
    return undefined
  }
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 0x5c) {
      const digits = /^\d{3}/.exec(text.slice(i + 1, i + 4))
      if (digits !== null) {
        const value = Number(digits[0])
        if (value > 255) return err(wireError('bad-name', `bad escape \\${digits[0]} in "${text}"`))
        label.push(value)
        i += 3
        continue
      }
      const next = text.charCodeAt(i + 1)
      if (Number.isNaN(next) || next <= 0x20 || next >= 0x7f) {
        return err(wireError('bad-name', `bad escape in "${text}"`))
      }
      label.push(next)
      i += 1
    } else if (c === 0x2e) {
      const problem = flush()
      if (problem !== undefined) return err(problem)
    } else if (c <= 0x20 || c >= 0x7f) {
      return err(wireError('bad-name', `invalid character in name "${text}"`))
    } else {
      label.push(c)
    }
  }
  if (label.length > 0) {
    const problem = flush()
    if (problem !== undefined) return err(problem)
  }
  out.push(0)
  if (out.length > MAX_NAME_WIRE_LENGTH) {
    return err(wireError('name-too-long', `name longer than 255 octets: "${text.slice(0, 40)}…"`))
  }
  return ok(Buffer.from(out))
}

/** Presentation text of one label; specials are backslash-escaped, non-printables `\DDD`. */
export function labelToText(buf: Uint8Array, start: number, end: number): string {
  let text = ''
  for (let i = start; i < end; i++) {
    const c = buf[i] ?? 0
    if (c > 0x20 && c < 0x7f) {
      text += SPECIAL.has(c) ? '\\' + String.fromCharCode(c) : String.fromCharCode(c)
    } else {
      text += '\\' + String(c).padStart(3, '0')
    }
  }
  return text
}

/** Text of an uncompressed wire name without the trailing dot; the root is `.`. */
export function wireToText(wire: Uint8Array): string {
  const labels: string[] = []
  let pos = 0
  for (let len = wire[0] ?? 0; len !== 0; len = wire[pos] ?? 0) {
    labels.push(labelToText(wire, pos + 1, pos + 1 + len))
    pos += len + 1
  }
  return labels.length === 0 ? '.' : labels.join('.')
}

/** Lowercases ASCII letters only, as DNS name comparison does (RFC 4343). */
export function lowerName(text: string): string {
  // Presentation text is printable ASCII (everything else is \DDD), so this is ASCII-only.
  return text.toLowerCase()
}

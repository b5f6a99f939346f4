/**
 * `<character-string>` text (RFC 1035 §3.3, §5.1): `"quoted text"` with `\"`, `\\` and
 * `\DDD` escapes, or bare words; used by TXT (RFC 1035 §3.3.14) and CAA values (RFC 8659).
 */
import { err, ok, type Result } from '../core/result.ts'
import { wireError, type WireError } from './wire-error.ts'

/** Splits zone-file text into strings: each `"quoted"` run or bare word is one string. */
export function parseStrings(text: string): Result<Buffer[], WireError> {
  // Code points, not graphemes: each is UTF-8 encoded on its own, which is exact.
  const chars = Array.from(text)
  const out: Buffer[] = []
  let i = 0
  for (;;) {
    while (i < chars.length && /\s/.test(chars[i] ?? '')) i++
    if (i >= chars.length) return ok(out)
    const quoted = chars[i] === '"'
    if (quoted) i++
    const bytes: number[] = []
    for (;;) {
      const c = chars[i]
      if (c === undefined) {
        if (quoted) return err(wireError('bad-rdata', `unterminated quoted string in ${text}`))
        break
      }
      if (quoted ? c === '"' : /\s/.test(c)) break
      if (!quoted && c === '"') return err(wireError('bad-rdata', `stray quote in ${text}`))
      if (c === '\\') {
        const escaped = readEscape(chars, i + 1)
        if (escaped === undefined) return err(wireError('bad-rdata', `bad escape in ${text}`))
        bytes.push(escaped.byte)
        i = escaped.next
        continue
      }
      bytes.push(...Buffer.from(c, 'utf8'))
      i++
    }
    if (quoted) i++
    out.push(Buffer.from(bytes))
  }
}

/** Reads the escape after a backslash: `\DDD` (decimal octet) or `\X` (X itself). */
export function readEscape(
  chars: readonly string[],
  at: number,
): { readonly byte: number; readonly next: number } | undefined {
  const first = chars[at]
  if (first === undefined) return undefined
  const digits = chars.slice(at, at + 3).join('')
  if (/^\d{3}$/.test(digits)) {
    const value = Number(digits)
    return value > 255 ? undefined : { byte: value, next: at + 3 }
  }
  if (/^\d/.test(first)) return undefined
  const bytes = Buffer.from(first, 'utf8')
  return bytes.length === 1 ? { byte: bytes[0] ?? 0, next: at + 1 } : undefined
}

/** Presentation of one string: quoted, `"` and `\` escaped, bytes outside ASCII as `\DDD`. */
export function quoteString(bytes: Uint8Array): string {
  let text = '"'
  for (const c of bytes) {
    if (c === 0x22 || c === 0x5c) text += '\\' + String.fromCharCode(c)
    else if (c >= 0x20 && c < 0x7f) text += String.fromCharCode(c)
    else text += '\\' + String(c).padStart(3, '0')
  }
  return text + '"'
}

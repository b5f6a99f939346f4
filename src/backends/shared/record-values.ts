/**
 * Record values as API backends need them: every value of a change is checked by the same
 * wire encoder the built-in server uses (so a value one backend refuses, all refuse, before
 * any request is sent), and values are compared in one canonical presentation form.
 */
import { isInZone } from '../../core/names.ts'
import type { ChangeSet, RecordType } from '../../core/records.ts'
import { err, ok, type Result } from '../../core/result.ts'
import { parseStrings, quoteString } from '../../dns/character-string.ts'
import { canonicalValue } from '../../zone/record-value.ts'
import type { BackendError } from '../backend.ts'

/** A non-retryable `invalid-record` error. */
export function invalidRecord(message: string): BackendError {
  return { code: 'invalid-record', retryable: false, message }
}

/**
 * The error for a record of a type the backend does not publish: a configuration error
 * (the zone needs another backend, or the record must go), named in full.
 */
export function unsupportedType(
  zone: string,
  kind: string,
  types: readonly RecordType[],
  record: { readonly name: string; readonly type: RecordType },
): string {
  return (
    `zone ${zone}: the ${kind} backend cannot publish ${record.type} records ` +
    `(${record.name}. ${record.type}); it takes ${types.join(', ')}`
  )
}

/** The first RRset of `sets` whose type is not in `types`, as `unsupportedType`'s message. */
export function firstUnsupported(
  zone: string,
  kind: string,
  types: readonly RecordType[],
  sets: Iterable<{ readonly name: string; readonly type: RecordType }>,
): string | undefined {
  for (const set of sets) {
    if (!types.includes(set.type)) return unsupportedType(zone, kind, types, set)
  }
  return undefined
}

/**
 * Checks every name, type and value of a change for a backend that publishes `types`; the
 * first problem is an `invalid-record` and nothing is sent.
 */
export function validateChange(
  change: ChangeSet,
  backend: { readonly kind: string; readonly types: readonly RecordType[] },
): Result<void, BackendError> {
  for (const key of [...change.replace, ...change.remove]) {
    if (!isInZone(key.name, change.zone)) {
      return err(invalidRecord(`${key.name} is not in zone ${change.zone}`))
    }
  }
  const unsupported = firstUnsupported(change.zone, backend.kind, backend.types, change.replace)
  if (unsupported !== undefined) return err(invalidRecord(unsupported))
  for (const set of change.replace) {
    if (!Number.isInteger(set.ttl) || set.ttl < 0 || set.ttl > 2147483647) {
      return err(invalidRecord(`${set.name} ${set.type}: invalid TTL ${String(set.ttl)}`))
    }
    for (const value of set.values) {
      const encoded = canonicalValue(set.type, value)
      if (!encoded.ok) return err(invalidRecord(`${set.name} ${set.type}: ${encoded.error}`))
    }
  }
  return ok(undefined)
}

export { canonicalValue }

/** Canonical value, or the value itself when it does not parse (for comparisons only). */
export function canonicalOrSelf(type: RecordType, value: string): string {
  const c = canonicalValue(type, value)
  return c.ok ? c.value : value
}

/** The character-strings of a TXT value as text (UTF-8), for APIs that take unquoted text. */
export function txtStrings(value: string): string[] {
  const parsed = parseStrings(value)
  return parsed.ok ? parsed.value.map((b) => b.toString('utf8')) : [value]
}

/** A TXT presentation value from unquoted character-strings. */
export function txtFromStrings(strings: readonly string[]): string {
  return strings.map((s) => quoteString(Buffer.from(s, 'utf8'))).join(' ')
}

/**
 * Which space-separated field of a canonical value is a domain name, per type (RFC 1035
 * NS/CNAME/PTR/MX, RFC 2782 SRV target, RFC 9460 SVCB/HTTPS target); CAA, SSHFP, TLSA and
 * DS carry none.
 */
export const NAME_FIELD: Readonly<Partial<Record<string, number>>> = {
  NS: 0,
  CNAME: 0,
  PTR: 0,
  MX: 1,
  SRV: 3,
  SVCB: 1,
  HTTPS: 1,
}

/**
 * Where the hex field that runs to the end of a value starts (RFC 4255 SSHFP, RFC 6698 TLSA,
 * RFC 4034 DS): the canonical form breaks long hex into chunks, which provider APIs refuse.
 */
export const HEX_FIELD: Readonly<Partial<Record<string, number>>> = { SSHFP: 2, TLSA: 3, DS: 3 }

/**
 * The canonical value as provider APIs parse it: a trailing hex field in one piece, and
 * SVCB/HTTPS parameter values unquoted where they need no quotes (`alpn=h2,h3`).
 */
export function providerText(type: RecordType, value: string): string {
  const text = canonicalOrSelf(type, value)
  if (type === 'SVCB' || type === 'HTTPS') return text.replace(/="([^\s"\\;]*)"/g, '=$1')
  const hex = HEX_FIELD[type]
  if (hex === undefined) return text
  const parts = text.split(' ')
  return [...parts.slice(0, hex), parts.slice(hex).join('')].join(' ')
}

/**
 * A value in zone-file form with its names absolute and its hex unbroken, as Route 53,
 * PowerDNS and Hetzner take it.
 */
export function withAbsoluteNames(type: RecordType, value: string): string {
  const text = providerText(type, value)
  const field = NAME_FIELD[type]
  if (field === undefined) return text
  const parts = text.split(' ')
  parts[field] = absolute(parts[field] ?? '')
  return parts.join(' ')
}

/** A name or name-bearing value made absolute (trailing dot), as zone-file APIs expect. */
export function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`
}

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
 * The types every backend published before zones held static records; a backend that has
 * not been taught another type yet refuses it here, before any request is sent.
 */
export const BASIC_TYPES: ReadonlySet<RecordType> = new Set<RecordType>([
  'A',
  'AAAA',
  'TXT',
  'CNAME',
  'MX',
  'SRV',
  'CAA',
  'NS',
])

/**
 * Checks every name, type and value of a change against the types a backend publishes; the
 * first problem is an `invalid-record` naming the RRset.
 */
export function validateChange(
  change: ChangeSet,
  types: ReadonlySet<RecordType> = BASIC_TYPES,
): Result<void, BackendError> {
  for (const set of change.replace) {
    if (!types.has(set.type)) {
      return err(
        invalidRecord(`${set.name} ${set.type}: this backend does not publish ${set.type} records`),
      )
    }
  }
  for (const key of [...change.replace, ...change.remove]) {
    if (!isInZone(key.name, change.zone)) {
      return err(invalidRecord(`${key.name} is not in zone ${change.zone}`))
    }
  }
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

/** A name or name-bearing value made absolute (trailing dot), as zone-file APIs expect. */
export function absolute(name: string): string {
  return name.endsWith('.') ? name : `${name}.`
}

/**
 * ACME DNS-01 TXT values (RFC 8555 §8.4): the values that live at `_acme-challenge.<host>`.
 * Several may be live at once (a wildcard and its apex are validated together), and each
 * expires on its own; adding a value already present only renews its expiry.
 */
import type { Fqdn } from '../names.ts'
import { err, ok, type Result } from '../result.ts'

/** The label ACME validation queries live under (RFC 8555 §8.4). */
export const ACME_LABEL = '_acme-challenge'

/** A checked TXT value: 1–255 printable ASCII characters (one character-string). */
export type TxtText = string & { readonly __txtText: true }

/** One live TXT value and when it stops being served. */
export interface TxtValue {
  readonly value: string
  /** ISO-8601 instant. */
  readonly expiresAt: string
}

/** At most this many values per name; the oldest goes first beyond it. */
export const MAX_TXT_VALUES = 10

/** Checks a TXT value a client sent. */
export function parseTxtText(input: string): Result<TxtText, string> {
  if (input.length === 0) return err('the TXT value is empty')
  // One character-string holds 255 octets; ACME tokens are 43 base64url characters.
  if (input.length > 255) return err('the TXT value is longer than 255 characters')
  if (!/^[\x20-\x7e]+$/.test(input)) return err('the TXT value has non-printable characters')
  return ok(input as TxtText)
}

/** The name a host's ACME TXT values are served at. */
export function acmeName(host: Fqdn): Fqdn {
  return `${ACME_LABEL}.${host}` as Fqdn
}

/** The zone-file presentation of a value: one quoted character-string. */
export function quoteTxt(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`
}

/** The values still live at `now`. */
export function liveTxt(values: readonly TxtValue[], now: Date): TxtValue[] {
  return values.filter((v) => Date.parse(v.expiresAt) > now.getTime())
}

/** Adds (or renews) one value, keeping at most `MAX_TXT_VALUES`, oldest expiry dropped first. */
export function addTxt(values: readonly TxtValue[], value: string, expiresAt: string): TxtValue[] {
  const next = [...values.filter((v) => v.value !== value), { value, expiresAt }]
  next.sort((a, b) => Date.parse(a.expiresAt) - Date.parse(b.expiresAt))
  return next.slice(Math.max(0, next.length - MAX_TXT_VALUES))
}

/** True when both lists hold the same values (expiry aside): DNS would not change. */
export function sameTxtValues(a: readonly TxtValue[], b: readonly TxtValue[]): boolean {
  const x = a.map((v) => v.value).sort()
  const y = b.map((v) => v.value).sort()
  return x.length === y.length && x.every((v, i) => v === y[i])
}

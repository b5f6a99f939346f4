/**
 * Domain names (RFC 1035 §2.3.1, RFC 1123 §2.1, RFC 5891 IDNA via WHATWG/UTS #46).
 * A hostname in any form (Unicode, punycode, any case, trailing dot) maps to one
 * canonical `Fqdn`: lowercase ASCII, no trailing dot, labels of 1..63 octets, 253 total.
 */
import { domainToASCII } from 'node:url'
import { lru } from './lru.ts'
import { err, ok, type Result } from './result.ts'

/** A canonical, validated domain name. */
export type Fqdn = string & { readonly __brand: 'Fqdn' }

/** Why a name was refused. */
export type NameError = { readonly code: 'notfqdn'; readonly message: string }

const LABEL = /^(?!-)[a-z0-9_-]{1,63}(?<!-)$/

/**
 * Parses a user-supplied hostname into canonical form.
 * Underscore labels are allowed (`_acme-challenge`), as DNS itself allows them.
 */
export function parseName(input: string): Result<Fqdn, NameError> {
  const known = parsedNames.get(input)
  if (known !== undefined) return known
  const parsed = parseNameAnew(input)
  // Routers repeat the same few names: a bounded memo of results (they are never mutated),
  // of names short enough to be valid, so hostile input cannot make it large.
  if (input.length > 255) return parsed
  parsedNames.set(input, parsed)
  return parsed
}

/** How many parsed names are remembered (the least recently used goes first). */
export const PARSED_NAMES_MAX = 10_000

const parsedNames = lru<string, Result<Fqdn, NameError>>(PARSED_NAMES_MAX)

function parseNameAnew(input: string): Result<Fqdn, NameError> {
  const trimmed = input.trim().replace(/\.$/, '')
  if (trimmed === '') return err({ code: 'notfqdn', message: 'empty hostname' })
  if (trimmed.length > 253 * 4) return err({ code: 'notfqdn', message: 'hostname too long' })
  // eslint-disable-next-line no-control-regex
  if (/[\s/\\@:?#%\u0000-\u001f]/.test(trimmed)) {
    return err({
      code: 'notfqdn',
      message: `invalid character in hostname "${printable(trimmed)}"`,
    })
  }
  // Only non-ASCII labels go through IDNA: domainToASCII refuses underscores in some
  // versions, and `_acme-challenge.bücher.example` must work.
  const converted: string[] = []
  for (const label of trimmed.split('.')) {
    const a = /^[\x21-\x7e]*$/.test(label) ? label : domainToASCII(label)
    if (a === '' && label !== '') {
      return err({
        code: 'notfqdn',
        message: `invalid internationalized name "${printable(trimmed)}"`,
      })
    }
    converted.push(a.toLowerCase())
  }
  const ascii = converted.join('.')
  if (ascii.length > 253)
    return err({ code: 'notfqdn', message: 'hostname longer than 253 characters' })
  const labels = ascii.split('.')
  for (const label of labels) {
    if (!LABEL.test(label)) {
      return err({ code: 'notfqdn', message: `invalid label "${printable(label)}" in hostname` })
    }
  }
  // Round-trip punycode labels so malformed ones are refused.
  for (const label of labels.filter((l) => l.startsWith('xn--'))) {
    if (domainToASCII(label) !== label) {
      return err({ code: 'notfqdn', message: `invalid punycode in hostname "${ascii}"` })
    }
  }
  return ok(ascii as Fqdn)
}

/** True when `name` is `zone` itself or a name below it. */
export function isInZone(name: Fqdn, zone: Fqdn): boolean {
  return name === zone || name.endsWith('.' + zone)
}

/** Pairs of zones where `inner` lies inside `outer` (`home.dyn.example.com` in `dyn.example.com`). */
export function nestedZones(zones: readonly Fqdn[]): { outer: Fqdn; inner: Fqdn }[] {
  return zones.flatMap((inner) =>
    zones
      .filter((outer) => outer !== inner && isInZone(inner, outer))
      .map((outer) => ({ outer, inner })),
  )
}

/** The label(s) of `name` relative to `zone`, `@` for the apex. Assumes `isInZone`. */
export function relativeLabel(name: Fqdn, zone: Fqdn): string {
  return name === zone ? '@' : name.slice(0, name.length - zone.length - 1)
}

/** Joins a relative label (`@` for the apex) and a zone into an FQDN. */
export function joinName(label: string, zone: Fqdn): Fqdn {
  return (label === '@' || label === '' ? zone : `${label}.${zone}`) as Fqdn
}

/** The longest zone of `zones` that contains `name`, if any. */
export function findZone(name: Fqdn, zones: Iterable<Fqdn>): Fqdn | undefined {
  let best: Fqdn | undefined
  for (const zone of zones) {
    if (isInZone(name, zone) && (best === undefined || zone.length > best.length)) best = zone
  }
  return best
}

function printable(s: string): string {
  return s.length > 80 ? s.slice(0, 77) + '...' : s
}

/**
 * Leaf schemas the config sections are built from. Each one states in its error message
 * what it expects and what it got, so a user reads `expected an integer from 0 to 65535,
 * got "abc"` rather than a validator's internal wording.
 */
import ipaddr from 'ipaddr.js'
import { z } from 'zod'
import { parseName, type Fqdn } from '../core/names.ts'
import { Secret } from '../core/auth/secret.ts'

/** Marks the leaves that hold secrets: they may come from `<key>_file` and are never echoed. */
export const secretLeaves = z.registry<{ readonly secret: true }>()

/** Marks the leaves that hold file or directory paths: relative ones in a file are anchored there. */
export const pathLeaves = z.registry<{ readonly path: true }>()

/** Marks `schema` as a path leaf (see `pathLeaves`) and returns it. */
export function pathLeaf<T extends z.ZodType>(schema: T): T {
  pathLeaves.add(schema, { path: true })
  return schema
}

/** A file or directory path (a string); `what` says which, for messages. */
export function filePath(what: string) {
  return pathLeaf(text(what))
}

/** Shows an offending value in an error message: strings quoted, lists and tables short. */
export function describeInput(input: unknown): string {
  if (input === undefined) return 'nothing'
  if (input instanceof Date) return `the date ${input.toISOString()}`
  if (Array.isArray(input)) return shorten(JSON.stringify(input))
  if (typeof input === 'object' && input !== null) return 'a table'
  if (typeof input === 'string') return shorten(JSON.stringify(input))
  if (typeof input === 'number' || typeof input === 'boolean' || typeof input === 'bigint') {
    return String(input)
  }
  return input === null ? 'null' : typeof input
}

function shorten(text: string): string {
  return text.length > 60 ? text.slice(0, 57) + '...' : text
}

/** An error-message builder for a leaf that expects `what`. */
export function expecting(what: string): (issue: { readonly input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined
      ? `missing, expected ${what}`
      : `expected ${what}, got ${describeInput(issue.input)}`
}

/** A table (TOML `[section]`); unknown keys in it are errors. */
export function table<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.strictObject(shape, { error: expecting('a table') })
}

/** A string. */
export function text(what = 'a string') {
  return z.string({ error: expecting(what) })
}

/** A whole number in `min..max`. */
export function integer(min: number, max: number) {
  const error = expecting(`an integer from ${min} to ${max}`)
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error })
}

/** `true` or `false`. */
export function boolean() {
  return z.boolean({ error: expecting('true or false') })
}

/** One of a fixed list of words. */
export function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: expecting(`one of ${values.map((v) => `"${v}"`).join(', ')}`) })
}

/** A list of `item`s. */
export function list<T extends z.ZodType>(item: T, what: string) {
  return z.array(item, { error: expecting(what) })
}

/** True for a plain IPv4 dotted quad or an IPv6 address (with an optional zone index). */
export function isIpAddress(value: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(value) || ipaddr.IPv6.isValid(value)
}

/** An IP address to listen on. */
export function ipAddress() {
  const what = 'an IP address such as 127.0.0.1, 0.0.0.0 or ::'
  return text(what).refine(isIpAddress, { error: expecting(what) })
}

/** Canonical `address/length` for a CIDR range or a bare address (/32, /128); null if invalid. */
export function normalizeCidr(value: string): string | null {
  const parts = value.trim().split('/')
  const [address, length] = parts
  if (address === undefined || parts.length > 2 || address.includes('%')) return null
  if (!isIpAddress(address)) return null
  const ip = ipaddr.parse(address)
  const max = ip.kind() === 'ipv4' ? 32 : 128
  if (length === undefined) return `${ip.toString()}/${max}`
  if (!/^\d{1,3}$/.test(length) || Number(length) > max) return null
  return `${ip.toString()}/${Number(length)}`
}

/** A CIDR range (`10.0.0.0/8`, `2001:db8::/32`) or a bare address, canonicalised. */
export function cidr() {
  const message = expecting('a CIDR range such as 10.0.0.0/8 or 2001:db8::/32, or an address')
  return text('a CIDR range').transform((value, ctx): string => {
    const normal = normalizeCidr(value)
    if (normal !== null) return normal
    ctx.issues.push({ code: 'custom', input: value, message: message({ input: value }) })
    return z.NEVER
  })
}

/** A domain name, canonicalised by `parseName` (lowercase ASCII, no trailing dot). */
export function domainName() {
  return text('a domain name').transform((value, ctx): Fqdn => {
    const name = parseName(value)
    if (name.ok) return name.value
    ctx.issues.push({ code: 'custom', input: value, message: name.error.message })
    return z.NEVER
  })
}

/** A secret string; `""` (unset) becomes null. Errors never show the value. */
export function secret() {
  const schema = z
    .string({ error: 'expected a string (value not shown)' })
    .transform((value): Secret | null => (value === '' ? null : new Secret(value)))
  secretLeaves.add(schema, { secret: true })
  return schema
}

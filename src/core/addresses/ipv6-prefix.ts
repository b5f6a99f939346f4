/**
 * IPv6 prefix arithmetic for prefix groups: a delegated prefix (RFC 4291 section 2.5.4,
 * `addr/len`) plus a member's interface identifier (the host bits) gives the member's
 * address. Bits are combined byte-wise; nothing here knows about hosts or storage.
 */
import ipaddr from 'ipaddr.js'
import type { IpAddress } from './addresses.ts'
import { err, ok, type Result } from '../result.ts'

/** Why a prefix, length or interface identifier was refused. */
export interface PrefixError {
  readonly code: 'badip'
  readonly message: string
}

/** Prefix lengths a group may use: a delegated prefix leaves at least 8 host bits. */
export const MIN_PREFIX_LENGTH = 8
/** The longest prefix a group may use (a /120 still leaves 256 interface identifiers). */
export const MAX_PREFIX_LENGTH = 120

/** True when `length` is a whole number a prefix group can use. */
export function validPrefixLength(length: number): boolean {
  return Number.isInteger(length) && length >= MIN_PREFIX_LENGTH && length <= MAX_PREFIX_LENGTH
}

function bytes(address: string): number[] | undefined {
  if (!address.includes(':') || address.includes('%') || !ipaddr.IPv6.isValid(address)) {
    return undefined
  }
  return ipaddr.IPv6.parse(address).toByteArray()
}

function text(b: readonly number[]): string {
  return new ipaddr.IPv6([...b]).toRFC5952String()
}

// Per byte: how many of its 8 bits fall inside the first `length` bits.
function prefixBits(index: number, length: number): number {
  return Math.max(0, Math.min(8, length - index * 8))
}

function maskByte(byte: number, bits: number, keepPrefix: boolean): number {
  const mask = (0xff << (8 - bits)) & 0xff
  return keepPrefix ? byte & mask : byte & ~mask & 0xff
}

/**
 * Parses an interface identifier written as an IPv6 address (`::1:2`,
 * `::a8bb:ccff:fedd:eeff`); it must fit in the host bits of a `/length` prefix.
 */
export function parseInterfaceId(input: string, length: number): Result<string, PrefixError> {
  const b = bytes(input.trim())
  if (b === undefined) {
    return err({
      code: 'badip',
      message: `interface identifier "${input.slice(0, 64)}" is not written as an IPv6 address (e.g. ::1:2)`,
    })
  }
  if (b.some((byte, i) => maskByte(byte, prefixBits(i, length), true) !== 0)) {
    return err({
      code: 'badip',
      message: `interface identifier "${input.slice(0, 64)}" does not fit in the ${String(128 - length)} host bits of a /${String(length)} prefix`,
    })
  }
  return ok(text(b))
}

/** The `/length` network of an IPv6 address, in canonical text (`2001:db8:1:2::`). */
export function networkOf(address: IpAddress, length: number): Result<string, PrefixError> {
  const b = address.family === 6 ? bytes(address.text) : undefined
  if (b === undefined) {
    return err({ code: 'badip', message: `"${address.text}" is not an IPv6 address` })
  }
  return ok(text(b.map((byte, i) => maskByte(byte, prefixBits(i, length), true))))
}

/** The prefix bits of `prefix` joined with the host bits of `iid`: a member's address. */
export function joinPrefix(prefix: string, length: number, iid: string): string | undefined {
  const p = bytes(prefix)
  const h = bytes(iid)
  if (p === undefined || h === undefined) return undefined
  return text(
    p.map((byte, i) => {
      const bits = prefixBits(i, length)
      return maskByte(byte, bits, true) | maskByte(h[i] ?? 0, bits, false)
    }),
  )
}

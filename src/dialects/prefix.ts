/** Reads an IPv6 prefix as router URL templates send it (`2001:db8:1:2::/64`). */
import { parseIp, type IpAddress } from '../core/addresses/addresses.ts'
import { validPrefixLength } from '../core/addresses/ipv6-prefix.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { DialectError } from './dialect.ts'

/** Parses `addr/len` with an IPv6 address and a length a prefix group can use. */
export function parsePrefix(
  input: string,
): Result<{ prefix: IpAddress; length: number }, DialectError> {
  const text = input.trim()
  const slash = text.lastIndexOf('/')
  const bad = (why: string): Result<never, DialectError> =>
    err({ code: 'badip', message: `"${text.slice(0, 64)}" is not an IPv6 prefix: ${why}` })
  if (slash < 0) return bad('expected addr/len')
  const lengthText = text.slice(slash + 1)
  const length = /^\d{1,3}$/.test(lengthText) ? Number(lengthText) : NaN
  if (!validPrefixLength(length)) return bad('the length must be 8 to 120')
  const address = parseIp(text.slice(0, slash))
  if (!address.ok || address.value.family !== 6) return bad('expected an IPv6 address')
  return ok({ prefix: address.value, length })
}

/**
 * IP addresses as dynzone stores and compares them: IPv4 in dotted decimal without leading
 * zeros, IPv6 in RFC 5952 canonical text. Parsing is strict so `1.2.3.010` (octal in some
 * resolvers) or `1.2.3` cannot be misread; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4.
 */
import ipaddr from 'ipaddr.js'
import { err, ok, type Result } from '../result.ts'

/** An address family. */
export type IpFamily = 4 | 6

/** A canonical IP address. */
export interface IpAddress {
  readonly family: IpFamily
  readonly text: string
}

/** Why an address was refused. */
export interface AddressError {
  readonly code: 'badip'
  readonly message: string
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/

/** Parses an IPv4 or IPv6 address (IPv6 may carry a zone index only if `allowZone`). */
export function parseIp(input: string): Result<IpAddress, AddressError> {
  const s = input.trim()
  if (IPV4.test(s)) return ok({ family: 4, text: s })
  // ipaddr.js reads an embedded dotted quad leniently (`::ffff:0xc0.0.2.010`): hold it to IPv4 rules.
  const dotted = s.includes('.') ? s.slice(s.lastIndexOf(':') + 1) : undefined
  if (dotted !== undefined && !IPV4.test(dotted)) {
    return err({ code: 'badip', message: `"${s.slice(0, 64)}" is not an IPv4 or IPv6 address` })
  }
  if (s.includes(':') && !s.includes('%') && ipaddr.IPv6.isValid(s)) {
    const v6 = ipaddr.IPv6.parse(s)
    if (v6.isIPv4MappedAddress()) return ok({ family: 4, text: v6.toIPv4Address().toString() })
    return ok({ family: 6, text: v6.toRFC5952String() })
  }
  return err({ code: 'badip', message: `"${s.slice(0, 64)}" is not an IPv4 or IPv6 address` })
}

/** Parses an address that must be of one family. */
export function parseIpOf(input: string, family: IpFamily): Result<IpAddress, AddressError> {
  const r = parseIp(input)
  if (!r.ok) return r
  if (r.value.family !== family) {
    return err({ code: 'badip', message: `"${r.value.text}" is not an IPv${family} address` })
  }
  return r
}

/** A CIDR range, for trusted proxies and token scopes. */
export interface Cidr {
  readonly family: IpFamily
  readonly text: string
  contains(address: IpAddress): boolean
}

// Each request's address is matched against several ranges (exempt, trusted, lockout allow):
// parsed once per address object.
const parsedAddresses = new WeakMap<IpAddress, ipaddr.IPv4 | ipaddr.IPv6>()

function parsedOf(address: IpAddress): ipaddr.IPv4 | ipaddr.IPv6 {
  let parsed = parsedAddresses.get(address)
  if (parsed === undefined) {
    parsed = ipaddr.parse(address.text)
    parsedAddresses.set(address, parsed)
  }
  return parsed
}

/** True when every address of `inner` is inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  const [address = '', bits = ''] = inner.text.split('/')
  const ip = parseIp(address)
  // `inner` is no wider than `outer` and its (any) address lies in `outer`.
  return ip.ok && outer.contains(ip.value) && Number(bits) >= Number(outer.text.split('/')[1])
}

/** Parses `addr/len` or a bare address (a host route). */
export function parseCidr(input: string): Result<Cidr, AddressError> {
  const s = input.trim()
  try {
    const [parsed, len] = s.includes('/') ? ipaddr.parseCIDR(s) : [ipaddr.parse(s), -1]
    // Addresses are matched after `::ffff:a.b.c.d` became IPv4, so ranges must be too.
    const mapped =
      parsed instanceof ipaddr.IPv6 && parsed.isIPv4MappedAddress() && (len === -1 || len >= 96)
    const addr = mapped ? parsed.toIPv4Address() : parsed
    const family: IpFamily = addr.kind() === 'ipv4' ? 4 : 6
    const bits = len === -1 ? (family === 4 ? 32 : 128) : mapped ? len - 96 : len
    const range: [ipaddr.IPv4 | ipaddr.IPv6, number] = [addr, bits]
    return ok({
      family,
      text: `${addr.toString()}/${bits}`,
      contains(address: IpAddress): boolean {
        if (address.family !== family) return false
        const parsed = parsedOf(address)
        return parsed.kind() === addr.kind() && parsed.match(range)
      },
    })
  } catch {
    return err({ code: 'badip', message: `"${s.slice(0, 64)}" is not an address or CIDR range` })
  }
}

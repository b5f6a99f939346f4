/**
 * The address parameters of DynDNS2 clients, merged into one wish per family:
 * `myip` (absent/empty = source address; v4; v6; `v4,v6` either order; a list with an empty
 * member; percent-encoded), `myipv6`/`myip6`/`ipv6`/`ip6`, `ipv4`/`ip4`/`ip`, `offline=YES`.
 */
import { parseIp, type IpAddress } from '../../core/addresses.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { AddressWish } from '../../core/update-intent.ts'
import type { DialectError } from '../dialect.ts'

const V4_KEYS = ['ipv4', 'ip4', 'ip']
const V6_KEYS = ['myipv6', 'myip6', 'ipv6', 'ip6']

/** Both families' wishes from the request parameters. */
export function addressWishes(
  params: ReadonlyMap<string, string>,
): Result<{ ipv4: AddressWish; ipv6: AddressWish }, DialectError> {
  if ((params.get('offline') ?? '').toLowerCase() === 'yes') {
    return ok({ ipv4: { kind: 'delete' }, ipv6: { kind: 'delete' } })
  }
  const found: IpAddress[] = []
  const sources = [
    params.get('myip'),
    ...V4_KEYS.map((k) => params.get(k)),
    ...V6_KEYS.map((k) => params.get(k)),
  ]
  for (const value of sources) {
    if (value === undefined) continue
    for (const member of value.split(',')) {
      const text = member.trim()
      if (text === '') continue
      if (text.includes('/')) {
        return err({
          code: 'badip',
          message: `"${text.slice(0, 64)}" is a prefix; prefixes need an IPv6 prefix group`,
        })
      }
      const ip = parseIp(text)
      if (!ip.ok) return err({ code: 'badip', message: ip.error.message })
      found.push(ip.value)
    }
  }
  if (found.length === 0) return ok({ ipv4: { kind: 'auto' }, ipv6: { kind: 'auto' } })
  const v4 = found.filter((a) => a.family === 4)
  const v6 = found.filter((a) => a.family === 6)
  if (new Set(v4.map((a) => a.text)).size > 1 || new Set(v6.map((a) => a.text)).size > 1) {
    return err({ code: 'badip', message: 'more than one address of the same family' })
  }
  return ok({ ipv4: wish(v4[0]), ipv6: wish(v6[0]) })
}

function wish(address: IpAddress | undefined): AddressWish {
  if (address === undefined) return { kind: 'keep' }
  // 0.0.0.0 and :: are how several clients ask to remove a family.
  if (address.text === '0.0.0.0' || address.text === '::') return { kind: 'delete' }
  return { kind: 'set', address }
}

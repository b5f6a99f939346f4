/**
 * The address parameters of DynDNS2 clients, merged into one wish per family:
 * `myip` (absent/empty = source address; v4; v6; `v4,v6` either order; a list with an empty
 * member; percent-encoded), `myipv6`/`myip6`/`ipv6`/`ip6`, `ipv4`/`ip4`/`ip`, `offline=YES`.
 * An IPv6 prefix (`addr/len`) in any of them, or in `ipv6prefix`/`ip6lanprefix` (Fritz!Box
 * `<ip6lanprefix>`), is a prefix wish for the host's prefix group, not an address.
 */
import { parseIp, type IpAddress } from '../../core/addresses/addresses.ts'
import { err, ok, type Result } from '../../core/result.ts'
import type { AddressWish, PrefixWish } from '../../core/update/update-intent.ts'
import type { DialectError } from '../dialect.ts'
import { parsePrefix } from '../prefix.ts'
import { all, DEFAULT_ALIASES, first, type Dyndns2Aliases } from './aliases.ts'

/** Both families' wishes from the request parameters. */
export function addressWishes(
  params: ReadonlyMap<string, string>,
  aliases: Dyndns2Aliases = DEFAULT_ALIASES,
): Result<{ ipv4: AddressWish; ipv6: AddressWish; ipv6prefix?: PrefixWish }, DialectError> {
  if ((first(params, aliases.offline) ?? '').toLowerCase() === 'yes') {
    return ok({ ipv4: { kind: 'delete' }, ipv6: { kind: 'delete' } })
  }
  const found: IpAddress[] = []
  const prefixes: PrefixWish[] = []
  for (const value of all(params, aliases.ipv6prefix)) {
    if (value.trim() === '') continue
    const prefix = parsePrefix(value)
    if (!prefix.ok) return prefix
    prefixes.push({ kind: 'set', ...prefix.value })
  }
  const sources: string[] = []
  for (const names of [aliases.myip, aliases.myipv4, aliases.myipv6]) all(params, names, sources)
  for (const value of sources) {
    for (const member of value.split(',')) {
      const text = member.trim()
      if (text === '') continue
      if (text.includes('/')) {
        const prefix = parsePrefix(text)
        if (!prefix.ok) return prefix
        prefixes.push({ kind: 'set', ...prefix.value })
        continue
      }
      const ip = parseIp(text)
      if (!ip.ok) return err({ code: 'badip', message: ip.error.message })
      found.push(ip.value)
    }
  }
  const ipv6prefix = onePrefix(prefixes)
  if (!ipv6prefix.ok) return ipv6prefix
  const withPrefix = ipv6prefix.value === undefined ? {} : { ipv6prefix: ipv6prefix.value }
  if (found.length === 0) {
    // A prefix alone says what the client wants: the addresses stay as they are.
    const wish: AddressWish = { kind: ipv6prefix.value === undefined ? 'auto' : 'keep' }
    return ok({ ipv4: wish, ipv6: wish, ...withPrefix })
  }
  const v4 = found.filter((a) => a.family === 4)
  const v6 = found.filter((a) => a.family === 6)
  if (new Set(v4.map((a) => a.text)).size > 1 || new Set(v6.map((a) => a.text)).size > 1) {
    return err({ code: 'badip', message: 'more than one address of the same family' })
  }
  return ok({ ipv4: wish(v4[0]), ipv6: wish(v6[0]), ...withPrefix })
}

function onePrefix(prefixes: readonly PrefixWish[]): Result<PrefixWish | undefined, DialectError> {
  const texts = new Set(
    prefixes.map((p) => (p.kind === 'set' ? `${p.prefix.text}/${String(p.length)}` : p.kind)),
  )
  if (texts.size > 1) return err({ code: 'badip', message: 'more than one IPv6 prefix' })
  return ok(prefixes[0])
}

function wish(address: IpAddress | undefined): AddressWish {
  if (address === undefined) return { kind: 'keep' }
  // 0.0.0.0 and :: are how several clients ask to remove a family.
  if (address.text === '0.0.0.0' || address.text === '::') return { kind: 'delete' }
  return { kind: 'set', address }
}

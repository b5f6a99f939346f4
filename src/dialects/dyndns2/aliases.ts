/**
 * Parameter-name aliases of one DynDNS2 endpoint, as ddns-service configures them: each
 * field lists the query/form names it is read from, first present wins; an empty list
 * disables the field (its parameters are then ignored).
 */

/** The fields a DynDNS2 request carries and the parameter names each is read from. */
export interface Dyndns2Aliases {
  readonly hostname: readonly string[]
  /** Either family, or `v4,v6`. */
  readonly myip: readonly string[]
  readonly myipv4: readonly string[]
  readonly myipv6: readonly string[]
  /** An IPv6 prefix (`addr/len`) for the host's prefix group. */
  readonly ipv6prefix: readonly string[]
  readonly username: readonly string[]
  /** An account password or a token. */
  readonly password: readonly string[]
  readonly offline: readonly string[]
  readonly system: readonly string[]
}

/** The names real clients send (ddclient, inadyn, routers, router URL templates). */
export const DEFAULT_ALIASES: Dyndns2Aliases = {
  hostname: ['hostname'],
  myip: ['myip'],
  myipv4: ['ipv4', 'ip4', 'ip'],
  myipv6: ['myipv6', 'myip6', 'ipv6', 'ip6'],
  ipv6prefix: ['ipv6prefix', 'ip6lanprefix'],
  username: ['username', 'user'],
  password: ['password', 'pass', 'token'],
  offline: ['offline'],
  system: ['system'],
}

/** The first value of the first alias present. */
export function first(
  params: ReadonlyMap<string, string>,
  names: readonly string[],
): string | undefined {
  for (const name of names) {
    const value = params.get(name)
    if (value !== undefined) return value
  }
  return undefined
}

/** Every value of every alias present, in alias order (appended to `into`). */
export function all(
  params: ReadonlyMap<string, string>,
  names: readonly string[],
  into: string[] = [],
): string[] {
  for (const name of names) {
    const value = params.get(name)
    if (value !== undefined) into.push(value)
  }
  return into
}

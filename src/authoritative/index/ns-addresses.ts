/**
 * `zones[].ns_addresses`: the A/AAAA of name servers inside their own zone (RFC 1034 §4.2.1:
 * a server named below the zone needs an address there, and glue in the parent). They are
 * config, not host data: served in the zone and as additional data, never touched by resync.
 */
import { z } from 'zod'
import { parseIp } from '../../core/addresses/addresses.ts'
import { isInZone, type Fqdn } from '../../core/names.ts'
import type { RecordSet } from '../../core/records.ts'
import { domainName, list, table, text } from '../../config/fields.ts'

/** One in-zone name server and its addresses, as configured. */
export interface NsAddress {
  readonly name: Fqdn
  /** Canonical text (RFC 5952 for IPv6). */
  readonly addresses: readonly string[]
}

const address = text('an IP address such as 203.0.113.53 or 2001:db8::53').transform(
  (value, ctx) => {
    const ip = parseIp(value)
    if (ip.ok) return ip.value.text
    ctx.issues.push({ code: 'custom', input: value, message: ip.error.message })
    return z.NEVER
  },
)

/** The schema of `ns_addresses`: `[{ name = "ns1.<zone>", addresses = ["203.0.113.53"] }]`. */
export const nsAddressesSchema = list(
  table({
    name: domainName(),
    addresses: list(address, 'a list of IP addresses').min(1, {
      error: 'expected at least one address',
    }),
  }),
  'a list of { name, addresses } tables',
).default([])

/** Issues for entries whose name is not one of the zone's `ns`, outside it, or listed twice. */
export function nsAddressIssues(
  zone: Fqdn,
  entries: readonly Pick<NsAddress, 'name'>[],
  ns: readonly Fqdn[],
): { readonly path: (string | number)[]; readonly message: string }[] {
  const seen = new Set<string>()
  return entries.flatMap((e, i) => {
    const problems = []
    if (!ns.includes(e.name))
      problems.push({
        path: ['ns_addresses', i, 'name'],
        message: `"${e.name}" is not one of this zone's ns (${ns.join(', ')})`,
      })
    // Addresses of a name outside the zone are not this zone's to serve (nor valid glue).
    if (!isInZone(e.name, zone))
      problems.push({
        path: ['ns_addresses', i, 'name'],
        message: `"${e.name}" is not inside the zone ${zone}; only in-zone name servers need addresses here`,
      })
    if (seen.has(e.name))
      problems.push({ path: ['ns_addresses', i, 'name'], message: `"${e.name}" listed twice` })
    seen.add(e.name)
    return problems
  })
}

/** The A and AAAA RRsets the entries inside `zone` give, at `ttl`. */
export function nsAddressRecords(
  zone: Fqdn,
  entries: readonly NsAddress[],
  ttl: number,
): RecordSet[] {
  return entries
    .filter((e) => isInZone(e.name, zone))
    .flatMap((e) => {
      const v4 = e.addresses.filter((a) => !a.includes(':'))
      const v6 = e.addresses.filter((a) => a.includes(':'))
      const sets: RecordSet[] = []
      if (v4.length > 0) sets.push({ name: e.name, type: 'A', ttl, values: v4 })
      if (v6.length > 0) sets.push({ name: e.name, type: 'AAAA', ttl, values: v6 })
      return sets
    })
}

/** In-zone NS names without an address: resolvers cannot reach them without glue. */
export function nsWithoutAddress(
  zone: Fqdn,
  ns: readonly Fqdn[],
  entries: readonly NsAddress[],
): Fqdn[] {
  return ns.filter((n) => isInZone(n, zone) && !entries.some((e) => e.name === n))
}

/**
 * Which addresses an update may publish. A public zone should not carry private, loopback,
 * link-local, CGNAT, unique-local, documentation or multicast addresses: they are useless
 * (or misleading) to the rest of the internet, and a client that sends one is usually
 * misconfigured (it reports its LAN side). The special-use ranges are one table with their
 * RFCs, in special-ranges.ts.
 *
 * "Public zone": a zone not under a special-use or documentation name (RFC 2606, RFC 6761,
 * RFC 6762, RFC 8375, ICANN's `.internal`, the common `.lan`). Under mode `auto` (the
 * default) public zones get `public`, the others `any`. The split-horizon LAN addresses an
 * admin sets are not update addresses and are never checked here.
 */
import type { IpAddress } from './addresses.ts'
import { findZone, parseName, type Fqdn } from '../names.ts'
import { specialUse } from './special-ranges.ts'
import type { UpdateIntent } from '../update/update-intent.ts'

/** `public`: refuse special-use addresses; `any`: accept every address; `auto`: by zone. */
export type AddressPolicyMode = 'auto' | 'public' | 'any'

/** The modes a config may name. */
export const ADDRESS_POLICY_MODES = ['auto', 'public', 'any'] as const

/** Names under which a zone is not public. */
const NON_PUBLIC_SUFFIXES = [
  'test',
  'example',
  'invalid',
  'localhost',
  'local',
  'internal',
  'lan',
  'home.arpa',
  'example.com',
  'example.net',
  'example.org',
]

/** Whether a zone counts as public (not under a special-use or documentation name). */
export function isPublicZone(zone: Fqdn): boolean {
  return !NON_PUBLIC_SUFFIXES.some((s) => zone === s || zone.endsWith(`.${s}`))
}

/** Options: the global mode, per-zone overrides, and the served zones. */
export interface AddressPolicyOptions {
  readonly mode: AddressPolicyMode
  readonly zones: ReadonlyMap<Fqdn, AddressPolicyMode>
}

/** Decides whether an address may be published in a host's zone. */
export class AddressPolicy {
  readonly #options: AddressPolicyOptions

  constructor(options: AddressPolicyOptions) {
    this.#options = options
  }

  /** The mode in force for a zone (`auto` resolved). */
  modeFor(zone: Fqdn): 'public' | 'any' {
    const mode = this.#options.zones.get(zone) ?? this.#options.mode
    if (mode !== 'auto') return mode
    return isPublicZone(zone) ? 'public' : 'any'
  }

  /** Why `address` may not go into `fqdn` (a message for the client), or undefined. */
  refusal(fqdn: Fqdn, zones: Iterable<Fqdn>, address: IpAddress): string | undefined {
    const zone = findZone(fqdn, zones)
    if (zone === undefined || this.modeFor(zone) === 'any') return undefined
    const kind = specialUse(address)
    if (kind === undefined) return undefined
    return `${address.text} is a ${kind} address; zone ${zone} accepts public addresses only`
  }
}

/**
 * The first refusal for an update: every address it would publish (set, or filled from
 * the source address, and an IPv6 prefix) checked against each named host's zone.
 */
export function intentRefusal(
  policy: AddressPolicy,
  hostnames: readonly string[],
  zones: readonly Fqdn[],
  intent: UpdateIntent,
): string | undefined {
  const addresses = publishedAddresses(intent)
  if (addresses.length === 0) return undefined
  for (const hostname of hostnames) {
    const name = parseName(hostname)
    if (!name.ok) continue
    for (const address of addresses) {
      const why = policy.refusal(name.value, zones, address)
      if (why !== undefined) return why
    }
  }
  return undefined
}

function publishedAddresses(intent: UpdateIntent): IpAddress[] {
  const out: IpAddress[] = []
  for (const [wish, family] of [
    [intent.ipv4, 4],
    [intent.ipv6, 6],
  ] as const) {
    if (wish.kind === 'set' && wish.address.family === family) out.push(wish.address)
    if (wish.kind === 'auto' && intent.clientIp.family === family) out.push(intent.clientIp)
  }
  const prefix = intent.ipv6prefix
  if (prefix?.kind === 'set') out.push(prefix.prefix)
  if (prefix?.kind === 'auto' && intent.clientIp.family === 6) out.push(intent.clientIp)
  return out
}

/**
 * IPv6 prefix groups on the update path: one request carrying a new prefix (dyndns2 `myip`
 * with `/len`, Fritz!Box `ip6lanprefix`, dynv6 `ipv6prefix`) re-prefixes the AAAA of every
 * member of the named host's group, each keeping its interface identifier. The members'
 * writes join the request's one transaction, so the store commits them as one change.
 */
import type { Principal } from '../auth/auth.ts'
import { joinPrefix, networkOf } from '../addresses/ipv6-prefix.ts'
import { parseName } from '../names.ts'
import type { HostRecord, HostWrite, PrefixGroupRecord, UpdateStore } from '../ports.ts'
import type { PrefixWish, UpdateIntent } from './update-intent.ts'

/** The group a named host's prefix wish applies to, or `refused` when it is not the caller's. */
export async function prefixGroupFor(
  store: UpdateStore,
  host: HostRecord,
  intent: UpdateIntent,
  principal: Principal,
): Promise<PrefixGroupRecord | 'refused' | undefined> {
  if (intent.ipv6prefix === undefined || store.findPrefixGroup === undefined) return undefined
  const group = await store.findPrefixGroup(host.id)
  if (group === undefined) return undefined
  return group.ownerId === principal.userId || principal.isAdmin ? group : 'refused'
}

/**
 * Refuses the request before anything is planned when a prefix's length differs from the
 * group of a named host the caller owns (the message names both lengths).
 */
export async function checkPrefixLength(
  store: UpdateStore,
  hostnames: readonly string[],
  intent: UpdateIntent,
  principal: Principal,
): Promise<string | undefined> {
  const wish = intent.ipv6prefix
  if (wish?.kind !== 'set' || store.findPrefixGroup === undefined) return undefined
  for (const hostname of hostnames) {
    const name = parseName(hostname)
    const host = name.ok ? await store.findHost(name.value) : undefined
    if (host === undefined) continue
    const group = await prefixGroupFor(store, host, intent, principal)
    if (group === undefined || group === 'refused' || group.length === wish.length) continue
    return `prefix length /${String(wish.length)} does not match /${String(group.length)} of group "${group.name}"`
  }
  return undefined
}

/** The group's new prefix (network text), null to remove, or undefined to keep. */
function newPrefix(
  wish: PrefixWish,
  group: PrefixGroupRecord,
  intent: UpdateIntent,
): string | null | undefined {
  switch (wish.kind) {
    case 'delete':
      return null
    case 'auto': {
      // Only an IPv6 source address carries a prefix; an IPv4 one leaves the group alone.
      if (intent.clientIp.family !== 6) return undefined
      const net = networkOf(intent.clientIp, group.length)
      return net.ok ? net.value : undefined
    }
    case 'set': {
      const net = networkOf(wish.prefix, group.length)
      return net.ok ? net.value : undefined
    }
  }
}

/**
 * Adds every member's write (AAAA = prefix + interface identifier) to `writes`, keeping
 * what earlier hosts of the request planned for them. Returns the named host's new AAAA
 * and whether any member's AAAA changes.
 */
export function reprefixGroup(
  group: PrefixGroupRecord,
  host: HostRecord,
  intent: UpdateIntent,
  writes: Map<number, HostWrite>,
): { ipv6: string | null; changed: boolean } | undefined {
  if (intent.ipv6prefix === undefined) return undefined
  const prefix = newPrefix(intent.ipv6prefix, group, intent)
  if (prefix === undefined) return undefined
  let changed = false
  let own: string | null | undefined
  for (const member of group.members) {
    const ipv6 = prefix === null ? null : (joinPrefix(prefix, group.length, member.iid) ?? null)
    const before = writes.get(member.host.id) ?? {
      host: member.host,
      ipv4: member.host.ipv4,
      ipv6: member.host.ipv6,
    }
    writes.set(member.host.id, { ...before, ipv6, group: { id: group.id, prefix } })
    if (ipv6 !== member.host.ipv6) changed = true
    if (member.host.id === host.id) own = ipv6
  }
  return { ipv6: own ?? writes.get(host.id)?.ipv6 ?? null, changed }
}

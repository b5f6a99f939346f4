/**
 * Who may write which static records (docs: README "What a zone can hold"):
 * - admins and keys: any type at any name of the zone, except the dynamic types (A, AAAA,
 *   TXT) at a host's own name and NS at the apex (the apex NS come from the config);
 * - a host's owner: at the host's name MX, CAA, SRV, SSHFP, TLSA, HTTPS, SVCB; below it also
 *   A, AAAA, CNAME, TXT; never NS or DS (delegations are admins'); never at or below another
 *   host; only RRsets that belong to their host.
 */
import type { Fqdn } from '../names.ts'
import type { RecordType } from '../records.ts'
import type { HostRef, RecordActor } from './zone-record-types.ts'

/** The types a host's A/AAAA/TXT updates own at its name. */
export const DYNAMIC_TYPES: ReadonlySet<RecordType> = new Set<RecordType>(['A', 'AAAA', 'TXT'])

/** What a host's owner may put at the host's own name. */
export const OWNER_AT_HOST: ReadonlySet<RecordType> = new Set<RecordType>([
  'MX',
  'CAA',
  'SRV',
  'SSHFP',
  'TLSA',
  'HTTPS',
  'SVCB',
])

/** What a host's owner may put below the host's name. */
export const OWNER_BELOW_HOST: ReadonlySet<RecordType> = new Set<RecordType>([
  ...OWNER_AT_HOST,
  'A',
  'AAAA',
  'CNAME',
  'TXT',
])

/** Where a name sits: the nearest host at or above it (undefined: none). */
export interface Placement {
  readonly name: Fqdn
  readonly zone: Fqdn
  readonly type: RecordType
  readonly host: HostRef | undefined
  /** The owner host of the RRset as stored (null: the zone's), when it exists. */
  readonly storedOwner: number | null | undefined
}

/** Why `actor` may not write `type` at `name`, or undefined when it may. */
export function refusal(actor: RecordActor, p: Placement): string | undefined {
  const atHost = p.host !== undefined && p.host.name === p.name
  if (atHost && DYNAMIC_TYPES.has(p.type)) {
    return `${p.type} at a host's own name is the host's dynamic address data: update it through the host`
  }
  if (p.name === p.zone && p.type === 'NS') return 'the apex NS records come from the config'
  if (actor.kind !== 'user') return undefined
  const host = p.host
  if (host === undefined || host.ownerId !== actor.userId) {
    return host === undefined
      ? 'only at or below a host you own'
      : `at or below the host ${host.name}, which you do not own`
  }
  if (p.storedOwner !== undefined && p.storedOwner !== host.id) {
    return 'the RRset belongs to the zone: an admin changes it'
  }
  const allowed = atHost ? OWNER_AT_HOST : OWNER_BELOW_HOST
  if (allowed.has(p.type)) return undefined
  if (p.type === 'NS' || p.type === 'DS') return 'delegations are made by admins'
  return atHost
    ? `a host's owner may put ${[...OWNER_AT_HOST].join(', ')} at the host's name`
    : `a host's owner may put ${[...OWNER_BELOW_HOST].join(', ')} below the host's name`
}

/** The nearest of `hosts` at or above `name`. */
export function nearestHost(name: Fqdn, hosts: readonly HostRef[]): HostRef | undefined {
  let best: HostRef | undefined
  for (const h of hosts) {
    if (
      (name === h.name || name.endsWith(`.${h.name}`)) &&
      (best?.name.length ?? -1) < h.name.length
    ) {
      best = h
    }
  }
  return best
}

/** `name` and every name above it down to the zone apex (inclusive). */
export function namesUpTo(name: Fqdn, zone: Fqdn): Fqdn[] {
  const out: Fqdn[] = [name]
  let at: string = name
  while (at !== zone && at.includes('.')) {
    at = at.slice(at.indexOf('.') + 1)
    out.push(at as Fqdn)
    if (at.length <= zone.length) break
  }
  return out
}

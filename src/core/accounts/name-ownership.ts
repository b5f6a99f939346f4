/**
 * Who may hold a name: a host owns its name and every name below it (`_acme-challenge.<host>`
 * included), so nobody else may create a host there, and nobody may create a host above
 * another user's host (it would claim that host's name). Two owners are never on one branch
 * of the tree: neither can publish records at names the other's clients or certificates rely
 * on. A host at a zone's apex is the exception: it owns only its name and its ACME name,
 * since the zone below is the operator's to hand out. The rule is about the names, not who
 * asks: an administrator may create a host on a user's branch only for that user.
 *
 * Every door that creates hosts asks here: the account service (CLI, REST API, web UI, the
 * demo) through the store's `hostsNear`, and the import through its own in-memory index.
 */
import { acmeName } from '../update/acme-txt.ts'
import { relativeLabel, type Fqdn } from '../names.ts'

/** A host as the rule sees it. */
export interface NameClaim {
  readonly fqdn: Fqdn
  readonly zone: Fqdn
  readonly owner: string
}

/** True when `host` owns `name`: its own name, a name below it (apex: its ACME name). */
export function claims(host: NameClaim, name: Fqdn): boolean {
  if (name === host.fqdn) return true
  return host.fqdn === host.zone ? name === acmeName(host.fqdn) : name.endsWith(`.${host.fqdn}`)
}

/**
 * The host that keeps `owner` from having a host at `name` in `zone`: another user's host
 * that owns the name, or that the new host would own. `nearby` must hold every host of the
 * zone at `name`, at one of `namesAbove(name, zone)`, or below `name`.
 */
export function ownershipConflict(
  name: Fqdn,
  zone: Fqdn,
  owner: string,
  nearby: Iterable<NameClaim>,
): NameClaim | undefined {
  const wanted: NameClaim = { fqdn: name, zone, owner }
  for (const h of nearby) {
    if (h.zone !== zone || h.owner === owner) continue
    if (claims(h, name) || claims(wanted, h.fqdn)) return h
  }
  return undefined
}

/** The words for a conflict (the other host's name is public in DNS; its owner is not said). */
export function conflictMessage(name: Fqdn, other: NameClaim): string {
  return claims(other, name)
    ? `"${name}" belongs to host "${other.fqdn}" of another user`
    : `"${name}" is above host "${other.fqdn}" of another user`
}

/** The names at or above `name` inside `zone` (the apex included) whose hosts may own it. */
export function namesAbove(name: Fqdn, zone: Fqdn): Fqdn[] {
  const out: Fqdn[] = []
  let rest = name
  for (;;) {
    out.push(rest)
    if (rest === zone || !rest.includes('.')) return out
    rest = rest.slice(rest.indexOf('.') + 1) as Fqdn
  }
}

/** The relative labels of `namesAbove`, as the hosts table stores them (`@` for the apex). */
export function labelsAbove(name: Fqdn, zone: Fqdn): string[] {
  return namesAbove(name, zone).map((n) => relativeLabel(n, zone))
}

/** Hosts held in memory, indexed for `ownershipConflict` (an import checks thousands). */
export class ClaimIndex {
  readonly #at = new Map<Fqdn, NameClaim[]>()
  readonly #below = new Map<Fqdn, NameClaim[]>()

  /** Adds a host. */
  add(host: NameClaim): void {
    push(this.#at, host.fqdn, host)
    for (const above of namesAbove(host.fqdn, host.zone).slice(1)) push(this.#below, above, host)
  }

  /** As `ownershipConflict`, against every host added. */
  conflict(name: Fqdn, zone: Fqdn, owner: string): NameClaim | undefined {
    const near = namesAbove(name, zone).flatMap((n) => this.#at.get(n) ?? [])
    return ownershipConflict(name, zone, owner, [...near, ...(this.#below.get(name) ?? [])])
  }
}

function push(map: Map<Fqdn, NameClaim[]>, key: Fqdn, value: NameClaim): void {
  const list = map.get(key)
  if (list === undefined) map.set(key, [value])
  else list.push(value)
}

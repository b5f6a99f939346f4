/**
 * Per-key update policy for record-level writers (the RFC 2136 UPDATE server), modelled on
 * BIND's `update-policy` grant rules: a key may change the record types its grants list at
 * the names its grants match, and nothing else. No grant means no change.
 */
import type { Fqdn } from '../names.ts'

/** How a grant's name is compared with a record's owner name (BIND's rule names). */
export const GRANT_MATCHES = ['name', 'subdomain', 'wildcard', 'self', 'selfsub'] as const
/** One way of matching names. */
export type GrantMatch = (typeof GRANT_MATCHES)[number]

/** One grant: the names (by `match` against `name`) and types a key may change. */
export interface UpdateGrant {
  readonly match: GrantMatch
  /** The name or pattern; unused by `self` and `selfsub`, which compare with the key name. */
  readonly name: Fqdn | null
  /** Record types the grant covers; empty means every type the server manages. */
  readonly types: readonly string[]
}

/** The principal of a record-level update: a key and what it was granted. */
export interface UpdatePrincipal {
  /** Lowercase key name without the trailing dot. */
  readonly keyName: string
  readonly grants: readonly UpdateGrant[]
}

/** True when some grant of `principal` lets it change `type` records at `owner`. */
export function grantAllows(principal: UpdatePrincipal, owner: Fqdn, type: string): boolean {
  return principal.grants.some(
    (g) =>
      (g.types.length === 0 || g.types.includes(type)) && nameMatches(g, owner, principal.keyName),
  )
}

function nameMatches(grant: UpdateGrant, owner: Fqdn, keyName: string): boolean {
  switch (grant.match) {
    case 'name':
      return owner === grant.name
    case 'subdomain':
      return grant.name !== null && (owner === grant.name || owner.endsWith(`.${grant.name}`))
    case 'wildcard':
      return grant.name !== null && wildcardMatches(grant.name, owner)
    case 'self':
      return owner === keyName
    case 'selfsub':
      return owner === keyName || owner.endsWith(`.${keyName}`)
  }
}

/**
 * `*` stands for exactly one label anywhere in the pattern (`_acme-challenge.*.dyn.example.com`);
 * a leading `*` also covers several labels, as a DNS wildcard does (RFC 4592 §2.1.1).
 */
export function wildcardMatches(pattern: string, owner: string): boolean {
  const want = pattern.split('.')
  const have = owner.split('.')
  if (want[0] === '*' && have.length > want.length) {
    // The leading `*` absorbs the extra labels.
    return labelsMatch(want.slice(1), have.slice(have.length - want.length + 1))
  }
  return want.length === have.length && labelsMatch(want, have)
}

function labelsMatch(want: readonly string[], have: readonly string[]): boolean {
  return want.length === have.length && want.every((w, i) => w === '*' || w === have[i])
}

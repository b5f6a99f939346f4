/**
 * What a credential may do, as one value, and the rule every path that mints a credential
 * from another one follows: the new credential's rights must be a subset of its parent's.
 * Hosts, record types, source ranges and expiry are compared; a limit of the parent must
 * reappear in the child, equal or tighter. Used by acme-dns `/register` and by
 * `POST /api/v1/tokens` with a bearer token; an account password (the web UI, an API
 * session, the CLI operator) has no limits, so anything it mints is a subset.
 */
import { cidrWithin, type Cidr } from '../addresses/addresses.ts'
import type { Principal } from './auth.ts'
import { err, ok, type Result } from '../result.ts'
import { RESTRICTABLE_TYPES, type RestrictableType } from './token-restrictions.ts'
import type { TokenScope } from './token-scope.ts'

/** Everything a credential may do; an absent limit means none. */
export interface CredentialRights {
  readonly scope: TokenScope
  /** The only hosts it may change (one for a host-bound token). */
  readonly hostIds?: readonly number[]
  readonly recordTypes?: readonly RestrictableType[]
  readonly sources?: readonly Cidr[]
  /** When it stops working. */
  readonly expiresAt?: Date
}

/**
 * What an account password grants: everything an unlimited token of any scope could, the
 * account's administration (`api`) included. Setting a password is minting this.
 */
export const PASSWORD_RIGHTS: CredentialRights = { scope: 'api' }

/** The rights of an authenticated principal (a password: `all`, unlimited). */
export function rightsOf(p: Principal): CredentialRights {
  const r = p.restrictions
  const hostIds = p.hostId != null ? [p.hostId] : r?.hostIds
  const expires = p.expiresAt === undefined ? undefined : new Date(p.expiresAt)
  return {
    scope: p.scope ?? 'all',
    ...(hostIds === undefined ? {} : { hostIds }),
    ...(r?.recordTypes === undefined ? {} : { recordTypes: r.recordTypes }),
    ...(r?.sources === undefined ? {} : { sources: r.sources }),
    // An unreadable expiry is "already expired", never "no expiry".
    ...(expires === undefined ? {} : { expiresAt: expires }),
  }
}

/**
 * Ok when `child` grants nothing `parent` does not; else why not, in words fit for the
 * caller (who holds the parent, so nothing leaks).
 */
export function narrower(child: CredentialRights, parent: CredentialRights): Result<void, string> {
  if (!scopeCovers(parent.scope, child.scope)) {
    return err(`a token of scope "${parent.scope}" cannot create one of scope "${child.scope}"`)
  }
  const types = effectiveTypes(parent)
  const extra = [...effectiveTypes(child)].filter((t) => !types.has(t))
  if (extra.length > 0) return err(`record type ${extra.join(', ')} is outside this token's limits`)
  const hosts = parent.hostIds
  const childHosts = child.hostIds
  if (hosts !== undefined && !(childHosts?.every((h) => hosts.includes(h)) ?? false)) {
    return err("the new token's hosts must be among this token's hosts")
  }
  const ranges = parent.sources
  if (ranges !== undefined) {
    const inside = (c: Cidr): boolean => ranges.some((r) => cidrWithin(c, r))
    if (child.sources === undefined || !child.sources.every(inside)) {
      const list = ranges.map((r) => r.text).join(', ')
      return err(`the new token's source ranges must lie within this token's (${list})`)
    }
  }
  const until = parent.expiresAt
  if (until !== undefined && !(child.expiresAt !== undefined && child.expiresAt <= until)) {
    return err(`the new token must expire by this token's expiry (${until.toISOString()})`)
  }
  return ok(undefined)
}

// `api` administers the account (it may create hosts and tokens of any scope through the
// API); `all` covers the update scopes; `address` and `acme` only themselves.
function scopeCovers(parent: TokenScope, child: TokenScope): boolean {
  if (parent === child || parent === 'api') return true
  return parent === 'all' && child !== 'api'
}

/** The record types a credential may write: its scope's, cut to its type list. */
function effectiveTypes(r: CredentialRights): Set<RestrictableType> {
  const byScope: readonly RestrictableType[] =
    r.scope === 'address' ? ['A', 'AAAA'] : r.scope === 'acme' ? ['TXT'] : RESTRICTABLE_TYPES
  const listed = r.recordTypes
  return new Set(byScope.filter((t) => listed === undefined || listed.includes(t)))
}

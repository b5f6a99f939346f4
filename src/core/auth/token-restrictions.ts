/**
 * Scoped tokens beyond their scope: a token may be limited to a set of hosts, to record
 * types (`TXT` only for a certificate client's `_acme-challenge`), and to source address
 * ranges. Checked here, in core, so every dialect refuses the same things.
 *
 * Outcomes: a token used from outside its ranges is no credential at all, on every path
 * (`sourceAllows`, applied by the authenticator), and an `api` token is no update
 * credential, so both are refused as bad credentials (`badauth`); a
 * host or record type outside the token's limits is refused per host as `!yours`, like a
 * host-bound token naming another host, so nothing about that host leaks.
 */
import { parseCidr, type Cidr, type IpAddress } from '../addresses/addresses.ts'
import { err, ok, type Result } from '../result.ts'
import { scopeUpdatesDns, type TokenScope } from './token-scope.ts'
import type { UpdateIntent } from '../update/update-intent.ts'

/** Record types a token can be limited to. */
export const RESTRICTABLE_TYPES = ['A', 'AAAA', 'TXT'] as const
/** One restrictable record type. */
export type RestrictableType = (typeof RESTRICTABLE_TYPES)[number]

/** Limits of one token; an absent field means no limit. */
export interface TokenRestrictions {
  /** The only hosts the token may change (may be empty once they were all deleted). */
  readonly hostIds?: readonly number[]
  readonly recordTypes?: readonly RestrictableType[]
  readonly sources?: readonly Cidr[]
}

/** What the restriction checks need from a principal. */
export interface RestrictedPrincipal {
  readonly scope?: TokenScope
  readonly restrictions?: TokenRestrictions
}

/** Reads a record type name (`a`, `AAAA`, `txt`); an error names the accepted ones. */
export function parseRestrictableType(text: string): Result<RestrictableType, string> {
  const t = RESTRICTABLE_TYPES.find((x) => x === text.trim().toUpperCase())
  return t === undefined
    ? err(`"${text.slice(0, 20)}" is not a record type (${RESTRICTABLE_TYPES.join(', ')})`)
    : ok(t)
}

/** Reads a comma-separated list of record types as stored; unknown entries are errors. */
export function parseTypeList(text: string): Result<RestrictableType[], string> {
  const out: RestrictableType[] = []
  for (const part of text.split(',')) {
    const t = parseRestrictableType(part)
    if (!t.ok) return t
    if (!out.includes(t.value)) out.push(t.value)
  }
  return ok(out)
}

/** Reads a comma-separated list of CIDRs as stored; a bad entry is an error. */
export function parseCidrList(text: string): Result<Cidr[], string> {
  const out: Cidr[] = []
  for (const part of text.split(',')) {
    const c = parseCidr(part)
    if (!c.ok) return err(c.error.message)
    out.push(c.value)
  }
  return ok(out)
}

/**
 * True when a token with these limits may be used from `from`. Checked where a presented
 * token becomes a principal (`auth.ts`), so no path that accepts tokens can skip it.
 */
export function sourceAllows(r: TokenRestrictions | undefined, from: IpAddress): boolean {
  return r?.sources === undefined || r.sources.some((c) => c.contains(from))
}

/** Why these credentials may not update DNS at all (an API token), or undefined. */
export function credentialRefusal(principal: RestrictedPrincipal): string | undefined {
  return scopeUpdatesDns(principal.scope ?? 'all') ? undefined : 'an API token cannot update DNS'
}

/** True when the principal's host and record-type limits allow this intent on this host. */
export function restrictionsAllow(
  principal: RestrictedPrincipal,
  hostId: number,
  intent: UpdateIntent,
): boolean {
  const r = principal.restrictions
  if (r === undefined) return true
  if (r.hostIds !== undefined && !r.hostIds.includes(hostId)) return false
  if (r.recordTypes === undefined) return true
  const allowed = r.recordTypes
  return [...intentTypes(intent)].every((t) => allowed.includes(t))
}

/** The record types an intent would write, given the address it comes from. */
export function intentTypes(intent: UpdateIntent): Set<RestrictableType> {
  const types = new Set<RestrictableType>()
  if (touches(intent.ipv4, 4, intent.clientIp)) types.add('A')
  if (touches(intent.ipv6, 6, intent.clientIp) || intent.ipv6prefix !== undefined) {
    types.add('AAAA')
  }
  if (intent.txt !== undefined) types.add('TXT')
  return types
}

function touches(wish: UpdateIntent['ipv4'], family: 4 | 6, client: IpAddress): boolean {
  switch (wish.kind) {
    case 'keep':
      return false
    case 'auto':
      return client.family === family
    case 'set':
      return wish.address.family === family
    case 'delete':
      return true
  }
}

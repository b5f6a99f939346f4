/**
 * RFC 2136 §3.2 prerequisites, checked against the whole content at the names they mention
 * (a host's records, the zone's static records, the apex SOA and NS).
 */
import type { Fqdn } from '../names.ts'
import type { NameRRsets, RRsetState } from './zone-changes.ts'

/** A prerequisite (RFC 2136 §2.4); types are mnemonics (`A`, `TXT`, `TYPE65`). */
export type Prerequisite =
  | { readonly kind: 'name-in-use'; readonly name: Fqdn }
  | { readonly kind: 'name-not-in-use'; readonly name: Fqdn }
  | { readonly kind: 'rrset-exists'; readonly name: Fqdn; readonly type: string }
  | { readonly kind: 'rrset-absent'; readonly name: Fqdn; readonly type: string }
  | {
      readonly kind: 'rrset-equals'
      readonly name: Fqdn
      readonly type: string
      readonly values: readonly string[]
    }

/** The rcode and reason of a prerequisite that does not hold (RFC 2136 §3.2.5). */
export interface PrerequisiteFailure {
  readonly code: 'nxdomain' | 'yxdomain' | 'nxrrset' | 'yxrrset'
  readonly message: string
}

/** The first prerequisite's failure, or undefined when it holds. */
export function checkPrerequisite(
  p: Prerequisite,
  rrsets: NameRRsets | undefined,
): PrerequisiteFailure | undefined {
  const at: NameRRsets = rrsets ?? new Map<string, RRsetState>()
  switch (p.kind) {
    case 'name-in-use':
      return at.size > 0 ? undefined : { code: 'nxdomain', message: `${p.name} has no records` }
    case 'name-not-in-use':
      return at.size === 0 ? undefined : { code: 'yxdomain', message: `${p.name} has records` }
    case 'rrset-exists':
      return at.has(p.type) ? undefined : { code: 'nxrrset', message: `no ${p.type} at ${p.name}` }
    case 'rrset-absent':
      return at.has(p.type)
        ? { code: 'yxrrset', message: `${p.type} exists at ${p.name}` }
        : undefined
    case 'rrset-equals': {
      const have = [...new Set(at.get(p.type)?.values ?? [])].sort()
      const want = [...new Set(p.values)].sort()
      const same = have.length === want.length && have.every((v, i) => v === want[i])
      return same ? undefined : { code: 'nxrrset', message: `${p.type} at ${p.name} differs` }
    }
  }
}

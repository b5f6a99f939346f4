/**
 * What an import writes, whatever file it came from: users, prefix groups, hosts (with
 * records) and tokens (as keyed hashes only). Every item names where it came from
 * (`line 12`, `hosts[3]`) so a refusal points at it. The store applies a plan in one
 * transaction after checking all of it, or applies nothing.
 */
import type { Fqdn } from '../names.ts'

/** A user to create. */
export interface PlanUser {
  readonly where: string
  readonly name: string
  readonly email: string | null
  /** An argon2id hash as exported; null for token-only accounts. */
  readonly passwordHash: string | null
  readonly admin: boolean
  readonly createdAt: string | null
}

/** A prefix group to create. */
export interface PlanGroup {
  readonly where: string
  readonly name: string
  readonly owner: string
  readonly prefixLength: number
  readonly prefix: string | null
}

/** A host to create; with `ensure`, an existing host of the same owner is kept as it is. */
export interface PlanHost {
  readonly where: string
  readonly fqdn: Fqdn
  readonly owner: string
  readonly ensure: boolean
  readonly dnsTtl: number | null
  readonly expiryTtl: number
  readonly lanIpv4: string | null
  readonly lanIpv6: string | null
  readonly group: { readonly name: string; readonly iid: string } | null
  readonly records: readonly { readonly type: 'A' | 'AAAA'; readonly value: string }[]
}

/** A token to create, by its keyed hash; with `ensure`, an existing equal hash is kept. */
export interface PlanToken {
  readonly where: string
  readonly owner: string
  readonly hash: string
  readonly label: string
  readonly scope: string
  /** One host: the classic host-bound token; several: a host-limited one. */
  readonly hosts: readonly Fqdn[]
  readonly recordTypes: string | null
  readonly sourceCidrs: string | null
  readonly expiresAt: string | null
  /** Made from a guessable secret (sftdyn, dyndns53): password budgets stay on it. */
  readonly lowEntropy: boolean
  readonly ensure: boolean
}

/** Everything one import writes. */
export interface ImportPlan {
  readonly users: readonly PlanUser[]
  readonly groups: readonly PlanGroup[]
  readonly hosts: readonly PlanHost[]
  readonly tokens: readonly PlanToken[]
  /** Non-fatal remarks (weak imported secrets), shown in the summary. */
  readonly warnings: readonly string[]
}

/** What an import did (or, in a dry run, would do). */
export interface ImportSummary {
  readonly users: number
  readonly groups: number
  readonly hosts: number
  readonly hostsKept: number
  readonly records: number
  readonly tokens: number
  readonly tokensKept: number
}

/** An empty plan to build on. */
export function emptyPlan(): ImportPlan {
  return { users: [], groups: [], hosts: [], tokens: [], warnings: [] }
}

/** The store port for account administration. */
import type { GroupStore } from './group-store.ts'
import type { Fqdn } from './names.ts'
import type { TokenScope } from './token-scope.ts'
import type { TokenRestrictions } from './token-restrictions.ts'

/** A user as listed. */
export interface UserSummary {
  readonly id: number
  readonly name: string
  readonly email: string | null
  readonly isAdmin: boolean
  readonly hasPassword: boolean
  readonly createdAt: string
}

/** A host as listed. */
export interface HostSummary {
  readonly id: number
  readonly fqdn: Fqdn
  readonly zone: Fqdn
  readonly owner: string
  readonly ttl: number | null
  readonly ipv4: string | null
  readonly ipv6: string | null
  readonly lastSeenAt: string | null
  readonly createdAt: string
}

/** A token as listed: never the secret. */
export interface TokenSummary {
  readonly id: number
  readonly owner: string
  readonly host: Fqdn | null
  readonly label: string
  /** What the token may change. */
  readonly scope: TokenScope
  /** Scoped tokens (0007): the hosts of a multi-host token, record types, source ranges. */
  readonly hosts?: readonly Fqdn[]
  readonly recordTypes?: readonly string[]
  readonly sources?: readonly string[]
  readonly expiresAt: string | null
  readonly createdAt: string
  readonly lastUsedAt: string | null
}

/** Persistence for users, hosts, tokens and prefix groups. */
export interface AccountStore extends GroupStore {
  zoneNames(): Promise<Fqdn[]>
  userByName(name: string): Promise<{ id: number; name: string } | undefined>
  insertUser(u: {
    name: string
    email: string | null
    passwordHash: string | null
    isAdmin: boolean
    createdAt: string
  }): Promise<UserSummary>
  updatePassword(userId: number, hash: string): Promise<void>
  /** Deletes the user, their hosts' records and tokens; bumps serials; returns touched zones. */
  deleteUser(userId: number, at: string): Promise<Fqdn[]>
  listUsers(): Promise<UserSummary[]>
  hostByName(fqdn: Fqdn): Promise<HostSummary | undefined>
  insertHost(h: {
    zone: Fqdn
    label: string
    ownerId: number
    ttl: number | null
    /** Seconds without an update after which a family's record is removed; 0 = never. */
    expiryTtl?: number
    createdAt: string
  }): Promise<HostSummary>
  /** Deletes the host and its records and bumps the zone serial. */
  deleteHost(hostId: number, at: string): Promise<void>
  /** Sets (string), clears (null) or keeps (absent) a host's LAN addresses (split horizon). */
  setHostLan(hostId: number, lan: { ipv4?: string | null; ipv6?: string | null }): Promise<void>
  listHosts(owner?: string): Promise<HostSummary[]>
  insertToken(t: {
    ownerId: number
    hash: string
    label: string
    hostId: number | null
    expiresAt: string | null
    createdAt: string
    scope?: TokenScope
    restrictions?: TokenRestrictions
  }): Promise<TokenSummary>
  listTokens(owner?: string): Promise<TokenSummary[]>
  deleteToken(id: number): Promise<boolean>
}

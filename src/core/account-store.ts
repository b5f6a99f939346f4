/** The store port for account administration. */
import type { Fqdn } from './names.ts'

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
  readonly expiresAt: string | null
  readonly createdAt: string
  readonly lastUsedAt: string | null
}

/** Persistence for users, hosts and tokens. */
export interface AccountStore {
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
    createdAt: string
  }): Promise<HostSummary>
  /** Deletes the host and its records and bumps the zone serial. */
  deleteHost(hostId: number, at: string): Promise<void>
  listHosts(owner?: string): Promise<HostSummary[]>
  insertToken(t: {
    ownerId: number
    hash: string
    label: string
    hostId: number | null
    expiresAt: string | null
    createdAt: string
  }): Promise<TokenSummary>
  listTokens(owner?: string): Promise<TokenSummary[]>
  deleteToken(id: number): Promise<boolean>
}

/**
 * The small interfaces core needs from the outside world. The store, the password hasher,
 * the clock and the publisher implement them; core never sees a driver or a socket.
 */
import type { TxtValue } from './update/acme-txt.ts'
import type { ChangeSet, RecordType } from './records.ts'
import type { Fqdn } from './names.ts'
import type { Result } from './result.ts'
import type { TokenScope } from './auth/token-scope.ts'
import type { TokenRestrictions } from './auth/token-restrictions.ts'

/** A user as core needs it for authentication. */
export interface UserRecord {
  readonly id: number
  readonly name: string
  readonly passwordHash: string | null
  readonly isAdmin: boolean
}

/** A token as stored: never the secret, only its keyed hash. */
export interface TokenRecord {
  readonly id: number
  readonly ownerId: number
  readonly ownerName: string
  readonly hash: string
  /** When set, the token may update only this host. */
  readonly hostId: number | null
  readonly expiresAt: string | null
  /** What the token may change; absent means `all`. */
  readonly scope?: TokenScope
  /** Host, record-type and source limits (scoped tokens); absent means none. */
  readonly restrictions?: TokenRestrictions
  /** When the token was last used (to the minute); absent when the store does not say. */
  readonly lastUsedAt?: string | null
  /** Imported from a guessable secret (sftdyn, dyndns53): password budgets apply to it. */
  readonly lowEntropy?: boolean
}

/** A host with its current address records. */
export interface HostRecord {
  readonly id: number
  readonly zone: Fqdn
  readonly label: string
  readonly fqdn: Fqdn
  readonly ownerId: number
  readonly ttl: number | null
  readonly ipv4: string | null
  readonly ipv6: string | null
  /** Live `_acme-challenge` TXT values; absent means none. */
  readonly txt?: readonly TxtValue[]
}

/** The new address state of one host, written in the update transaction. */
export interface HostWrite {
  readonly host: HostRecord
  readonly ipv4: string | null
  readonly ipv6: string | null
  /** When set, the host's TXT values become exactly these (renewed expiries included). */
  readonly txt?: readonly TxtValue[]
  /** Set on members of a re-prefixed group: the group's new current prefix is stored too. */
  readonly group?: { readonly id: number; readonly prefix: string | null }
}

/** One history row. */
export interface HistoryEntry {
  readonly hostId: number
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
  readonly result: string
  readonly oldValue: string
  readonly newValue: string
}

/** An IPv6 prefix group with its members, as the update path needs it. */
export interface PrefixGroupRecord {
  readonly id: number
  readonly name: string
  readonly ownerId: number
  readonly length: number
  /** The prefix last set (`2001:db8:1:2::`), null before the first update. */
  readonly prefix: string | null
  /** Each member host with its interface identifier (`::1:2`). */
  readonly members: readonly { readonly host: HostRecord; readonly iid: string }[]
}

/** Context of one update transaction. */
export interface UpdateContext {
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
  readonly at: string
}

/** Reads and writes core needs for updates. */
export interface UpdateStore {
  findUserByName(name: string): Promise<UserRecord | undefined>
  findTokenByHash(hash: string): Promise<TokenRecord | undefined>
  findHost(fqdn: Fqdn): Promise<HostRecord | undefined>
  findHostById(id: number): Promise<HostRecord | undefined>
  /** The IPv6 prefix group the host is a member of (stores without groups omit it). */
  findPrefixGroup?(hostId: number): Promise<PrefixGroupRecord | undefined>
  /** The zones the store serves, for matching hostnames to zones. */
  zoneNames(): readonly Fqdn[]
  /**
   * One transaction: new records of the changed hosts, their history rows, the zone serial
   * bump, and last-seen of unchanged ones. Returns one change set per touched zone.
   */
  commitUpdate(
    changed: readonly HostWrite[],
    unchanged: readonly HostRecord[],
    context: UpdateContext,
    /** Per host, the families the request named: their records count as refreshed (expiry). */
    refreshed?: ReadonlyMap<number, readonly AddressType[]>,
  ): Promise<ChangeSet[]>
  touchToken(tokenId: number, at: string): Promise<void>
}

/** The record types of a host's addresses. */
export type AddressType = 'A' | 'AAAA'

/** argon2id behind an interface so core stays free of native modules. */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  verify(hash: string, password: string): Promise<boolean>
}

/** Keyed hashing (HMAC-SHA256 under the server pepper). */
export interface KeyedHasher {
  /** Hex digest of `data` under the pepper. */
  digest(data: string): string
}

/** Time, injectable for tests. */
export interface Clock {
  now(): Date
}

/** Why publishing did not finish within the answer deadline. */
export interface PublishError {
  readonly message: string
}

/** Makes DNS match committed changes; keeps retrying on its own after a failure. */
export interface ChangePublisher {
  /** Resolves when every change set is live, or with an error at the deadline. */
  publish(changes: readonly ChangeSet[], deadlineMs: number): Promise<Result<void, PublishError>>
}

/** A record-level write: one RRset of a host made exactly `values` (RFC 2136 UPDATE). */
export type RecordWrite =
  /** At the host's own name, in the records table. */
  | {
      readonly kind: 'host'
      readonly host: HostRecord
      readonly type: RecordType
      readonly values: readonly string[]
    }
  /** The host's `_acme-challenge` TXT values, each with its expiry (as the HTTP path writes). */
  | { readonly kind: 'acme'; readonly host: HostRecord; readonly values: readonly TxtValue[] }

/** Reads and the one write transaction of record-level updates. */
export interface RecordStore {
  zoneNames(): readonly Fqdn[]
  findHost(fqdn: Fqdn): Promise<HostRecord | undefined>
  /** Every value in the records table at the host's own name, by type (presentation form). */
  hostRecords(hostId: number): Promise<ReadonlyMap<string, readonly string[]>>
  /** One transaction: the RRsets, history rows, serial bumps; one change set per zone. */
  commitRecords(writes: readonly RecordWrite[], context: UpdateContext): Promise<ChangeSet[]>
}

/**
 * A host's addresses changed. Every change is told; the notifier decides who hears of it (the
 * owner's chosen families and quiet period, or the client's `notify_change=1`).
 */
export interface HostChangedEvent {
  readonly hostId: number
  readonly ownerId: number
  readonly fqdn: Fqdn
  readonly zone: Fqdn
  readonly label: string
  readonly oldIpv4: string | null
  readonly newIpv4: string | null
  readonly oldIpv6: string | null
  readonly newIpv6: string | null
  readonly at: string
  readonly clientIp: string
  readonly dialect: string
  /** The client asked to be told (`notify_change=1`). */
  readonly requested: boolean
}

/** The expiry job removed the families of a host that were not refreshed in time. */
export interface HostExpiredEvent {
  readonly hostId: number
  readonly ownerId: number
  readonly fqdn: Fqdn
  readonly zone: Fqdn
  readonly label: string
  /** The removed families with the address each had. */
  readonly removed: { readonly ipv4?: string; readonly ipv6?: string }
  readonly expiryTtl: number
  /** The newest refresh among the removed families. */
  readonly lastUpdate: string
  readonly at: string
}

/** One request that failed authentication; the notifier sends one digest per window. */
export interface AuthFailureEvent {
  /** The user name the client sent (may be a hostname, dyndns53 style); null when none. */
  readonly username: string | null
  readonly hostnames: readonly string[]
  readonly clientIp: string
  readonly dialect: string
  readonly at: string
}

/** Takes notification events; returns at once, delivery happens in the background. */
export interface Notifier {
  changed(event: HostChangedEvent): void
  expired(event: HostExpiredEvent): void
  authFailed(event: AuthFailureEvent): void
}

/**
 * The small interfaces core needs from the outside world. The store, the password hasher,
 * the clock and the publisher implement them; core never sees a driver or a socket.
 */
import type { ChangeSet } from './records.ts'
import type { Fqdn } from './names.ts'
import type { Result } from './result.ts'

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
}

/** The new address state of one host, written in the update transaction. */
export interface HostWrite {
  readonly host: HostRecord
  readonly ipv4: string | null
  readonly ipv6: string | null
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
  ): Promise<ChangeSet[]>
  touchToken(tokenId: number, at: string): Promise<void>
}

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

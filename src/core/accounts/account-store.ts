/**
 * The store port for account administration: what core's account service reads and writes,
 * and the shapes users, hosts and tokens are listed in by the CLI, the REST API and the web UI.
 */
import type { GroupStore } from './group-store.ts'
import type { Fqdn } from '../names.ts'
import type { HistoryEntry } from '../ports.ts'
import type { NameClaim } from './name-ownership.ts'
import type { TokenScope } from '../auth/token-scope.ts'
import type { TokenRestrictions } from '../auth/token-restrictions.ts'
import type { ZoneState } from './zone-admin.ts'

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

/** What a host listing lacks: expiry, LAN addresses, last client, prefix group. */
export interface HostSettings {
  readonly expiryTtl: number
  readonly lanIpv4: string | null
  readonly lanIpv6: string | null
  readonly lastClientIp: string | null
  readonly lastDialect: string | null
  readonly group: { readonly name: string; readonly iid: string } | null
}

/**
 * One entry of a host's history: an accepted change (old and new values), or an update that
 * was refused, with the code the client got (`result`) and the reason. `id` is the row id
 * within its kind.
 */
export interface HistoryItem {
  readonly id: number
  readonly at: string
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
  readonly result: string
  readonly refused: boolean
  /** The reason an update was refused; null for a change. */
  readonly reason: string | null
  /** Null for a refused update, which changed nothing. */
  readonly oldValue: string | null
  readonly newValue: string | null
}

/** Where a page of history ends: the sort key of its last entry. */
export interface HistoryMark {
  readonly at: string
  readonly refused: boolean
  readonly id: number
}

/** A user with the password hash (for the login only; listings show `hasPassword`). */
export interface UserDetail {
  readonly id: number
  readonly name: string
  readonly email: string | null
  readonly isAdmin: boolean
  readonly passwordHash: string | null
  readonly createdAt: string
  /** Which changes the user is mailed about (src/notifications/README.md). */
  readonly changeMails: ChangeMails
}

/** Which families' address changes a user hears of. */
export const CHANGE_MAIL_FAMILIES = ['none', 'ipv4', 'ipv6', 'both'] as const
/** One family choice. */
export type ChangeMailFamilies = (typeof CHANGE_MAIL_FAMILIES)[number]
/** The longest quiet period of change mails, in minutes. */
export const MAX_QUIET_MINUTES = 60

/** A user's change-mail choice: families, and a quiet period (changes within it: one mail). */
export interface ChangeMails {
  readonly families: ChangeMailFamilies
  readonly quietMinutes: number
}

/** A host with its settings and last update attempt, as the host pages show it. */
export interface HostDetail {
  readonly id: number
  readonly fqdn: Fqdn
  readonly zone: Fqdn
  readonly owner: string
  readonly ownerId: number
  readonly dnsTtl: number | null
  readonly expiryTtl: number
  readonly ipv4: string | null
  readonly ipv6: string | null
  readonly lanIpv4: string | null
  readonly lanIpv6: string | null
  /** The last attempt's time, address and client: a newer failure's, else the last update's. */
  readonly lastSeenAt: string | null
  readonly lastClientIp: string | null
  readonly lastDialect: string | null
  /** The last attempt's result: a newer failure's code, else `good` or `nochg`. */
  readonly lastResult: string | null
  readonly createdAt: string
}

/** Which hosts to list: one owner's or all, filtered by a name fragment, one page. */
export interface HostQuery {
  readonly ownerId?: number
  readonly search?: string
  readonly offset: number
  readonly limit: number
}

/** One history or failure row of a host. */
export type HostEvent = Omit<HistoryEntry, 'hostId'> & { readonly at: string }

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

/** A user to add: the password as its hash, or none (token-only accounts). */
export interface NewUser {
  readonly name: string
  readonly email: string | null
  readonly passwordHash: string | null
  readonly isAdmin: boolean
  readonly createdAt: string
}

/** A host to add, by zone and label. */
export interface NewHost {
  readonly zone: Fqdn
  readonly label: string
  readonly ownerId: number
  readonly ttl: number | null
  /** Seconds without an update after which a family's record is removed; 0 = never. */
  readonly expiryTtl?: number
  readonly createdAt: string
}

/** A token to add: its keyed hash, never the secret. */
export interface NewToken {
  readonly ownerId: number
  readonly hash: string
  readonly label: string
  readonly hostId: number | null
  readonly expiresAt: string | null
  readonly createdAt: string
  readonly scope?: TokenScope
  readonly restrictions?: TokenRestrictions
}

/** A user's plain fields to change; absent fields stay. */
export interface UserFields {
  /** `null` clears it. */
  readonly email?: string | null
  readonly isAdmin?: boolean
  readonly changeMails?: ChangeMails
}

/**
 * A host's settings to change, all checked: written in one transaction (all or nothing).
 * Absent fields stay.
 */
export interface HostChange {
  /** LAN addresses (split horizon): text sets, `null` clears, absent keeps. */
  readonly lan?: { readonly ipv4?: string | null; readonly ipv6?: string | null }
  /** The prefix group to be in (with the interface identifier), or `null` for none. */
  readonly membership?: { readonly groupId: number; readonly iid: string } | null
  /** The DNS TTL, `null` for the zone's; a new one bumps the zone serial (republished). */
  readonly dnsTtl?: number | null
  readonly expiryTtl?: number
}

/** Persistence for users, hosts, tokens and prefix groups. */
export interface AccountStore extends GroupStore {
  zoneNames(): Promise<Fqdn[]>
  userByName(name: string): Promise<{ id: number; name: string } | undefined>
  insertUser(u: NewUser): Promise<UserSummary>
  updatePassword(userId: number, hash: string): Promise<void>
  setUserFields(userId: number, fields: UserFields): Promise<void>
  /** Deletes the user, their hosts' records and tokens; bumps serials; returns touched zones. */
  deleteUser(userId: number, at: string): Promise<Fqdn[]>
  listUsers(): Promise<UserSummary[]>
  hostByName(fqdn: Fqdn): Promise<HostSummary | undefined>
  /** A host's settings; undefined when the host is gone. */
  hostSettings(hostId: number): Promise<HostSettings | undefined>
  /** Up to `limit` history entries of a host, newest first, after `before` when given. */
  historyPage(hostId: number, limit: number, before?: HistoryMark): Promise<HistoryItem[]>
  /** The hosts of `zone` at `name`, above it or below it (`name-ownership.ts`). */
  hostsNear(name: Fqdn, zone: Fqdn): Promise<NameClaim[]>
  /**
   * Static records of `zone` a host at `name` would clash with: A, AAAA, TXT or CNAME at
   * `name` (a host's own dynamic types; CNAME stands alone), and NS at `name` or above it
   * below the apex (a delegation: only glue lives there).
   */
  staticClashes(name: Fqdn, zone: Fqdn): Promise<{ name: Fqdn; type: string }[]>
  insertHost(h: NewHost): Promise<HostSummary>
  /** Deletes the host and its records and bumps the zone serial. */
  deleteHost(hostId: number, at: string): Promise<void>
  /** Sets (string), clears (null) or keeps (absent) a host's LAN addresses (split horizon). */
  setHostLan(hostId: number, lan: { ipv4?: string | null; ipv6?: string | null }): Promise<void>
  /** Applies every part of `change` in one transaction: on a failure nothing changed. */
  changeHost(host: { id: number; zone: Fqdn }, change: HostChange, at: string): Promise<void>
  listHosts(owner?: string): Promise<HostSummary[]>
  insertToken(t: NewToken): Promise<TokenSummary>
  listTokens(owner?: string): Promise<TokenSummary[]>
  deleteToken(id: number): Promise<boolean>
}

/** A zone as the admin pages list it. */
export interface ZoneRow {
  readonly name: string
  readonly backend: string
  readonly serial: string
  readonly hosts: number
  readonly served: boolean
}

/** How many rows one UTC hour (`YYYY-MM-DDTHH`) holds. */
export interface HourCount {
  readonly hour: string
  readonly count: number
}

/** A host and its accepted updates in a period. */
export interface HostActivity {
  readonly hostId: number
  readonly fqdn: string
  readonly updates: number
}

/** The admin pages' reads beside the account service (the web UI's host and user pages). */
export interface AdminReads {
  /** A user by name, with the password hash (which only the login reads). */
  userByName(name: string): Promise<UserDetail | undefined>
  /** Every user by name, with the password hashes. */
  users(): Promise<UserDetail[]>
  /** One host by id, with its settings and last attempt. */
  host(id: number): Promise<HostDetail | undefined>
  /** One page of hosts with their settings and last attempts. */
  hosts(q: HostQuery): Promise<{ hosts: HostDetail[]; more: boolean }>
  /** A host's latest changes and failed updates, newest first. */
  history(hostId: number, limit: number): Promise<HostEvent[]>
  /** The served zones' names, sorted. */
  zoneNames(): Promise<Fqdn[]>
  /** Every zone in the database with its serial, host count and whether it is served. */
  zones(): Promise<ZoneRow[]>
  /** Accepted updates (`history`) or failed updates (`failures`) per UTC hour since `since`. */
  perHour(kind: 'history' | 'failures', since: string): Promise<HourCount[]>
  /** The hosts with the most accepted updates since `since`, most first. */
  busiestHosts(since: string, limit: number): Promise<HostActivity[]>
  /** Every zone's serial, resync result, publisher lease and ownership conflict. */
  zoneStates(): Promise<ZoneState[]>
}

/**
 * The host-administration store as one object: core's `AccountStore` port in SQL, plus the
 * reads and writes the web pages make beside the account service. The CLI, the REST API and
 * the web UI all go through it (or, for settings and history, through the same modules'
 * functions); the queries live in one module per concern: hosts, history, users, tokens,
 * prefix groups. Owner checks stay with the callers.
 */
import type { Kysely } from 'kysely'
import type {
  AccountStore,
  AdminReads,
  HistoryItem,
  HistoryMark,
  HostActivity,
  HostChange,
  HourCount,
  HostSettings,
  HostSummary,
  NewHost,
  NewToken,
  NewUser,
  TokenSummary,
  UserFields,
  UserSummary,
} from '../core/accounts/account-store.ts'
import type { GroupSummary } from '../core/accounts/group-store.ts'
import type { Fqdn } from '../core/names.ts'
import type { NameClaim } from '../core/accounts/name-ownership.ts'
import type { ZoneState } from '../core/accounts/zone-admin.ts'
import * as activity from './activity-store.ts'
import { hostsNear, staticClashes } from './name-claims.ts'
import * as hostStore from './host-admin-store.ts'
import type { HostDetail, HostQuery } from './host-admin-store.ts'
import { hostEvents, historyPage, type HostEvent } from './host-history-store.ts'
import * as groups from './prefix-group-store.ts'
import type { Database } from './schema.ts'
import * as tokenStore from './token-admin-store.ts'
import * as userStore from './user-admin-store.ts'
import type { UserRecord } from './user-admin-store.ts'
import { zoneStates } from './zone-resync.ts'

/**
 * Users, hosts, tokens, prefix groups, zones and lockouts in SQL. `served` are the zones the
 * config names: the config is the truth, so a zone only in the database (added once, later
 * removed from the config) is listed as unserved and gets no new hosts.
 */
export class SqlAccountStore implements AccountStore, AdminReads {
  readonly #db: Kysely<Database>
  readonly #served: ReadonlySet<Fqdn>

  constructor(db: Kysely<Database>, served: readonly Fqdn[]) {
    this.#db = db
    this.#served = new Set(served)
  }

  listGroups(owner?: string): Promise<GroupSummary[]> {
    return groups.listGroups(this.#db, owner)
  }

  async insertGroup(g: {
    name: string
    ownerId: number
    prefixLength: number
    createdAt: string
  }): Promise<GroupSummary> {
    const id = await groups.insertGroup(this.#db, g)
    const found = (await groups.listGroups(this.#db)).find((x) => x.id === id)
    if (found === undefined) throw new Error(`group ${String(id)} vanished after insert`)
    return found
  }

  deleteGroup(groupId: number): Promise<void> {
    return groups.deleteGroup(this.#db, groupId)
  }

  setMembership(hostId: number, groupId: number, iid: string): Promise<void> {
    return groups.setMembership(this.#db, hostId, groupId, iid)
  }

  removeMembership(hostId: number): Promise<boolean> {
    return groups.removeMembership(this.#db, hostId)
  }

  /** The served zones' names, sorted: where new hosts may go. */
  async zoneNames(): Promise<Fqdn[]> {
    return (await hostStore.zoneNames(this.#db)).filter((z) => this.#served.has(z))
  }

  /** True when the config names `zone`. */
  isServed(zone: Fqdn): boolean {
    return this.#served.has(zone)
  }

  /** Every zone in the database with its serial, host count and whether it is served. */
  async zones(): Promise<
    { name: string; backend: string; serial: string; hosts: number; served: boolean }[]
  > {
    return (await zoneStates(this.#db)).map((z) => ({
      name: z.name,
      backend: z.backend,
      serial: String(z.serial),
      hosts: z.hosts,
      served: this.#served.has(z.name),
    }))
  }

  perHour(kind: 'history' | 'failures', since: string): Promise<HourCount[]> {
    return activity.perHour(
      this.#db,
      kind === 'history' ? 'update_history' : 'update_failures',
      since,
    )
  }

  busiestHosts(since: string, limit: number): Promise<HostActivity[]> {
    return activity.busiestHosts(this.#db, since, limit)
  }

  zoneStates(): Promise<ZoneState[]> {
    return zoneStates(this.#db)
  }

  /** A user by name, with the password hash (which only the login reads). */
  userByName(name: string): Promise<UserRecord | undefined> {
    return userStore.userByName(this.#db, name)
  }

  insertUser(u: NewUser): Promise<UserSummary> {
    return userStore.insertUser(this.#db, u)
  }

  updatePassword(userId: number, hash: string): Promise<void> {
    return userStore.setUserFields(this.#db, userId, { passwordHash: hash })
  }

  setUserFields(userId: number, fields: UserFields): Promise<void> {
    return userStore.setUserFields(this.#db, userId, fields)
  }

  deleteUser(userId: number, at: string): Promise<Fqdn[]> {
    return userStore.deleteUser(this.#db, userId, at)
  }

  listUsers(): Promise<UserSummary[]> {
    return userStore.listUsers(this.#db)
  }

  /** Every user by name, with the password hashes (for the admin pages). */
  users(): Promise<UserRecord[]> {
    return userStore.userRecords(this.#db)
  }

  hostByName(fqdn: Fqdn): Promise<HostSummary | undefined> {
    return hostStore.hostByName(this.#db, fqdn)
  }

  historyPage(hostId: number, limit: number, before?: HistoryMark): Promise<HistoryItem[]> {
    return historyPage(this.#db, hostId, limit, before)
  }

  hostSettings(hostId: number): Promise<HostSettings | undefined> {
    return hostStore.hostSettings(this.#db, hostId)
  }

  /** One host by id, with its settings and last attempt. */
  host(id: number): Promise<HostDetail | undefined> {
    return hostStore.hostById(this.#db, id)
  }

  /** One page of hosts with their settings and last attempts. */
  hosts(q: HostQuery): Promise<{ hosts: HostDetail[]; more: boolean }> {
    return hostStore.hostPage(this.#db, q)
  }

  listHosts(owner?: string): Promise<HostSummary[]> {
    return hostStore.listHosts(this.#db, owner)
  }

  hostsNear(name: Fqdn, zone: Fqdn): Promise<NameClaim[]> {
    return hostsNear(this.#db, name, zone)
  }

  staticClashes(name: Fqdn, zone: Fqdn): Promise<{ name: Fqdn; type: string }[]> {
    return staticClashes(this.#db, name, zone)
  }

  insertHost(h: NewHost): Promise<HostSummary> {
    return hostStore.insertHost(this.#db, h)
  }

  setHostLan(hostId: number, lan: { ipv4?: string | null; ipv6?: string | null }): Promise<void> {
    return hostStore.setHostLan(this.#db, hostId, lan)
  }

  changeHost(host: { id: number; zone: Fqdn }, change: HostChange, at: string): Promise<void> {
    return hostStore.changeHost(this.#db, host, change, at)
  }

  deleteHost(hostId: number, at: string): Promise<void> {
    return hostStore.deleteHost(this.#db, hostId, at)
  }

  /** A host's latest changes and failed updates, newest first. */
  history(hostId: number, limit: number): Promise<HostEvent[]> {
    return hostEvents(this.#db, hostId, limit)
  }

  insertToken(t: NewToken): Promise<TokenSummary> {
    return tokenStore.insertToken(this.#db, t)
  }

  listTokens(owner?: string): Promise<TokenSummary[]> {
    return tokenStore.listTokens(this.#db, owner)
  }

  deleteToken(id: number): Promise<boolean> {
    return tokenStore.deleteToken(this.#db, id)
  }
}

/**
 * Who a notification goes to: a host's owner (name and `email`), and which user or host a
 * failed login was aimed at. Reads the store directly: notify sits outside core.
 */
import type { Kysely } from 'kysely'
import { findZone, parseName, relativeLabel, type Fqdn } from '../core/names.ts'
import type { Database } from '../store/schema.ts'
import type { AuthSubject } from './auth-digest.ts'
import { CHANGE_MAIL_FAMILIES, type ChangeMails } from '../core/accounts/account-store.ts'

/** A notification recipient. */
export interface Owner {
  readonly name: string
  readonly email: string | null
  /** Which families' changes the owner hears of, and the quiet period. */
  readonly changes: ChangeMails
}

/** Lookups the notifier needs. */
export interface RecipientLookup {
  owner(userId: number): Promise<Owner | undefined>
  /** Marks that the host's owner is told of temporary IPv6 addresses; false: told before. */
  warnTemporaryIpv6(hostId: number): Promise<boolean>
  /**
   * The subject of a failed login: the Basic user name when it is a user; else a hostname
   * (in the user name, dyndns53 style, or the first requested host). Unknown names: none.
   */
  authSubject(
    username: string | null,
    hostnames: readonly string[],
  ): Promise<AuthSubject | undefined>
}

/** Kysely-backed lookups. */
export class SqlRecipients implements RecipientLookup {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  async owner(userId: number): Promise<Owner | undefined> {
    const row = await this.#db
      .selectFrom('users')
      .select(['name', 'email', 'notify_families', 'notify_quiet_minutes'])
      .where('id', '=', userId)
      .executeTakeFirst()
    if (row === undefined) return undefined
    const families = CHANGE_MAIL_FAMILIES.find((f) => f === row.notify_families) ?? 'none'
    const quietMinutes = row.notify_quiet_minutes
    return { name: row.name, email: row.email, changes: { families, quietMinutes } }
  }

  async warnTemporaryIpv6(hostId: number): Promise<boolean> {
    const r = await this.#db
      .updateTable('hosts')
      .set({ temp_ipv6_warned_at: new Date().toISOString() })
      .where('id', '=', hostId)
      .where('temp_ipv6_warned_at', 'is', null)
      .executeTakeFirst()
    return r.numUpdatedRows > 0n
  }

  async authSubject(
    username: string | null,
    hostnames: readonly string[],
  ): Promise<AuthSubject | undefined> {
    if (username !== null && username !== '' && !username.includes('.')) {
      const user = await this.#db
        .selectFrom('users')
        .select(['id', 'name'])
        .where('name', '=', username)
        .executeTakeFirst()
      return user && { key: `user:${user.name}`, name: user.name, ownerId: user.id }
    }
    const hostname = username !== null && username.includes('.') ? username : hostnames[0]
    return hostname === undefined ? undefined : this.#hostSubject(hostname)
  }

  async #hostSubject(hostname: string): Promise<AuthSubject | undefined> {
    const name = parseName(hostname)
    if (!name.ok) return undefined
    const zones = await this.#db.selectFrom('zones').select(['id', 'name']).execute()
    const zoneName = findZone(
      name.value,
      zones.map((z) => z.name as Fqdn),
    )
    const zone = zones.find((z) => z.name === zoneName)
    if (zone === undefined || zoneName === undefined) return undefined
    const host = await this.#db
      .selectFrom('hosts')
      .select(['owner_id'])
      .where('zone_id', '=', zone.id)
      .where('label', '=', relativeLabel(name.value, zoneName))
      .executeTakeFirst()
    return host && { key: `host:${name.value}`, name: name.value, ownerId: host.owner_id }
  }
}

/**
 * The reads the web pages need (hosts with their last update, history, users, zones,
 * lockouts) and the writes core's account service lacks, shared with the REST API's store:
 * a host's TTLs (a new DNS TTL bumps the zone serial so the zone sync republishes) and the
 * admin flag.
 */
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { Database } from '../store/schema.ts'
import { setHostTtls, setUserFields } from '../store/host-admin-store.ts'
import { liftLockout, listLockouts, type LockoutView } from '../store/lockout-store.ts'

/** A host row as the pages show it. */
export interface WebHost {
  readonly id: number
  readonly fqdn: string
  readonly zone: string
  readonly owner: string
  readonly ownerId: number
  readonly dnsTtl: number | null
  readonly expiryTtl: number
  readonly ipv4: string | null
  readonly ipv6: string | null
  readonly lanIpv4: string | null
  readonly lanIpv6: string | null
  readonly lastSeenAt: string | null
  readonly lastClientIp: string | null
  readonly lastDialect: string | null
  /** The last attempt's result: a newer failure's code, else `good` or `nochg`. */
  readonly lastResult: string | null
  readonly createdAt: string
}

/** One history row. */
export interface WebHistory {
  readonly at: string
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
  readonly result: string
  readonly oldValue: string
  readonly newValue: string
}

/** A user as the login and admin pages need it. */
export interface WebUser {
  readonly id: number
  readonly name: string
  readonly email: string | null
  readonly isAdmin: boolean
  readonly passwordHash: string | null
  readonly createdAt: string
}

/** Which hosts to list: one owner's or all, filtered by a name fragment, one page. */
export interface HostQuery {
  readonly ownerId?: number
  readonly search?: string
  readonly offset: number
  readonly limit: number
}

/** Web UI reads over Kysely. */
export class WebStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
  }

  /** A user by name, with the password hash (for login only). */
  async userByName(name: string): Promise<WebUser | undefined> {
    const r = await this.#users().where('name', '=', name).executeTakeFirst()
    return r === undefined ? undefined : toUser(r)
  }

  /** Every user, by name. */
  async users(): Promise<WebUser[]> {
    return (await this.#users().orderBy('name').execute()).map(toUser)
  }

  /** Sets or clears the admin flag. */
  setAdmin(userId: number, admin: boolean): Promise<void> {
    return setUserFields(this.#db, userId, { isAdmin: admin })
  }

  /** Zones with their serial and host count. */
  async zones(): Promise<{ name: string; backend: string; serial: string; hosts: number }[]> {
    const zones = await this.#db
      .selectFrom('zones')
      .select(['id', 'name', 'backend', 'serial'])
      .orderBy('name')
      .execute()
    const counts = await this.#db
      .selectFrom('hosts')
      .select(['zone_id', (eb) => eb.fn.countAll<number | string>().as('n')])
      .groupBy('zone_id')
      .execute()
    const byZone = new Map(counts.map((c) => [c.zone_id, Number(c.n)]))
    return zones.map((z) => ({
      name: z.name,
      backend: z.backend,
      serial: String(z.serial),
      hosts: byZone.get(z.id) ?? 0,
    }))
  }

  /** One page of hosts (one more than `limit` is fetched to tell whether a next page exists). */
  async hosts(q: HostQuery): Promise<{ hosts: WebHost[]; more: boolean }> {
    let query = this.#hostRows()
    if (q.ownerId !== undefined) query = query.where('hosts.owner_id', '=', q.ownerId)
    const search = q.search?.trim().toLowerCase()
    if (search !== undefined && search !== '') {
      // Wildcards are dropped, not escaped: SQLite has no default LIKE escape character.
      const like = `%${search.replace(/[\\%_]/g, '')}%`
      query = query.where((eb) =>
        eb.or([eb('hosts.label', 'like', like), eb('zones.name', 'like', like)]),
      )
    }
    const rows = await query
      .orderBy('zones.name')
      .orderBy('hosts.label')
      .limit(q.limit + 1)
      .offset(q.offset)
      .execute()
    const hosts = await this.#withRecords(rows.slice(0, q.limit))
    return { hosts, more: rows.length > q.limit }
  }

  /** One host by id. */
  async host(id: number): Promise<WebHost | undefined> {
    const rows = await this.#hostRows().where('hosts.id', '=', id).execute()
    return (await this.#withRecords(rows))[0]
  }

  /** A host's latest changes and failed updates, newest first. */
  async history(hostId: number, limit: number): Promise<WebHistory[]> {
    const changes = await this.#db
      .selectFrom('update_history')
      .select(['at', 'dialect', 'client_ip', 'actor', 'result', 'old_value', 'new_value'])
      .where('host_id', '=', hostId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    const failures = await this.#db
      .selectFrom('update_failures')
      .select(['at', 'dialect', 'client_ip', 'actor', 'result', 'message'])
      .where('host_id', '=', hostId)
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    const rows: WebHistory[] = [
      ...changes.map((r) => ({ ...common(r), oldValue: r.old_value, newValue: r.new_value })),
      ...failures.map((r) => ({ ...common(r), oldValue: '-', newValue: r.message })),
    ]
    return rows.sort((a, b) => b.at.localeCompare(a.at)).slice(0, limit)
  }

  /** Sets a host's DNS TTL (null: the zone's) and expiry TTL; a new DNS TTL bumps the serial. */
  async setHostTtls(host: WebHost, dnsTtl: number | null, expiryTtl: number, at: string) {
    const dns = dnsTtl === host.dnsTtl ? {} : { dnsTtl }
    await setHostTtls(this.#db, { id: host.id, zone: host.zone as Fqdn }, { ...dns, expiryTtl }, at)
  }

  /** Lockouts (issue 8's lockout store), locked ones first. */
  lockouts(now: Date): Promise<LockoutView[]> {
    return listLockouts(this.#db, now)
  }

  /** Lifts one subject's lock from one source; the number of pairs lifted. */
  liftLockout(subject: string, source: string): Promise<number> {
    return liftLockout(this.#db, subject, source)
  }

  #users() {
    return this.#db
      .selectFrom('users')
      .select(['id', 'name', 'email', 'is_admin', 'password_hash', 'created_at'])
  }

  #hostRows() {
    return this.#db
      .selectFrom('hosts')
      .innerJoin('zones', 'zones.id', 'hosts.zone_id')
      .innerJoin('users', 'users.id', 'hosts.owner_id')
      .select([
        'hosts.id',
        'hosts.label',
        'zones.name as zone',
        'users.name as owner',
        'hosts.owner_id',
        'hosts.dns_ttl',
        'hosts.expiry_ttl',
        'hosts.lan_ipv4',
        'hosts.lan_ipv6',
        'hosts.last_seen_at',
        'hosts.last_client_ip',
        'hosts.last_dialect',
        'hosts.created_at',
      ])
  }

  async #withRecords(rows: readonly HostRow[]): Promise<WebHost[]> {
    if (rows.length === 0) return []
    const records = await this.#db
      .selectFrom('records')
      .select(['host_id', 'type', 'value'])
      .where(
        'host_id',
        'in',
        rows.map((r) => r.id),
      )
      .where('type', 'in', ['A', 'AAAA'])
      .execute()
    const value = (id: number, type: string): string | null =>
      records.find((r) => r.host_id === id && r.type === type)?.value ?? null
    const ids = rows.map((r) => r.id)
    const latest = await this.#latest('update_history', ids)
    const failed = await this.#latest('update_failures', ids)
    // The last attempt: a failure newer than the last accepted update, else the last accepted
    // one, `good` when it changed something, else `nochg`.
    const last = (r: HostRow) => {
      const f = failed.get(r.id)
      if (f !== undefined && (r.last_seen_at === null || f.at > r.last_seen_at))
        return { at: f.at, from: f.client_ip, client: f.dialect, result: f.result }
      const h = latest.get(r.id)
      if (r.last_seen_at === null) return { at: null, from: null, client: null, result: null }
      const result = h !== undefined && h.at === r.last_seen_at ? h.result : 'nochg'
      return { at: r.last_seen_at, from: r.last_client_ip, client: r.last_dialect, result }
    }
    return rows.map((r) => this.#toHost(r, value, last(r)))
  }

  #toHost(
    r: HostRow,
    value: (id: number, type: string) => string | null,
    last: { at: string | null; from: string | null; client: string | null; result: string | null },
  ): WebHost {
    return {
      id: r.id,
      fqdn: r.label === '@' ? r.zone : `${r.label}.${r.zone}`,
      zone: r.zone,
      owner: r.owner,
      ownerId: r.owner_id,
      dnsTtl: r.dns_ttl,
      expiryTtl: r.expiry_ttl,
      ipv4: value(r.id, 'A'),
      ipv6: value(r.id, 'AAAA'),
      lanIpv4: r.lan_ipv4,
      lanIpv6: r.lan_ipv6,
      lastSeenAt: last.at,
      lastClientIp: last.from,
      lastDialect: last.client,
      lastResult: last.result,
      createdAt: r.created_at,
    }
  }

  // The newest row per host of a table (by id: rows are written in time order).
  async #latest(
    table: 'update_history' | 'update_failures',
    hostIds: number[],
  ): Promise<Map<number, LatestHistory>> {
    const ids = await this.#db
      .selectFrom(table)
      .select((eb) => eb.fn.max<number | string>('id').as('id'))
      .where('host_id', 'in', hostIds)
      .groupBy('host_id')
      .execute()
    const wanted = ids.map((r) => Number(r.id))
    if (wanted.length === 0) return new Map()
    const rows = await this.#db
      .selectFrom(table)
      .select(['host_id', 'at', 'result', 'client_ip', 'dialect'])
      .where('id', 'in', wanted)
      .execute()
    return new Map(rows.map((r) => [r.host_id, r]))
  }
}

function common(r: {
  at: string
  dialect: string
  client_ip: string
  actor: string
  result: string
}) {
  return { at: r.at, dialect: r.dialect, clientIp: r.client_ip, actor: r.actor, result: r.result }
}

interface LatestHistory {
  at: string
  result: string
  client_ip: string
  dialect: string
}

interface HostRow {
  id: number
  label: string
  zone: string
  owner: string
  owner_id: number
  dns_ttl: number | null
  expiry_ttl: number
  lan_ipv4: string | null
  lan_ipv6: string | null
  last_seen_at: string | null
  last_client_ip: string | null
  last_dialect: string | null
  created_at: string
}

function toUser(r: {
  id: number
  name: string
  email: string | null
  is_admin: number
  password_hash: string | null
  created_at: string
}): WebUser {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    isAdmin: r.is_admin === 1,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
  }
}

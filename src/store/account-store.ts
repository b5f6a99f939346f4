/** Kysely implementation of core's `AccountStore`. */
import type { Kysely } from 'kysely'
import type { AccountStore, HostSummary, TokenSummary, UserSummary } from '../core/account-store.ts'
import type { GroupSummary } from '../core/group-store.ts'
import { findZone, joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import { parseTokenScope, type TokenScope } from '../core/token-scope.ts'
import type { TokenRestrictions } from '../core/token-restrictions.ts'
import { restrictionValues, tokenHostNames, writeTokenHosts } from './token-restrictions-store.ts'
import type { Database } from './schema.ts'
import { bumpSerial } from './zone-serials.ts'
import { insertId } from './sql-dialect.ts'
import * as groups from './prefix-group-store.ts'

/** Users, hosts and tokens in SQL. */
export class SqlAccountStore implements AccountStore {
  readonly #db: Kysely<Database>

  constructor(db: Kysely<Database>) {
    this.#db = db
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

  async zoneNames(): Promise<Fqdn[]> {
    const rows = await this.#db.selectFrom('zones').select('name').orderBy('name').execute()
    return rows.map((r) => r.name as Fqdn)
  }

  async userByName(name: string): Promise<{ id: number; name: string } | undefined> {
    return this.#db
      .selectFrom('users')
      .select(['id', 'name'])
      .where('name', '=', name)
      .executeTakeFirst()
  }

  async insertUser(u: {
    name: string
    email: string | null
    passwordHash: string | null
    isAdmin: boolean
    createdAt: string
  }): Promise<UserSummary> {
    const id = await insertId(
      this.#db,
      this.#db.insertInto('users').values({
        name: u.name,
        email: u.email,
        password_hash: u.passwordHash,
        is_admin: u.isAdmin ? 1 : 0,
        created_at: u.createdAt,
      }),
    )
    return {
      id,
      name: u.name,
      email: u.email,
      isAdmin: u.isAdmin,
      hasPassword: u.passwordHash !== null,
      createdAt: u.createdAt,
    }
  }

  async updatePassword(userId: number, hash: string): Promise<void> {
    await this.#db
      .updateTable('users')
      .set({ password_hash: hash })
      .where('id', '=', userId)
      .execute()
  }

  async deleteUser(userId: number, at: string): Promise<Fqdn[]> {
    return this.#db.transaction().execute(async (trx) => {
      const zones = await trx
        .selectFrom('hosts')
        .innerJoin('zones', 'zones.id', 'hosts.zone_id')
        .innerJoin('records', 'records.host_id', 'hosts.id')
        .select('zones.name')
        .distinct()
        .where('hosts.owner_id', '=', userId)
        .execute()
      await trx.deleteFrom('users').where('id', '=', userId).execute()
      for (const z of zones) await bumpSerial(trx, z.name as Fqdn, at)
      return zones.map((z) => z.name as Fqdn)
    })
  }

  async listUsers(): Promise<UserSummary[]> {
    const rows = await this.#db.selectFrom('users').selectAll().orderBy('name').execute()
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      email: r.email,
      isAdmin: r.is_admin === 1,
      hasPassword: r.password_hash !== null,
      createdAt: r.created_at,
    }))
  }

  async hostByName(fqdn: Fqdn): Promise<HostSummary | undefined> {
    const zone = findZone(fqdn, await this.zoneNames())
    if (zone === undefined) return undefined
    const label = relativeLabel(fqdn, zone)
    const [host] = await this.#hosts((q) =>
      q.where('zones.name', '=', zone).where('hosts.label', '=', label),
    )
    return host
  }

  async insertHost(h: {
    zone: Fqdn
    label: string
    ownerId: number
    ttl: number | null
    expiryTtl?: number
    createdAt: string
  }): Promise<HostSummary> {
    const zone = await this.#db
      .selectFrom('zones')
      .select('id')
      .where('name', '=', h.zone)
      .executeTakeFirstOrThrow()
    const id = await insertId(
      this.#db,
      this.#db.insertInto('hosts').values({
        zone_id: zone.id,
        label: h.label,
        owner_id: h.ownerId,
        dns_ttl: h.ttl,
        expiry_ttl: h.expiryTtl ?? 0,
        created_at: h.createdAt,
      }),
    )
    const [host] = await this.#hosts((q) => q.where('hosts.id', '=', id))
    if (host === undefined) throw new Error(`host ${String(id)} vanished after insert`)
    return host
  }

  async setHostLan(
    hostId: number,
    lan: { ipv4?: string | null; ipv6?: string | null },
  ): Promise<void> {
    const set = {
      ...(lan.ipv4 === undefined ? {} : { lan_ipv4: lan.ipv4 }),
      ...(lan.ipv6 === undefined ? {} : { lan_ipv6: lan.ipv6 }),
    }
    if (Object.keys(set).length === 0) return
    await this.#db.updateTable('hosts').set(set).where('id', '=', hostId).execute()
  }

  async deleteHost(hostId: number, at: string): Promise<void> {
    await this.#db.transaction().execute(async (trx) => {
      const zone = await trx
        .selectFrom('hosts')
        .innerJoin('zones', 'zones.id', 'hosts.zone_id')
        .select('zones.name')
        .where('hosts.id', '=', hostId)
        .executeTakeFirstOrThrow()
      await trx.deleteFrom('hosts').where('id', '=', hostId).execute()
      await bumpSerial(trx, zone.name as Fqdn, at)
    })
  }

  async listHosts(owner?: string): Promise<HostSummary[]> {
    return this.#hosts((q) => (owner === undefined ? q : q.where('users.name', '=', owner)))
  }

  async #hosts(
    filter: (
      q: ReturnType<SqlAccountStore['hostQuery']>,
    ) => ReturnType<SqlAccountStore['hostQuery']>,
  ): Promise<HostSummary[]> {
    const rows = await filter(this.hostQuery())
      .orderBy('zones.name')
      .orderBy('hosts.label')
      .execute()
    const ids = rows.map((r) => r.id)
    const records =
      ids.length === 0
        ? []
        : await this.#db
            .selectFrom('records')
            .select(['host_id', 'type', 'value'])
            .where('host_id', 'in', ids)
            .execute()
    const value = (id: number, type: string): string | null =>
      records.find((r) => r.host_id === id && r.type === type)?.value ?? null
    return rows.map((r) => ({
      id: r.id,
      fqdn: joinName(r.label, r.zone as Fqdn),
      zone: r.zone as Fqdn,
      owner: r.owner,
      ttl: r.dns_ttl,
      ipv4: value(r.id, 'A'),
      ipv6: value(r.id, 'AAAA'),
      lastSeenAt: r.last_seen_at,
      createdAt: r.created_at,
    }))
  }

  /** The base query of host listings (public only for its type). */
  hostQuery() {
    return this.#db
      .selectFrom('hosts')
      .innerJoin('zones', 'zones.id', 'hosts.zone_id')
      .innerJoin('users', 'users.id', 'hosts.owner_id')
      .select([
        'hosts.id',
        'hosts.label',
        'zones.name as zone',
        'users.name as owner',
        'hosts.dns_ttl',
        'hosts.last_seen_at',
        'hosts.created_at',
      ])
  }

  async insertToken(t: {
    ownerId: number
    hash: string
    label: string
    hostId: number | null
    expiresAt: string | null
    createdAt: string
    scope?: TokenScope
    restrictions?: TokenRestrictions
  }): Promise<TokenSummary> {
    const id = await this.#db.transaction().execute(async (trx) => {
      const tokenId = await insertId(
        trx,
        trx.insertInto('tokens').values({
          owner_id: t.ownerId,
          hash: t.hash,
          label: t.label,
          host_id: t.hostId,
          expires_at: t.expiresAt,
          created_at: t.createdAt,
          scope: t.scope ?? 'all',
          ...restrictionValues(t.restrictions),
        }),
      )
      await writeTokenHosts(trx, tokenId, t.restrictions?.hostIds)
      return tokenId
    })
    const [token] = (await this.listTokens()).filter((x) => x.id === id)
    if (token === undefined) throw new Error(`token ${String(id)} vanished after insert`)
    return token
  }

  async listTokens(owner?: string): Promise<TokenSummary[]> {
    let q = this.#db
      .selectFrom('tokens')
      .innerJoin('users', 'users.id', 'tokens.owner_id')
      .leftJoin('hosts', 'hosts.id', 'tokens.host_id')
      .leftJoin('zones', 'zones.id', 'hosts.zone_id')
      .select([
        'tokens.id',
        'users.name as owner',
        'hosts.label',
        'zones.name as zone',
        'tokens.label as tokenLabel',
        'tokens.scope',
        'tokens.expires_at',
        'tokens.created_at',
        'tokens.last_used_at',
        'tokens.host_limited',
        'tokens.record_types',
        'tokens.source_cidrs',
      ])
    if (owner !== undefined) q = q.where('users.name', '=', owner)
    const rows = await q.orderBy('tokens.id').execute()
    const hostLists = await tokenHostNames(this.#db)
    return rows.map((r) => ({
      id: r.id,
      owner: r.owner,
      host: r.label === null || r.zone === null ? null : joinName(r.label, r.zone as Fqdn),
      label: r.tokenLabel,
      scope: parseTokenScope(r.scope) ?? 'api',
      ...(r.host_limited === 1 ? { hosts: (hostLists.get(r.id) ?? []) as Fqdn[] } : {}),
      ...(r.record_types === null ? {} : { recordTypes: r.record_types.split(',') }),
      ...(r.source_cidrs === null ? {} : { sources: r.source_cidrs.split(',') }),
      expiresAt: r.expires_at,
      createdAt: r.created_at,
      lastUsedAt: r.last_used_at,
    }))
  }

  async deleteToken(id: number): Promise<boolean> {
    const r = await this.#db.deleteFrom('tokens').where('id', '=', id).executeTakeFirst()
    return Number(r.numDeletedRows) > 0
  }
}

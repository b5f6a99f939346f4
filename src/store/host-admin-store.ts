/**
 * Reads and writes the REST API needs beyond the account store: a host's settings and last
 * update, its TTL changes (which bump the zone serial so the zone sync republishes the
 * records with the new TTL), a user's email and admin flag, and update history one page at
 * a time (keyset on the row id, newest first).
 */
import type { Kysely } from 'kysely'
import type { Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'
import { bumpSerial } from './zone-serials.ts'

/** What a host listing lacks: expiry, LAN addresses, last update, prefix group. */
export interface HostSettings {
  readonly expiryTtl: number
  readonly lanIpv4: string | null
  readonly lanIpv6: string | null
  readonly lastClientIp: string | null
  readonly lastDialect: string | null
  readonly group: { readonly name: string; readonly iid: string } | null
}

/** One history row as the API shows it. */
export interface HistoryRow {
  readonly id: number
  readonly at: string
  readonly dialect: string
  readonly clientIp: string
  readonly actor: string
  readonly result: string
  readonly oldValue: string
  readonly newValue: string
}

/** A host's settings; undefined when the host is gone. */
export async function hostSettings(
  db: Kysely<Database>,
  hostId: number,
): Promise<HostSettings | undefined> {
  const row = await db
    .selectFrom('hosts')
    .leftJoin('prefix_group_members', 'prefix_group_members.host_id', 'hosts.id')
    .leftJoin('prefix_groups', 'prefix_groups.id', 'prefix_group_members.group_id')
    .select([
      'hosts.expiry_ttl',
      'hosts.lan_ipv4',
      'hosts.lan_ipv6',
      'hosts.last_client_ip',
      'hosts.last_dialect',
      'prefix_groups.name as group_name',
      'prefix_group_members.iid',
    ])
    .where('hosts.id', '=', hostId)
    .executeTakeFirst()
  if (row === undefined) return undefined
  return {
    expiryTtl: row.expiry_ttl,
    lanIpv4: row.lan_ipv4,
    lanIpv6: row.lan_ipv6,
    lastClientIp: row.last_client_ip,
    lastDialect: row.last_dialect,
    group:
      row.group_name === null || row.iid === null ? null : { name: row.group_name, iid: row.iid },
  }
}

/**
 * Sets a host's DNS TTL (`null`: the zone's) and expiry TTL; absent fields stay. A changed
 * DNS TTL bumps the zone serial in the same transaction, so the zone sync republishes.
 */
export async function setHostTtls(
  db: Kysely<Database>,
  host: { readonly id: number; readonly zone: Fqdn },
  ttls: { readonly dnsTtl?: number | null; readonly expiryTtl?: number },
  at: string,
): Promise<void> {
  const set = {
    ...(ttls.dnsTtl === undefined ? {} : { dns_ttl: ttls.dnsTtl }),
    ...(ttls.expiryTtl === undefined ? {} : { expiry_ttl: ttls.expiryTtl }),
  }
  if (Object.keys(set).length === 0) return
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('hosts').set(set).where('id', '=', host.id).execute()
    if (ttls.dnsTtl !== undefined) await bumpSerial(trx, host.zone, at)
  })
}

/** Sets a user's email (`null` clears it) and/or admin flag; absent fields stay. */
export async function setUserFields(
  db: Kysely<Database>,
  userId: number,
  fields: { readonly email?: string | null; readonly isAdmin?: boolean },
): Promise<void> {
  const set = {
    ...(fields.email === undefined ? {} : { email: fields.email }),
    ...(fields.isAdmin === undefined ? {} : { is_admin: fields.isAdmin ? 1 : 0 }),
  }
  if (Object.keys(set).length === 0) return
  await db.updateTable('users').set(set).where('id', '=', userId).execute()
}

/** Up to `limit` history rows of a host, newest first, older than row `beforeId` if given. */
export async function historyPage(
  db: Kysely<Database>,
  hostId: number,
  limit: number,
  beforeId?: number,
): Promise<HistoryRow[]> {
  let q = db
    .selectFrom('update_history')
    .selectAll()
    .where('host_id', '=', hostId)
    .orderBy('id', 'desc')
    .limit(limit)
  if (beforeId !== undefined) q = q.where('id', '<', beforeId)
  const rows = await q.execute()
  return rows.map((r) => ({
    id: r.id,
    at: r.at,
    dialect: r.dialect,
    clientIp: r.client_ip,
    actor: r.actor,
    result: r.result,
    oldValue: r.old_value,
    newValue: r.new_value,
  }))
}

/** The row id of each lockout pair, keyed by `subject\0source` (the pair is unique). */
export async function lockoutIds(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db.selectFrom('lockouts').select(['id', 'subject', 'source']).execute()
  return new Map(rows.map((r) => [`${r.subject}\0${r.source}`, r.id]))
}

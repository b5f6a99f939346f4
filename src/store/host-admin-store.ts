/**
 * Hosts in the host-administration store, the one place the CLI, the REST API and the web UI
 * read and change hosts: one listing query (host, zone, owner and settings) with the current
 * addresses, looked up by name, id, owner or a searched page; adding and deleting hosts; their
 * settings. A changed DNS TTL bumps the zone serial in the same transaction, so the zone sync
 * republishes the records with it. Owner checks stay with the callers: these functions see
 * every host.
 */
import type { Kysely } from 'kysely'
import type {
  HostChange,
  HostDetail,
  HostQuery,
  HostSettings,
  HostSummary,
  NewHost,
} from '../core/accounts/account-store.ts'
import { findZone, joinName, relativeLabel, type Fqdn } from '../core/names.ts'
import { lastAttempts, type LastAttempt } from './host-history-store.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'
import { writeMembership } from './prefix-group-store.ts'
import { bumpSerial } from './zone-serials.ts'

export type { HostDetail, HostQuery } from '../core/accounts/account-store.ts'

/** The served zones' names, sorted. */
export async function zoneNames(db: Kysely<Database>): Promise<Fqdn[]> {
  const rows = await db.selectFrom('zones').select('name').orderBy('name').execute()
  return rows.map((r) => r.name as Fqdn)
}

/** Every host, or one owner's (by user name), by zone and label. */
export async function listHosts(db: Kysely<Database>, owner?: string): Promise<HostSummary[]> {
  const q = hostRows(db)
  return summaries(db, await sorted(owner === undefined ? q : q.where('users.name', '=', owner)))
}

/** The host named `fqdn`, if it is in a served zone and exists. */
export async function hostByName(
  db: Kysely<Database>,
  fqdn: Fqdn,
): Promise<HostSummary | undefined> {
  const zone = findZone(fqdn, await zoneNames(db))
  if (zone === undefined) return undefined
  const q = hostRows(db).where('zones.name', '=', zone)
  const rows = await q.where('hosts.label', '=', relativeLabel(fqdn, zone)).execute()
  return (await summaries(db, rows))[0]
}

/** One host by id, with its settings and last attempt. */
export async function hostById(db: Kysely<Database>, id: number): Promise<HostDetail | undefined> {
  const rows = await hostRows(db).where('hosts.id', '=', id).execute()
  return (await details(db, rows))[0]
}

/** One page of hosts (one more than `limit` is fetched to tell whether a next page exists). */
export async function hostPage(
  db: Kysely<Database>,
  q: HostQuery,
): Promise<{ hosts: HostDetail[]; more: boolean }> {
  let query = hostRows(db)
  if (q.ownerId !== undefined) query = query.where('hosts.owner_id', '=', q.ownerId)
  const search = q.search?.trim().toLowerCase()
  if (search !== undefined && search !== '') {
    // Wildcards are dropped, not escaped: SQLite has no default LIKE escape character.
    const like = `%${search.replace(/[\\%_]/g, '')}%`
    query = query.where((eb) =>
      eb.or([eb('hosts.label', 'like', like), eb('zones.name', 'like', like)]),
    )
  }
  const rows = await sorted(query.limit(q.limit + 1).offset(q.offset))
  return { hosts: await details(db, rows.slice(0, q.limit)), more: rows.length > q.limit }
}

/** A host's settings; undefined when the host is gone. */
export async function hostSettings(
  db: Kysely<Database>,
  hostId: number,
): Promise<HostSettings | undefined> {
  const row = await hostRows(db)
    .leftJoin('prefix_group_members', 'prefix_group_members.host_id', 'hosts.id')
    .leftJoin('prefix_groups', 'prefix_groups.id', 'prefix_group_members.group_id')
    .select(['prefix_groups.name as group_name', 'prefix_group_members.iid'])
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

/** Adds a host; its zone must be in the zones table. */
export async function insertHost(db: Kysely<Database>, h: NewHost): Promise<HostSummary> {
  const zone = await db
    .selectFrom('zones')
    .select('id')
    .where('name', '=', h.zone)
    .executeTakeFirstOrThrow()
  const id = await insertId(
    db,
    db.insertInto('hosts').values({
      zone_id: zone.id,
      label: h.label,
      owner_id: h.ownerId,
      dns_ttl: h.ttl,
      expiry_ttl: h.expiryTtl ?? 0,
      created_at: h.createdAt,
    }),
  )
  const [host] = await summaries(db, await hostRows(db).where('hosts.id', '=', id).execute())
  if (host === undefined) throw new Error(`host ${String(id)} vanished after insert`)
  return host
}

/** Sets (string), clears (null) or keeps (absent) a host's LAN addresses. */
export async function setHostLan(
  db: Kysely<Database>,
  hostId: number,
  lan: { readonly ipv4?: string | null; readonly ipv6?: string | null },
): Promise<void> {
  const set = {
    ...(lan.ipv4 === undefined ? {} : { lan_ipv4: lan.ipv4 }),
    ...(lan.ipv6 === undefined ? {} : { lan_ipv6: lan.ipv6 }),
  }
  if (Object.keys(set).length === 0) return
  await db.updateTable('hosts').set(set).where('id', '=', hostId).execute()
}

/**
 * Applies a checked host change in one transaction: the host row (LAN addresses, TTLs), then
 * a new DNS TTL's serial bump (the zone sync republishes), then the prefix group membership.
 * A failure in any part rolls back every part.
 */
export async function changeHost(
  db: Kysely<Database>,
  host: { readonly id: number; readonly zone: Fqdn },
  change: HostChange,
  at: string,
): Promise<void> {
  const set = {
    ...(change.lan?.ipv4 === undefined ? {} : { lan_ipv4: change.lan.ipv4 }),
    ...(change.lan?.ipv6 === undefined ? {} : { lan_ipv6: change.lan.ipv6 }),
    ...(change.dnsTtl === undefined ? {} : { dns_ttl: change.dnsTtl }),
    ...(change.expiryTtl === undefined ? {} : { expiry_ttl: change.expiryTtl }),
  }
  if (Object.keys(set).length === 0 && change.membership === undefined) return
  await db.transaction().execute(async (trx) => {
    if (Object.keys(set).length > 0) {
      await trx.updateTable('hosts').set(set).where('id', '=', host.id).execute()
    }
    if (change.dnsTtl !== undefined) await bumpSerial(trx, host.zone, at)
    if (change.membership !== undefined) await writeMembership(trx, host.id, change.membership)
  })
}

/** Deletes a host with its records (dynamic and static) and bumps its zone's serial. */
export async function deleteHost(db: Kysely<Database>, hostId: number, at: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const zone = await trx
      .selectFrom('hosts')
      .innerJoin('zones', 'zones.id', 'hosts.zone_id')
      .select('zones.name')
      .where('hosts.id', '=', hostId)
      .executeTakeFirstOrThrow()
    // Its static records go with it (also a foreign-key cascade; explicit, so it never
    // depends on the database enforcing one).
    await trx.deleteFrom('zone_records').where('owner_host_id', '=', hostId).execute()
    await trx.deleteFrom('hosts').where('id', '=', hostId).execute()
    await bumpSerial(trx, zone.name as Fqdn, at)
  })
}

// The one host listing query: every column any caller shows, with zone and owner names.
function hostRows(db: Kysely<Database>) {
  return db
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

type HostRows = ReturnType<typeof hostRows>
type HostRow = Awaited<ReturnType<HostRows['execute']>>[number]

function sorted(q: HostRows): Promise<HostRow[]> {
  return q.orderBy('zones.name').orderBy('hosts.label').execute()
}

type Addresses = (hostId: number, type: 'A' | 'AAAA') => string | null

// The current A and AAAA value of each host.
async function addresses(db: Kysely<Database>, rows: readonly HostRow[]): Promise<Addresses> {
  const ids = rows.map((r) => r.id)
  const records =
    ids.length === 0
      ? []
      : await db
          .selectFrom('records')
          .select(['host_id', 'type', 'value'])
          .where('host_id', 'in', ids)
          .where('type', 'in', ['A', 'AAAA'])
          .execute()
  return (id, type) => records.find((r) => r.host_id === id && r.type === type)?.value ?? null
}

async function summaries(db: Kysely<Database>, rows: readonly HostRow[]): Promise<HostSummary[]> {
  const value = await addresses(db, rows)
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

async function details(db: Kysely<Database>, rows: readonly HostRow[]): Promise<HostDetail[]> {
  const value = await addresses(db, rows)
  const last = await lastAttempts(db, rows)
  const none: LastAttempt = { at: null, clientIp: null, dialect: null, result: null }
  return rows.map((r) => {
    const l = last.get(r.id) ?? none
    return {
      id: r.id,
      fqdn: joinName(r.label, r.zone as Fqdn),
      zone: r.zone as Fqdn,
      owner: r.owner,
      ownerId: r.owner_id,
      dnsTtl: r.dns_ttl,
      expiryTtl: r.expiry_ttl,
      ipv4: value(r.id, 'A'),
      ipv6: value(r.id, 'AAAA'),
      lanIpv4: r.lan_ipv4,
      lanIpv6: r.lan_ipv6,
      lastSeenAt: l.at,
      lastClientIp: l.clientIp,
      lastDialect: l.dialect,
      lastResult: l.result,
      createdAt: r.created_at,
    }
  })
}

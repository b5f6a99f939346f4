/** IPv6 prefix groups in SQL: the update path's reads and writes, and administration. */
import type { Kysely, Transaction } from 'kysely'
import type { GroupSummary } from '../core/accounts/group-store.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { HostRecord, HostWrite, PrefixGroupRecord } from '../core/ports.ts'
import type { Database } from './schema.ts'
import { insertId } from './sql-dialect.ts'

/** The group `hostId` is a member of, with every member loaded by `loadHost`. */
export async function findPrefixGroup(
  db: Kysely<Database>,
  hostId: number,
  loadHost: (id: number) => Promise<HostRecord | undefined>,
): Promise<PrefixGroupRecord | undefined> {
  const group = await db
    .selectFrom('prefix_group_members')
    .innerJoin('prefix_groups', 'prefix_groups.id', 'prefix_group_members.group_id')
    .select(['prefix_groups.id', 'name', 'owner_id', 'prefix_length', 'prefix'])
    .where('prefix_group_members.host_id', '=', hostId)
    .executeTakeFirst()
  if (group === undefined) return undefined
  const rows = await db
    .selectFrom('prefix_group_members')
    .select(['host_id', 'iid'])
    .where('group_id', '=', group.id)
    .orderBy('host_id')
    .execute()
  const members: { host: HostRecord; iid: string }[] = []
  for (const row of rows) {
    const host = await loadHost(row.host_id)
    if (host !== undefined) members.push({ host, iid: row.iid })
  }
  return {
    id: group.id,
    name: group.name,
    ownerId: group.owner_id,
    length: group.prefix_length,
    prefix: group.prefix,
    members,
  }
}

/** Stores the new current prefix of every group re-prefixed in this transaction. */
export async function writeGroupPrefixes(
  trx: Transaction<Database>,
  writes: readonly HostWrite[],
): Promise<void> {
  const prefixes = new Map<number, string | null>()
  for (const w of writes) if (w.group !== undefined) prefixes.set(w.group.id, w.group.prefix)
  for (const [id, prefix] of prefixes) {
    await trx.updateTable('prefix_groups').set({ prefix }).where('id', '=', id).execute()
  }
}

/** Prefix groups with their members, optionally of one owner. */
export async function listGroups(db: Kysely<Database>, owner?: string): Promise<GroupSummary[]> {
  let q = db
    .selectFrom('prefix_groups')
    .innerJoin('users', 'users.id', 'prefix_groups.owner_id')
    .select([
      'prefix_groups.id',
      'prefix_groups.name',
      'users.name as owner',
      'prefix_length',
      'prefix',
      'prefix_groups.created_at',
    ])
    .orderBy('prefix_groups.name')
  if (owner !== undefined) q = q.where('users.name', '=', owner)
  const groups = await q.execute()
  const members = await db
    .selectFrom('prefix_group_members')
    .innerJoin('hosts', 'hosts.id', 'prefix_group_members.host_id')
    .innerJoin('zones', 'zones.id', 'hosts.zone_id')
    .select(['group_id', 'hosts.label', 'zones.name as zone', 'iid'])
    .orderBy('hosts.label')
    .execute()
  return groups.map((g) => ({
    id: g.id,
    name: g.name,
    owner: g.owner,
    prefixLength: g.prefix_length,
    prefix: g.prefix,
    createdAt: g.created_at,
    members: members
      .filter((m) => m.group_id === g.id)
      .map((m) => ({ host: joinName(m.label, m.zone as Fqdn), iid: m.iid })),
  }))
}

/** Creates a group; returns its id. */
export async function insertGroup(
  db: Kysely<Database>,
  g: { name: string; ownerId: number; prefixLength: number; createdAt: string },
): Promise<number> {
  return insertId(
    db,
    db.insertInto('prefix_groups').values({
      name: g.name,
      owner_id: g.ownerId,
      prefix_length: g.prefixLength,
      prefix: null,
      created_at: g.createdAt,
    }),
  )
}

/** Deletes a group and its memberships (the members' records stay). */
export async function deleteGroup(db: Kysely<Database>, id: number): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('prefix_group_members').where('group_id', '=', id).execute()
    await trx.deleteFrom('prefix_groups').where('id', '=', id).execute()
  })
}

/** Makes a host a member of a group (or moves it) with this interface identifier. */
export async function setMembership(
  db: Kysely<Database>,
  hostId: number,
  groupId: number,
  iid: string,
): Promise<void> {
  await db.transaction().execute((trx) => writeMembership(trx, hostId, { groupId, iid }))
}

/** Inside a transaction: makes the host a member of this group (`null`: of none). */
export async function writeMembership(
  trx: Transaction<Database>,
  hostId: number,
  membership: { readonly groupId: number; readonly iid: string } | null,
): Promise<void> {
  await trx.deleteFrom('prefix_group_members').where('host_id', '=', hostId).execute()
  if (membership === null) return
  await trx
    .insertInto('prefix_group_members')
    .values({ host_id: hostId, group_id: membership.groupId, iid: membership.iid })
    .execute()
}

/** Removes a host from its group; false when it was in none. */
export async function removeMembership(db: Kysely<Database>, hostId: number): Promise<boolean> {
  const r = await db.deleteFrom('prefix_group_members').where('host_id', '=', hostId).execute()
  return r.some((x) => Number(x.numDeletedRows) > 0)
}

/**
 * Reads everything for `dynzone export`: the JSON document import reads back (users with
 * their argon2id hashes, groups, hosts with records, tokens as keyed hashes — never a
 * secret) and the hosts CSV. Token hashes are keyed with the pepper, so exported tokens
 * work only on an instance with the same pepper.
 */
import type { Kysely } from 'kysely'
import { EXPORT_FORMAT } from '../core/import/file-plans.ts'
import { joinName, type Fqdn } from '../core/names.ts'
import type { Database } from './schema.ts'

/** The JSON export document (documented in docs/import-export.md). */
export async function exportDocument(db: Kysely<Database>, now: Date): Promise<unknown> {
  const users = await db.selectFrom('users').selectAll().orderBy('id').execute()
  const userName = new Map(users.map((u) => [u.id, u.name]))
  const groups = await db.selectFrom('prefix_groups').selectAll().orderBy('id').execute()
  const hosts = await hostRows(db)
  const hostName = new Map(hosts.map((h) => [h.id, h.fqdn]))
  const records = byHost(await db.selectFrom('records').selectAll().orderBy('id').execute())
  const members = await db
    .selectFrom('prefix_group_members')
    .innerJoin('prefix_groups', 'prefix_groups.id', 'prefix_group_members.group_id')
    .select(['prefix_group_members.host_id', 'prefix_groups.name', 'prefix_group_members.iid'])
    .execute()
  const memberOf = new Map(members.map((m) => [m.host_id, m]))
  const tokens = await db.selectFrom('tokens').selectAll().orderBy('id').execute()
  const tokenHosts = await db.selectFrom('token_hosts').selectAll().execute()
  return {
    ...EXPORT_FORMAT,
    exported_at: now.toISOString(),
    users: users.map((u) => ({
      name: u.name,
      email: u.email,
      password_hash: u.password_hash,
      admin: u.is_admin === 1,
      created_at: u.created_at,
    })),
    groups: groups.map((g) => ({
      name: g.name,
      owner: userName.get(g.owner_id),
      prefix_length: g.prefix_length,
      prefix: g.prefix,
    })),
    hosts: hosts.map((h) => {
      const m = memberOf.get(h.id)
      return {
        fqdn: h.fqdn,
        owner: userName.get(h.owner_id),
        dns_ttl: h.dns_ttl,
        expiry_ttl: h.expiry_ttl,
        lan_ipv4: h.lan_ipv4,
        lan_ipv6: h.lan_ipv6,
        group: m === undefined ? null : { name: m.name, iid: m.iid },
        records: (records.get(h.id) ?? [])
          .filter((r) => r.type === 'A' || r.type === 'AAAA')
          .map((r) => ({ type: r.type, value: r.value })),
      }
    }),
    tokens: tokens.map((t) => ({
      owner: userName.get(t.owner_id),
      hash: t.hash,
      label: t.label,
      scope: t.scope,
      hosts:
        t.host_limited === 1
          ? tokenHosts.filter((x) => x.token_id === t.id).map((x) => hostName.get(x.host_id))
          : t.host_id === null
            ? []
            : [hostName.get(t.host_id)],
      record_types: t.record_types,
      source_cidrs: t.source_cidrs,
      expires_at: t.expires_at,
      ...(t.low_entropy === 1 ? { low_entropy: true } : {}),
    })),
  }
}

/** The hosts CSV: `fqdn,owner,ipv4,ipv6,dns_ttl,expiry_ttl` with a header row. */
export async function exportHostsCsv(db: Kysely<Database>): Promise<string> {
  const hosts = await hostRows(db)
  const users = await db.selectFrom('users').select(['id', 'name']).execute()
  const records = byHost(
    await db.selectFrom('records').select(['host_id', 'type', 'value']).execute(),
  )
  const names = new Map(users.map((u) => [u.id, u.name]))
  const lines = ['fqdn,owner,ipv4,ipv6,dns_ttl,expiry_ttl']
  for (const h of hosts) {
    const value = (type: string): string =>
      records.get(h.id)?.find((r) => r.type === type)?.value ?? ''
    const owner = names.get(h.owner_id) ?? ''
    lines.push([h.fqdn, owner, value('A'), value('AAAA'), h.dns_ttl ?? '', h.expiry_ttl].join(','))
  }
  return lines.join('\n') + '\n'
}

async function hostRows(db: Kysely<Database>) {
  const rows = await db
    .selectFrom('hosts')
    .innerJoin('zones', 'zones.id', 'hosts.zone_id')
    .select([
      'hosts.id',
      'hosts.label',
      'zones.name as zone',
      'hosts.owner_id',
      'hosts.dns_ttl',
      'hosts.expiry_ttl',
      'hosts.lan_ipv4',
      'hosts.lan_ipv6',
    ])
    .orderBy('hosts.id')
    .execute()
  return rows.map((r) => ({ ...r, fqdn: joinName(r.label, r.zone as Fqdn) }))
}

function byHost<R extends { host_id: number }>(rows: readonly R[]): Map<number, R[]> {
  const out = new Map<number, R[]>()
  for (const r of rows) out.set(r.host_id, [...(out.get(r.host_id) ?? []), r])
  return out
}

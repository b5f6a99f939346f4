/**
 * The database tables as Kysely sees them. Portable column types only (integers, text,
 * ISO-8601 timestamps as text, 0/1 flags) so SQLite, PostgreSQL and MariaDB share one
 * migration set.
 */
import type { ColumnType, Generated } from 'kysely'

/** All tables. */
export interface Database {
  users: UsersTable
  zones: ZonesTable
  hosts: HostsTable
  records: RecordsTable
  tokens: TokensTable
  update_history: UpdateHistoryTable
  acme_txt: AcmeTxtTable
  prefix_groups: PrefixGroupsTable
  prefix_group_members: PrefixGroupMembersTable
}

/** Accounts: web UI / Basic auth users. */
export interface UsersTable {
  id: Generated<number>
  name: string
  email: string | null
  password_hash: string | null
  is_admin: number
  created_at: string
}

/** Served zones; backend settings and secrets stay in the config file. */
export interface ZonesTable {
  id: Generated<number>
  name: string
  backend: string
  /** bigint: PostgreSQL returns it as a string. */
  serial: ColumnType<number | string, number, number>
  /** One of serial.ts SERIAL_SCHEMES. */
  serial_scheme: ColumnType<string, string | undefined, string>
  created_at: string
  /** Set by `dynzone zone resync`; the server resyncs when it is newer than `handled`. */
  resync_requested_at: ColumnType<string | null, string | null | undefined, string | null>
  resync_handled_at: ColumnType<string | null, string | null | undefined, string | null>
  resync_report: ColumnType<string | null, string | null | undefined, string | null>
}

/** Dynamic hosts: one name in one zone, owned by one user. */
export interface HostsTable {
  id: Generated<number>
  zone_id: number
  label: string
  owner_id: number
  dns_ttl: number | null
  expiry_ttl: number
  created_at: string
  last_seen_at: string | null
  last_client_ip: string | null
  last_dialect: string | null
  /** Split horizon (0005): answered to clients behind the host's WAN address. */
  lan_ipv4: string | null
  lan_ipv6: string | null
}

/** Desired state: one row per value. */
export interface RecordsTable {
  id: Generated<number>
  host_id: number
  type: string
  value: string
  updated_at: string
}

/** Update tokens, stored only as keyed hashes. */
export interface TokensTable {
  id: Generated<number>
  owner_id: number
  hash: string
  label: string
  host_id: number | null
  expires_at: string | null
  created_at: string
  last_used_at: string | null
  /** `all`, `address` or `acme` (core's `TokenScope`). */
  scope: ColumnType<string, string | undefined, string>
}

/** Who changed what, from where. */
export interface UpdateHistoryTable {
  id: Generated<number>
  host_id: number
  at: string
  dialect: string
  client_ip: string
  actor: string
  result: string
  old_value: string
  new_value: string
}

/** ACME `_acme-challenge` TXT values of a host, each expiring on its own. */
export interface AcmeTxtTable {
  id: Generated<number>
  host_id: number
  value: string
  created_at: string
  expires_at: string
}

/** IPv6 prefix groups: one router update re-prefixes every member's AAAA. */
export interface PrefixGroupsTable {
  id: Generated<number>
  name: string
  owner_id: number
  prefix_length: number
  /** The current prefix (`2001:db8:1:2::`), null before the first update. */
  prefix: string | null
  created_at: string
}

/** Members of prefix groups, each with its interface identifier (`::1:2`). */
export interface PrefixGroupMembersTable {
  host_id: number
  group_id: number
  iid: string
}

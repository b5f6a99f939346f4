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
  created_at: string
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

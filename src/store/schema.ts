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
  zone_records: ZoneRecordsTable
  tokens: TokensTable
  update_history: UpdateHistoryTable
  acme_txt: AcmeTxtTable
  prefix_groups: PrefixGroupsTable
  prefix_group_members: PrefixGroupMembersTable
  token_hosts: TokenHostsTable
  web_sessions: WebSessionsTable
  update_failures: UpdateFailuresTable
  update_requests: UpdateRequestsTable
  publisher_leases: PublisherLeasesTable
  lockouts: LockoutsTable
  cache_epochs: CacheEpochsTable
  rate_counters: RateCountersTable
  audit_events: AuditEventsTable
  cluster_identity: ClusterIdentityTable
  totp_secrets: TotpSecretsTable
  recovery_codes: RecoveryCodesTable
  invitations: InvitationsTable
  webauthn_credentials: WebauthnCredentialsTable
}

/** Accounts: web UI / Basic auth users. */
export interface UsersTable {
  id: Generated<number>
  name: string
  email: string | null
  password_hash: string | null
  is_admin: number
  created_at: string
  /** Change mails for `none`, `ipv4`, `ipv6` or `both` families (0017). */
  notify_families: ColumnType<string, string | undefined, string>
  /** Changes within this many minutes make one mail (0017). */
  notify_quiet_minutes: ColumnType<number, number | undefined, number>
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
  /** The other cluster named by the zone's ownership marker while this one stays out. */
  owner_conflict: ColumnType<string | null, string | null | undefined, string | null>
  /** Set by `dynzone zone claim`: take the zone over although another cluster marked it. */
  claim_requested_at: ColumnType<string | null, string | null | undefined, string | null>
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
  /** When the owner was told it publishes temporary IPv6 addresses (0017); null: never. */
  temp_ipv6_warned_at: ColumnType<string | null, string | null | undefined, string | null>
}

/** Desired state: one row per value. */
export interface RecordsTable {
  id: Generated<number>
  host_id: number
  type: string
  value: string
  updated_at: string
}

/**
 * Static records (0014): one row per value, canonical presentation form; `owner_host_id`
 * null for the zone's (admins'), else the host whose owner wrote it.
 */
export interface ZoneRecordsTable {
  id: Generated<number>
  zone_id: number
  /** Lowercase FQDN without the trailing dot (`*.x` allowed). */
  name: string
  type: string
  ttl: number
  value: string
  owner_host_id: number | null
  created_at: string
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
  /** `all`, `address`, `acme` or `api` (core's `TokenScope`). */
  scope: ColumnType<string, string | undefined, string>
  /** 0007: 1 when the token may change only the hosts in `token_hosts`. */
  host_limited: ColumnType<number, number | undefined, number>
  /** 0007: comma-separated record types (`A,AAAA,TXT`), null for any. */
  record_types: ColumnType<string | null, string | null | undefined, string | null>
  /** 0007: comma-separated CIDRs the client address must be inside, null for anywhere. */
  source_cidrs: ColumnType<string | null, string | null | undefined, string | null>
  /** 0013: 1 for a token imported from a guessable secret (sftdyn, dyndns53). */
  low_entropy: ColumnType<number, number | undefined, number>
}

/** Hosts a multi-host token may change (0007). */
export interface TokenHostsTable {
  token_id: number
  host_id: number
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

/** Web UI sessions (0009): the cookie's id only as a keyed hash. */
export interface WebSessionsTable {
  id: Generated<number>
  hash: string
  user_id: number
  created_at: string
  last_seen_at: string
  expires_at: string
  /** 0015: the client when the session began (the account page lists them). */
  client_ip: string | null
  user_agent: string | null
  /** 0015: when the account was last proven in this session (step-up). */
  verified_at: string | null
  /** 0015: 1 while the second factor after the password is still to come. */
  pending: ColumnType<number, number | undefined, number>
}

/** A user's TOTP secret (0015), sealed under a key derived from the pepper. */
export interface TotpSecretsTable {
  id: Generated<number>
  user_id: number
  sealed: string
  last_step: ColumnType<number, number | undefined, number>
  created_at: string
}

/** One-time recovery codes (0015): keyed hashes only. */
export interface RecoveryCodesTable {
  id: Generated<number>
  user_id: number
  hash: string
  created_at: string
}

/** Invitations to web accounts (0020): the keyed hash of the link's token only. */
export interface InvitationsTable {
  id: Generated<number>
  hash: string
  email: string
  is_admin: number
  invited_by: string
  created_at: string
  expires_at: string
  used_at: string | null
  revoked_at: string | null
}

/** Failed updates of existing hosts (0009), deduplicated per minute; never a secret. */
export interface UpdateFailuresTable {
  id: Generated<number>
  host_id: number
  at: string
  dialect: string
  client_ip: string
  actor: string
  result: string
  message: string
}

/** The router inspector's requests per host (0017), redacted, bounded; JSON in `params`, `taken`. */
export interface UpdateRequestsTable {
  id: Generated<number>
  host_id: number
  at: string
  dialect: string
  client_ip: string
  method: string
  path: string
  params: string
  credentials: string
  user_agent: string
  taken: string
  result: string
  reply: string
  reason: string
}

/** Publisher leases (0010): which instance pushes a zone to its backend, until when. */
export interface PublisherLeasesTable {
  zone: string
  holder: string
  /** bigint: PostgreSQL returns it as a string. Grows with every change of holder. */
  epoch: ColumnType<number | string, number, number>
  acquired_at: string
  expires_at: string
  /** The serial the holder last made live; null before its first push or load. */
  published_serial: ColumnType<number | string | null, number | null | undefined, number | null>
}

/** Bad-credential failures and locks per (credential, source) (0008, core/auth/lockout.ts). */
export interface LockoutsTable {
  id: Generated<number>
  /** `user:<name as sent>` or `token`. */
  subject: string
  /** Client address, IPv6 as its /64. */
  source: string
  failures: number
  level: number
  locked_until: string | null
  last_failure_at: string
}

/** Rate-limit counts shared by the instances (0012, core/rate-limit/rate-limit-shared.ts). */
export interface RateCountersTable {
  /** `good:ip:<address>`, `bad:name:<user name>`, `host:<fqdn>`…; never a secret. */
  counter_key: string
  window_ms: number
  /** bigint (ms since the epoch): PostgreSQL returns it as a string. */
  window_start: ColumnType<number | string, number, number>
  hits: number
}

/** Counters raised by triggers when cached rows change (migration 0011). */
export interface CacheEpochsTable {
  name: string
  value: ColumnType<number | string, number, number>
}

/** The audit trail (0019): who did what, from where, with what result. */
export interface AuditEventsTable {
  id: Generated<number>
  at: string
  action: string
  result: string
  status: number
  actor: string | null
  source: string | null
  target: string | null
}

/** The one row naming this database's cluster (migration 0018), written into owned zones. */
export interface ClusterIdentityTable {
  id: string
  created_at: string
}

/** Passkeys (0016): WebAuthn credentials of web accounts. */
export interface WebauthnCredentialsTable {
  id: Generated<number>
  user_id: number
  /** base64url of the credential id. */
  credential_id: string
  /** base64url of the COSE public key. */
  public_key: string
  /** bigint: PostgreSQL returns it as a string. */
  counter: ColumnType<number | string, number, number>
  /** Comma-separated transports the authenticator named. */
  transports: string
  name: string
  created_at: string
  last_used_at: string | null
}

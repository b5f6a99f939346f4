/**
 * The one config schema. Every table is strict (an unknown key is an error), every key has
 * a default, and the defaults alone run the demo: one built-in zone, `dyn.example.test`.
 * Keys are snake_case as written in dynzone.toml; see README.md in this folder.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { BACKENDS, BACKEND_KINDS, backendKind } from '../backends/registry.ts'
import { SERIAL_SCHEMES } from '../dns/serial.ts'
import { parseNotifyTarget } from '../authoritative/notify/notify-target.ts'
import { updateKeysSchema } from '../authoritative/config-schema.ts'
import { nsAddressesSchema, nsAddressIssues } from '../authoritative/index/ns-addresses.ts'
import { PROXY_HEADERS } from '../http/client-ip.ts'
import { ADDRESS_POLICY_MODES } from '../core/addresses/address-policy.ts'
import { SHARED_MODES } from '../core/rate-limit/rate-limit-shared.ts'
import { joinName, parseName, type Fqdn } from '../core/names.ts'
import { dialectsSchema, endpointsSchema } from '../dialects/config-schema.ts'
import { notifySchema } from '../notifications/config-schema.ts'
import { databaseSchema } from '../store/config-schema.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { Secret } from '../core/auth/secret.ts'
import {
  boolean,
  cidr,
  domainName,
  expecting,
  filePath,
  integer,
  ipAddress,
  list,
  oneOf,
  pathLeaf,
  secret,
  table,
  text,
} from './fields.ts'

// An absolute http(s) URL (a host, no credentials).
function webUrl(v: string): boolean {
  if (!URL.canParse(v)) return false
  const u = new URL(v)
  return (
    (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.hostname !== ''
  )
}

/** The zone served when the config names none. */
export const DEMO_ZONE = 'dyn.example.test'
/** Log levels, most to least severe. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const
/** Database backends dynzone can store its state in. */
export { DATABASE_BACKENDS } from '../store/config-schema.ts'
/** DNS backends a zone can be published through (from the backend registry). */
export const ZONE_BACKENDS = BACKEND_KINDS

// One optional `[zones.<kind>]` table per backend that takes settings.
const backendTables: Record<string, z.ZodOptional<z.ZodType>> = Object.fromEntries(
  BACKENDS.flatMap((f) => (f.settings === null ? [] : [[f.kind, f.settings.optional()]])),
)

const MAX_TIMER = 2147483647 // RFC 2181 §8: TTLs and SOA timers are 31-bit

const zone = table({
  name: domainName(),
  backend: oneOf(ZONE_BACKENDS).default('builtin'),
  ttl: integer(1, 604800).default(60),
  ns: list(domainName(), 'a list of name server names')
    .min(1, { error: 'expected at least one name server' })
    .optional(),
  soa_rname: domainName().optional(),
  ns_addresses: nsAddressesSchema,
  refresh: integer(1, MAX_TIMER).default(3600),
  retry: integer(1, MAX_TIMER).default(600),
  expire: integer(1, MAX_TIMER).default(1209600),
  minimum: integer(0, MAX_TIMER).default(60),
  serial_scheme: oneOf(SERIAL_SCHEMES).default('unixtime'),
  ...backendTables,
}).transform(({ ns, soa_rname, ...zone }, ctx) => ({
  name: zone.name,
  backend: zone.backend,
  ttl: zone.ttl,
  ns: ns ?? [derivedName('ns1', zone.name, 'ns', ctx)],
  soa_rname: soa_rname ?? derivedName('hostmaster', zone.name, 'soa_rname', ctx),
  ns_addresses: checkNsAddresses(
    zone.name,
    zone.ns_addresses,
    ns ?? [joinName('ns1', zone.name)],
    ctx,
  ),
  refresh: zone.refresh,
  retry: zone.retry,
  expire: zone.expire,
  minimum: zone.minimum,
  serial_scheme: zone.serial_scheme,
  settings: backendSettings(zone, ctx),
}))

/** The chosen backend's settings table (parsed from `{}` when absent, so defaults apply). */
function backendSettings(
  zone: Record<string, unknown> & { backend: string },
  ctx: z.RefinementCtx,
): unknown {
  const factory = backendKind(zone.backend)
  if (factory?.settings == null) return null
  for (const other of BACKENDS) {
    if (other.kind !== zone.backend && zone[other.kind] !== undefined) {
      ctx.issues.push({
        code: 'custom',
        input: zone[other.kind],
        path: [other.kind],
        message: `settings for the ${other.kind} backend, but this zone uses backend "${zone.backend}"`,
      })
    }
  }
  if (zone[factory.kind] !== undefined) return zone[factory.kind]
  const parsed = factory.settings.safeParse({})
  if (parsed.success) return parsed.data
  ctx.issues.push({
    code: 'custom',
    input: undefined,
    path: [factory.kind],
    message: `missing: the ${factory.kind} backend needs a [zones.${factory.kind}] table (${parsed.error.issues.map((i) => i.path.join('.')).join(', ')})`,
  })
  return null
}

/** `ns_addresses` after checking each name is one of the zone's `ns`. */
function checkNsAddresses<T extends { readonly name: Fqdn }>(
  zone: Fqdn,
  entries: readonly T[],
  ns: readonly Fqdn[],
  ctx: z.RefinementCtx,
): readonly T[] {
  for (const issue of nsAddressIssues(zone, entries, ns)) {
    ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message })
  }
  return entries
}

/** `<label>.<zone>` as a default; a zone name near the length limit leaves no room for it. */
function derivedName(label: string, zone: Fqdn, key: string, ctx: z.RefinementCtx): Fqdn {
  const name = parseName(`${label}.${zone}`)
  if (name.ok) return name.value
  ctx.addIssue({
    code: 'custom',
    path: [key],
    message: `default "${label}.<name>" is invalid (${name.error.message}); set ${key} explicitly`,
  })
  return joinName(label, zone)
}

// Runs even when some zones failed (as long as zones is a list), so a duplicate is reported
// together with the other errors.
const zones = list(zone, 'a list of [[zones]] tables').superRefine(
  (parsed: readonly unknown[], ctx) => {
    const seen = new Map<string, number>()
    parsed.forEach((entry, index) => {
      const name = zoneName(entry)
      if (name === undefined) return
      const first = seen.get(name)
      if (first === undefined) seen.set(name, index)
      else
        ctx.addIssue({
          code: 'custom',
          path: [index, 'name'],
          message: `duplicate zone "${name}" (also zones[${first}])`,
        })
    })
  },
  { when: (payload) => Array.isArray(payload.value) },
)

// The zones served when no source names any: the demo's, whose name server is the built-in
// one on loopback, so the zone is complete as served.
const EMBEDDED_ZONES = zones.parse([
  { name: DEMO_ZONE, ns_addresses: [{ name: `ns1.${DEMO_ZONE}`, addresses: ['127.0.0.1'] }] },
])

/** A secondary to NOTIFY: `address`, `address:port` or `[ipv6]:port`. */
function notifyTarget() {
  return text('an address such as "192.0.2.1:53"').superRefine((value, ctx) => {
    const parsed = parseNotifyTarget(value)
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.error })
  })
}

function zoneName(entry: unknown): string | undefined {
  if (typeof entry !== 'object' || entry === null || !('name' in entry)) return undefined
  return typeof entry.name === 'string' ? entry.name : undefined
}

// `dns.workers`: one message for every wrong value, a number or not.
const workerCountError = expecting('an integer from 0 to 64 or "auto"')
const workerCount = z
  .number({ error: workerCountError })
  .int({ error: workerCountError })
  .min(0, { error: workerCountError })
  .max(64, { error: workerCountError })

/** The config schema: raw TOML-shaped input in, validated and defaulted config out. */
export const configSchema = table({
  data_dir: pathLeaf(
    text('a directory path').min(1, { error: expecting('a directory path') }),
  ).default('./data'),
  http: table({
    listen: ipAddress().default('127.0.0.1'),
    port: integer(0, 65535).default(8245),
    trusted_proxies: list(cidr(), 'a list of CIDR ranges').default([]),
    // The one header that names the client behind a trusted proxy (src/http/client-ip.ts).
    proxy_header: oneOf(PROXY_HEADERS).default('X-Forwarded-For'),
  }).prefault({}),
  https: table({
    enabled: boolean().default(false),
    listen: ipAddress().default('127.0.0.1'),
    port: integer(0, 65535).default(8443),
    cert: filePath('a certificate file path (PEM, e.g. fullchain.pem)').default(''),
    key: filePath('a private key file path (PEM, e.g. privkey.pem)').default(''),
  }).prefault({}),
  dns: table({
    enabled: boolean().default(true),
    listen: ipAddress().default('127.0.0.1'),
    port: integer(0, 65535).default(5353),
    allow_transfer: list(cidr(), 'a list of CIDR ranges').default([]),
    notify: list(notifyTarget(), 'a list of addresses such as "192.0.2.1:53"').default([]),
    allow_transfer_keys: list(text('a key name'), 'a list of update_keys names').default([]),
    update_keys: updateKeysSchema,
    // Processes answering UDP queries besides the main one (src/authoritative/README.md):
    // 0 = the main process answers; "auto" = one per core.
    workers: z.union([workerCount, z.literal('auto')], { error: workerCountError }).default(0),
    // Response-rate limiting of UDP answers per client /24 or /56 (src/authoritative/answer/rrl.ts).
    rrl: table({
      enabled: boolean().default(true),
      responses_per_second: integer(1, 1_000_000).default(200),
      slip: integer(0, 10).default(2),
      exempt: list(cidr(), 'a list of CIDR ranges').default(['127.0.0.0/8', '::1/128']),
    }).prefault({}),
  }).prefault({}),
  database: databaseSchema,
  security: table({
    pepper: secret().prefault(''),
    password_cache_seconds: integer(0, 86400).default(900),
    // Lockouts per (credential, source) after bad credentials (src/core/auth/lockout.ts).
    lockout_threshold: integer(0, 1000).default(5),
    lockout_base_seconds: integer(1, 86400).default(60),
    lockout_max_seconds: integer(1, 2592000).default(3600),
    lockout_reset_seconds: integer(1, 2592000).default(86400),
    // Empty: a reverse proxy on this host would otherwise make every client exempt.
    lockout_allow: list(cidr(), 'a list of CIDR ranges').default([]),
  }).prefault({}),
  cluster: table({
    // "" = `<hostname>:<http.port>`, resolved at start: stable across restarts, so a crashed
    // instance takes its own publisher leases back at once.
    instance_id: text('an instance name').max(200).default(''),
    lease_seconds: integer(1, 300).default(15),
  }).prefault({}),
  log: table({
    level: oneOf(LOG_LEVELS).default('info'),
    target: oneOf(['stdout', 'file', 'syslog']).default('stdout'),
    format: oneOf(['json', 'pretty']).default('json'),
    file: filePath('a log file path').default(''),
    file_max_size: text('a size such as 10m')
      .regex(/^\d+[kmg]?$/, { error: 'expected a size such as 500k, 10m or 1g' })
      .default('10m'),
    file_keep: integer(1, 1000).default(5),
    syslog_server: text('"" (the local syslog) or host:port').default(''),
    requests: boolean().default(false),
  }).prefault({}),
  demo: table({ enabled: boolean().default(true) }).prefault({}),
  // The web UI's sign-in rules (src/web/README.md).
  web: table({
    require_second_factor: oneOf(['none', 'admins', 'everyone']).default('none'),
    // The address browsers open the web UI at (behind a reverse proxy: the proxy's): passkeys
    // are bound to it (src/core/auth/passkeys.ts) and mail links use it, never a request's
    // Host header. Empty: passkeys are off.
    public_url: text('an http(s) URL such as "https://dyn.example.org"')
      .default('')
      .refine((v) => v === '' || (webUrl(v) && !/[?#]/.test(v)), {
        error: (issue) =>
          `expected an http:// or https:// URL with a host, no user and no query, got ${JSON.stringify(issue.input)}`,
      }),
    // How long an invitation link stays valid.
    invitation_hours: integer(1, 8760).default(72),
  }).prefault({}),
  // The audit trail's rows (src/core/audit.ts); the log lines are the log's to keep.
  audit: table({ retention_days: integer(1, 36500).default(90) }).prefault({}),
  // Static records (src/core/zone-records/): what one host's owner may hold.
  records: table({ max_per_host: integer(0, 100000).default(100) }).prefault({}),
  metrics: table({
    enabled: boolean().default(true),
    // Who may scrape /metrics: the figures reveal traffic, so loopback only unless opened.
    allow: list(cidr(), 'a list of CIDR ranges').default(['127.0.0.0/8', '::1/128']),
  }).prefault({}),
  update: table({
    answer_deadline_ms: integer(0, 60000).default(3000),
    max_hosts: integer(1, 1000).default(20),
    txt_ttl_seconds: integer(1, 604800).default(3600),
    // Tokens, accounts, hosts and lockouts held in memory (src/store/cached-update-store.ts).
    cache_entries: integer(0, 10_000_000).default(100_000),
    // Last-seen marks of unchanged pings, written together (src/store/seen-marks.ts).
    seen_flush_ms: integer(0, 60_000).default(1000),
    // Special-use addresses in public zones (src/core/addresses/address-policy.ts).
    address_policy: oneOf(ADDRESS_POLICY_MODES).default('auto'),
    address_policy_public: list(domainName(), 'a list of zone names').default([]),
    address_policy_any: list(domainName(), 'a list of zone names').default([]),
  }).prefault({}),
  // Request budgets per client address, account and host (src/core/rate-limit/rate-limit-guard.ts).
  rate_limit: table({
    enabled: boolean().default(true),
    good_window_seconds: integer(1, 86400).default(3600),
    good_max: integer(1, 10_000_000).default(720),
    host_good_max: integer(1, 10_000_000).default(240),
    bad_window_seconds: integer(1, 86400).default(900),
    bad_max: integer(1, 10_000_000).default(30),
    // Bad passwords for one account name from all addresses together (spread guessing).
    account_bad_max: integer(1, 10_000_000).default(100),
    cleanup_interval_seconds: integer(1, 86400).default(300),
    max_entries: integer(100, 10_000_000).default(100_000),
    exempt: list(cidr(), 'a list of CIDR ranges').default([]),
    // Counters shared by the instances through the database (src/core/rate-limit/rate-limit-shared.ts):
    // "auto" shares them on PostgreSQL and MariaDB, where several instances may run.
    shared: oneOf(SHARED_MODES).default('auto'),
    sync_ms: integer(50, 60_000).default(1000),
  }).prefault({}),
  expiry: table({
    // How often hosts whose expiry_ttl passed lose their stale records.
    interval_seconds: integer(1, 86400).default(60),
  }).prefault({}),
  notify: notifySchema,
  dialects: dialectsSchema,
  endpoints: endpointsSchema,
  zones: zones.optional(),
}).transform(({ zones, ...config }) => ({
  ...config,
  zones: zones ?? EMBEDDED_ZONES,
  // The demo belongs to the embedded defaults: a config naming its zones is a real deployment.
  demo: { enabled: config.demo.enabled, embeddedZones: zones === undefined },
  database: {
    ...config.database,
    path:
      config.database.path === '' ? join(config.data_dir, 'dynzone.sqlite') : config.database.path,
  },
}))

type DeepReadonly<T> = unknown extends T
  ? T
  : T extends string | number | boolean | bigint | null | undefined | Secret
    ? T
    : T extends readonly (infer U)[]
      ? readonly DeepReadonly<U>[]
      : { readonly [K in keyof T]: DeepReadonly<T[K]> }

/** The validated, defaulted, frozen configuration passed to the rest of dynzone. */
export type Config = DeepReadonly<z.output<typeof configSchema>>
/** What dynzone.toml may contain, as the schema accepts it. */
export type ConfigInput = z.input<typeof configSchema>

/** Validates a raw config tree; on success the result is deeply frozen. */
export function parseConfigTree(tree: unknown): Result<Config, readonly z.core.$ZodIssue[]> {
  const parsed = configSchema.safeParse(tree)
  return parsed.success ? ok(deepFreeze(parsed.data)) : err(parsed.error.issues)
}

function deepFreeze<T>(value: T): T {
  if (Array.isArray(value) || (typeof value === 'object' && value !== null)) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

/**
 * The context the command line and the server share: the config, an open and migrated store,
 * the zones it serves and the account rules, each built once here. The command line sees
 * `Context`, services only; the server's starters see `ServerContext`, which adds the
 * database handle they build the server's stores over.
 */
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import type { Kysely } from 'kysely'
import type { Config } from '../config/schema.ts'
import { snapshot } from '../jobs/zone-snapshot.ts'
import { AccountService } from '../core/accounts/accounts.ts'
import { Invitations } from '../core/accounts/invitations.ts'
import type { AuditLog, AuditTrail } from '../core/audit.ts'
import { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import { ZoneAdmin } from '../core/accounts/zone-admin.ts'
import { createKeyedHasher } from '../core/auth/keyed-hash.ts'
import { ImportExport } from '../core/import/import-export.ts'
import type { Fqdn } from '../core/names.ts'
import type { HostExpiredEvent, KeyedHasher, PasswordHasher } from '../core/ports.ts'
import type { ZoneSnapshot } from '../core/records.ts'
import { createGuards } from '../core/rate-limit/rate-limit-setup.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { UpdateService } from '../core/update/update-service.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import { createNotifier } from '../notifications/setup.ts'
import { createAuditTrail } from '../observability/audit-trail.ts'
import type { Logger } from '../observability/logger.ts'
import { createArgon2Hasher } from '../security/argon2-hasher.ts'
import { loadPepper } from '../security/pepper.ts'
import { createSealer } from '../core/auth/sealed.ts'
import { Passkeys } from '../core/auth/passkeys.ts'
import { SecondFactors } from '../core/auth/second-factors.ts'
import { SqlSecondFactorStore } from '../store/second-factor-store.ts'
import { SqlAccountStore } from '../store/account-store.ts'
import { SqlInvitationStore } from '../store/invitation-store.ts'
import { listAudit, writeAudit } from '../store/audit-store.ts'
import { expireHosts } from '../store/host-expiry-store.ts'
import { SqlImportExportStore } from '../store/import-export-store.ts'
import { SqlLockoutStore } from '../store/lockout-store.ts'
import { SqlZoneAdminStore } from '../store/zone-admin-store.ts'
import { describeDatabase, openDatabase } from '../store/database.ts'
import { migrateToLatest } from '../store/migrate.ts'
import type { Database } from '../store/schema.ts'
import { SqlUpdateStore, type StoreZone } from '../store/update-store.ts'
import { readZone, syncZones } from '../store/zones.ts'
import {
  buildUpdateService,
  servedZones,
  systemClock,
  zoneApexes,
  type ServedZone,
} from './builders.ts'
import type { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import { buildZoneRecords } from './zone-records.ts'

/**
 * What the CLI and the server share: the config, the served zones and the services over an
 * open, migrated store. No database handle: the CLI reads and writes through these.
 */
export interface Context {
  readonly config: Config
  readonly logger: Logger
  readonly zones: readonly StoreZone[]
  /** The same zones, each with its config table. */
  readonly served: readonly ServedZone[]
  readonly hasher: KeyedHasher
  /** Password hashing (argon2id) for every door that checks or sets a password. */
  readonly passwords: PasswordHasher
  /** Users, hosts and tokens in the store, for the account service, web UI and API. */
  readonly accountStore: SqlAccountStore
  readonly accounts: AccountService
  /** Lockout and zone administration (list, lift; resync, claim, forget). */
  readonly lockouts: LockoutAdmin
  readonly zoneAdmin: ZoneAdmin
  /** The stored audit trail, read back. */
  readonly auditLog: AuditLog
  /** The audit trail (src/core/audit.ts): a log line and a database row per event. */
  readonly audit: AuditTrail
  /** TOTP and recovery codes of web accounts (secrets sealed under the pepper). */
  readonly secondFactors: SecondFactors
  /** Invitations to web accounts (one-time links, keyed hashes only). */
  readonly invitations: Invitations
  /** Passkeys of web accounts; undefined without `web.public_url`. */
  readonly passkeys: Passkeys | undefined
  /** `dynzone import` and `export`. */
  readonly imports: ImportExport
  /**
   * Static records of every type (src/core/zone-records/): what it commits bumps the zone
   * serial, so a running server's zone sync publishes it; the server's doors build their own
   * with a publisher (`buildZoneRecords`).
   */
  readonly zoneRecords: ZoneRecordService
  /**
   * One host expiry sweep as of `at` (src/store/host-expiry-store.ts): commits with the zone
   * serials bumped, so a running server's zone sync publishes it; returns one event per host.
   */
  expireHosts(at: Date): Promise<readonly HostExpiredEvent[]>
  /** A notifier (mail, webhooks) as `[notify]` configures it; the caller closes it. */
  openNotifier(): Result<NotificationService, string>
  /**
   * The update service for the command line: the same rules as every HTTP update (address
   * policy, dual-stack, history), with no guard (the operator is no client) and no publisher
   * of its own. What it commits bumps the zone serial, so a running server's zone sync
   * publishes it about a second later; a server started later loads it.
   */
  cliUpdates(): UpdateService
  /**
   * A served zone whole, as every backend is given it (src/jobs/zone-snapshot.ts): the
   * config's apex and `ns_addresses` with the store's RRsets, read in one transaction;
   * undefined for a zone the config does not serve. For `dynzone zone export`.
   */
  zoneSnapshot(name: Fqdn): Promise<ZoneSnapshot | undefined>
  close(): Promise<void>
}

/** What the server's starters get besides: the database handle (never the CLI's). */
export interface ServerContext extends Context {
  readonly db: Kysely<Database>
}

/**
 * Opens the database, applies migrations and syncs zones from the config; `server`: for
 * `serve` (SQLite then checkpoints from a worker thread, never inside a commit).
 */
export async function openContext(
  config: Config,
  logger: Logger,
  server = false,
): Promise<Result<ServerContext, string>> {
  const pepper = loadPepper(config.security.pepper, config.data_dir)
  if (!pepper.ok) return err(pepper.error)
  if (pepper.value.warning !== undefined) logger.warn(pepper.value.warning)
  const opened = openDatabase(config.database, { backgroundCheckpoints: server })
  if (!opened.ok) return err(opened.error)
  const db = opened.value
  const migrated = await migrateToLatest(db as Kysely<unknown>)
  if (!migrated.ok) {
    await db.destroy()
    return err(`database ${describeDatabase(config.database)}: ${migrated.error}`)
  }
  if (migrated.value.length > 0) logger.info({ migrations: migrated.value }, 'database migrated')
  const zones = await syncZones(
    db,
    config.zones.map((z) => ({
      name: z.name,
      backend: z.backend,
      ttl: z.ttl,
      serialScheme: z.serial_scheme,
    })),
    systemClock.now(),
  )
  const hasher = createKeyedHasher(pepper.value.pepper)
  const passwords = createArgon2Hasher()
  const accountStore = new SqlAccountStore(
    db,
    zones.map((z) => z.name),
  )
  const accounts = new AccountService({
    store: accountStore,
    passwords,
    hasher,
    randomBytes: (n) => randomBytes(n),
    now: () => systemClock.now(),
  })
  const now = (): Date => systemClock.now()
  const lockouts = new LockoutAdmin({ store: new SqlLockoutStore(db), hasher, now })
  const zoneAdmin = new ZoneAdmin({
    store: new SqlZoneAdminStore(db),
    served: zones.map((z) => z.name),
    now,
  })
  const factorStore = new SqlSecondFactorStore(db)
  const publicUrl = config.web.public_url
  const passkeys =
    publicUrl === ''
      ? undefined
      : new Passkeys({ store: factorStore, clock: systemClock, publicUrl })
  const secondFactors = new SecondFactors({
    store: factorStore,
    sealer: createSealer(pepper.value.pepper, 'second-factor'),
    hasher,
    clock: systemClock,
  })
  const invitations = new Invitations({
    store: new SqlInvitationStore(db),
    accounts,
    hasher,
    randomBytes: (n) => randomBytes(n),
    now,
    validHours: config.web.invitation_hours,
  })
  const auditLog: AuditLog = { list: (filter) => listAudit(db, filter) }
  const audit = createAuditTrail(logger, (at, e) => writeAudit(db, at, e), systemClock)
  const close = async (): Promise<void> => {
    await audit.flush()
    await db.destroy()
  }
  const served = servedZones(config, zones)
  const imports = new ImportExport({
    store: new SqlImportExportStore(db),
    served: zones.map((z) => z.name),
    now,
  })
  const openNotifier = (): Result<NotificationService, string> =>
    createNotifier({
      config: config.notify,
      db,
      logger,
      clock: systemClock,
      readFile: (path) => readFileSync(path, 'utf8'),
    })
  const cliUpdates = (): UpdateService => {
    const store = new SqlUpdateStore(db, zones)
    // The command line checks no credential (it acts as the operator, through updateAs).
    const { gate } = createGuards(config, {
      store,
      lockoutStore: new SqlLockoutStore(db),
      hasher,
      passwords,
      clock: systemClock,
    })
    return buildUpdateService(config, {
      store,
      gate,
      publisher: { publish: () => Promise.resolve(ok(undefined)) },
    })
  }
  return ok({
    config,
    secondFactors,
    invitations,
    passkeys,
    logger,
    db,
    zones,
    served,
    hasher,
    passwords,
    accountStore,
    accounts,
    lockouts,
    zoneAdmin,
    auditLog,
    audit,
    imports,
    zoneRecords: buildZoneRecords(config, db, served),
    expireHosts: async (at) => (await expireHosts(db, zones, at)).expired,
    openNotifier,
    cliUpdates,
    zoneSnapshot: async (name) => {
      const apex = zoneApexes(served).find((a) => a.zone.name === name)
      if (apex === undefined) return undefined
      const { serial, records } = await readZone(db, apex.zone)
      return snapshot(apex, serial, records)
    },
    close,
  })
}

/**
 * The composition root: the one place that constructs and wires dynzone's parts.
 * `openContext` gives the CLI a store and the account service; `startServer` adds the
 * backends, the publisher, the DNS server and the HTTP listener.
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { hostname } from 'node:os'
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import type { DnsBackend } from './backends/backend.ts'
import { backendFactory } from './backends/registry.ts'
import { nsWithoutAddress } from './authoritative/index/ns-addresses.ts'
import { ZoneIndex } from './authoritative/index/zone-index.ts'
import { startDnsServer, type DnsServer } from './authoritative/server.ts'
import { notifySecondaries } from './authoritative/notify/secondaries.ts'
import { buildUpdateKeys } from './authoritative/update/update-keys.ts'
import { createFeed, startDnsWorkers, workerCount } from './authoritative/workers/setup.ts'
import type { ReplicaFeed } from './authoritative/workers/replica-feed.ts'
import type { WorkerPool } from './authoritative/workers/worker-pool.ts'
import { RecordUpdateService } from './core/update/record-update.ts'
import { SqlRecordStore } from './store/record-store.ts'
import type { Config } from './config/schema.ts'
import { AccountService } from './core/accounts/accounts.ts'
import { AcmeRegistrar } from './core/accounts/acme-register.ts'
import { LockoutAdmin } from './core/accounts/lockout-admin.ts'
import { ZoneAdmin } from './core/accounts/zone-admin.ts'
import { parseCidr, parseIp, type Cidr } from './core/addresses/addresses.ts'
import type { CredentialGate } from './core/auth/credential-gate.ts'
import { createAddressPolicy, createGuards } from './core/rate-limit/rate-limit-setup.ts'
import { createKeyedHasher } from './core/auth/keyed-hash.ts'
import { nestedZones, type Fqdn } from './core/names.ts'
import type { Clock, KeyedHasher, UpdateStore } from './core/ports.ts'
import type { LockoutStore } from './core/auth/lockout.ts'
import { err, ok, type Result } from './core/result.ts'
import { UpdateService } from './core/update/update-service.ts'
import { acmeDnsRegisterRoute } from './dialects/acme-dns/register.ts'
import { createDialects } from './dialects/registry.ts'
import { dialectSettings } from './dialects/settings.ts'
import { buildHttpApp } from './http/app.ts'
import { createClientIp } from './http/client-ip.ts'
import { startHttpListeners } from './http/listeners.ts'
import type { TlsFiles } from './http/tls.ts'
import { registerOpsRoutes, type ReadinessProblem } from './http/ops-routes.ts'
import { registerApiRoutes } from './api/register.ts'
import { Metrics } from './observability/metrics.ts'
import { ZoneSync, type ZoneApex } from './jobs/zone-sync.ts'
import { LanSync } from './jobs/lan-sync.ts'
import { sweepIntervalMs, TxtExpiry } from './jobs/txt-expiry.ts'
import { HostExpiry } from './jobs/expiry.ts'
import { createNotifier, digestIntervalMs } from './notifications/setup.ts'
import { expireHosts } from './store/host-expiry-store.ts'
import type { Logger } from './observability/logger.ts'
import { Publisher } from './publisher/publisher.ts'
import { LeaseKeeper } from './publisher/lease.ts'
import { ZoneOwnership } from './publisher/ownership.ts'
import { SqlLeaseStore } from './publisher/lease-store.ts'
import { createArgon2Hasher } from './security/argon2-hasher.ts'
import { looseModeWarning } from './security/file-mode.ts'
import { loadPepper } from './security/pepper.ts'
import { SqlAccountStore } from './store/account-store.ts'
import { SqlLockoutStore, sweepLockouts } from './store/lockout-store.ts'
import { SqlZoneAdminStore } from './store/zone-admin-store.ts'
import { startSharedCounters } from './store/rate-counter-store.ts'
import { migrateToLatest } from './store/migrate.ts'
import type { Database } from './store/schema.ts'
import { describeDatabase, openDatabase } from './store/database.ts'
import { SqlUpdateStore, type StoreZone } from './store/update-store.ts'
import { CachedLockoutStore, CachedUpdateStore } from './store/cached-update-store.ts'
import { EpochProbe } from './store/cache-epochs.ts'
import { SeenMarks } from './store/seen-marks.ts'
import { sqlDialect } from './store/sql-dialect.ts'
import { syncZones } from './store/zones.ts'
import {
  claimRequested,
  clearConflict,
  clusterId,
  ownerConflicts,
  recordConflict,
} from './store/zone-ownership.ts'
import { SqlFailureHistory } from './store/failure-history.ts'
import { createWebDeps, registerWebRoutes } from './web/routes.ts'
import type { AuditLog, AuditTrail } from './core/audit.ts'
import { createAuditTrail } from './observability/audit-trail.ts'
import { listAudit, pruneAudit, writeAudit } from './store/audit-store.ts'

/** What the CLI and the server share: an open, migrated store and the account rules. */
export interface Context {
  readonly config: Config
  readonly logger: Logger
  readonly db: Kysely<Database>
  readonly zones: readonly StoreZone[]
  readonly hasher: KeyedHasher
  readonly accounts: AccountService
  /** Lockout and zone administration (list, lift; resync, claim, forget). */
  readonly lockouts: LockoutAdmin
  readonly zoneAdmin: ZoneAdmin
  /** The stored audit trail, read back. */
  readonly auditLog: AuditLog
  /** The audit trail (src/core/audit.ts): a log line and a database row per event. */
  readonly audit: AuditTrail
  close(): Promise<void>
}

const systemClock: Clock = { now: () => new Date() }
/** How long shutdown waits for the publisher's queues (systemd's default stop timeout is 90 s). */
const SHUTDOWN_DRAIN_MS = 10_000

/**
 * Opens the database, applies migrations and syncs zones from the config; `server`: for
 * `serve` (SQLite then checkpoints from a worker thread, never inside a commit).
 */
export async function openContext(
  config: Config,
  logger: Logger,
  server = false,
): Promise<Result<Context, string>> {
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
  const accounts = new AccountService({
    store: new SqlAccountStore(
      db,
      zones.map((z) => z.name),
    ),
    passwords: createArgon2Hasher(),
    hasher,
    randomBytes: (n) => randomBytes(n),
    now: () => systemClock.now(),
  })
  const now = () => systemClock.now()
  const lockouts = new LockoutAdmin({ store: new SqlLockoutStore(db), hasher, now })
  const served = zones.map((z) => z.name)
  const zoneAdmin = new ZoneAdmin({ store: new SqlZoneAdminStore(db), served, now })
  const auditLog: AuditLog = { list: (filter) => listAudit(db, filter) }
  const audit = createAuditTrail(logger, (at, e) => writeAudit(db, at, e), systemClock)
  const close = async (): Promise<void> => {
    await audit.flush()
    await db.destroy()
  }
  return ok({
    config,
    logger,
    db,
    zones,
    hasher,
    accounts,
    lockouts,
    zoneAdmin,
    auditLog,
    audit,
    close,
  })
}

/**
 * The update service for the command line: the same rules as every HTTP update (address
 * policy, dual-stack, history), with no guard (the operator is no client) and no publisher
 * of its own. What it commits bumps the zone serial, so a running server's zone sync
 * publishes it about a second later; a server started later loads it.
 */
export function cliUpdateService(context: Context): UpdateService {
  const store = new SqlUpdateStore(context.db, context.zones)
  // The command line checks no credential (it acts as the operator, through updateAs).
  const { gate } = createGuards(context.config, {
    store,
    lockoutStore: new SqlLockoutStore(context.db),
    hasher: context.hasher,
    passwords: createArgon2Hasher(),
    clock: systemClock,
  })
  return new UpdateService({
    store,
    gate,
    publisher: { publish: () => Promise.resolve(ok(undefined)) },
    clock: systemClock,
    maxHosts: context.config.update.max_hosts,
    answerDeadlineMs: context.config.update.answer_deadline_ms,
    txtTtlSeconds: context.config.update.txt_ttl_seconds,
    addressPolicy: createAddressPolicy(context.config.update),
  })
}

/** A running dynzone server. */
export interface RunningServer {
  readonly context: Context
  readonly http: FastifyInstance
  readonly httpPort: number
  readonly httpsPort: number | null
  readonly dns: DnsServer | null
  readonly updates: UpdateService
  /** The guarded credential check every door shares. */
  readonly gate: CredentialGate
  /** Re-reads the HTTPS certificate files; false when the new pair was refused. */
  reloadCertificates(reason: string): boolean
  /**
   * Resolves with the reason once a listener (HTTP, HTTPS, DNS TCP, the DNS workers) stops
   * serving on its own; the server is then only half there and must be stopped.
   */
  readonly failed: Promise<string>
  close(): Promise<void>
}

/**
 * Starts everything `dynzone serve` runs. A step that fails or throws undoes every step started
 * before it, in reverse order, so a server that cannot start holds no port, socket or worker.
 */
export async function startServer(context: Context): Promise<Result<RunningServer, string>> {
  const undo: (() => unknown)[] = []
  let started: Result<RunningServer, string>
  try {
    started = await startParts(context, undo)
  } catch (e) {
    const errorId = randomUUID()
    context.logger.error({ err: e, errorId }, 'start-up failed')
    started = err(`start-up failed (error id ${errorId}): ${(e as Error).message}`)
  }
  if (!started.ok) {
    for (const step of undo.reverse()) {
      await Promise.resolve()
        .then(step)
        .catch((e: unknown) => {
          context.logger.warn({ err: e }, 'undoing a start-up step failed')
        })
    }
  }
  return started
}

// The steps of `startServer`; each one started pushes how to undo it onto `undo`.
async function startParts(
  context: Context,
  undo: (() => unknown)[],
): Promise<Result<RunningServer, string>> {
  const { config, logger, db } = context
  const notified = createNotifier({
    config: config.notify,
    db,
    logger,
    clock: systemClock,
    readFile: (path) => readFileSync(path, 'utf8'),
  })
  if (!notified.ok) return err(notified.error)
  const notifier = notified.value
  undo.push(() => {
    notifier.close()
  })
  // The first listener to stop on its own settles `failed`; later ones add nothing.
  let died: (reason: string) => void = () => undefined
  const failed = new Promise<string>((resolve) => (died = resolve))
  const index = new ZoneIndex()
  // dns.workers: every change to the index also goes to the worker processes.
  const workers = config.dns.enabled ? workerCount(config.dns.workers) : 0
  const feed = workers > 0 ? createFeed(config.update.answer_deadline_ms, logger) : null
  const created = await createBackends(context, index, feed)
  if (!created.ok) return err(created.error)
  const backends = created.value
  undo.push(() => closeBackends(backends))
  const metrics = config.metrics.enabled ? new Metrics() : null
  // Zones on a shared backend are pushed by one instance at a time (docs/deployment.md);
  // the built-in server is every instance's own and needs no lease.
  const leases = new LeaseKeeper({
    store: new SqlLeaseStore(db),
    instanceId: config.cluster.instance_id || `${hostname()}:${String(config.http.port)}`,
    zones: config.zones.filter((z) => z.backend !== 'builtin').map((z) => z.name),
    leaseMs: config.cluster.lease_seconds * 1000,
    now: () => systemClock.now(),
    monotonic: () => performance.now(),
    logger,
    onAcquired: async (zone) => {
      publisher.forget(zone)
      const problem = await sync.takeOver(zone)
      if (problem !== undefined) logger.warn({ zone, error: problem }, 'takeover load failed')
    },
  })
  // Zones on a shared backend carry this cluster's marker; one another cluster marked is not
  // pushed to (src/publisher/ownership.ts).
  const ownership = new ZoneOwnership({
    cluster: await clusterId(db),
    logger,
    store: {
      claimRequested: (zone) => claimRequested(db, zone),
      recordConflict: (zone, owner) => recordConflict(db, zone, owner),
      clearConflict: (zone) => clearConflict(db, zone),
    },
  })
  metrics?.watchLeases(
    config.zones.filter((z) => z.backend !== 'builtin').map((z) => z.name),
    (zone) => leases.holds(zone) && !ownership.refused(zone),
  )
  const publisher = new Publisher({
    backends,
    logger,
    gate: {
      holds: (zone) => leases.holds(zone) && !ownership.refused(zone),
      published: (zone, serial) => {
        leases.published(zone, serial)
      },
      waitPublished: (zone, serial, ms) => leases.waitPublished(zone, serial, ms),
    },
    ...(metrics === null ? {} : { observer: metrics }),
  })
  const sync = new ZoneSync({
    db,
    backends,
    publisher,
    logger,
    holds: (zone) => leases.holds(zone),
    ownership,
    ...(metrics === null ? {} : { observer: metrics }),
    zones: zoneApexes(context),
  })
  warnNameServersWithoutAddress(config, logger)
  warnNestedZones(config, logger)
  undo.push(
    () => {
      publisher.close()
    },
    () => leases.stop(),
  )
  // Leases first: the start-up load and resync are done only for the zones this instance won.
  await leases.tick()
  const loadProblem = await sync.loadAll()
  if (loadProblem !== undefined) return err(loadProblem)
  leases.start()
  sync.start(1000)
  const lanSync = new LanSync({
    db,
    zones: context.zones,
    index: feed?.lanTarget(index) ?? index,
    logger,
  })
  undo.push(
    () => {
      sync.stop()
    },
    () => {
      lanSync.stop()
    },
  )
  await lanSync.tick()
  lanSync.start(1000)

  const { store, sqlStore, lockoutStore, seen } = updateStores(db, context, logger)
  undo.push(() => seen?.stop())
  // Rate-limit counters shared with the other instances (undefined: counted here alone).
  const rateCounters = startSharedCounters(config, db, systemClock, (step, e, inARow) => {
    logger.warn({ err: e, job: 'rate-counter-sync', step, inARow }, 'rate counter sync failed')
  })
  undo.push(() => rateCounters?.close())
  const { guard, gate } = createGuards(config, {
    store,
    lockoutStore,
    hasher: context.hasher,
    passwords: createArgon2Hasher(),
    clock: systemClock,
    onLocked: (event) => {
      logger.warn({ subject: event.subject, client: event.clientIp, until: event.until }, 'lockout')
      notifier.lockedOut(event)
    },
    ...(rateCounters === undefined ? {} : { counters: rateCounters }),
  })
  // Idle rate-limit counters go, and lockouts that ended longer ago than the reset time.
  const guardSweep = setInterval(() => {
    guard.sweep()
    const before = systemClock.now().getTime() - config.security.lockout_reset_seconds * 1000
    sweepLockouts(db, new Date(before)).catch((e: unknown) => {
      logger.warn({ err: e, job: 'lockout-sweep' }, 'lockout sweep failed')
    })
  }, config.rate_limit.cleanup_interval_seconds * 1000)
  guardSweep.unref()
  const auditPrune = startAuditPrune(context)
  undo.push(() => {
    clearInterval(guardSweep)
    clearInterval(auditPrune)
  })
  // One address policy for every writer: HTTP updates, the REST API, the web UI, DNS UPDATE.
  const addressPolicy = createAddressPolicy(config.update)
  const updates = new UpdateService({
    store,
    gate,
    publisher,
    clock: systemClock,
    maxHosts: config.update.max_hosts,
    answerDeadlineMs: config.update.answer_deadline_ms,
    txtTtlSeconds: config.update.txt_ttl_seconds,
    notifier,
    guard,
    addressPolicy,
    failures: new SqlFailureHistory(db, (e) => {
      logger.warn({ err: e }, 'recording a failed update failed')
    }),
  })
  const clientIp = createClientIp({
    header: config.http.proxy_header,
    trusted: config.http.trusted_proxies,
    onUntrustedProxy: (peer, header) => {
      logger.warn(
        { peer, header },
        'requests from this host carry forwarding headers, but http.trusted_proxies does not ' +
          'name it: every client behind this proxy shares its address (list the proxy there)',
      )
    },
  })
  const metricsAllow = parseCidrs(config.metrics.allow)
  const dialects = createDialects(dialectSettings(config, () => systemClock.now()))
  // Web UI sessions and stores, shared by the HTTP and HTTPS listeners (and the REST API).
  const web = createWebDeps({
    db,
    store: new SqlAccountStore(
      db,
      context.zones.map((z) => z.name),
    ),
    hasher: context.hasher,
    accounts: context.accounts,
    lockouts: context.lockouts,
    auditLog: context.auditLog,
    clock: systemClock,
    clientIp,
    gate,
  })
  const build = (https?: TlsFiles): FastifyInstance => {
    const app = buildHttpApp({
      dialects,
      updates,
      logger,
      clientIp,
      logRequests: config.log.requests,
      audit: context.audit,
      services: [
        acmeDnsRegisterRoute(new AcmeRegistrar({ gate, store, accounts: context.accounts })),
      ],
      ...(https === undefined ? {} : { https }),
      ...(metrics === null
        ? {}
        : {
            onUpdate: (dialect: string, results: readonly string[], seconds: number) => {
              metrics.updated(dialect, results, seconds)
            },
          }),
    })
    registerOpsRoutes(app, {
      metrics,
      metricsAllow,
      clientIp,
      readiness: () => readiness(db, publisher),
    })
    registerWebRoutes(app, web)
    registerApiRoutes(app, {
      accounts: context.accounts,
      lockouts: context.lockouts,
      zoneAdmin: context.zoneAdmin,
      auditLog: context.auditLog,
      accountStore: new SqlAccountStore(
        db,
        context.zones.map((z) => z.name),
      ),
      updateStore: store,
      gate,
      passwords: web.passwords,
      updates,
      clock: systemClock,
      logger,
      clientIp,
      sessions: web.sessions,
      guard,
    })
    return app
  }

  let dns: DnsServer | null = null
  let dnsWorkers: WorkerPool | null = null
  if (config.dns.enabled) {
    const keys = buildUpdateKeys(config.dns.update_keys, config.dns.allow_transfer_keys, (path) => {
      const loose = looseModeWarning(path, 'TSIG key file')
      if (loose !== undefined) logger.warn(loose)
      return readFileSync(path, 'utf8')
    })
    if (!keys.ok) return err(keys.error)
    const recordUpdates = new RecordUpdateService({
      store: new SqlRecordStore(db, context.zones),
      publisher,
      clock: systemClock,
      answerDeadlineMs: config.update.answer_deadline_ms,
      txtTtlSeconds: config.update.txt_ttl_seconds,
      addressPolicy,
    })
    const started = await startDnsServer({
      host: config.dns.listen,
      port: config.dns.port,
      index,
      logger,
      ...(feed === null ? {} : { udp: false }),
      ...(config.dns.rrl.enabled
        ? {
            rrl: {
              responsesPerSecond: config.dns.rrl.responses_per_second,
              slip: config.dns.rrl.slip,
              exempt: parseCidrs(config.dns.rrl.exempt),
            },
          }
        : {}),
      ...(metrics === null
        ? {}
        : {
            onAnswer: (transport: 'udp' | 'tcp', rcode: number) => {
              metrics.answered(transport, rcode)
            },
          }),
      onFailure: died,
      update: {
        keys: keys.value,
        updates: recordUpdates,
        now: () => systemClock.now().getTime() / 1000,
        logger,
        // A bad TSIG MAC counts in the address's failure budget, like any bad credential.
        keyFailed: (client) => {
          const ip = parseIp(client)
          if (ip.ok) gate.keyChecked('dns-update', ip.value, false)
        },
      },
      transfer: {
        source: index,
        allow: parseCidrs(config.dns.allow_transfer),
        allowKeys: config.dns.allow_transfer_keys.map((k) => k.toLowerCase().replace(/\.$/, '')),
      },
    })
    if (!started.ok) return err(started.error.message)
    dns = started.value
    undo.push(() => started.value.close())
    if (feed !== null) {
      const pool = await startWorkers(context, feed, workers, started.value, metrics, died)
      if (!pool.ok) return err(pool.error)
      dnsWorkers = pool.value
      undo.push(() => pool.value.close())
    }
  }
  // After the server listens: secondaries answer a NOTIFY by querying it at once.
  const notifications = notifySecondaries(
    index,
    config.dns.enabled ? config.dns.notify : [],
    logger,
  )
  undo.push(() => notifications.close())
  const listeners = await startHttpListeners(config, build, logger, died)
  if (!listeners.ok) return err(listeners.error)
  undo.push(() => listeners.value.close())
  const { http, httpPort, httpsPort } = listeners.value
  const txtExpiry = new TxtExpiry({
    store: sqlStore,
    publisher,
    clock: systemClock,
    logger,
    publishDeadlineMs: config.update.answer_deadline_ms,
  })
  txtExpiry.start(sweepIntervalMs(config.update.txt_ttl_seconds))
  const hostExpiry = new HostExpiry({
    store: {
      // Marks written behind are written first: a host pinged a moment ago is not expired.
      expireHosts: async (at) => {
        await seen?.flush()
        return expireHosts(db, context.zones, at)
      },
    },
    publisher,
    clock: systemClock,
    logger,
    notifier,
    publishDeadlineMs: config.update.answer_deadline_ms,
  })
  hostExpiry.start(config.expiry.interval_seconds * 1000)
  notifier.start(digestIntervalMs(config.notify.auth_failure_window_seconds))
  const close = async (): Promise<void> => {
    clearInterval(guardSweep)
    txtExpiry.stop()
    hostExpiry.stop()
    sync.stop()
    lanSync.stop()
    await listeners.value.close()
    await rateCounters?.close()
    await seen?.stop().catch((e: unknown) => {
      logger.warn({ err: e }, 'writing last-seen marks failed')
    })
    // SIGTERM drain: no new updates arrive now; give queued pushes a bounded time to land.
    // What is still pending stays committed in the store and the next start's resync sends it.
    const left = await publisher.flush(SHUTDOWN_DRAIN_MS)
    if (left > 0) logger.warn({ pending: left }, 'publisher not drained; the next start resyncs')
    publisher.close()
    // Released after the drain: another instance takes the zones over at once and resyncs.
    await leases.stop()
    notifier.close()
    await notifications.close()
    await dnsWorkers?.close()
    await dns?.close()
    await closeBackends(backends)
  }
  return ok({
    context,
    http,
    httpPort,
    httpsPort,
    dns,
    updates,
    gate,
    reloadCertificates: (reason) => listeners.value.reloadCertificates(reason),
    failed,
    close,
  })
}

/**
 * What keeps the server from being ready: the store not answering, a backend failing, a zone
 * another cluster publishes (seen by whichever instance holds its lease, shown by all).
 */
async function readiness(db: Kysely<Database>, publisher: Publisher): Promise<ReadinessProblem[]> {
  const problems: ReadinessProblem[] = []
  try {
    await sql`select 1`.execute(db)
    for (const [zone, owner] of await ownerConflicts(db)) {
      problems.push({
        component: `zone ${zone}`,
        message: `published by another dynzone cluster (${owner}); nothing is pushed to it until dynzone zone claim`,
      })
    }
  } catch (e) {
    problems.push({ component: 'store', message: (e as Error).message })
  }
  for (const zone of publisher.health()) {
    if (zone.lastError !== null) {
      problems.push({
        component: `zone ${zone.zone}`,
        message: `${zone.lastError} (${String(zone.pending)} changes waiting)`,
      })
    }
  }
  return problems
}

/**
 * The update path's stores: reads from memory while the database's cache epochs hold
 * (`update.cache_entries`), last-seen marks of unchanged pings written behind
 * (`update.seen_flush_ms`).
 */
function updateStores(
  db: Kysely<Database>,
  context: Context,
  logger: Logger,
): {
  store: UpdateStore
  sqlStore: SqlUpdateStore
  lockoutStore: LockoutStore
  seen: SeenMarks | undefined
} {
  const { cache_entries: entries, seen_flush_ms: flushMs } = context.config.update
  const seen =
    flushMs > 0
      ? new SeenMarks(db, (e) => {
          logger.warn({ err: e }, 'writing last-seen marks failed; kept for the next try')
        })
      : undefined
  seen?.start(flushMs)
  const sqlStore = new SqlUpdateStore(db, context.zones, seen)
  const lockouts = new SqlLockoutStore(db)
  if (entries === 0) return { store: sqlStore, sqlStore, lockoutStore: lockouts, seen }
  const probe = new EpochProbe(db)
  return {
    store: new CachedUpdateStore(sqlStore, {
      probe,
      maxEntries: entries,
      keepWarm: sqlDialect(db) === 'sqlite',
    }),
    sqlStore,
    lockoutStore: new CachedLockoutStore(lockouts, probe, entries),
    seen,
  }
}

/** Releases every backend's sockets and timers (each backend's own `close`). */
async function closeBackends(backends: ReadonlyMap<Fqdn, DnsBackend>): Promise<void> {
  await Promise.all([...backends.values()].map((b) => b.close()))
}

/** One backend per served zone, from the registry; on failure those already built are closed. */
async function createBackends(
  context: Context,
  index: ZoneIndex,
  feed: ReplicaFeed | null,
): Promise<Result<Map<Fqdn, DnsBackend>, string>> {
  const backends = new Map<Fqdn, DnsBackend>()
  for (const zone of context.zones) {
    const z = context.config.zones.find((c) => c.name === zone.name)
    const factory = z === undefined ? undefined : backendFactory(z.backend)
    if (z === undefined || factory === undefined) {
      await closeBackends(backends)
      return err(`zone ${zone.name}: unknown backend`)
    }
    const deps = { index, logger: context.logger }
    const backend = factory.create({ name: zone.name, ttl: zone.ttl }, z.settings, deps)
    // The built-in index is copied in the DNS workers: its changes go to them too.
    backends.set(
      zone.name,
      feed !== null && backend.kind === 'builtin' ? feed.replicated(backend) : backend,
    )
  }
  return ok(backends)
}

/** Starts `dns.workers` processes answering UDP on the server's port. */
function startWorkers(
  context: Context,
  feed: ReplicaFeed,
  count: number,
  server: DnsServer,
  metrics: Metrics | null,
  onGiveUp: (reason: string) => void,
): Promise<Result<WorkerPool, string>> {
  const { config, logger } = context
  const builtin = new Set(config.zones.filter((z) => z.backend === 'builtin').map((z) => z.name))
  const rrl = config.dns.rrl
  return startDnsWorkers({
    count,
    feed,
    server,
    database: config.database,
    apexes: zoneApexes(context).filter((a) => builtin.has(a.zone.name)),
    rrl: rrl.enabled
      ? { responsesPerSecond: rrl.responses_per_second, slip: rrl.slip, exempt: rrl.exempt }
      : null,
    logger,
    onGiveUp,
    ...(metrics === null
      ? {}
      : {
          onCounts: (worker: number, udp: readonly number[]) => {
            udp.forEach((n, rcode) => {
              if (n > 0) metrics.answered('udp', rcode, n)
            })
            metrics.workerAnswered(
              worker,
              udp.reduce((a, b) => a + b, 0),
            )
          },
        }),
  })
}

/** The apex data (SOA, NS, NS addresses) of each served zone, from the config. */
function zoneApexes(context: Context): ZoneApex[] {
  return context.zones.map((zone) => {
    const z = context.config.zones.find((c) => c.name === zone.name)
    if (z === undefined) throw new Error(`zone ${zone.name} missing from config`)
    return {
      zone,
      ns: z.ns as Fqdn[],
      rname: z.soa_rname,
      refresh: z.refresh,
      retry: z.retry,
      expire: z.expire,
      minimum: z.minimum,
      nsAddresses: z.ns_addresses,
    }
  })
}

/** Warns about in-zone name servers that nobody could reach: they have no address. */
function warnNameServersWithoutAddress(config: Config, logger: Logger): void {
  for (const z of config.zones) {
    for (const ns of nsWithoutAddress(z.name, z.ns, z.ns_addresses)) {
      logger.warn(
        { zone: z.name, ns },
        `name server ${ns} is inside its zone but has no address: add it to the zone's ns_addresses`,
      )
    }
  }
}

/**
 * Warns about a zone inside another: its names belong to the inner zone (the longest match),
 * and resolvers find them only if the outer zone delegates the inner one (NS records there),
 * which dynzone does not add.
 */
function warnNestedZones(config: Config, logger: Logger): void {
  for (const { outer, inner } of nestedZones(config.zones.map((z) => z.name))) {
    logger.warn(
      { zone: inner, outer },
      `zone ${inner} is inside zone ${outer}: hosts under ${inner} belong to it, and ${outer} must delegate it (NS records) for resolvers to find them`,
    )
  }
}

/** CIDR lists from the config (already validated there). */
function parseCidrs(list: readonly string[]): Cidr[] {
  return list.flatMap((c) => {
    const r = parseCidr(c)
    return r.ok ? [r.value] : []
  })
}

/** Deletes audit events past `audit.retention_days`, at start and then hourly. */
function startAuditPrune(context: Context): NodeJS.Timeout {
  const { db, logger, config } = context
  const prune = (): void => {
    const before = systemClock.now().getTime() - config.audit.retention_days * 86_400_000
    pruneAudit(db, new Date(before)).then(
      (n) => {
        if (n > 0) logger.info({ job: 'audit-prune', deleted: n }, 'old audit events deleted')
      },
      (e: unknown) => {
        logger.warn({ err: e, job: 'audit-prune' }, 'audit prune failed')
      },
    )
  }
  prune()
  const timer = setInterval(prune, 3_600_000)
  timer.unref()
  return timer
}

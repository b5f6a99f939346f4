/**
 * Starter: the update path every door shares. Its stores (read from memory while the
 * database's cache epochs hold, last-seen marks written behind), the abuse guard and the
 * credential gate (counters shared with the other instances when configured), the update
 * service, and their upkeep: idle counters and old lockouts swept, old audit events pruned.
 */
import type { AddressPolicy } from '../core/addresses/address-policy.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import type { LockoutStore } from '../core/auth/lockout.ts'
import type { UpdateStore } from '../core/ports.ts'
import type { AbuseGuard } from '../core/rate-limit/rate-limit-guard.ts'
import { createAddressPolicy, createGuards } from '../core/rate-limit/rate-limit-setup.ts'
import { ok, type Result } from '../core/result.ts'
import type { UpdateService } from '../core/update/update-service.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import type { Publisher } from '../publisher/publisher.ts'
import { pruneAudit } from '../store/audit-store.ts'
import { CachedLockoutStore, CachedUpdateStore } from '../store/cached-update-store.ts'
import { EpochProbe } from '../store/cache-epochs.ts'
import { SqlFailureHistory } from '../store/failure-history.ts'
import { SqlLockoutStore, sweepLockouts } from '../store/lockout-store.ts'
import { startSharedCounters } from '../store/rate-counter-store.ts'
import { RequestLog } from '../store/request-log.ts'
import { SeenMarks } from '../store/seen-marks.ts'
import { sqlDialect } from '../store/sql-dialect.ts'
import { SqlUpdateStore } from '../store/update-store.ts'
import { buildUpdateService, systemClock } from './builders.ts'
import type { ServerContext } from './context.ts'
import { Lifecycle, type Started } from './lifecycle.ts'

/** What the doors (HTTP, DNS UPDATE) and the jobs get from the update path. */
export interface UpdatePath {
  /** The store behind the update service (cached when `update.cache_entries` > 0). */
  readonly store: UpdateStore
  /** The SQL store itself, for the jobs that sweep it. */
  readonly sqlStore: SqlUpdateStore
  /** Last-seen marks written behind (`update.seen_flush_ms`), or none. */
  readonly seen: SeenMarks | undefined
  readonly guard: AbuseGuard
  /** The guarded credential check every door shares. */
  readonly gate: CredentialGate
  /** One address policy for every writer: HTTP updates, the REST API, the web UI, DNS UPDATE. */
  readonly addressPolicy: AddressPolicy
  readonly updates: UpdateService
  /** The router inspector's requests per host, written behind. */
  readonly requests: RequestLog
}

/** How often the router inspector's waiting requests are written. */
const REQUEST_FLUSH_MS = 2000

/** Builds the update path and starts its upkeep timers. */
export function startUpdatePath(
  context: ServerContext,
  publisher: Publisher,
  notifier: NotificationService,
): Result<Started<UpdatePath>, string> {
  const { logger } = context
  // What is started here stops in reverse, also when a later step throws.
  const parts = new Lifecycle((part, e) => {
    logger.warn({ err: e, part }, 'stopping the update path failed')
  })
  try {
    return ok(startParts(context, publisher, notifier, parts))
  } catch (e) {
    void parts.close('undo')
    throw e
  }
}

function startParts(
  context: ServerContext,
  publisher: Publisher,
  notifier: NotificationService,
  parts: Lifecycle,
): Started<UpdatePath> {
  const { config, db, logger } = context
  const { store, sqlStore, lockoutStore, seen } = updateStores(context)
  parts.push('last-seen marks', () =>
    seen?.stop().catch((e: unknown) => {
      logger.warn({ err: e }, 'writing last-seen marks failed')
    }),
  )
  // Rate-limit counters shared with the other instances (undefined: counted here alone).
  const rateCounters = startSharedCounters(config, db, systemClock, (step, e, inARow) => {
    logger.warn({ err: e, job: 'rate-counter-sync', step, inARow }, 'rate counter sync failed')
  })
  parts.push('rate counters', () => rateCounters?.close())
  const { guard, gate } = createGuards(config, {
    store,
    lockoutStore,
    hasher: context.hasher,
    passwords: context.passwords,
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
  parts.push('guard sweep', () => {
    clearInterval(guardSweep)
  })
  const auditPrune = startAuditPrune(context)
  parts.push('audit prune', () => {
    clearInterval(auditPrune)
  })
  const addressPolicy = createAddressPolicy(config.update)
  const requests = new RequestLog(
    db,
    (e) => {
      logger.warn({ err: e }, 'writing the router inspector failed')
    },
    () => systemClock.now(),
  )
  requests.start(REQUEST_FLUSH_MS)
  parts.push('router inspector', () => requests.stop())
  const updates = buildUpdateService(config, {
    store,
    gate,
    publisher,
    notifier,
    guard,
    addressPolicy,
    requests,
    failures: new SqlFailureHistory(db, (e) => {
      logger.warn({ err: e }, 'recording a failed update failed')
    }),
  })
  return {
    value: { store, sqlStore, seen, guard, gate, addressPolicy, updates, requests },
    close: (reason) => parts.close(reason),
  }
}

/**
 * The update path's stores: reads from memory while the database's cache epochs hold
 * (`update.cache_entries`), last-seen marks of unchanged pings written behind
 * (`update.seen_flush_ms`).
 */
function updateStores(context: ServerContext): {
  store: UpdateStore
  sqlStore: SqlUpdateStore
  lockoutStore: LockoutStore
  seen: SeenMarks | undefined
} {
  const { db, logger } = context
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

/** Deletes audit events past `audit.retention_days`, at start and then hourly. */
function startAuditPrune(context: ServerContext): NodeJS.Timeout {
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

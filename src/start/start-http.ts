/**
 * Starter: the HTTP listener (and HTTPS beside it) with every route: the update dialects,
 * ops (health, readiness, metrics), the web UI and the REST API.
 */
import type { FastifyInstance } from 'fastify'
import { sql, type Kysely } from 'kysely'
import { registerApiRoutes } from '../api/register.ts'
import { AcmeRegistrar } from '../core/accounts/acme-register.ts'
import { ok, type Result } from '../core/result.ts'
import { acmeDnsRegisterRoute } from '../dialects/acme-dns/register.ts'
import { createDialects } from '../dialects/registry.ts'
import { dialectSettings } from '../config/dialect-settings.ts'
import { buildHttpApp } from '../http/app.ts'
import { createClientIp, type ClientIp } from '../http/client-ip.ts'
import { startHttpListeners, type HttpListeners } from '../http/listeners.ts'
import { registerOpsRoutes, type ReadinessProblem } from '../http/ops-routes.ts'
import type { TlsFiles } from '../http/tls.ts'
import type { NotificationService } from '../notifications/notification-service.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { QueryRateSampler } from '../observability/query-rate.ts'
import type { Publisher } from '../publisher/publisher.ts'
import { buildZoneRecords } from './zone-records.ts'
import type { Database } from '../store/schema.ts'
import { SqlWebSessionStore } from '../store/web-session-store.ts'
import { ownerConflicts } from '../store/zone-ownership.ts'
import { createWebDeps, registerWebRoutes } from '../web/routes.ts'
import { parseCidrs, systemClock } from './builders.ts'
import type { ServerContext } from './context.ts'
import type { Started } from './lifecycle.ts'
import type { UpdatePath } from './start-update-path.ts'

/** What the routes serve from. */
export interface HttpParts {
  readonly publisher: Publisher
  readonly update: UpdatePath
  readonly metrics: Metrics | null
  /** The dashboard's DNS queries per second (no built-in server: null). */
  readonly queryRates: QueryRateSampler | null
  /** Sends account mails (invitations). */
  readonly notifier: Pick<NotificationService, 'accountMail'>
  /** Told when a listener stops on its own. */
  readonly died: (reason: string) => void
}

/** Builds the app (once per listener) and starts the listeners. */
export async function startHttp(
  context: ServerContext,
  p: HttpParts,
): Promise<Result<Started<HttpListeners>, string>> {
  const { config, logger } = context
  const build = appBuilder(context, p, clientAddress(config, logger))
  const listeners = await startHttpListeners(config, build, logger, p.died)
  if (!listeners.ok) return listeners
  return ok({ value: listeners.value, close: () => listeners.value.close() })
}

/** The client's address, walked through `http.trusted_proxies` (src/http/client-ip.ts). */
function clientAddress(config: ServerContext['config'], logger: Logger): ClientIp {
  return createClientIp({
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
}

// The parts built once and shared by the HTTP and HTTPS apps: the dialects, the web UI's
// sessions (shared with the REST API), the client address.
function appBuilder(
  context: ServerContext,
  { publisher, update, metrics, queryRates, notifier }: HttpParts,
  clientIp: ClientIp,
): (https?: TlsFiles) => FastifyInstance {
  const { config, logger, db } = context
  const { updates, gate, guard, store, requests } = update
  const metricsAllow = parseCidrs(config.metrics.allow)
  const dialects = createDialects(dialectSettings(config, () => systemClock.now()))
  // The doors' static-records service publishes its changes (the CLI's only commits); the
  // web UI and the REST API share this one instance.
  const zoneRecords = buildZoneRecords(config, db, context.served, publisher)
  const web = createWebDeps({
    sessionStore: new SqlWebSessionStore(db),
    store: context.accountStore,
    passwords: context.passwords,
    hasher: context.hasher,
    accounts: context.accounts,
    lockouts: context.lockouts,
    auditLog: context.auditLog,
    clock: systemClock,
    clientIp,
    gate,
    updates,
    guard,
    secondFactors: context.secondFactors,
    passkeys: context.passkeys,
    requireSecondFactor: config.web.require_second_factor,
    requests,
    queryRates,
    invites: {
      service: context.invitations,
      publicUrl: config.web.public_url.replace(/\/+$/, ''),
      mail: (to, values) => notifier.accountMail('invitation', to, values),
    },
    zoneRecords,
  })
  const registrar = new AcmeRegistrar({ gate, store, accounts: context.accounts })
  return (https) => {
    const app = buildHttpApp({
      dialects,
      updates,
      logger,
      clientIp,
      logRequests: config.log.requests,
      audit: context.audit,
      services: [acmeDnsRegisterRoute(registrar)],
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
      accountStore: context.accountStore,
      updateStore: store,
      gate,
      passwords: context.passwords,
      updates,
      clock: systemClock,
      logger,
      clientIp,
      sessions: web.sessions,
      guard,
      requests,
      zoneRecords,
    })
    return app
  }
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

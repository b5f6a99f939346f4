/**
 * The composition root: the one place that constructs and wires dynzone's parts (the DNS
 * workers' processes have their own, src/dns-worker-main.ts). `openContext` gives the CLI
 * the services over an open store (and the server its database handle); `startServer` starts the server's parts in order, each with
 * its own teardown on one lifecycle stack (src/start/).
 */
import type { RequestReads } from './core/update/request-trace.ts'
import type { FastifyInstance } from 'fastify'
import type { DnsServer } from './authoritative/server.ts'
import type { CredentialGate } from './core/auth/credential-gate.ts'
import { type Result } from './core/result.ts'
import type { UpdateService } from './core/update/update-service.ts'
import { Metrics } from './observability/metrics.ts'
import { QueryCount } from './observability/query-rate.ts'
import type { Context, ServerContext } from './start/context.ts'
import { Lifecycle, startAll } from './start/lifecycle.ts'
import {
  startDns,
  startNotify,
  startQueryRate,
  startWorkers,
  planWorkers,
} from './start/start-dns.ts'
import { startHttp } from './start/start-http.ts'
import { startJobs } from './start/start-jobs.ts'
import { startNotifier } from './start/start-notifier.ts'
import { startBackends, startPublishing, startZoneSync } from './start/start-publishing.ts'
import { startUpdatePath } from './start/start-update-path.ts'

export { openContext, type Context } from './start/context.ts'
export {
  copySqliteInto,
  databaseFromUrl,
  describeDatabase,
  type DatabaseSettings,
} from './start/db-tools.ts'

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
  /** The router inspector's reads (src/core/update/request-trace.ts). */
  readonly requests: RequestReads
  /** Re-reads the HTTPS certificate files; false when the new pair was refused. */
  reloadCertificates(reason: string): boolean
  /**
   * Resolves with the reason once a listener (HTTP, HTTPS, DNS TCP, the DNS workers) stops
   * serving on its own; the server is then only half there and must be stopped.
   */
  readonly failed: Promise<string>
  /**
   * Stops everything, last started first: the jobs and listeners (nothing new is written),
   * then the update path, then the publisher drains its queues (bounded), then the leases,
   * backends and notifier. Idempotent.
   */
  close(): Promise<void>
}

/**
 * Starts everything `dynzone serve` runs. A step that fails or throws undoes every step started
 * before it, in reverse order, so a server that cannot start holds no port, socket or worker.
 */
export async function startServer(context: ServerContext): Promise<Result<RunningServer, string>> {
  const { config, logger } = context
  const life = new Lifecycle((part, e) => {
    logger.warn({ err: e, part }, 'stopping a part failed')
  })
  // The first listener to stop on its own settles `failed`; later ones add nothing.
  let died: (reason: string) => void = () => undefined
  const failed = new Promise<string>((resolve) => (died = resolve))
  const metrics = config.metrics.enabled ? new Metrics() : null
  // dns.workers: every change to the index also goes to the worker processes.
  const workers = planWorkers(context)
  const onBug = (e: unknown, errorId: string): void => {
    logger.error({ err: e, errorId }, 'start-up failed')
  }
  return startAll(
    life,
    async (start) => {
      const notifier = await start('notifier', () => startNotifier(context))
      const backends = await start('backends', () => startBackends(context, workers.feed))
      const publishing = await start('publisher', () =>
        startPublishing(context, backends, workers.feed, metrics),
      )
      const { publisher } = publishing
      await start('zone sync', () => startZoneSync(publishing))
      const update = await start('update path', () => startUpdatePath(context, publisher, notifier))
      const parts = {
        index: backends.index,
        bridged: backends.bridged,
        publisher,
        update,
        workers,
        metrics,
        queries: new QueryCount(),
        died,
        notifier,
      }
      const dns = await start('dns', () => startDns(context, parts))
      await start('dns workers', () => startWorkers(context, dns, parts))
      const queryRates = await start('dns query rate', () => startQueryRate(dns, parts.queries))
      // After the server listens: secondaries answer a NOTIFY by querying it at once.
      await start('notify', () => startNotify(context, backends.index))
      const listeners = await start('http', () => startHttp(context, { ...parts, queryRates }))
      await start('jobs', () => startJobs(context, publisher, update, notifier))
      return {
        context,
        http: listeners.http,
        httpPort: listeners.httpPort,
        httpsPort: listeners.httpsPort,
        dns,
        updates: update.updates,
        gate: update.gate,
        requests: update.requests,
        reloadCertificates: (reason: string) => listeners.reloadCertificates(reason),
        failed,
        close: () => life.close('stop'),
      }
    },
    onBug,
  )
}

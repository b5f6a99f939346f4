/**
 * `dns.workers` for the composition root: how many, and starting them with the settings
 * they need (the store to read, the built-in zones, the listen address, RRL) and the
 * main process's answers and metrics to feed.
 */
import { availableParallelism } from 'node:os'
import type { ZoneApex } from '../../jobs/zone-snapshot.ts'
import type { Result } from '../../core/result.ts'
import type { DatabaseSettings } from '../../store/database.ts'
import type { DnsLogger, DnsServer } from '../server.ts'
import { plainDatabase } from './protocol.ts'
import { ReplicaFeed } from './replica-feed.ts'
import { startWorkerPool, type WorkerPool } from './worker-pool.ts'

/** How often workers report their answer counts. */
const REPORT_MS = 1000
// Workers get at least this long to acknowledge a change, whatever the answer deadline.
const MIN_ACK_MS = 1000

/** The number of worker processes `dns.workers` asks for ("auto": one per core). */
export function workerCount(setting: number | 'auto', cores = availableParallelism()): number {
  return setting === 'auto' ? cores : setting
}

/** The feed of index changes to the workers; publishes wait at most `answerDeadlineMs`. */
export function createFeed(answerDeadlineMs: number, logger: DnsLogger): ReplicaFeed {
  return new ReplicaFeed(Math.max(answerDeadlineMs, MIN_ACK_MS), logger)
}

/** Everything `startDnsWorkers` needs. */
export interface DnsWorkersOptions {
  /** The worker's entry module (a composition root: src/dns-worker-main.ts). */
  readonly entry: string
  readonly count: number
  readonly feed: ReplicaFeed
  /** The main process's server (TCP only), which answers what workers hand over. */
  readonly server: DnsServer
  readonly database: DatabaseSettings
  /** The built-in server's zones. */
  readonly apexes: readonly ZoneApex[]
  readonly rrl: { responsesPerSecond: number; slip: number; exempt: readonly string[] } | null
  readonly logger: DnsLogger
  readonly onCounts?: (worker: number, udp: readonly number[]) => void
  /** The workers stopped for good (one kept dying); the server should stop. */
  readonly onGiveUp?: (reason: string) => void
}

/** Forks the workers on the server's port; resolves once all of them answer. */
export function startDnsWorkers(o: DnsWorkersOptions): Promise<Result<WorkerPool, string>> {
  return startWorkerPool({
    entry: o.entry,
    count: o.count,
    feed: o.feed,
    answer: (query, client) => o.server.answerUdp(query, client),
    logger: o.logger,
    ...(o.onCounts === undefined ? {} : { onCounts: o.onCounts }),
    ...(o.onGiveUp === undefined ? {} : { onGiveUp: o.onGiveUp }),
    settings: {
      host: o.server.host,
      port: o.server.port,
      database: plainDatabase(o.database),
      apexes: o.apexes,
      rrl: o.rrl,
      reportMs: REPORT_MS,
    },
  })
}

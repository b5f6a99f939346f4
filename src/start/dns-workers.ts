/**
 * `dns.workers` for the starters: how many, the feed of index changes to them (with the
 * built-in backend wrapped so its loads and changes go through it), and starting them with
 * the settings they need (the store to read, the built-in zones, the listen address, RRL)
 * and the main process's answers and metrics to feed.
 */
import { availableParallelism } from 'node:os'
import type { DnsLogger, DnsServer } from '../authoritative/server.ts'
import type { IndexChange } from '../authoritative/workers/protocol.ts'
import { ReplicaFeed } from '../authoritative/workers/replica-feed.ts'
import { startWorkerPool, type WorkerPool } from '../authoritative/workers/worker-pool.ts'
import type { BackendError, DnsBackend } from '../backends/backend.ts'
import type { Result } from '../core/result.ts'
import type { ZoneApex } from '../jobs/zone-snapshot.ts'
import type { DatabaseSettings } from '../store/database.ts'
import { plainDatabase, type WorkerLoad } from './dns-worker-load.ts'

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

/** `backend` (the built-in one) with every load and change also sent to the workers. */
export function replicatedBackend(feed: ReplicaFeed, backend: DnsBackend): DnsBackend {
  const read = backend.read?.bind(backend)
  const after = async (
    r: Result<void, BackendError>,
    change: IndexChange,
  ): Promise<Result<void, BackendError>> => {
    if (r.ok) await feed.publish(change)
    return r
  }
  return {
    kind: backend.kind,
    types: backend.types,
    load: async (snapshot, signal) =>
      after(await backend.load(snapshot, signal), { t: 'load', snapshot }),
    ...streamed(feed, backend),
    apply: async (change, signal) =>
      after(await backend.apply(change, signal), { t: 'apply', change }),
    ...(read === undefined ? {} : { read }),
    close: () => backend.close(),
  }
}

// A streamed load (the start-up load of a big zone) passed through. Workers subscribed
// then (a reload later on, which the built-in backend does not do today) get the zone as
// read back from the backend, in one message.
function streamed(feed: ReplicaFeed, backend: DnsBackend): Pick<DnsBackend, 'loadStreamed'> {
  const inner = backend.loadStreamed?.bind(backend)
  if (inner === undefined) return {}
  const loadStreamed: DnsBackend['loadStreamed'] = async (head, fill, signal) => {
    let serial = head.soa.serial
    const r = await inner(head, async (take) => (serial = await fill(take)), signal)
    if (!r.ok || !feed.subscribed) return r
    const records = await backend.read?.(head.name, signal)
    if (records?.ok !== true) {
      // Stale replicas must not answer: restarted, they reload from the store.
      feed.killAll('zone reloaded but not readable back')
      return r
    }
    const snapshot = { ...head, soa: { ...head.soa, serial }, records: records.value }
    await feed.publish({ t: 'load', snapshot })
    return r
  }
  return { loadStreamed }
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
  return startWorkerPool<WorkerLoad>({
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
      load: { database: plainDatabase(o.database), apexes: o.apexes },
      rrl: o.rrl,
      reportMs: REPORT_MS,
    },
  })
}

/**
 * Starters: the built-in DNS server (UDP and TCP, DNS UPDATE, transfers), the `dns.workers`
 * processes answering UDP beside it, and the NOTIFY messages to secondaries.
 */
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { readFileSync } from 'node:fs'
import { notifySecondaries } from '../authoritative/notify/secondaries.ts'
import { startDnsServer, type DnsServer } from '../authoritative/server.ts'
import { buildUpdateKeys } from '../authoritative/update/update-keys.ts'
import type { BridgedZones } from '../authoritative/update/bridged-zones.ts'
import type { ReplicaFeed } from '../authoritative/workers/replica-feed.ts'
import type { WorkerPool } from '../authoritative/workers/worker-pool.ts'
import type { ZoneIndex } from '../authoritative/index/zone-index.ts'
import { parseIp } from '../core/addresses/addresses.ts'
import { err, ok, type Result } from '../core/result.ts'
import { RecordUpdateService } from '../core/update/record-update.ts'
import { zoneRecordPort } from '../core/update/zone-record-port.ts'
import { buildZoneRecords } from './zone-records.ts'
import type { Metrics } from '../observability/metrics.ts'
import { QueryRateSampler, type QueryCount } from '../observability/query-rate.ts'
import type { Publisher } from '../publisher/publisher.ts'
import { looseModeWarning } from '../security/file-mode.ts'
import { SqlRecordStore } from '../store/record-store.ts'
import { parseCidrs, systemClock, zoneApexes } from './builders.ts'
import type { ServerContext } from './context.ts'
import { createFeed, startDnsWorkers, workerCount } from './dns-workers.ts'
import type { Started } from './lifecycle.ts'
import type { UpdatePath } from './start-update-path.ts'

// The workers' entry, a composition root of its own beside main.ts: dns-worker-main.ts from
// source (tsx), dns-worker-main.js once built.
const DNS_WORKER_MAIN = fileURLToPath(
  new URL(`../dns-worker-main${extname(fileURLToPath(import.meta.url))}`, import.meta.url),
)

/** `dns.workers`: how many processes, and the feed of index changes to them (none: null). */
export interface WorkerPlan {
  readonly count: number
  readonly feed: ReplicaFeed | null
}

/** The worker plan from the config: none when DNS is off or `dns.workers` is 0. */
export function planWorkers(context: ServerContext): WorkerPlan {
  const { config, logger } = context
  const count = config.dns.enabled ? workerCount(config.dns.workers) : 0
  return { count, feed: count > 0 ? createFeed(config.update.answer_deadline_ms, logger) : null }
}

/** What the DNS server answers from and writes through. */
export interface DnsParts {
  readonly index: ZoneIndex
  /** Zones on other backends, whose SOA UPDATE clients look up here. */
  readonly bridged: BridgedZones
  readonly publisher: Publisher
  readonly update: UpdatePath
  readonly workers: WorkerPlan
  readonly metrics: Metrics | null
  /** The answered-query count the dashboard's queries per second sample (metrics or not). */
  readonly queries: QueryCount
  /** Told when a listener stops on its own. */
  readonly died: (reason: string) => void
}

/** Starts the built-in server when `dns.enabled` (null when not). */
export async function startDns(
  context: ServerContext,
  p: DnsParts,
): Promise<Result<Started<DnsServer | null>, string>> {
  const { config, logger } = context
  if (!config.dns.enabled) return ok({ value: null, close: () => undefined })
  const keys = buildUpdateKeys(config.dns.update_keys, config.dns.allow_transfer_keys, (path) => {
    const loose = looseModeWarning(path, 'TSIG key file')
    if (loose !== undefined) logger.warn(loose)
    return readFileSync(path, 'utf8')
  })
  if (!keys.ok) return err(keys.error)
  const recordUpdates = new RecordUpdateService({
    store: new SqlRecordStore(context.db, context.zones),
    publisher: p.publisher,
    clock: systemClock,
    answerDeadlineMs: config.update.answer_deadline_ms,
    txtTtlSeconds: config.update.txt_ttl_seconds,
    addressPolicy: p.update.addressPolicy,
    // Every name and type but hosts' dynamic data: the zone's static records.
    statics: zoneRecordPort(buildZoneRecords(config, context.db, context.served, p.publisher)),
  })
  const { metrics, update } = p
  const started = await startDnsServer({
    host: config.dns.listen,
    port: config.dns.port,
    index: p.index,
    logger,
    // With workers the main process binds no UDP socket of its own: they read it.
    ...(p.workers.feed === null ? {} : { udp: false }),
    ...(config.dns.rrl.enabled
      ? {
          rrl: {
            responsesPerSecond: config.dns.rrl.responses_per_second,
            slip: config.dns.rrl.slip,
            exempt: parseCidrs(config.dns.rrl.exempt),
          },
        }
      : {}),
    onAnswer: (transport: 'udp' | 'tcp', rcode: number) => {
      p.queries.add()
      metrics?.answered(transport, rcode)
    },
    onFailure: p.died,
    update: {
      keys: keys.value,
      updates: recordUpdates,
      now: () => systemClock.now().getTime() / 1000,
      logger,
      bridged: p.bridged,
      // A bad TSIG MAC counts in the address's failure budget, like any bad credential.
      keyFailed: (client) => {
        const ip = parseIp(client)
        if (ip.ok) update.gate.keyChecked('dns-update', ip.value, false)
      },
    },
    transfer: {
      source: p.index,
      allow: parseCidrs(config.dns.allow_transfer),
      allowKeys: config.dns.allow_transfer_keys.map((k) => k.toLowerCase().replace(/\.$/, '')),
    },
  })
  if (!started.ok) return err(started.error.message)
  const server = started.value
  return ok({ value: server, close: () => server.close() })
}

/** Starts `dns.workers` processes answering UDP on the server's port (none: null). */
export async function startWorkers(
  context: ServerContext,
  server: DnsServer | null,
  p: DnsParts,
): Promise<Result<Started<WorkerPool | null>, string>> {
  const { config, logger } = context
  const { feed, count } = p.workers
  if (server === null || feed === null) return ok({ value: null, close: () => undefined })
  const builtin = context.served.filter((s) => s.config.backend === 'builtin')
  const rrl = config.dns.rrl
  const { metrics } = p
  const pool = await startDnsWorkers({
    entry: DNS_WORKER_MAIN,
    count,
    feed,
    server,
    database: config.database,
    apexes: zoneApexes(builtin),
    rrl: rrl.enabled
      ? { responsesPerSecond: rrl.responses_per_second, slip: rrl.slip, exempt: rrl.exempt }
      : null,
    logger,
    onGiveUp: p.died,
    // The workers report their answers every second; they count here as the server's own.
    onCounts: (worker: number, udp: readonly number[]) => {
      const answered = udp.reduce((a, b) => a + b, 0)
      p.queries.add(answered)
      if (metrics === null) return
      udp.forEach((n, rcode) => {
        if (n > 0) metrics.answered('udp', rcode, n)
      })
      metrics.workerAnswered(worker, answered)
    },
  })
  if (!pool.ok) return err(pool.error)
  return ok({ value: pool.value, close: () => pool.value.close() })
}

/** Samples the server's answered queries every 10 s for the dashboard (no server: null). */
export function startQueryRate(
  server: DnsServer | null,
  queries: QueryCount,
): Result<Started<QueryRateSampler | null>, string> {
  if (server === null) return ok({ value: null, close: () => undefined })
  const sampler = new QueryRateSampler({
    read: () => queries.total,
    now: () => systemClock.now().getTime(),
  })
  return ok({
    value: sampler,
    close: () => {
      sampler.close()
    },
  })
}

/** NOTIFY to `dns.notify` secondaries; after the server listens, as they query it at once. */
export function startNotify(
  context: ServerContext,
  index: ZoneIndex,
): Result<Started<void>, string> {
  const { config, logger } = context
  const notifications = notifySecondaries(
    index,
    config.dns.enabled ? config.dns.notify : [],
    logger,
  )
  return ok({ value: undefined, close: () => notifications.close() })
}

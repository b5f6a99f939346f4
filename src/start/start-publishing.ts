/**
 * Starters: the backends (one per served zone) and the publishing around them (leases,
 * zone ownership, the publisher's queues, zone sync, LAN addresses), loaded before any
 * listener opens.
 */
import { hostname } from 'node:os'
import { nsWithoutAddress } from '../authoritative/index/ns-addresses.ts'
import { ZoneIndex } from '../authoritative/index/zone-index.ts'
import type { ReplicaFeed } from '../authoritative/workers/replica-feed.ts'
import type { DnsBackend } from '../backends/backend.ts'
import { backendFactory } from '../backends/registry.ts'
import type { Config } from '../config/schema.ts'
import { nestedZones, type Fqdn } from '../core/names.ts'
import { err, ok, type Result } from '../core/result.ts'
import { LanSync } from '../jobs/lan-sync.ts'
import { ZoneSync } from '../jobs/zone-sync.ts'
import { zoneHead } from '../jobs/zone-snapshot.ts'
import { zoneSerials } from '../store/zones.ts'
import { BridgedZones } from '../authoritative/update/bridged-zones.ts'
import type { Logger } from '../observability/logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import { SqlLeaseStore } from '../publisher/lease-store.ts'
import { LeaseKeeper } from '../publisher/lease.ts'
import { ZoneOwnership } from '../publisher/ownership.ts'
import { Publisher } from '../publisher/publisher.ts'
import { openSessionLocks } from '../publisher/session-locks.ts'
import {
  claimRequested,
  clearConflict,
  clusterId,
  recordConflict,
} from '../store/zone-ownership.ts'
import { systemClock, zoneApexes } from './builders.ts'
import type { ServerContext } from './context.ts'
import { replicatedBackend } from './dns-workers.ts'
import type { CloseReason, Started } from './lifecycle.ts'

/** How long shutdown waits for the publisher's queues (systemd's default stop timeout is 90 s). */
const SHUTDOWN_DRAIN_MS = 10_000

/** The built-in server's index, every zone's backend, and the zones served elsewhere. */
export interface Backends {
  readonly index: ZoneIndex
  readonly backends: ReadonlyMap<Fqdn, DnsBackend>
  /** Zones on other backends: their SOA for UPDATE clients, kept at the published serial. */
  readonly bridged: BridgedZones
}

/**
 * One backend per served zone, from the registry; with `dns.workers`, the built-in index's
 * changes also go to the workers' replicas through `feed`.
 */
export async function startBackends(
  context: ServerContext,
  feed: ReplicaFeed | null,
): Promise<Result<Started<Backends>, string>> {
  const index = new ZoneIndex()
  const backends = new Map<Fqdn, DnsBackend>()
  // Releases every backend's sockets and timers (each backend's own `close`).
  const close = async (): Promise<void> => {
    await Promise.all([...backends.values()].map((b) => b.close()))
  }
  for (const { zone, config: z } of context.served) {
    const factory = backendFactory(z.backend, index)
    if (factory === undefined) {
      await close()
      return err(`zone ${zone.name}: unknown backend`)
    }
    const deps = { logger: context.logger }
    const backend = factory.create({ name: zone.name, ttl: zone.ttl }, z.settings, deps)
    backends.set(
      zone.name,
      feed !== null && backend.kind === 'builtin' ? replicatedBackend(feed, backend) : backend,
    )
  }
  const bridged = new BridgedZones()
  const serials = await zoneSerials(context.db)
  for (const apex of zoneApexes(context.served.filter((s) => s.config.backend !== 'builtin'))) {
    bridged.set(zoneHead(apex, serials.get(apex.zone.name) ?? 1))
  }
  return ok({ value: { index, backends, bridged }, close })
}

/** What publishing gives the update path, DNS and the jobs. */
export interface Publishing {
  readonly publisher: Publisher
  readonly leases: LeaseKeeper
  readonly sync: ZoneSync
  readonly lanSync: LanSync
}

/**
 * Leases and ownership gate which zones this instance pushes; the publisher queues the pushes;
 * zone sync follows the store; LAN sync feeds split horizon. Closing drains the publisher on a
 * server's stop (bounded; what is left stays in the store and the next start resyncs it), then
 * releases the leases: everything that writes (listeners, jobs, syncs) sits above it.
 */
export async function startPublishing(
  context: ServerContext,
  { index, backends, bridged }: Backends,
  feed: ReplicaFeed | null,
  metrics: Metrics | null,
): Promise<Result<Started<Publishing>, string>> {
  const { config, logger, db } = context
  const shared = config.zones.filter((z) => z.backend !== 'builtin').map((z) => z.name)
  // Zones on a shared backend are pushed by one instance at a time (docs/deployment.md);
  // the built-in server is every instance's own and needs no lease.
  const cluster = await clusterId(db)
  // PostgreSQL and MariaDB: a dead holder's zones are taken as soon as its session is gone.
  const locks = openSessionLocks(config.database, cluster, config.cluster.lease_seconds)
  const leases = new LeaseKeeper({
    store: new SqlLeaseStore(db),
    ...(locks === undefined ? {} : { locks }),
    instanceId: config.cluster.instance_id || `${hostname()}:${String(config.http.port)}`,
    zones: shared,
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
  const zoneTtls = new Map(config.zones.map((z) => [z.name, z.ttl]))
  const ownership = new ZoneOwnership({
    cluster,
    logger,
    ttl: (zone) => zoneTtls.get(zone) ?? 60,
    store: {
      claimRequested: (zone) => claimRequested(db, zone),
      recordConflict: (zone, owner) => recordConflict(db, zone, owner),
      clearConflict: (zone) => clearConflict(db, zone),
    },
  })
  const holds = (zone: Fqdn): boolean => leases.holds(zone) && !ownership.refused(zone)
  const apexes = new Map(zoneApexes(context.served).map((a) => [a.zone.name, a]))
  metrics?.watchLeases(shared, holds)
  const publisher = new Publisher({
    backends,
    logger,
    gate: {
      holds,
      published: (zone, serial) => {
        leases.published(zone, serial)
        const apex = apexes.get(zone)
        if (apex !== undefined && bridged.has(zone)) bridged.set(zoneHead(apex, serial))
      },
      waitPublished: (zone, serial, ms) => leases.waitPublished(zone, serial, ms),
    },
    // Every push checks the zone still carries this cluster's marker.
    push: (backend, change, signal) => ownership.push(backend, change, signal),
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
    zones: zoneApexes(context.served),
  })
  const lanSync = new LanSync({
    db,
    zones: context.zones,
    index: feed?.lanTarget(index) ?? index,
    logger,
  })
  warnNameServersWithoutAddress(config, logger)
  warnNestedZones(config, logger)
  const close = async (reason: CloseReason): Promise<void> => {
    if (reason === 'stop') {
      // SIGTERM drain: nothing above still writes; give queued pushes a bounded time to land.
      // What is still pending stays committed in the store and the next start's resync sends it.
      const left = await publisher.flush(SHUTDOWN_DRAIN_MS)
      if (left > 0) logger.warn({ pending: left }, 'publisher not drained; the next start resyncs')
    }
    publisher.close()
    // Released after the drain: another instance takes the zones over at once and resyncs.
    await leases.stop()
  }
  return ok({ value: { publisher, leases, sync, lanSync }, close })
}

/**
 * Loads every zone this instance publishes (leases first: the start-up load and resync are
 * done only for the zones it won), then follows the store and the LAN addresses.
 */
export async function startZoneSync({
  leases,
  sync,
  lanSync,
}: Publishing): Promise<Result<Started<void>, string>> {
  await leases.tick()
  const loadProblem = await sync.loadAll()
  if (loadProblem !== undefined) return err(loadProblem)
  leases.start()
  sync.start(1000)
  await lanSync.tick()
  lanSync.start(1000)
  return ok({
    value: undefined,
    close: () => {
      sync.stop()
      lanSync.stop()
    },
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

/**
 * Keeps each zone's backend matching the store. At start it loads every zone whole (the
 * backend's start-up check: reachable, authoritative, key accepted) and then, where the
 * backend can read back, resyncs it: drift and anything committed but not published before a
 * crash are repaired. Afterwards it polls the zones table: a changed serial (the CLI, another
 * instance) is synced within `intervalMs`, and a `dynzone zone resync` request is answered
 * with a resync whose report goes back into the table. Runs never overlap. A zone another
 * cluster marked as its own (src/publisher/ownership.ts) is neither loaded nor repaired.
 */
import type { Kysely } from 'kysely'
import type { DnsBackend } from '../backends/backend.ts'
import type { RecordFeed } from '../authoritative/index/zone-load.ts'
import type { Fqdn } from '../core/names.ts'
import type { RecordSet } from '../core/records.ts'
import { err, ok, type Result } from '../core/result.ts'
import type { ZoneOwnership } from '../publisher/ownership.ts'
import type { Publisher, PublisherObserver } from '../publisher/publisher.ts'
import { describeResync, resyncZone, type OwnerCheck } from '../publisher/resync.ts'
import type { Database } from '../store/schema.ts'
import { readZone, streamZone, zoneSerials } from '../store/zones.ts'
import { hostNames, pendingResyncs, resyncHandled } from '../store/zone-resync.ts'
import type { Logger } from '../observability/logger.ts'
import { nsAddressFill, snapshot, zoneHead, type ZoneApex } from './zone-snapshot.ts'

export type { ZoneApex } from './zone-snapshot.ts'

/** Options of the zone sync job. */
export interface ZoneSyncOptions {
  readonly db: Kysely<Database>
  readonly zones: readonly ZoneApex[]
  readonly backends: ReadonlyMap<Fqdn, DnsBackend>
  readonly publisher: Publisher
  readonly logger: Logger
  readonly observer?: PublisherObserver
  /** Several instances: whether this one publishes the zone now (its lease); default yes. */
  readonly holds?: (zone: Fqdn) => boolean
  /** Checks the ownership marker of zones on a shared backend; absent: never checked. */
  readonly ownership?: ZoneOwnership
}

/** Loads zones into backends, resyncs them, and follows out-of-process changes. */
export class ZoneSync {
  readonly #options: ZoneSyncOptions
  #timer: NodeJS.Timeout | undefined
  #running = false
  readonly #abort = new AbortController()
  readonly #known = new Map<Fqdn, Set<Fqdn>>()
  readonly #knownKeys = new Map<Fqdn, Set<string>>()

  constructor(options: ZoneSyncOptions) {
    this.#options = options
  }

  /** Loads (checks) and resyncs every zone; returns the first failure. */
  async loadAll(): Promise<string | undefined> {
    for (const apex of this.#options.zones) {
      // Another instance publishes it; this one loads it when it wins the lease (`takeOver`).
      if (!this.#holds(apex.zone.name)) continue
      const problem = await this.takeOver(apex.zone.name)
      if (problem !== undefined) return problem
    }
    return undefined
  }

  /** Loads (checks) and resyncs one zone: at start, and when this instance wins its lease. */
  async takeOver(zone: Fqdn): Promise<string | undefined> {
    for (const apex of this.#options.zones.filter((z) => z.zone.name === zone)) {
      const backend = this.#options.backends.get(apex.zone.name)
      // The load writes the whole zone: not into one another cluster publishes (logged, and
      // shown by /readyz and `zone list`; the server runs on for its other zones).
      if (backend !== undefined && (await this.#othersZone(apex, backend))) continue
      // In the zone's turn: a load read from the store must not undo a newer push.
      const problem = await this.#options.publisher.exclusive(zone, () => this.#load(apex))
      if (problem !== undefined) return problem
      // The built-in index was just replaced whole from the store: nothing can have drifted.
      if (backend?.read === undefined || backend.kind === 'builtin') continue
      const r = await this.resync(apex.zone.name, true)
      if (!r.ok) return `zone ${apex.zone.name}: ${r.error}`
      // What a new holder found to repair (each RRset is also logged as `drift repaired`).
      this.#options.logger.info({ zone, result: r.value }, 'zone resynced on taking it over')
    }
    return undefined
  }

  /** Resyncs one zone (a whole load where the backend cannot read back); says what it did. */
  async resync(zone: Fqdn, countDrift: boolean): Promise<Result<string, string>> {
    const apex = this.#options.zones.find((z) => z.zone.name === zone)
    const backend = this.#options.backends.get(zone)
    if (apex === undefined || backend === undefined) return err(`zone ${zone} is not served`)
    if (backend.read === undefined) {
      const problem = await this.#options.publisher.exclusive(zone, () => this.#load(apex))
      if (problem !== undefined) return err(problem)
      return ok(`${backend.kind} backend cannot read back: loaded whole`)
    }
    const r = await resyncZone({
      zone,
      backend,
      publisher: this.#options.publisher,
      known: this.#knownOf(zone, backend),
      knownKeys: this.#knownKeysOf(zone),
      logger: this.#options.logger,
      countDrift,
      ...(this.#options.observer === undefined ? {} : { observer: this.#options.observer }),
      ...this.#ownerCheck(apex, backend),
      ...(backend.kind === 'builtin' ? { heldHosts: (held) => indexHosts(apex, held) } : {}),
      desired: async () => ({
        ...(await readZone(this.#options.db, apex.zone)),
        hosts: await hostNames(this.#options.db, apex.zone.id, zone),
      }),
    })
    return r.ok ? ok(describeResync(r.value)) : r
  }

  /** The ownership check of a zone on a shared backend, as `resyncZone` options. */
  #ownerCheck(apex: ZoneApex, backend: DnsBackend): { owner?: OwnerCheck } {
    const ownership = this.#options.ownership
    if (ownership === undefined || backend.kind === 'builtin') return {}
    const { name, ttl } = apex.zone
    return {
      owner: {
        judge: (held) => ownership.judge(name, ttl, held),
        settled: (wrote, held) => ownership.settled(name, wrote, held),
      },
    }
  }

  // True when the zone's marker names another cluster (read back in the zone's turn).
  async #othersZone(apex: ZoneApex, backend: DnsBackend): Promise<boolean> {
    const check = this.#ownerCheck(apex, backend).owner
    const read = backend.read?.bind(backend)
    if (check === undefined || read === undefined) return false
    const zone = apex.zone.name
    const judged = await this.#options.publisher.exclusive(zone, async (signal) => {
      const held = await read(zone, signal)
      // Unreadable: the load that follows reports why.
      return held.ok ? check.judge(held.value) : ok(undefined)
    })
    return !judged.ok
  }

  /** Starts polling. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.#tick(), intervalMs)
    this.#timer.unref()
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.#timer)
    this.#abort.abort()
  }

  async #tick(): Promise<void> {
    if (this.#running) return
    this.#running = true
    try {
      await this.#answerRequests()
      await this.#followSerials()
    } catch (e) {
      this.#options.logger.error({ err: e }, 'zone sync failed')
    } finally {
      this.#running = false
    }
  }

  #holds(zone: Fqdn): boolean {
    return this.#options.holds?.(zone) ?? true
  }

  async #answerRequests(): Promise<void> {
    for (const [zone, requestedAt] of await pendingResyncs(this.#options.db)) {
      if (!this.#options.zones.some((z) => z.zone.name === zone) || !this.#holds(zone)) continue
      const started = performance.now()
      const r = await this.resync(zone, true)
      const ms = Math.round(performance.now() - started)
      if (r.ok) this.#options.logger.info({ zone, ms, result: r.value }, 'zone resynced on request')
      else this.#options.logger.warn({ zone, ms, error: r.error }, 'zone resync failed')
      await resyncHandled(
        this.#options.db,
        zone,
        requestedAt,
        r.ok ? r.value : `failed: ${r.error}`,
      )
    }
  }

  async #followSerials(): Promise<void> {
    const serials = await zoneSerials(this.#options.db)
    for (const apex of this.#options.zones) {
      const name = apex.zone.name
      const serial = serials.get(name)
      const { publisher } = this.#options
      if (
        serial === undefined ||
        !this.#holds(name) ||
        // Left alone until `dynzone zone claim`, which files a resync request.
        this.#options.ownership?.refused(name) === true ||
        serial === publisher.publishedSerial(name) ||
        !publisher.idle(name)
      )
        continue
      const started = performance.now()
      // A resync, not a load, where the backend can read back: it also removes the records
      // of a host deleted by the CLI, which a load (replacing RRsets) would leave behind.
      const r = await this.resync(name, false)
      const ms = Math.round(performance.now() - started)
      if (r.ok) this.#options.logger.info({ zone: name, serial, ms }, 'zone synced from store')
      else this.#options.logger.warn({ zone: name, error: r.error }, 'zone sync failed')
    }
  }

  async #load(apex: ZoneApex): Promise<string | undefined> {
    const backend = this.#options.backends.get(apex.zone.name)
    if (backend === undefined) return `zone ${apex.zone.name}: no backend`
    // The built-in index needs no list of the zone's hosts (a million strings on a big zone):
    // a resync finds them among the index's owners (`indexHosts`).
    if (backend.kind !== 'builtin') {
      const known = this.#knownOf(apex.zone.name, backend)
      for (const host of await hostNames(this.#options.db, apex.zone.id, apex.zone.name))
        known.add(host)
    }
    const loaded = await this.#loadInto(backend, apex)
    if (!loaded.ok) return `zone ${apex.zone.name}: ${backend.kind} backend: ${loaded.error}`
    this.#options.publisher.markLoaded(apex.zone.name, loaded.value)
    return undefined
  }

  // Host names seen in this process, kept per zone; a fresh set each time for the built-in
  // backend, whose held owners say which hosts were seen (`indexHosts`).
  #knownOf(zone: Fqdn, backend: DnsBackend): Set<Fqdn> {
    if (backend.kind === 'builtin') return new Set()
    let known = this.#known.get(zone)
    if (known === undefined) this.#known.set(zone, (known = new Set()))
    return known
  }

  // `name type` of the RRsets the store wanted in this process, per zone (deleted static
  // records are then removed from backends that hold other records too).
  #knownKeysOf(zone: Fqdn): Set<string> {
    let keys = this.#knownKeys.get(zone)
    if (keys === undefined) this.#knownKeys.set(zone, (keys = new Set()))
    return keys
  }

  // The whole zone into the backend: streamed from the store where the backend can take it
  // so (a million hosts are then never held as RRset objects at once); the serial loaded.
  async #loadInto(backend: DnsBackend, apex: ZoneApex): Promise<Result<number, string>> {
    const signal = this.#abort.signal
    if (backend.loadStreamed === undefined) {
      const { serial, records } = await readZone(this.#options.db, apex.zone)
      const r = await backend.load(snapshot(apex, serial, records), signal)
      return r.ok ? ok(serial) : err(r.error.message)
    }
    let serial = 0
    const feed = storeFeed(this.#options.db, apex)
    const r = await backend.loadStreamed(
      zoneHead(apex, 0),
      async (take) => (serial = await feed(take)),
      signal,
    )
    return r.ok ? ok(serial) : err(r.error.message)
  }
}

/**
 * A zone's RRsets streamed from the store (`streamZone`, page by page) with its configured
 * `ns_addresses` filled in, for a streamed load: the main process's built-in backend at start,
 * and each DNS worker's replica (`dns.workers`).
 */
export function storeFeed(db: Kysely<Database>, apex: ZoneApex): RecordFeed {
  return async (take) => {
    const fill = nsAddressFill(apex)
    const serial = await streamZone(db, apex.zone, (set) => {
      fill.see(set)
      take(set)
    })
    for (const set of fill.rest()) take(set)
    return serial
  }
}

/**
 * Owners of the built-in index that are host names: every one but the apex and the
 * configured name-server addresses, since the index holds nothing dynzone did not put there
 * (an `_acme-challenge` owner counted as a host only adds keys that match nothing else).
 */
function* indexHosts(apex: ZoneApex, held: readonly RecordSet[]): Generator<Fqdn> {
  const names = [apex.zone.name, ...(apex.nsAddresses ?? []).map((a) => a.name)]
  const skip = new Set(names.map((n) => n.toLowerCase()))
  for (const set of held) {
    const name = set.name.toLowerCase()
    if (!skip.has(name)) yield name as Fqdn
  }
}

/**
 * Keeps each zone's backend loaded with what the store holds. At start it loads every zone
 * whole (recovering anything committed but not published before a crash); afterwards it
 * polls zone serials so changes made by other processes (the CLI, another instance) reach
 * DNS within `intervalMs`. Runs never overlap.
 */
import type { Kysely } from 'kysely'
import type { DnsBackend } from '../backends/backend.ts'
import type { Fqdn } from '../core/names.ts'
import type { ZoneSnapshot } from '../core/records.ts'
import type { Publisher } from '../publisher/publisher.ts'
import type { Database } from '../store/schema.ts'
import type { StoreZone } from '../store/update-store.ts'
import { readZone, zoneSerials } from '../store/zones.ts'
import type { Logger } from '../observability/logger.ts'

/** Apex data of a zone, from the config. */
export interface ZoneApex {
  readonly zone: StoreZone
  readonly ns: readonly Fqdn[]
  readonly rname: Fqdn
  readonly refresh: number
  readonly retry: number
  readonly expire: number
  readonly minimum: number
}

/** Options of the zone sync job. */
export interface ZoneSyncOptions {
  readonly db: Kysely<Database>
  readonly zones: readonly ZoneApex[]
  readonly backends: ReadonlyMap<Fqdn, DnsBackend>
  readonly publisher: Publisher
  readonly logger: Logger
}

/** Loads zones into backends and follows out-of-process changes. */
export class ZoneSync {
  readonly #o: ZoneSyncOptions
  #timer: NodeJS.Timeout | undefined
  #running = false
  readonly #abort = new AbortController()

  constructor(options: ZoneSyncOptions) {
    this.#o = options
  }

  /** Loads every zone whole; returns the first failure. */
  async loadAll(): Promise<string | undefined> {
    for (const apex of this.#o.zones) {
      const problem = await this.#load(apex)
      if (problem !== undefined) return problem
    }
    return undefined
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
    const started = performance.now()
    try {
      const serials = await zoneSerials(this.#o.db)
      for (const apex of this.#o.zones) {
        const name = apex.zone.name
        const serial = serials.get(name)
        if (
          serial === undefined ||
          serial === this.#o.publisher.publishedSerial(name) ||
          !this.#o.publisher.idle(name)
        )
          continue
        const problem = await this.#load(apex)
        if (problem !== undefined)
          this.#o.logger.warn({ zone: name, error: problem }, 'zone reload failed')
        else
          this.#o.logger.info(
            { zone: name, serial, ms: Math.round(performance.now() - started) },
            'zone reloaded from store',
          )
      }
    } catch (e) {
      this.#o.logger.error({ err: e }, 'zone sync failed')
    } finally {
      this.#running = false
    }
  }

  async #load(apex: ZoneApex): Promise<string | undefined> {
    const backend = this.#o.backends.get(apex.zone.name)
    if (backend === undefined) return `zone ${apex.zone.name}: no backend`
    const { serial, records } = await readZone(this.#o.db, apex.zone)
    const r = await backend.load(snapshot(apex, serial, records), this.#abort.signal)
    if (!r.ok) return `zone ${apex.zone.name}: ${backend.kind} backend: ${r.error.message}`
    this.#o.publisher.markLoaded(apex.zone.name, serial)
    return undefined
  }
}

function snapshot(apex: ZoneApex, serial: number, records: ZoneSnapshot['records']): ZoneSnapshot {
  const mname = apex.ns[0] ?? apex.zone.name
  return {
    name: apex.zone.name,
    ttl: apex.zone.ttl,
    soa: {
      mname,
      rname: apex.rname,
      serial,
      refresh: apex.refresh,
      retry: apex.retry,
      expire: apex.expire,
      minimum: apex.minimum,
    },
    ns: apex.ns,
    records,
  }
}

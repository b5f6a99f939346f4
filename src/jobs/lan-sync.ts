/**
 * Split horizon feed: copies hosts' LAN addresses from the store into the built-in server's
 * index, at start and then by polling, so `dynzone host modify --lan-ipv4` (another process)
 * takes effect within a poll interval. LAN addresses are no zone content: no serial bump.
 */
import type { Kysely } from 'kysely'
import type { LanAddresses } from '../authoritative/index/zone-index.ts'
import type { Fqdn } from '../core/names.ts'
import type { Result } from '../core/result.ts'
import type { Logger } from '../observability/logger.ts'
import { readLanAddresses } from '../store/lan-addresses.ts'
import type { Database } from '../store/schema.ts'
import type { StoreZone } from '../store/update-store.ts'

/** What the job feeds: the built-in server's index (zones it does not serve are skipped). */
export interface LanTarget {
  setLanAddresses(zone: Fqdn, hosts: readonly LanAddresses[]): Result<void, { code: string }>
}

/** What the job needs. */
export interface LanSyncOptions {
  readonly db: Kysely<Database>
  readonly zones: readonly StoreZone[]
  readonly index: LanTarget
  readonly logger: Logger
}

// A poll may take at most one part in DUTY_CYCLE of the time.
const DUTY_CYCLE = 20

/** Polls the store for LAN addresses and hands changes to the index. */
export class LanSync {
  readonly #options: LanSyncOptions
  readonly #last = new Map<Fqdn, string>()
  #timer: NodeJS.Timeout | undefined
  #running = false
  // The read scans every host of a zone; on a zone of a million hosts it takes a good part
  // of a second, during which the DNS server cannot answer. Polls are spaced so the feed
  // takes at most 1/DUTY_CYCLE of the time: every second on ordinary zones, less often on
  // huge ones (a LAN change then shows within a few seconds rather than one).
  #notBefore = 0

  constructor(options: LanSyncOptions) {
    this.#options = options
  }

  /** Reads every zone once and updates the index where something changed. */
  async tick(): Promise<void> {
    if (this.#running) return
    this.#running = true
    const started = performance.now()
    try {
      for (const zone of this.#options.zones) {
        const rows = await readLanAddresses(this.#options.db, zone)
        const key = JSON.stringify(rows)
        if (this.#last.get(zone.name) === key) continue
        const r = this.#options.index.setLanAddresses(zone.name, rows)
        // Zones on other backends are not in the index: nothing to do there.
        if (!r.ok && r.error.code !== 'zone-not-found') {
          this.#options.logger.warn({ zone: zone.name, error: r.error }, 'LAN addresses not taken')
        }
        this.#last.set(zone.name, key)
        if (r.ok)
          this.#options.logger.info({ zone: zone.name, hosts: rows.length }, 'LAN addresses loaded')
      }
    } catch (e) {
      this.#options.logger.error({ err: e }, 'LAN address sync failed')
    } finally {
      this.#running = false
      const took = performance.now() - started
      this.#notBefore = performance.now() + took * (DUTY_CYCLE - 1)
    }
  }

  /** Starts polling; the timer does not keep the process alive. */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => {
      if (performance.now() >= this.#notBefore) void this.tick()
    }, intervalMs)
    this.#timer.unref()
  }

  /** Stops polling. */
  stop(): void {
    clearInterval(this.#timer)
  }
}

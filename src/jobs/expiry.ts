/**
 * The host expiry job (ddns-service's `expiry_ttl`): every `[expiry] interval_seconds` it
 * removes the address records that were not refreshed within their host's TTL, publishes
 * the removal like any update, and tells the owner. `dynzone cleanup` runs one sweep.
 * Sweeps never overlap and log their duration when they did work.
 */
import type { ChangePublisher, Clock, HostExpiredEvent, Notifier } from '../core/ports.ts'
import type { ChangeSet } from '../core/records.ts'
import type { Logger } from '../observability/logger.ts'
import { Periodic } from './periodic.ts'

/** What the sweep needs of the store. */
export interface HostExpiryStore {
  expireHosts(at: Date): Promise<{ changes: ChangeSet[]; expired: HostExpiredEvent[] }>
}

/** Options of the expiry job. */
export interface HostExpiryOptions {
  readonly store: HostExpiryStore
  readonly publisher: ChangePublisher
  readonly clock: Clock
  readonly logger: Logger
  readonly notifier?: Notifier
  /** How long a sweep waits for the publisher before leaving it to retry on its own. */
  readonly publishDeadlineMs: number
}

/** The outcome of one sweep. */
export interface SweepReport {
  readonly expired: readonly HostExpiredEvent[]
  /** False when DNS did not follow within the deadline (the publisher keeps trying). */
  readonly published: boolean
}

/** The periodic host expiry sweep. */
export class HostExpiry {
  readonly #options: HostExpiryOptions
  readonly #job: Periodic<SweepReport>

  constructor(options: HostExpiryOptions) {
    this.#options = options
    this.#job = new Periodic({
      name: 'expiry',
      run: () => this.#sweep(),
      busy: { expired: [], published: true },
      failed: { expired: [], published: false },
      logger: options.logger,
    })
  }

  /** Sweeps every `intervalMs` until stopped. */
  start(intervalMs: number): void {
    this.#job.start(intervalMs)
  }

  /** Stops sweeping. */
  stop(): void {
    this.#job.stop()
  }

  /** One sweep; nothing expired when one was already running or it failed (logged). */
  sweep(): Promise<SweepReport> {
    return this.#job.once()
  }

  async #sweep(): Promise<SweepReport> {
    const started = performance.now()
    const { changes, expired } = await this.#options.store.expireHosts(this.#options.clock.now())
    if (expired.length === 0) return { expired, published: true }
    const published =
      changes.length === 0 ||
      (await this.#options.publisher.publish(changes, this.#options.publishDeadlineMs)).ok
    for (const event of expired) this.#options.notifier?.expired(event)
    this.#options.logger.info(
      {
        job: 'expiry',
        hosts: expired.map((e) => e.fqdn),
        published,
        ms: Math.round(performance.now() - started),
      },
      'expired stale host records',
    )
    return { expired, published }
  }
}

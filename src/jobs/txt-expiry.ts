/**
 * Removes ACME TXT values whose time is up. Each sweep is one store transaction (rows,
 * history, serial) whose change sets go through the publisher like any update, so every
 * backend sees the removal. Sweeps never overlap and log their duration when they did work.
 */
import type { ChangePublisher, Clock } from '../core/ports.ts'
import type { ChangeSet } from '../core/records.ts'
import type { Logger } from '../observability/logger.ts'
import { Periodic } from './periodic.ts'

/** What the sweep needs of the store. */
export interface TxtExpiryStore {
  expireTxt(at: string): Promise<ChangeSet[]>
}

/** Options of the expiry job. */
export interface TxtExpiryOptions {
  readonly store: TxtExpiryStore
  readonly publisher: ChangePublisher
  readonly clock: Clock
  readonly logger: Logger
  /** How long a sweep waits for the publisher before leaving it to retry on its own. */
  readonly publishDeadlineMs: number
}

/** The periodic ACME TXT expiry sweep. */
export class TxtExpiry {
  readonly #options: TxtExpiryOptions
  readonly #job: Periodic<number>

  constructor(options: TxtExpiryOptions) {
    this.#options = options
    this.#job = new Periodic({
      name: 'txt-expiry',
      run: () => this.#sweep(),
      busy: 0,
      failed: 0,
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

  /** One sweep; returns the number of zones changed (0 when one was already running). */
  sweep(): Promise<number> {
    return this.#job.once()
  }

  async #sweep(): Promise<number> {
    const started = performance.now()
    const changes = await this.#options.store.expireTxt(this.#options.clock.now().toISOString())
    if (changes.length === 0) return 0
    const published = await this.#options.publisher.publish(
      changes,
      this.#options.publishDeadlineMs,
    )
    this.#options.logger.info(
      {
        job: 'txt-expiry',
        zones: changes.map((c) => c.zone),
        published: published.ok,
        ms: Math.round(performance.now() - started),
      },
      'expired ACME TXT values',
    )
    return changes.length
  }
}

/** The sweep interval for a value lifetime: a quarter of it, between 1 and 30 seconds. */
export function sweepIntervalMs(ttlSeconds: number): number {
  return Math.min(30_000, Math.max(1000, Math.round((ttlSeconds * 1000) / 4)))
}

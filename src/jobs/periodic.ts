/**
 * A background job on an interval that never overlaps itself: a run that finds the previous
 * one still going returns at once, and a failing run is logged with the job's name instead
 * of escaping the timer.
 */

/** What a periodic job logs. */
export interface PeriodicLogger {
  error(obj: object, msg: string): void
}

/** How to run one job. */
export interface PeriodicOptions<T> {
  /** The log field `job`. */
  readonly name: string
  readonly run: () => Promise<T>
  /** The result when a run is skipped because the previous one is still going. */
  readonly busy: T
  /** The result when a run throws (the error is logged). */
  readonly failed: T
  readonly logger: PeriodicLogger
}

/** Runs a job every interval, one run at a time. */
export class Periodic<T> {
  readonly #options: PeriodicOptions<T>
  #timer: NodeJS.Timeout | undefined
  #running = false

  constructor(options: PeriodicOptions<T>) {
    this.#options = options
  }

  /** Runs every `intervalMs` until stopped (the timer does not keep the process alive). */
  start(intervalMs: number): void {
    this.#timer = setInterval(() => void this.once(), intervalMs)
    this.#timer.unref()
  }

  /** Stops the interval; a run in progress finishes. */
  stop(): void {
    clearInterval(this.#timer)
  }

  /** One run now, unless one is going already. */
  async once(): Promise<T> {
    if (this.#running) return this.#options.busy
    this.#running = true
    try {
      return await this.#options.run()
    } catch (e) {
      this.#options.logger.error(
        { err: e, job: this.#options.name },
        `${this.#options.name} failed`,
      )
      return this.#options.failed
    } finally {
      this.#running = false
    }
  }
}

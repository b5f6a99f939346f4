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
  readonly #o: PeriodicOptions<T>
  #timer: NodeJS.Timeout | undefined
  #running = false

  constructor(options: PeriodicOptions<T>) {
    this.#o = options
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
    if (this.#running) return this.#o.busy
    this.#running = true
    try {
      return await this.#o.run()
    } catch (e) {
      this.#o.logger.error({ err: e, job: this.#o.name }, `${this.#o.name} failed`)
      return this.#o.failed
    } finally {
      this.#running = false
    }
  }
}

/**
 * Rate-limit counters shared by several instances on one database, without a database round
 * trip on the request path: `get` and `add` stay synchronous and in memory, and a background
 * sync (every `rate_limit.sync_ms`) adds this instance's new counts to the shared table and
 * reads back the totals of the keys this instance used since the last sync. `get` answers the
 * last totals read plus what was counted here since, so an instance sees the others' counts
 * about one sync late: across N instances a budget can be exceeded by what they accept within
 * about one sync interval, never N times over.
 *
 * Only keys used since the last sync are read back (not every key held), so a sync costs in
 * proportion to the traffic of one interval; the price is that a key an instance has not used
 * for a while is judged once on older totals (its use asks for fresh ones). A failed sync is
 * reported, never thrown: unwritten counts stay pending and go with the next one.
 */
import { HeldCounts, type CounterCell, type Outgoing } from './rate-limit-held.ts'
import type { Clock } from '../ports.ts'
import type { WindowCounters, WindowState } from './rate-limit.ts'

export type { CounterCell } from './rate-limit-held.ts'

/** Failed syncs in a row between two reports of one. */
export const REPORT_EVERY = 60

/** Where the shared counts live (SQL in the server, a fake in unit tests). */
export interface CounterStore {
  /** Adds each cell's hits to the shared count, all or none. */
  add(cells: readonly CounterCell[]): Promise<void>
  /** The shared counts of `keys` in windows starting at or after `since`. */
  read(keys: readonly string[], since: number): Promise<CounterCell[]>
  /** Deletes windows that can no longer count (two lengths after their start); how many. */
  prune(nowMs: number): Promise<number>
}

/** Which step of a sync failed (`sync`: an unexpected error, a bug). */
export type SyncStep = 'write' | 'read' | 'prune' | 'sync'

/** Options of the shared counters. */
export interface SharedCountersOptions {
  readonly store: CounterStore
  readonly clock: Clock
  /** Most keys held in memory (least recently used evicted first). */
  readonly maxEntries: number
  /**
   * Told about a failed step (the sync retries on its next run): the first failure in a row
   * and every `REPORT_EVERY`th after it, so a database outage is not one log line a second.
   */
  readonly onError: (step: SyncStep, error: unknown, failuresInARow: number) => void
}

/** `WindowCounters` whose counts are shared through a `CounterStore` by a periodic sync. */
export class SharedWindowCounters implements WindowCounters {
  readonly #options: SharedCountersOptions
  readonly #held: HeldCounts
  #running: Promise<void> | undefined
  #failures = 0
  #pruneDue = false
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(options: SharedCountersOptions) {
    this.#options = options
    this.#held = new HeldCounts(options.maxEntries)
  }

  /** How many keys are held. */
  get size(): number {
    return this.#held.size
  }

  get(key: string, windowMs: number, nowMs: number): WindowState {
    return this.#held.state(key, windowMs, nowMs)
  }

  add(key: string, windowMs: number, nowMs: number): void {
    this.#held.count(key, windowMs, nowMs)
  }

  /** Drops idle keys here; the next sync deletes old windows from the store. */
  sweep(nowMs: number): number {
    this.#pruneDue = true
    return this.#held.sweep(nowMs)
  }

  /** Syncs every `intervalMs` until `close`. */
  start(intervalMs: number): void {
    this.#timer ??= setInterval(() => void this.sync(), intervalMs)
    this.#timer.unref()
  }

  /** Stops the timer and sends what is still pending (one last sync). */
  async close(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#running
    await this.sync()
  }

  /** One sync: write pending counts, read back used keys, prune if a sweep asked. Never rejects. */
  sync(): Promise<void> {
    // Never two at once: a slow database makes the next tick wait, not pile up.
    this.#running ??= this.#syncOnce()
      .catch((e: unknown) => {
        this.#failed('sync', e)
      })
      .finally(() => {
        this.#running = undefined
      })
    return this.#running
  }

  async #syncOnce(): Promise<void> {
    const failures = this.#failures
    const outgoing = this.#held.takePending()
    const keys = this.#held.takeTouched(this.#options.clock.now().getTime())
    if (outgoing.length > 0 && !(await this.#step('write', () => this.#write(outgoing)))) {
      this.#held.markTouched(keys)
      return
    }
    if (keys.length > 0 && !(await this.#step('read', () => this.#read(keys)))) {
      this.#held.markTouched(keys)
    }
    if (this.#pruneDue && (await this.#step('prune', () => this.#prune()))) this.#pruneDue = false
    if (this.#failures === failures) this.#failures = 0
  }

  async #write(outgoing: readonly Outgoing[]): Promise<void> {
    try {
      await this.#options.store.add(outgoing.map((o) => o.cell))
    } catch (e) {
      this.#held.settle(outgoing, false)
      throw e
    }
    this.#held.settle(outgoing, true)
  }

  async #read(keys: readonly string[]): Promise<void> {
    const rows = await this.#options.store.read(keys, this.#held.earliestStart(keys))
    this.#held.apply(keys, rows)
  }

  async #prune(): Promise<void> {
    await this.#options.store.prune(this.#options.clock.now().getTime())
  }

  // Runs one step; a failure is counted and reported, and says false.
  async #step(step: SyncStep, run: () => Promise<void>): Promise<boolean> {
    try {
      await run()
      return true
    } catch (e) {
      this.#failed(step, e)
      return false
    }
  }

  #failed(step: SyncStep, error: unknown): void {
    this.#failures++
    if (this.#failures % REPORT_EVERY === 1) this.#options.onError(step, error, this.#failures)
  }
}

/** The values of `rate_limit.shared`. */
export const SHARED_MODES = ['auto', 'on', 'off'] as const
/** How `rate_limit.shared` is set. */
export type SharedMode = (typeof SHARED_MODES)[number]

/** Whether counters are shared: `auto` shares them on a server database (several instances). */
export function sharesCounters(mode: SharedMode, backend: string): boolean {
  return mode === 'on' || (mode === 'auto' && backend !== 'sqlite')
}

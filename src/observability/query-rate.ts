/**
 * DNS queries per second for the admin dashboard: the built-in server's answered-query count
 * (the main process's own answers and those the `dns.workers` report to it) sampled every
 * step (10 s) into a bounded ring of the last hour, each sample the rate since the one before.
 * The count is a plain running total kept whether or not metrics are exported.
 */

/** The running total of DNS answers, fed by the server and the workers' reports. */
export class QueryCount {
  #total = 0

  /** Adds `count` answered queries. */
  add(count = 1): void {
    this.#total += count
  }

  /** Every query answered since the count was made. */
  get total(): number {
    return this.#total
  }
}

/** One step of the series: when it was taken (ms since the epoch) and its rate. */
export interface QueryRatePoint {
  readonly at: number
  readonly perSecond: number
}

/** Runs `tick` every `ms`; the returned function stops it. */
export type Every = (ms: number, tick: () => void) => () => void

/** The system timer, not holding the process open. */
export const systemEvery: Every = (ms, tick) => {
  const timer = setInterval(tick, ms)
  timer.unref()
  return () => {
    clearInterval(timer)
  }
}

/** How the sampler reads the count and the time, and how often. */
export interface SamplerOptions {
  /** The running total to sample (a lower value than the last one is a counter reset). */
  readonly read: () => number
  /** Milliseconds since the epoch. */
  readonly now: () => number
  readonly every?: Every
  readonly stepMs?: number
  /** How many steps are kept (the last hour by default). */
  readonly keep?: number
}

export const QUERY_STEP_MS = 10_000
const HOUR_MS = 3_600_000

/** Samples a query count into a ring of rates; `close` stops the timer. */
export class QueryRateSampler {
  readonly #read: () => number
  readonly #now: () => number
  readonly #keep: number
  readonly #ring: QueryRatePoint[] = []
  readonly #stop: () => void
  #last: { at: number; total: number }

  constructor(o: SamplerOptions) {
    const stepMs = o.stepMs ?? QUERY_STEP_MS
    this.#read = o.read
    this.#now = o.now
    this.#keep = o.keep ?? Math.round(HOUR_MS / stepMs)
    this.#last = { at: o.now(), total: o.read() }
    this.#stop = (o.every ?? systemEvery)(stepMs, () => {
      this.sample()
    })
  }

  /** Takes one sample: the rate since the previous one, into the ring. */
  sample(): void {
    const at = this.#now()
    const total = this.#read()
    const seconds = (at - this.#last.at) / 1000
    // A count lower than before restarted from zero: all of it is new since then.
    const delta = total >= this.#last.total ? total - this.#last.total : total
    this.#last = { at, total }
    if (seconds <= 0) return
    this.#ring.push({ at, perSecond: delta / seconds })
    if (this.#ring.length > this.#keep) this.#ring.splice(0, this.#ring.length - this.#keep)
  }

  /** The kept steps, oldest first. */
  series(): readonly QueryRatePoint[] {
    return [...this.#ring]
  }

  /** Stops sampling. */
  close(): void {
    this.#stop()
  }
}

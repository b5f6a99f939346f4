/**
 * Makes DNS match committed changes. One queue per zone: changes that arrive while a push
 * is in flight are coalesced into the next push; a failed push is retried with exponential
 * backoff and jitter until it succeeds (desired state is safe in the store meanwhile).
 * Callers wait at most their deadline; the queue keeps going after they stop waiting.
 */
import type { DnsBackend } from '../backends/backend.ts'
import type { ChangePublisher, PublishError } from '../core/ports.ts'
import type { ChangeSet } from '../core/records.ts'
import type { Fqdn } from '../core/names.ts'
import { err, ok, type Result } from '../core/result.ts'
import { coalesce } from './coalesce.ts'

/** What the publisher logs. */
export interface PublisherLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/** Options of the publisher. */
export interface PublisherOptions {
  readonly backends: ReadonlyMap<Fqdn, DnsBackend>
  readonly logger: PublisherLogger
  readonly retryBaseMs?: number
  readonly retryMaxMs?: number
  readonly random?: () => number
}

class ZoneQueue {
  pending: ChangeSet[] = []
  /** One per pending change, in the same order. */
  waiters: (() => void)[] = []
  running = false
  publishedSerial: number | undefined
}

/** The per-zone publishing queues. */
export class Publisher implements ChangePublisher {
  readonly #o: PublisherOptions
  readonly #queues = new Map<Fqdn, ZoneQueue>()
  readonly #abort = new AbortController()

  constructor(options: PublisherOptions) {
    this.#o = options
  }

  /** Queues change sets and waits until they are live or the deadline passes. */
  async publish(
    changes: readonly ChangeSet[],
    deadlineMs: number,
  ): Promise<Result<void, PublishError>> {
    const done = changes.map((change) => this.#enqueue(change))
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout')
      }, deadlineMs)
    })
    const outcome = await Promise.race([Promise.all(done).then(() => 'done' as const), timeout])
    clearTimeout(timer)
    return outcome === 'done'
      ? ok(undefined)
      : err({ message: `not published within ${String(deadlineMs)} ms; retrying` })
  }

  /** The last serial pushed successfully for a zone. */
  publishedSerial(zone: Fqdn): number | undefined {
    return this.#queues.get(zone)?.publishedSerial
  }

  /** True when a zone has nothing queued or in flight. */
  idle(zone: Fqdn): boolean {
    const q = this.#queues.get(zone)
    return q === undefined || (!q.running && q.pending.length === 0)
  }

  /** Records that the backend was loaded whole at `serial` (start-up, resync). */
  markLoaded(zone: Fqdn, serial: number): void {
    this.#queue(zone).publishedSerial = serial
  }

  /** Stops retrying; pending changes stay in the store for the next start's resync. */
  close(): void {
    this.#abort.abort()
  }

  #queue(zone: Fqdn): ZoneQueue {
    let q = this.#queues.get(zone)
    if (q === undefined) {
      q = new ZoneQueue()
      this.#queues.set(zone, q)
    }
    return q
  }

  #enqueue(change: ChangeSet): Promise<void> {
    const q = this.#queue(change.zone)
    q.pending.push(change)
    const done = new Promise<void>((resolve) => {
      q.waiters.push(resolve)
    })
    if (!q.running) void this.#drain(change.zone, q)
    return done
  }

  async #drain(zone: Fqdn, q: ZoneQueue): Promise<void> {
    q.running = true
    let attempt = 0
    try {
      while (q.pending.length > 0 && !this.#abort.signal.aborted) {
        // A copy: changes enqueued while this push is in flight go to the next one.
        const batch = [...q.pending]
        const merged = coalesce(batch)
        if (merged === undefined) break
        const result = await this.#apply(zone, merged)
        if (result) {
          q.pending = q.pending.slice(batch.length)
          q.publishedSerial = merged.serial
          const count = batch.length
          const released = q.waiters.slice(0, count)
          q.waiters = q.waiters.slice(count)
          for (const release of released) release()
          attempt = 0
        } else {
          attempt += 1
          await this.#sleep(this.#backoff(attempt))
        }
      }
    } finally {
      q.running = false
    }
  }

  async #apply(zone: Fqdn, change: ChangeSet): Promise<boolean> {
    const backend = this.#o.backends.get(zone)
    if (backend === undefined) {
      this.#o.logger.warn({ zone }, 'no backend for zone; change kept in the store')
      return false
    }
    try {
      const r = await backend.apply(change, this.#abort.signal)
      if (r.ok) return true
      this.#o.logger.warn(
        { zone, backend: backend.kind, code: r.error.code, error: r.error.message },
        'publish failed; will retry',
      )
    } catch (e) {
      this.#o.logger.warn(
        { zone, backend: backend.kind, error: String(e) },
        'publish threw; will retry',
      )
    }
    return false
  }

  #backoff(attempt: number): number {
    const base = this.#o.retryBaseMs ?? 250
    const max = this.#o.retryMaxMs ?? 30_000
    const exp = Math.min(max, base * 2 ** Math.min(attempt - 1, 16))
    return exp / 2 + (this.#o.random ?? Math.random)() * (exp / 2)
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const onAbort = (): void => {
        clearTimeout(t)
        resolve()
      }
      // Remove the listener after each sleep, or a long outage piles one up per retry.
      const t = setTimeout(() => {
        this.#abort.signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      this.#abort.signal.addEventListener('abort', onAbort, { once: true })
    })
  }
}

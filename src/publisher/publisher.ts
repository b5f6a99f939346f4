/**
 * Makes DNS match committed changes. One queue per zone: changes that arrive while a push
 * is in flight are coalesced into the next push; a failed push is retried with exponential
 * backoff and jitter until it succeeds (desired state is safe in the store meanwhile).
 * Callers wait at most their deadline; the queue keeps going after they stop waiting.
 * `exclusive` gives a resync the zone's turn between two pushes, so a repair computed from
 * the store never interleaves with a push of a newer change; `flush` drains on shutdown.
 */
import type { BackendError, DnsBackend } from '../backends/backend.ts'
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
  readonly observer?: PublisherObserver
  /** Several instances: which zones this one pushes (lease.ts); absent means every zone. */
  readonly gate?: PublishGate
  /**
   * How a change set reaches its backend; default `backend.apply`. The server checks the
   * zone's ownership marker here (`ZoneOwnership.push`); an error coded `not-owner` drops
   * what is queued for the zone instead of retrying (it stays committed in the store).
   */
  readonly push?: (
    backend: DnsBackend,
    change: ChangeSet,
    signal: AbortSignal,
  ) => Promise<Result<void, BackendError>>
}

/**
 * Which zones this instance may push, and how a change to a zone pushed by another instance
 * is awaited (that instance records the serial it made live in the database).
 */
export interface PublishGate {
  holds(zone: Fqdn): boolean
  /** Tells the other instances that `serial` is live. */
  published(zone: Fqdn, serial: number): void
  /** Resolves true once the zone's holder made `serial` (or a later one) live. */
  waitPublished(zone: Fqdn, serial: number, deadlineMs: number): Promise<boolean>
}

/** Hooks for metrics; every method is optional to implement as a no-op. */
export interface PublisherObserver {
  published(zone: Fqdn, backend: string, seconds: number, changes: number): void
  failed(zone: Fqdn, backend: string, code: string): void
  depth(zone: Fqdn, pending: number): void
  /** RRsets a resync found different from the store (and repaired). */
  drifted?(zone: Fqdn, rrsets: number): void
}

/** A zone's publishing state, for readiness checks. */
export interface ZoneHealth {
  readonly zone: Fqdn
  readonly pending: number
  /** The last push's error, cleared by the next success. */
  readonly lastError: string | null
}

/** Why a push failed; `refused`: the zone is another cluster's, so it is not retried. */
interface PushFailure {
  readonly message: string
  readonly refused: boolean
}

class ZoneQueue {
  pending: ChangeSet[] = []
  /** One per pending change, in the same order. */
  waiters: (() => void)[] = []
  /** True while a drain loop or an exclusive task owns the zone's turn. */
  running = false
  /** Exclusive tasks waiting for the turn; handed over directly, FIFO. */
  turnWaiters: (() => void)[] = []
  publishedSerial: number | undefined
  lastError: string | null = null
}

/** The per-zone publishing queues. */
export class Publisher implements ChangePublisher {
  readonly #options: PublisherOptions
  readonly #queues = new Map<Fqdn, ZoneQueue>()
  readonly #abort = new AbortController()

  constructor(options: PublisherOptions) {
    this.#options = options
  }

  /** Queues change sets and waits until they are live or the deadline passes. */
  async publish(
    changes: readonly ChangeSet[],
    deadlineMs: number,
  ): Promise<Result<void, PublishError>> {
    const gate = this.#options.gate
    // A zone another instance holds: the change is committed, and that instance's zone sync
    // pushes it; the caller waits for it to be live there, within the same deadline.
    const done = changes.map((change) =>
      gate === undefined || gate.holds(change.zone)
        ? this.#enqueue(change)
        : gate.waitPublished(change.zone, change.serial, deadlineMs).then((live) => {
            if (!live) throw new Error('not live')
          }),
    )
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        resolve('timeout')
      }, deadlineMs)
    })
    const outcome = await Promise.race([
      Promise.all(done).then(
        () => 'done' as const,
        () => 'timeout' as const,
      ),
      timeout,
    ])
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
    this.#options.gate?.published(zone, serial)
  }

  /** Forgets what the backend holds (a lease just won): the zone sync resyncs it. */
  forget(zone: Fqdn): void {
    this.#queue(zone).publishedSerial = undefined
  }

  /** Publishing state of every zone that has had a change or a load. */
  health(): ZoneHealth[] {
    return [...this.#queues].map(([zone, q]) => ({
      zone,
      pending: q.pending.length,
      lastError: q.lastError,
    }))
  }

  /**
   * Runs `task` while nothing else pushes to the zone: after the push in flight, before the
   * next one. Changes enqueued meanwhile wait and are pushed after the task.
   */
  async exclusive<T>(zone: Fqdn, task: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const q = this.#queue(zone)
    if (q.running) {
      await new Promise<void>((resolve) => {
        q.turnWaiters.push(resolve)
      })
    } else {
      q.running = true
    }
    try {
      return await task(this.#abort.signal)
    } finally {
      this.#release(zone, q)
    }
  }

  /**
   * Waits until every queue is empty or `timeoutMs` passes (SIGTERM drain); returns the
   * number of change sets still pending, which stay in the store for the next start's resync.
   */
  async flush(timeoutMs: number, pollMs = 20): Promise<number> {
    const deadline = performance.now() + timeoutMs
    const pending = (): number =>
      [...this.#queues.values()].reduce((n, q) => n + q.pending.length, 0)
    while (pending() > 0 && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, pollMs))
    }
    return pending()
  }

  /** Stops retrying; pending changes stay in the store for the next start's resync. */
  close(): void {
    this.#abort.abort()
  }

  #release(zone: Fqdn, q: ZoneQueue): void {
    const next = q.turnWaiters.shift()
    // Ownership passes straight to the waiter: `running` stays true.
    if (next !== undefined) {
      next()
      return
    }
    q.running = false
    if (q.pending.length > 0 && !this.#abort.signal.aborted) void this.#drain(zone, q)
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
    this.#options.observer?.depth(change.zone, q.pending.length)
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
      // Gives way to a waiting resync after each push, or a steady stream would starve it.
      while (q.pending.length > 0 && !this.#abort.signal.aborted && q.turnWaiters.length === 0) {
        // A copy: changes enqueued while this push is in flight go to the next one.
        const batch = [...q.pending]
        const merged = coalesce(batch)
        if (merged === undefined) break
        if (this.#options.gate?.holds(zone) === false) {
          // Lease lost: the new holder resyncs from the store; callers get the deadline's error.
          q.pending = []
          q.waiters = []
          break
        }
        const result = await this.#apply(zone, merged, batch.length)
        q.lastError = result?.message ?? null
        if (result?.refused === true) {
          // Another cluster owns the zone now: retrying cannot help, the store keeps the
          // changes, and the gate stays closed for the zone until `dynzone zone claim`.
          q.pending = []
          q.waiters = []
          break
        }
        if (result === null) {
          q.pending = q.pending.slice(batch.length)
          // Only when no change committed elsewhere slipped in between (another instance, the
          // CLI): otherwise the zone sync sees the store ahead and resyncs.
          if (follows(q.publishedSerial, batch)) {
            q.publishedSerial = merged.serial
            this.#options.gate?.published(zone, merged.serial)
          }
          const count = batch.length
          const released = q.waiters.slice(0, count)
          q.waiters = q.waiters.slice(count)
          for (const release of released) release()
          this.#options.observer?.depth(zone, q.pending.length)
          attempt = 0
        } else {
          attempt += 1
          await this.#sleep(this.#backoff(attempt))
        }
      }
    } finally {
      this.#release(zone, q)
    }
  }

  /** Pushes one change set; returns null on success, else the error (refused: not to retry). */
  async #apply(zone: Fqdn, change: ChangeSet, count: number): Promise<PushFailure | null> {
    const backend = this.#options.backends.get(zone)
    if (backend === undefined) {
      this.#options.logger.warn({ zone }, 'no backend for zone; change kept in the store')
      return { message: 'no backend for zone', refused: false }
    }
    const started = performance.now()
    let code = 'exception'
    let message: string
    try {
      const signal = this.#abort.signal
      const r = await (this.#options.push?.(backend, change, signal) ??
        backend.apply(change, signal))
      if (r.ok) {
        this.#options.observer?.published(
          zone,
          backend.kind,
          (performance.now() - started) / 1000,
          count,
        )
        return null
      }
      code = r.error.code
      message = r.error.message
    } catch (e) {
      message = String(e)
    }
    const refused = code === 'not-owner'
    this.#options.logger.warn(
      { zone, backend: backend.kind, code, error: message },
      refused ? 'publish refused; the changes stay in the store' : 'publish failed; will retry',
    )
    this.#options.observer?.failed(zone, backend.kind, code)
    return { message: `${backend.kind}: ${message}`, refused }
  }

  #backoff(attempt: number): number {
    const base = this.#options.retryBaseMs ?? 250
    const max = this.#options.retryMaxMs ?? 30_000
    const exp = Math.min(max, base * 2 ** Math.min(attempt - 1, 16))
    return exp / 2 + (this.#options.random ?? Math.random)() * (exp / 2)
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

/** True when `batch` continues exactly from `published` (changes without a base always do). */
function follows(published: number | undefined, batch: readonly ChangeSet[]): boolean {
  let at = published
  for (const change of batch) {
    if (change.base === undefined) return true
    if (change.base !== at) return false
    at = change.serial
  }
  return true
}

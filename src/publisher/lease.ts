/**
 * Which zones this instance publishes. With several instances on one database, each zone
 * whose backend is shared (everything but the built-in server, which every instance holds
 * for itself) is pushed by one lease holder at a time (lease-store.ts). The keeper takes
 * free leases, renews its own every third of a lease, and stops pushing a zone on its own
 * once two thirds of a lease passed without a renewal, well before another instance may take
 * it over (at full expiry): a holder cut off from the database never pushes next to its
 * successor. A newly won zone is handed to `onAcquired` (a resync: the previous holder may
 * have died with changes committed but not pushed).
 *
 * With `locks` (PostgreSQL, MariaDB), a holder also holds the zone's lock in its own database
 * session, which the server releases when that session dies (`kill -9`, a crashed machine).
 * The others try the lock of each zone they do not hold every `lockPollMs`: winning it means
 * the holder is gone, and they take the lease at once instead of waiting for it to expire.
 * A holder whose lock session fails stops pushing at once and takes its locks back, or loses
 * the zone to whoever took them. A holder also stops pushing once two thirds of a lease passed
 * without a round trip on its lock session (the server may have dropped a silent session),
 * and a round hanging that long (a pool cut off while the lock session still answers) closes
 * the lock session, so another instance takes the zone.
 */
import type { Fqdn } from '../core/names.ts'
import { serialGreater } from '../dns/serial.ts'
import type { LeaseStore } from './lease-store.ts'
import type { PublishGate } from './publisher.ts'

/** What the keeper logs. */
export interface LeaseLogger {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

/**
 * Locks held by one database session of this instance, released by the server when the
 * session dies (src/publisher/session-locks.ts).
 */
export interface SessionLocks {
  /** Takes the zone's lock if no other session holds it; throws when the session fails. */
  tryLock(zone: string): Promise<boolean>
  unlock(zone: string): Promise<void>
  /** A round trip on the session; throws when it fails. */
  ping(): Promise<void>
  /** Grows each time a new session opens: the locks of an older one are gone. */
  readonly session: number
  close(): Promise<void>
}

/** Options of the lease keeper. */
export interface LeaseKeeperOptions {
  readonly store: LeaseStore
  /** This instance's name in the lease table (`cluster.instance_id`). */
  readonly instanceId: string
  /** Zones that need a lease: those on a backend shared by all instances. */
  readonly zones: readonly Fqdn[]
  readonly leaseMs: number
  readonly now: () => Date
  /** A monotonic clock in ms (`performance.now`): wall-clock jumps do not extend a lease. */
  readonly monotonic: () => number
  readonly logger: LeaseLogger
  /** Called, not awaited, when this instance wins a zone after `start` (before: the caller loads). */
  readonly onAcquired: (zone: Fqdn) => Promise<void>
  /** How often a change committed here is looked for as live; default 100 ms. */
  readonly pollMs?: number
  /** Session locks: a dead holder's zones are taken as soon as its session is gone. */
  readonly locks?: SessionLocks
  /** How often zones' locks are tried, with `locks`; default 500 ms. */
  readonly lockPollMs?: number
}

interface Held {
  epoch: number
  /** Monotonic ms until which this instance may push. */
  validUntil: number
  /** Monotonic ms of the last renewal's start. */
  renewedAt: number
  /** The lock session the zone's lock was taken in (with `locks`). */
  session: number
}

/** Takes, renews and releases this instance's publisher leases. */
export class LeaseKeeper implements PublishGate {
  readonly #options: LeaseKeeperOptions
  readonly #held = new Map<Fqdn, Held>()
  readonly #leased: ReadonlySet<Fqdn>
  /** Zones whose last round failed (logged once until one works). */
  readonly #failing = new Set<Fqdn>()
  #timer: NodeJS.Timeout | undefined
  #running: Promise<void> | undefined
  /** Monotonic ms the running round started at; whether it closed the lock session yet. */
  #roundStartedAt = 0
  #roundDropped = false
  /** Zone → the lock session its lock was taken in: locks stack per session, take each once. */
  readonly #locked = new Map<Fqdn, number>()
  /** Monotonic ms at the start of the last lock-session command that worked. */
  #lockOkAt = -Infinity
  #started = false

  constructor(options: LeaseKeeperOptions) {
    this.#options = options
    this.#leased = new Set(options.zones)
  }

  /** How often leases are renewed (and, without locks, free ones looked for). */
  get intervalMs(): number {
    return Math.max(100, Math.floor(this.#options.leaseMs / 3))
  }

  /** How often a round runs: with locks, free zones are looked for more often than renewed. */
  get roundMs(): number {
    const locks = this.#options.locks === undefined ? Infinity : (this.#options.lockPollMs ?? 500)
    return Math.min(this.intervalMs, locks)
  }

  /** True when this instance may push the zone now (always, for a zone needing no lease). */
  holds(zone: Fqdn): boolean {
    if (!this.#leased.has(zone)) return true
    const h = this.#held.get(zone)
    const now = this.#options.monotonic()
    if (h === undefined || now >= h.validUntil) return false
    const { locks, leaseMs } = this.#options
    if (locks === undefined) return true
    // The lock session failed since, or was silent so long the server may have dropped it:
    // another instance may hold the lock already.
    return locks.session === h.session && now < this.#lockOkAt + leaseMs - this.intervalMs
  }

  /** Renews held leases and tries to take free ones, once; never runs twice at a time. */
  tick(): Promise<void> {
    if (this.#running !== undefined) {
      this.#dropIfHung()
      return this.#running
    }
    this.#roundStartedAt = this.#options.monotonic()
    this.#roundDropped = false
    this.#running = this.#round().finally(() => (this.#running = undefined))
    return this.#running
  }

  /**
   * A round hanging past two thirds of a lease (the pool's connections gone silent) renews
   * nothing, but its lock session may still answer and keep others out: close that session
   * so the server frees its locks. The next round opens a new one.
   */
  #dropIfHung(): void {
    const { locks, leaseMs, logger } = this.#options
    if (locks === undefined || this.#roundDropped) return
    if (this.#options.monotonic() - this.#roundStartedAt <= leaseMs - this.intervalMs) return
    this.#roundDropped = true
    logger.warn({}, 'lease round hangs; lock session closed so another instance takes over')
    void locks.close()
  }

  /** Starts the renewal timer (the first round should be awaited with `tick` before). */
  start(): void {
    this.#started = true
    this.#timer = setInterval(() => void this.tick(), this.roundMs)
    this.#timer.unref()
  }

  /** Stops renewing and releases every held lease so another instance takes over at once. */
  async stop(): Promise<void> {
    clearInterval(this.#timer)
    await this.#running
    for (const [zone, h] of this.#held) {
      try {
        await this.#options.store.release(zone, this.#options.instanceId, h.epoch)
      } catch (e) {
        this.#options.logger.warn({ zone, error: String(e) }, 'lease release failed; it expires')
      }
    }
    this.#held.clear()
    this.#locked.clear()
    await this.#options.locks?.close()
  }

  /** Records the serial just made live, for instances waiting on it; best effort. */
  published(zone: Fqdn, serial: number): void {
    const h = this.#held.get(zone)
    if (h === undefined) return
    this.#options.store
      .recordPublished(zone, this.#options.instanceId, h.epoch, serial)
      .catch((e: unknown) => {
        this.#options.logger.warn({ zone, error: String(e) }, 'published serial not recorded')
      })
  }

  /** Polls the holder's published serial until it reaches `serial` or the deadline passes. */
  async waitPublished(zone: Fqdn, serial: number, deadlineMs: number): Promise<boolean> {
    const deadline = this.#options.monotonic() + deadlineMs
    for (;;) {
      try {
        const live = await this.#options.store.publishedSerial(zone)
        if (live !== undefined && (live === serial || serialGreater(live, serial))) return true
      } catch {
        // The database is briefly unreachable: the caller's deadline decides.
      }
      const left = deadline - this.#options.monotonic()
      if (left <= 0) return false
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(left, this.#options.pollMs ?? 100)),
      )
    }
  }

  async #round(): Promise<void> {
    // A failed lock session shows in `session`: its zones are retaken below, or lost.
    const locks = this.#options.locks
    if (locks !== undefined && this.#held.size > 0) {
      const started = this.#options.monotonic()
      await locks.ping().then(
        () => (this.#lockOkAt = started),
        (e: unknown) => {
          if (this.#failing.size === 0)
            this.#options.logger.warn({ error: String(e) }, 'lease lock session failed')
        },
      )
    }
    for (const zone of this.#options.zones) {
      try {
        await this.#one(zone)
        if (this.#failing.delete(zone))
          this.#options.logger.info({ zone }, 'lease round works again')
      } catch (e) {
        // The database is unreachable: keep what we hold until it runs out on its own. Logged
        // once per outage: rounds run every 500 ms with session locks.
        if (!this.#failing.has(zone))
          this.#options.logger.warn({ zone, error: String(e) }, 'lease round failed')
        this.#failing.add(zone)
      }
    }
  }

  async #one(zone: Fqdn): Promise<void> {
    const { store, instanceId, leaseMs, locks } = this.#options
    // Measured before the round trip: the lease is valid from the moment we asked.
    const started = this.#options.monotonic()
    const now = this.#options.now()
    const until = new Date(now.getTime() + leaseMs)
    const validUntil = started + leaseMs - this.intervalMs
    const h = this.#held.get(zone)
    if (h !== undefined) {
      // Due a renewal, or holding the lock in a session that failed since (then retaken).
      const relock = locks !== undefined && locks.session !== h.session
      if (!relock && started - h.renewedAt < this.intervalMs - this.roundMs / 2) return
      if (relock) {
        h.validUntil = 0
        const session = await this.#tryLock(locks, zone)
        if (session === undefined) return this.#lost(zone, h)
        h.session = session
      }
      if (await store.renew(zone, instanceId, h.epoch, until)) {
        h.validUntil = validUntil
        h.renewedAt = started
        return
      }
      return this.#lost(zone, h)
    }
    // With locks: the lock is free only when no live session holds the zone, so the lease
    // is taken whatever its expiry says (the holder's session is gone).
    let session = 0
    if (locks !== undefined) {
      const s = await this.#tryLock(locks, zone)
      if (s === undefined) return
      session = s
    }
    let epoch: number | undefined
    try {
      epoch = await store.acquire(zone, instanceId, now, until, locks !== undefined)
    } finally {
      if (epoch === undefined) await this.#unlock(zone)
    }
    if (epoch === undefined) return
    this.#held.set(zone, { epoch, validUntil, renewedAt: started, session })
    this.#options.logger.info({ zone, epoch, instance: instanceId }, 'publisher lease acquired')
    if (!this.#started) return
    this.#options.onAcquired(zone).catch((e: unknown) => {
      this.#options.logger.warn({ zone, error: String(e) }, 'takeover resync failed')
    })
  }

  /**
   * Takes the zone's lock unless this session holds it already; the session it is held in
   * (read at once: the session may fail later in the round), or undefined when taken.
   */
  async #tryLock(locks: SessionLocks, zone: Fqdn): Promise<number | undefined> {
    if (this.#locked.get(zone) === locks.session) return locks.session
    const started = this.#options.monotonic()
    if (!(await locks.tryLock(zone))) return undefined
    const session = locks.session
    this.#locked.set(zone, session)
    this.#lockOkAt = started
    return session
  }

  /** Releases the zone's lock if this session holds it; best effort (a failure ends the session). */
  async #unlock(zone: Fqdn): Promise<void> {
    const locks = this.#options.locks
    const session = this.#locked.get(zone)
    this.#locked.delete(zone)
    if (locks === undefined || session !== locks.session) return
    await locks.unlock(zone).catch(() => undefined)
  }

  async #lost(zone: Fqdn, h: Held): Promise<void> {
    this.#held.delete(zone)
    this.#options.logger.warn({ zone, epoch: h.epoch }, 'publisher lease lost to another instance')
    await this.#unlock(zone)
  }
}

/**
 * Lockouts after repeated bad credentials. A lock is per (credential, source): the user
 * name a client sent (or "a bare token") together with the client's address (IPv6 by /64).
 * After `threshold` failures the pair is locked for `baseSeconds`; each failure after a
 * lock ended locks it again for twice as long, up to `maxSeconds`. A success from the pair
 * clears it; a pair without failures for `resetSeconds` starts over.
 *
 * Why per source: a lock on the credential alone would let anyone lock a victim's router
 * out from anywhere, forever, by sending wrong passwords. Per source, an attacker only
 * locks themself; the price is that a spread of addresses gets `threshold` guesses per
 * address per episode (the per-address rate limit and argon2 bound that). Addresses in the
 * allow-list are never locked and never counted. State lives in the store: a restart does
 * not reset anyone's lock.
 */
import type { Cidr, IpAddress } from '../addresses/addresses.ts'
import type { Clock } from '../ports.ts'
import { sourceKey } from '../rate-limit/rate-limit.ts'

/** One (credential, source) pair's failures and lock, as stored. */
export interface LockoutRecord {
  /** Set once stored. */
  readonly id?: number
  /** `user:<name as sent>` or `token` (bare tokens carry no name). */
  readonly subject: string
  /** The client address (IPv6 as its /64). */
  readonly source: string
  /** Failures since the last lock ended (or since the start). */
  readonly failures: number
  /** How many times the pair was locked in this episode; the next lock lasts 2^level base. */
  readonly level: number
  readonly lockedUntil: string | null
  readonly lastFailureAt: string
}

/** Where lockouts persist. */
export interface LockoutStore {
  find(subject: string, source: string): Promise<LockoutRecord | undefined>
  /** Inserts (no id) or updates (by id). */
  save(record: LockoutRecord): Promise<void>
  remove(id: number): Promise<void>
}

/** Lockout settings. */
export interface LockoutSettings {
  /** Failures before the first lock; 0 turns lockouts off. */
  readonly threshold: number
  readonly baseSeconds: number
  readonly maxSeconds: number
  readonly resetSeconds: number
}

/** A lock that just began (for the owner's notification). */
export interface LockEvent {
  readonly subject: string
  readonly source: string
  readonly until: string
  readonly level: number
  readonly clientIp: string
}

/** The record after one more failure at `now` (pure; the policy in one place). */
export function afterFailure(
  previous: LockoutRecord | undefined,
  subject: string,
  source: string,
  now: Date,
  s: LockoutSettings,
): LockoutRecord {
  const fresh =
    previous === undefined ||
    Date.parse(previous.lastFailureAt) + s.resetSeconds * 1000 <= now.getTime()
  const failures = (fresh ? 0 : previous.failures) + 1
  const level = fresh ? 0 : previous.level
  const base = { ...(previous?.id === undefined ? {} : { id: previous.id }), subject, source }
  const at = now.toISOString()
  // Once locked in this episode, a single failure after the lock ended locks it again.
  if (failures >= (level === 0 ? s.threshold : 1)) {
    const seconds = Math.min(s.maxSeconds, s.baseSeconds * 2 ** level)
    const until = new Date(now.getTime() + seconds * 1000).toISOString()
    return { ...base, failures: 0, level: level + 1, lockedUntil: until, lastFailureAt: at }
  }
  return { ...base, failures, level, lockedUntil: null, lastFailureAt: at }
}

/** Seconds left on a record's lock at `now`, or undefined when it is not locked. */
export function lockedFor(record: LockoutRecord | undefined, now: Date): number | undefined {
  if (record?.lockedUntil == null) return undefined
  const left = Date.parse(record.lockedUntil) - now.getTime()
  return left > 0 ? Math.ceil(left / 1000) : undefined
}

/** Options of `Lockouts`. */
export interface LockoutOptions {
  readonly store: LockoutStore
  readonly clock: Clock
  readonly settings: LockoutSettings
  /** Sources never locked out. */
  readonly allow: readonly Cidr[]
  /** Told when a pair is first locked in an episode (not at each doubling). */
  readonly onLocked?: (event: LockEvent) => void
}

/** Checks and counts bad credentials per (credential, source). */
export class Lockouts {
  readonly #options: LockoutOptions

  constructor(options: LockoutOptions) {
    this.#options = options
  }

  /** Seconds the pair stays locked, or undefined when it may try. */
  async check(subject: string, ip: IpAddress): Promise<number | undefined> {
    return (await this.inspect(subject, ip)).lockedFor
  }

  /** The lock, and whether the pair has a record at all (a success then has one to clear). */
  async inspect(
    subject: string,
    ip: IpAddress,
  ): Promise<{ lockedFor: number | undefined; recorded: boolean }> {
    if (!this.#applies(ip)) return { lockedFor: undefined, recorded: false }
    const record = await this.#options.store.find(subject, sourceKey(ip))
    return {
      lockedFor: lockedFor(record, this.#options.clock.now()),
      recorded: record !== undefined,
    }
  }

  /** Counts one failure; locks the pair when it reaches the threshold. */
  async failed(subject: string, ip: IpAddress): Promise<void> {
    if (!this.#applies(ip)) return
    const source = sourceKey(ip)
    const previous = await this.#options.store.find(subject, source)
    const now = this.#options.clock.now()
    const next = afterFailure(previous, subject, source, now, this.#options.settings)
    await this.#options.store.save(next)
    // Once per episode: the first lock, not each doubling after it.
    if (next.lockedUntil !== null && next.level === 1) {
      this.#options.onLocked?.({
        subject,
        source,
        until: next.lockedUntil,
        level: next.level,
        clientIp: ip.text,
      })
    }
  }

  /** A success from the pair forgets its failures. */
  async succeeded(subject: string, ip: IpAddress): Promise<void> {
    if (!this.#applies(ip)) return
    const record = await this.#options.store.find(subject, sourceKey(ip))
    if (record?.id !== undefined) await this.#options.store.remove(record.id)
  }

  #applies(ip: IpAddress): boolean {
    return this.#options.settings.threshold > 0 && !this.#options.allow.some((c) => c.contains(ip))
  }
}

/**
 * Lockout administration, the one way the CLI, the REST API and the web UI list and lift the
 * (credential, source) pairs locked after bad credentials (`core/auth/lockout.ts`). Lifting
 * forgets the failures too, so the next bad try starts over.
 */
import type { KeyedHasher } from '../ports.ts'
import { liftSubjects } from '../auth/credential-gate.ts'
import { err, ok, type Result } from '../result.ts'
import type { AccountError } from './account-error.ts'

/** A lockout as admins see it. */
export interface LockoutView {
  readonly subject: string
  readonly source: string
  readonly failures: number
  readonly level: number
  readonly lockedUntil: string | null
  readonly lastFailureAt: string
  /** Whether the pair is locked at the time of listing. */
  readonly locked: boolean
}

/** A lockout with its id (what `DELETE /lockouts/{id}` names). */
export interface LockoutEntry extends LockoutView {
  readonly id: number
}

/** The store port of lockout administration. */
export interface LockoutAdminStore {
  /** Every pair with failures or a lock (or only locked ones), locked first, newest first. */
  lockouts(now: Date, lockedOnly: boolean): Promise<LockoutEntry[]>
  /** Forgets one pair; false when there is none. */
  removeLockout(id: number): Promise<boolean>
  /**
   * Forgets the pairs of a subject as stored (`user:<name>`, `token`, `unknown:<hash>`; a
   * bare name is a user's), or of any subject of a list; only from `source` when given.
   */
  liftLockouts(subject: string | readonly string[], source?: string): Promise<number>
}

/** Lists and lifts lockouts. */
export class LockoutAdmin {
  readonly #store: LockoutAdminStore
  readonly #hasher: KeyedHasher
  readonly #now: () => Date

  constructor(options: { store: LockoutAdminStore; hasher: KeyedHasher; now: () => Date }) {
    this.#store = options.store
    this.#hasher = options.hasher
    this.#now = options.now
  }

  /** The lockouts now, locked ones first (every pair with failures unless `lockedOnly`). */
  list(lockedOnly = false): Promise<LockoutEntry[]> {
    return this.#store.lockouts(this.#now(), lockedOnly)
  }

  /** Lifts one pair by id. */
  async remove(id: number): Promise<Result<void, AccountError>> {
    return (await this.#store.removeLockout(id))
      ? ok(undefined)
      : err({ code: 'not-found', message: `lockout ${String(id)} not found` })
  }

  /**
   * Lifts the pairs of a credential as a client sends it (a user name, one that names no user
   * too, or `token`), from one source key when given; returns how many were lifted.
   */
  lift(given: string, source?: string): Promise<number> {
    return this.#store.liftLockouts(liftSubjects(this.#hasher, given), source)
  }

  /** Lifts one pair as listed (its stored subject and source); returns how many (0 or 1). */
  liftListed(subject: string, source: string): Promise<number> {
    return this.#store.liftLockouts(subject, source)
  }
}

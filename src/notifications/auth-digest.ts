/**
 * Collects failed logins per subject (a user, or a host named in the request) into fixed
 * windows that start with the first failure. When a window ends with at least `threshold`
 * failures it yields one digest, so a router retrying a stale password every five minutes
 * produces one mail per window instead of one per attempt.
 */

/** Who a failed login was for. */
export interface AuthSubject {
  /** `user:<name>` or `host:<fqdn>`: one window each. */
  readonly key: string
  /** As shown to the owner: the user name or the host's name. */
  readonly name: string
  readonly ownerId: number
}

/** One window's failures for one subject. */
export interface AuthDigest {
  readonly subject: AuthSubject
  readonly count: number
  readonly sources: readonly string[]
  readonly dialects: readonly string[]
  readonly windowStart: Date
  readonly windowEnd: Date
}

interface Window {
  subject: AuthSubject
  count: number
  sources: Set<string>
  dialects: Set<string>
  start: number
}

// Bounds memory when many names are guessed: addresses and windows beyond these are dropped.
// Not an LRU like the caches (lru-cache): a window is a digest on its way to an owner, not
// something to read again, so a full table refuses new windows rather than drop one counting.
const MAX_WINDOWS = 10_000
const MAX_SOURCES = 50

/** Per-subject failure windows. */
export class AuthFailureDigests {
  readonly #windows = new Map<string, Window>()
  readonly #threshold: number
  readonly #windowMs: number

  constructor(threshold: number, windowSeconds: number) {
    this.#threshold = threshold
    this.#windowMs = windowSeconds * 1000
  }

  /** Counts one failure at `at` from `source`. */
  record(subject: AuthSubject, source: string, dialect: string, at: Date): void {
    let w = this.#windows.get(subject.key)
    if (w === undefined) {
      if (this.#windows.size >= MAX_WINDOWS) return
      w = { subject, count: 0, sources: new Set(), dialects: new Set(), start: at.getTime() }
      this.#windows.set(subject.key, w)
    }
    w.count++
    if (w.sources.size < MAX_SOURCES) w.sources.add(source)
    w.dialects.add(dialect)
  }

  /** Closes every window that ended by `now`; returns those that reached the threshold. */
  flush(now: Date): AuthDigest[] {
    const due: AuthDigest[] = []
    for (const [key, w] of this.#windows) {
      if (now.getTime() < w.start + this.#windowMs) continue
      this.#windows.delete(key)
      if (w.count < this.#threshold) continue
      due.push({
        subject: w.subject,
        count: w.count,
        sources: [...w.sources],
        dialects: [...w.dialects],
        windowStart: new Date(w.start),
        windowEnd: new Date(w.start + this.#windowMs),
      })
    }
    return due
  }

  /** Open windows, for tests and shutdown. */
  get size(): number {
    return this.#windows.size
  }
}

/**
 * The port web sessions are kept behind (src/web/session.ts decides what a session is and
 * when it ends; src/store/web-session-store.ts keeps the rows). A session is known only by
 * its key: the keyed hash of the cookie's id, never the id itself.
 */

/** A new session's row. Times are ISO 8601 strings. */
export interface NewWebSession {
  readonly key: string
  readonly userId: number
  readonly createdAt: string
  readonly lastSeenAt: string
  readonly expiresAt: string
  /** The client when the session began (shown on the account page). */
  readonly clientIp?: string | null
  readonly userAgent?: string | null
  /** When the account was last proven (password or second factor); null: not yet. */
  readonly verifiedAt?: string | null
  /** True while the second factor after the password is still to come. */
  readonly pending?: boolean
}

/** A stored session with the user it belongs to. */
export interface StoredWebSession {
  /** The row id: names a session on the account page (never the key). */
  readonly id: number
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
  readonly createdAt: string
  readonly lastSeenAt: string
  readonly expiresAt: string
  readonly clientIp: string | null
  readonly userAgent: string | null
  readonly verifiedAt: string | null
  readonly pending: boolean
}

/** One session of a user, as the account page lists it. */
export interface ListedWebSession extends StoredWebSession {
  readonly key: string
}

/** Where web sessions are kept. */
export interface WebSessionStore {
  insert(session: NewWebSession): Promise<void>
  /** The session with this key and its user, if the row exists (expired or not). */
  find(key: string): Promise<StoredWebSession | undefined>
  /** Records activity: sets the session's last-seen time. */
  touch(key: string, lastSeenAt: string): Promise<void>
  /** Records that the account was proven now; ends the pending state. */
  verified(key: string, at: string): Promise<void>
  remove(key: string): Promise<void>
  /** Removes every session of a user. */
  removeAllOf(userId: number): Promise<void>
  /** Every session of a user, newest first. */
  listOf(userId: number): Promise<ListedWebSession[]>
  /** Removes one session of a user by row id; false when the user has none with it. */
  removeOne(userId: number, id: number): Promise<boolean>
  /** Removes every session of a user but one (the key kept). */
  removeOthersOf(userId: number, keep: string): Promise<void>
}

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
}

/** A stored session with the user it belongs to. */
export interface StoredWebSession {
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
  readonly lastSeenAt: string
  readonly expiresAt: string
}

/** Where web sessions are kept. */
export interface WebSessionStore {
  insert(session: NewWebSession): Promise<void>
  /** The session with this key and its user, if the row exists (expired or not). */
  find(key: string): Promise<StoredWebSession | undefined>
  /** Records activity: sets the session's last-seen time. */
  touch(key: string, lastSeenAt: string): Promise<void>
  remove(key: string): Promise<void>
  /** Removes every session of a user. */
  removeAllOf(userId: number): Promise<void>
}

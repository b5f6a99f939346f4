/**
 * Web sessions for the UI and for cookie-authenticated REST API calls.
 *
 * A login creates a random 256-bit session id, sent once in an `HttpOnly; SameSite=Lax;
 * Path=/` cookie (`Secure` over HTTPS) and stored only as a keyed hash, with an idle and an
 * absolute expiry; logout deletes the row. Each session has a CSRF token derived from its id
 * (a keyed hash, so nothing more is stored); every state-changing form carries it in a hidden
 * `csrf` field and every state-changing API call made with the cookie in `x-csrf-token`.
 *
 * Use from other HTTP modules (the REST API):
 *   `const s = await sessions.fromRequest(req)` → `WebSession | undefined`
 *   `sessions.checkCsrf(s, req.headers['x-csrf-token'])` → `boolean` (constant-time)
 *
 * Fastify's plugins are not used here, for these reasons:
 * - `@fastify/csrf-protection` (8) keeps a secret of its own, in an extra `_csrf` cookie or in
 *   a session plugin (`@fastify/session`), and checks in an `onRequest` hook that refuses by
 *   throwing `FST_CSRF_INVALID_TOKEN`. Here the token is a keyed hash of the server-side
 *   session key (nothing more stored or sent; it ends with the session), and it is checked
 *   once the session is known: no session is a 401 or the login page first, a wrong token a
 *   403 page in the signed-in layout (web) or the catalogue's `csrf_failed` (API), and API
 *   calls with a bearer token need none.
 * - `@fastify/cookie` (11) loads its parser and serializer only when registered, and then
 *   hooks every answer of its scope (`onSend`, and `onRequest` parsing unless `hook: false`);
 *   its serializer writes `Path` before `HttpOnly` and `SameSite`, so the `Set-Cookie` values
 *   would not stay byte for byte what they are. What is needed is one value read by name
 *   (`readCookie`) and two fixed attribute sets.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { ListedWebSession, WebSessionStore } from '../core/auth/web-session-store.ts'
import type { Clock, KeyedHasher } from '../core/ports.ts'

/** The name of the session cookie. */
export const SESSION_COOKIE = 'dynzone_session'

/** A signed-in user as a request sees it. */
export interface WebSession {
  readonly userId: number
  readonly userName: string
  readonly isAdmin: boolean
  /** The token state-changing requests must echo (form field `csrf`, header `x-csrf-token`). */
  readonly csrf: string
  /** The keyed hash of the session id (the row key; never the id itself). */
  readonly key: string
  /** When the account was last proven in this session (password or second factor). */
  readonly verifiedAt: string | null
  /** True while the second factor after the password is still to come. */
  readonly pending: boolean
}

/** How a new session begins. */
export interface SessionStart {
  readonly clientIp?: string
  readonly userAgent?: string
  /** True when a second factor must follow the password before the session counts. */
  readonly pending?: boolean
}

/** How long a proof of the account (step-up) lasts. */
export const STEP_UP_MS = 5 * 60_000

/** Options of the session store. */
export interface WebSessionsOptions {
  /** Where the sessions are kept (the composition root builds it over the store). */
  readonly store: WebSessionStore
  readonly hasher: KeyedHasher
  readonly clock: Clock
  /** Seconds without a request after which a session ends (default 2 hours). */
  readonly idleSeconds?: number
  /** Seconds after login after which a session ends regardless (default 7 days). */
  readonly absoluteSeconds?: number
}

/** The headers a request needs to carry a session: only `cookie` is read. */
export interface CookieCarrier {
  readonly headers: { readonly cookie?: string | undefined }
}

// A session waiting for its second factor lasts no longer than the form it needs.
const PENDING_MS = 10 * 60_000

// Writing last_seen_at on every page view would turn reads into writes; a minute is plenty.
const TOUCH_AFTER_MS = 60_000

/** Sessions kept in a `WebSessionStore` (the `web_sessions` table). */
export class WebSessions {
  readonly #options: WebSessionsOptions
  readonly #idleMs: number
  readonly #absoluteMs: number

  constructor(options: WebSessionsOptions) {
    this.#options = options
    this.#idleMs = (options.idleSeconds ?? 2 * 3600) * 1000
    this.#absoluteMs = (options.absoluteSeconds ?? 7 * 86400) * 1000
  }

  /** Starts a session for a user; returns the cookie value (shown to nobody else). */
  async create(userId: number, start: SessionStart = {}): Promise<string> {
    const id = randomBytes(32).toString('base64url')
    const now = this.#options.clock.now()
    const pending = start.pending === true
    await this.#options.store.insert({
      key: this.#key(id),
      userId,
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.#absoluteMs).toISOString(),
      clientIp: start.clientIp ?? null,
      userAgent: start.userAgent ?? null,
      // The password was just checked: that is a fresh proof unless a second factor is due.
      verifiedAt: pending ? null : now.toISOString(),
      pending,
    })
    return id
  }

  /** Records that the account was proven now (second factor or step-up); ends `pending`. */
  async verified(session: WebSession): Promise<void> {
    await this.#options.store.verified(session.key, this.#options.clock.now().toISOString())
  }

  /** True when the account was proven in this session within the step-up window. */
  isFresh(session: WebSession): boolean {
    if (session.pending || session.verifiedAt === null) return false
    const age = this.#options.clock.now().getTime() - Date.parse(session.verifiedAt)
    return age >= 0 && age < STEP_UP_MS
  }

  /** Every session of a user, newest first. */
  listOf(userId: number): Promise<ListedWebSession[]> {
    return this.#options.store.listOf(userId)
  }

  /** Ends one session of a user (by row id); false when there is none. */
  endOne(userId: number, id: number): Promise<boolean> {
    return this.#options.store.removeOne(userId, id)
  }

  /** Ends every session of the user but this one. */
  async endOthers(session: WebSession): Promise<void> {
    await this.#options.store.removeOthersOf(session.userId, session.key)
  }

  /**
   * The session a request's cookie names, when it exists and has not expired. A session
   * still waiting for its second factor is returned only when `pending` is asked for (the
   * login's second step and the page guard): to everything else (the REST API too) it is
   * no session.
   */
  async fromRequest(
    req: CookieCarrier,
    o: { readonly pending?: boolean } = {},
  ): Promise<WebSession | undefined> {
    const id = readCookie(req.headers.cookie, SESSION_COOKIE)
    if (id === undefined || !/^[A-Za-z0-9_-]{43}$/.test(id)) return undefined
    const key = this.#key(id)
    const row = await this.#options.store.find(key)
    if (row === undefined) return undefined
    const now = this.#options.clock.now().getTime()
    const lastSeen = Date.parse(row.lastSeenAt)
    const pendingTooLong = row.pending && now >= Date.parse(row.createdAt) + PENDING_MS
    if (now >= Date.parse(row.expiresAt) || now >= lastSeen + this.#idleMs || pendingTooLong) {
      await this.#options.store.remove(key)
      return undefined
    }
    if (row.pending && o.pending !== true) return undefined
    if (now - lastSeen > TOUCH_AFTER_MS) {
      await this.#options.store.touch(key, new Date(now).toISOString())
    }
    return {
      userId: row.userId,
      userName: row.userName,
      isAdmin: row.isAdmin,
      csrf: this.#options.hasher.digest(`csrf\0${key}`),
      key,
      verifiedAt: row.verifiedAt,
      pending: row.pending,
    }
  }

  /** True when `value` is the session's CSRF token (constant-time). */
  checkCsrf(session: WebSession, value: unknown): boolean {
    if (typeof value !== 'string') return false
    const want = Buffer.from(session.csrf, 'utf8')
    const got = Buffer.from(value, 'utf8')
    return want.length === got.length && timingSafeEqual(want, got)
  }

  /** Ends a session (logout). */
  async destroy(session: WebSession): Promise<void> {
    await this.#options.store.remove(session.key)
  }

  /** Ends every session of a user (password reset, user deleted). */
  async destroyAllOf(userId: number): Promise<void> {
    await this.#options.store.removeAllOf(userId)
  }

  #key(id: string): string {
    return this.#options.hasher.digest(`session\0${id}`)
  }
}

/** The `Set-Cookie` value that carries a new session id. */
export function sessionCookie(id: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${id}; HttpOnly; SameSite=Lax; Path=/${secure ? '; Secure' : ''}`
}

/** The `Set-Cookie` value that removes the session cookie. */
export function clearedSessionCookie(secure: boolean): string {
  return `${SESSION_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0${secure ? '; Secure' : ''}`
}

/** One cookie's value from a `Cookie` header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (header === undefined) return undefined
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return undefined
}

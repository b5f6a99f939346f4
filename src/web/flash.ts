/**
 * Flash messages across a POST-redirect-GET: every state-changing form answers with a `303`
 * to a page, and the message that names what changed (or why nothing did) rides along in a
 * short-lived cookie that the next signed-in page view reads and clears. Reloading that page
 * never re-posts the form and shows the message only once.
 *
 * The cookie is sealed with AES-256-GCM under a key derived from the server pepper, with the
 * session's key as associated data: the browser cannot read it (a new token's secret may
 * ride in it, to be shown once on the page after the redirect), forge it, or carry it to
 * another session. It lives for at most five minutes. Several instances behind one address
 * share the pepper, so the page after the redirect may be served by any of them.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { Clock, KeyedHasher } from '../core/ports.ts'
import { readCookie } from './session.ts'

/** The name of the flash cookie. */
export const FLASH_COOKIE = 'dynzone_flash'

/** A one-line message above the page content. */
export interface Flash {
  readonly kind: 'notice' | 'error'
  readonly text: string
}

/** What one redirect carries to the next page: the message, and values that page shows once. */
export interface FlashData extends Flash {
  /** Values for the page after the redirect only (such as a new token's secret). */
  readonly once?: Readonly<Record<string, string>>
}

const LIFETIME_MS = 5 * 60_000
// Browsers keep cookies up to 4096 bytes; a message longer than this is cut, never dropped.
const MAX_TEXT = 1500

/** Seals and opens flash cookies. */
export class FlashCookies {
  readonly #key: Buffer
  readonly #clock: Clock
  /** What each GET request's cookie held (read once, by the page of that request). */
  readonly #taken = new WeakMap<FastifyRequest, FlashData>()

  constructor(o: { hasher: KeyedHasher; clock: Clock }) {
    this.#key = Buffer.from(o.hasher.digest('web flash cookie key'), 'hex').subarray(0, 32)
    this.#clock = o.clock
  }

  /** Sets the cookie that carries `data` to the next page of this session. */
  set(reply: FastifyReply, sessionKey: string, data: FlashData, secure: boolean): void {
    const text = data.text.length > MAX_TEXT ? `${data.text.slice(0, MAX_TEXT)}…` : data.text
    const body = JSON.stringify({ ...data, text, at: this.#clock.now().getTime() })
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv)
    cipher.setAAD(Buffer.from(sessionKey))
    const sealed = Buffer.concat([cipher.update(body, 'utf8'), cipher.final()])
    const value = Buffer.concat([iv, cipher.getAuthTag(), sealed]).toString('base64url')
    void reply.header('set-cookie', cookie(value, Math.floor(LIFETIME_MS / 1000), secure))
  }

  /**
   * Reads and clears the request's flash cookie (for a GET of a signed-in page); a cookie
   * that does not open under this session, or is too old, is dropped silently.
   */
  take(req: FastifyRequest, reply: FastifyReply, sessionKey: string): void {
    const value = readCookie(req.headers.cookie, FLASH_COOKIE)
    if (value === undefined || value === '') return
    void reply.header('set-cookie', cookie('', 0, req.protocol === 'https'))
    const data = this.#open(value, sessionKey)
    if (data !== undefined) this.#taken.set(req, data)
  }

  /** What `take` found for this request, if anything. */
  of(req: FastifyRequest): FlashData | undefined {
    return this.#taken.get(req)
  }

  #open(value: string, sessionKey: string): FlashData | undefined {
    try {
      const raw = Buffer.from(value, 'base64url')
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, 12))
      decipher.setAAD(Buffer.from(sessionKey))
      decipher.setAuthTag(raw.subarray(12, 28))
      const body = Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()])
      return parseFlash(JSON.parse(body.toString('utf8')), this.#clock.now().getTime())
    } catch {
      return undefined
    }
  }
}

function parseFlash(v: unknown, now: number): FlashData | undefined {
  if (typeof v !== 'object' || v === null) return undefined
  const o = v as Record<string, unknown>
  if (o.kind !== 'notice' && o.kind !== 'error') return undefined
  if (typeof o.text !== 'string' || typeof o.at !== 'number') return undefined
  if (now - o.at > LIFETIME_MS || o.at - now > 60_000) return undefined
  const once = o.once
  const strings =
    typeof once === 'object' && once !== null
      ? Object.fromEntries(
          Object.entries(once).filter((e): e is [string, string] => typeof e[1] === 'string'),
        )
      : undefined
  return { kind: o.kind, text: o.text, ...(strings === undefined ? {} : { once: strings }) }
}

function cookie(value: string, maxAge: number, secure: boolean): string {
  return `${FLASH_COOKIE}=${value}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${String(maxAge)}${secure ? '; Secure' : ''}`
}

/**
 * Login and logout. The login form is guarded by a one-time form token also set in a
 * `SameSite=Strict` cookie (no login CSRF); the password is checked with argon2id, with the
 * same work for unknown users; bad passwords count toward the same per-(user, source)
 * lockout as bad update credentials, when lockouts are configured, and toward the same
 * account-wide budget of bad passwords from all addresses (`rate_limit.account_bad_max`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { noteAudit } from '../http/audit-hook.ts'
import { loginPage } from './login-page.ts'
import { clearedSessionCookie, readCookie, sessionCookie } from './session.ts'
import {
  field,
  queryParam,
  redirect,
  safePath,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'

const LOGIN_COOKIE = 'dynzone_login'

/** Registers `GET/POST /login` and `POST /logout`. */
export function registerLoginRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get('/login', (req, reply) => showLogin(req, reply, 200))
  app.post('/login', async (req, reply) => {
    const next = safePath(field(req, 'next')) ?? '/hosts'
    if (!sameToken(readCookie(req.headers.cookie, LOGIN_COOKIE), field(req, 'form'))) {
      return showLogin(req, reply, 403, 'The form expired. Please try again.')
    }
    // A failed login's event names the account only when it exists (audit-hook.ts).
    noteAudit(req, { action: 'login' })
    const name = (field(req, 'username') ?? '').trim().slice(0, 200)
    const password = field(req, 'password') ?? ''
    const subject = `user:${name}`
    const ip = deps.clientIp?.(req)
    const locked = ip === undefined ? undefined : await deps.lockouts?.check(subject, ip)
    if (locked !== undefined) return tooMany(req, reply, 'from your address', locked, name)
    const spread = ip === undefined ? undefined : deps.spread?.spreadWait(name, ip)
    if (spread !== undefined) return tooMany(req, reply, 'for this account', spread, name)
    const user = name === '' ? undefined : await deps.store.userByName(name)
    if (user !== undefined) noteAudit(req, { actor: user.name })
    // The same argon2 work whether or not the user exists: no user enumeration by timing.
    const hash = user?.passwordHash ?? (await dummyHash(deps))
    const good = await deps.passwords.verify(hash, password)
    if (user === undefined || user.passwordHash === null || !good) {
      if (ip !== undefined) {
        await deps.lockouts?.failed(subject, ip)
        deps.spread?.passwordChecked(name, ip, false)
      }
      return showLogin(req, reply, 401, 'Wrong user name or password.', name)
    }
    if (ip !== undefined) {
      await deps.lockouts?.succeeded(subject, ip)
      deps.spread?.passwordChecked(name, ip, true)
    }
    const id = await deps.sessions.create(user.id)
    reply.header('set-cookie', [
      sessionCookie(id, isHttps(req)),
      `${LOGIN_COOKIE}=; Path=/login; Max-Age=0`,
    ])
    return redirect(reply, next)
  })
  app.post(
    '/logout',
    signedIn(deps, async (req, reply, session) => {
      noteAudit(req, { action: 'logout' })
      await deps.sessions.destroy(session)
      reply.header('set-cookie', clearedSessionCookie(isHttps(req)))
      return redirect(reply, '/login?bye=1')
    }),
  )
}

function showLogin(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  error?: string,
  name?: string,
): FastifyReply {
  const form = randomBytes(16).toString('base64url')
  const secure = isHttps(req) ? '; Secure' : ''
  reply.header(
    'set-cookie',
    `${LOGIN_COOKIE}=${form}; HttpOnly; SameSite=Strict; Path=/login${secure}`,
  )
  const next = safePath(queryParam(req, 'next') ?? field(req, 'next'))
  const bye = queryParam(req, 'bye') === '1'
  return sendHtml(
    reply,
    status,
    loginPage({
      form,
      ...(next === undefined ? {} : { next }),
      ...(name === undefined ? {} : { name }),
      ...(error !== undefined
        ? { flash: { kind: 'error', text: error } }
        : bye
          ? { flash: { kind: 'notice', text: 'You are logged out.' } }
          : {}),
    }),
  )
}

function tooMany(
  req: FastifyRequest,
  reply: FastifyReply,
  scope: string,
  seconds: number,
  name: string,
): FastifyReply {
  const minutes = String(Math.ceil(seconds / 60))
  const text = `Too many failed logins ${scope}. Try again in ${minutes} minutes.`
  return showLogin(req, reply, 429, text, name)
}

function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length || a === '') return false
  return timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

/** True when the request came over HTTPS (cookies get `Secure`). */
export function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https'
}

let dummy: Promise<string> | undefined
function dummyHash(deps: WebDeps): Promise<string> {
  dummy ??= deps.passwords.hash(randomBytes(16).toString('hex'))
  return dummy
}

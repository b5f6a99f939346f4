/**
 * Login and logout. The login form is guarded by a one-time form token also set in a
 * `SameSite=Strict` cookie (no login CSRF); the password goes through the credential gate
 * (src/core/auth/credential-gate.ts) like every other credential: argon2id with the same work for
 * unknown users, the per-(user, source) lockout, the address's failure budget and the
 * account-wide budget of bad passwords (`rate_limit.account_bad_max`). Tokens are no login.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { Secret } from '../core/auth/secret.ts'
import { noteAudit } from '../http/audit-hook.ts'
import { loginPage } from './login-page.ts'
import { registerSecondStep } from './second-step-routes.ts'
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
    noteAudit(req, { action: 'login' })
    const name = (field(req, 'username') ?? '').trim().slice(0, 200)
    const checked = await deps.gate.check({
      door: 'web-login',
      credentials: {
        kind: 'basic',
        username: name,
        secret: new Secret(field(req, 'password') ?? ''),
      },
      source: deps.clientIp(req),
      accepts: 'password',
    })
    if (!checked.ok && checked.error.code === 'abuse') {
      const scope = checked.error.scope === 'account' ? 'for this account' : 'from your address'
      return tooMany(req, reply, scope, checked.error.retryAfterSeconds, name)
    }
    if (!checked.ok) {
      // The event names the account only when it exists: never a stray secret in clear.
      const user = name === '' ? undefined : await deps.store.userByName(name)
      if (user !== undefined) noteAudit(req, { actor: user.name })
      return showLogin(req, reply, 401, 'Wrong user name or password.', name)
    }
    noteAudit(req, { actor: name })
    const userId = checked.value.userId
    const pending = await deps.secondFactors.has(userId)
    const agent = req.headers['user-agent']
    const id = await deps.sessions.create(userId, {
      clientIp: deps.clientIp(req).text,
      ...(agent === undefined ? {} : { userAgent: agent }),
      pending,
    })
    reply.header('set-cookie', [
      sessionCookie(id, isHttps(req)),
      `${LOGIN_COOKIE}=; Path=/login; Max-Age=0`,
    ])
    if (pending) return redirect(reply, `/login/second-factor?next=${encodeURIComponent(next)}`)
    return redirect(reply, next)
  })
  app.post(
    '/logout',
    signedIn(
      deps,
      async (req, reply, session) => {
        noteAudit(req, { action: 'logout' })
        await deps.sessions.destroy(session)
        reply.header('set-cookie', clearedSessionCookie(isHttps(req)))
        return redirect(reply, '/login?bye=1')
      },
      { beforeEnrolment: true },
    ),
  )
  registerSecondStep(app, deps)
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

/** True when both one-time form tokens are present and equal (compared in constant time). */
export function sameToken(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined || a.length !== b.length || a === '') return false
  return timingSafeEqual(Buffer.from(a), Buffer.from(b))
}

/** True when the request came over HTTPS (cookies get `Secure`). */
export function isHttps(req: FastifyRequest): boolean {
  return req.protocol === 'https'
}

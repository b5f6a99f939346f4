/**
 * The HTTP plumbing of the web pages: HTML replies with their security headers, relative
 * redirects, form fields, and the guard every signed-in route goes through (session present,
 * admin when asked, CSRF token on every POST).
 */
import { noteAudit } from '../http/audit-hook.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AdminReads } from '../core/accounts/account-store.ts'
import type { AccountService } from '../core/accounts/accounts.ts'
import type { Invitations } from '../core/accounts/invitations.ts'
import type { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import type { AuditFilter, StoredAuditEvent } from '../core/audit.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import type { Passkeys } from '../core/auth/passkeys.ts'
import type { SecondFactors } from '../core/auth/second-factors.ts'
import type { Clock, PasswordHasher } from '../core/ports.ts'
import type { AbuseGuard } from '../core/rate-limit/rate-limit-guard.ts'
import type { UpdateService } from '../core/update/update-service.ts'
import type { FlashCookies, FlashData } from './flash.ts'
import type { RequestReads } from '../core/update/request-trace.ts'
import type { ZoneRecordService } from '../core/zone-records/zone-record-service.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import { proveAccount } from './prove-account.ts'
import { stepUpPage } from './step-up-page.ts'
import type { WebSession, WebSessions } from './session.ts'
import type { RatePoint } from './rate-chart.ts'

/** What the web routes need from the composition root. */
/** The built-in DNS server's queries per second per step, oldest first. */
export interface QueryRates {
  series(): readonly RatePoint[]
}

export interface WebDeps {
  readonly sessions: WebSessions
  /** The messages (and show-once values) carried across a POST-redirect-GET. */
  readonly flash: FlashCookies
  /** The admin and host pages' reads. */
  readonly store: AdminReads
  readonly accounts: AccountService
  readonly lockouts: LockoutAdmin
  readonly passwords: PasswordHasher
  readonly clock: Clock
  /** The client's address (trusted proxies applied). */
  readonly clientIp: (req: FastifyRequest) => IpAddress
  /** Address changes from the host page, as the signed-in user (the update path). */
  readonly updates: Pick<UpdateService, 'updateAs'>
  /** The update path's budgets, held for the web's address changes too. */
  readonly guard?: Pick<AbuseGuard, 'admitAuthenticated' | 'settled'> | undefined
  /** The guarded credential check every door shares (lockouts, failure budgets). */
  readonly gate: Pick<CredentialGate, 'check' | 'secondFactor'>
  /** TOTP and recovery codes. */
  readonly secondFactors: SecondFactors
  /** Passkeys; undefined when off (no `web.public_url`). */
  readonly passkeys: Passkeys | undefined
  /** Who must have a second factor (`web.require_second_factor`). */
  readonly requireSecondFactor: SecondFactorPolicy
  /** The router inspector's reads; absent: the host page has no inspector. */
  readonly requests?: RequestReads
  /** The built-in DNS server's queries per second; null or absent: no server runs. */
  readonly queryRates?: QueryRates | null | undefined
  /** Invitations by email (src/web/invitation-routes.ts); absent: no invitation pages. */
  readonly invites?: InviteDeps
  /** Static records (the record editor); absent: no editor. */
  readonly zoneRecords?: Pick<ZoneRecordService, 'list' | 'apply'>
  /** Audit events newest first (`before`: an event id, for the next page). */
  readonly audit: (
    filter: Omit<AuditFilter, 'before'>,
    before: number | undefined,
  ) => Promise<StoredAuditEvent[]>
}

/** What invitations need besides the web's own parts. */
export interface InviteDeps {
  readonly service: Invitations
  /** `web.public_url` without a trailing slash; "" when not configured. */
  readonly publicUrl: string
  /** Sends the invitation mail; false when it did not go out (or no SMTP host is set). */
  readonly mail: (to: string, values: Readonly<Record<string, string>>) => Promise<boolean>
}

/** `web.require_second_factor`: whose accounts need a second factor. */
export type SecondFactorPolicy = 'none' | 'admins' | 'everyone'

/** The content security policy of every page: nothing but dynzone's own files. */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

/** Sends a page with the security headers and no caching (pages show secrets and state). */
export function sendHtml(reply: FastifyReply, status: number, body: Html): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .header('cache-control', 'no-store')
    .send(body.text)
}

/** A 303 to a path of this site (never an absolute URL). */
export function redirect(reply: FastifyReply, path: string): FastifyReply {
  return reply
    .status(303)
    .header('location', safePath(path) ?? '/hosts')
    .header('cache-control', 'no-store')
    .send()
}

/**
 * The answer to every state-changing form: a 303 to a page, with a message for that page
 * that names what changed (or why nothing did), so reloading it never re-posts the form.
 */
export function redirectWithFlash(
  deps: Pick<WebDeps, 'flash'>,
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
  path: string,
  flash: FlashData,
): FastifyReply {
  deps.flash.set(reply, session.key, flash, req.protocol === 'https')
  return redirect(reply, path)
}

/** The message the redirect to this page carried, if any (read once). */
export function flashOf(deps: Pick<WebDeps, 'flash'>, req: FastifyRequest): Flash | undefined {
  const f = deps.flash.of(req)
  return f === undefined ? undefined : { kind: f.kind, text: f.text }
}

/** The path itself when it is a same-site path (`/x`, not `//host` or `/\host`), else undefined. */
export function safePath(path: string | undefined): string | undefined {
  if (path === undefined || !/^\/(?![/\\])[\w\-./?=&%~+]*$/.test(path)) return undefined
  return path
}

/** A form field (first value), trimmed; undefined when absent. */
export function field(req: FastifyRequest, name: string): string | undefined {
  return req.body instanceof URLSearchParams ? (req.body.get(name) ?? undefined) : undefined
}

/** A query parameter (first value). */
export function queryParam(req: FastifyRequest, name: string): string | undefined {
  const v = (req.query as Record<string, unknown>)[name]
  const first: unknown = Array.isArray(v) ? v[0] : v
  return typeof first === 'string' ? first : undefined
}

/** Renders an error page. */
export function errorPage(
  reply: FastifyReply,
  status: number,
  message: string,
  session?: WebSession,
): FastifyReply {
  const body = html`<h1>${status === 404 ? 'Not found' : 'Refused'}</h1>
    <p><a href="/hosts">Back to my hosts</a></p>`
  const flash: Flash = { kind: 'error', text: message }
  return sendHtml(reply, status, page({ title: 'Error', session, flash, body }))
}

/** A signed-in route's handler. */
export type SignedIn = (
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
) => Promise<FastifyReply>

/** What a signed-in route asks beyond a session. */
export interface SignedInOptions {
  /** Administrators only; every admin POST also asks for a step-up. */
  readonly admin?: boolean
  /**
   * A POST that needs a recent proof of the account (step-up): `always` (the second factor,
   * or the password for users without one), or `factor` (the second factor only: the form
   * itself asks for the current password).
   */
  readonly stepUp?: 'always' | 'factor'
  /** Open to users the second-factor policy still sends to enrol (enrolment, logout). */
  readonly beforeEnrolment?: boolean
}

/**
 * Wraps a handler: no session → to the login page (GET) or 401 (POST); a session still
 * waiting for its second factor → to that form; a POST without the session's CSRF token →
 * 403 and nothing changed; `admin` routes → 403 for other users; a user the second-factor
 * policy covers who has none → to enrolment; a step-up route without a recent proof → the
 * step-up form (the POST is carried through it once the proof is given).
 */
export function signedIn(deps: WebDeps, handler: SignedIn, options: SignedInOptions = {}) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const session = await deps.sessions.fromRequest(req, { pending: true })
    if (session !== undefined) noteAudit(req, { actor: session.userName })
    if (session === undefined || session.pending) {
      if (req.method === 'GET') {
        const next = safePath(req.url)
        const to = session === undefined ? '/login' : '/login/second-factor'
        return redirect(reply, next === undefined ? to : `${to}?next=${encodeURIComponent(next)}`)
      }
      return errorPage(reply, 401, 'Your session has ended. Log in again.')
    }
    if (req.method === 'POST' && !deps.sessions.checkCsrf(session, field(req, 'csrf'))) {
      return errorPage(
        reply,
        403,
        'The form was refused: its security token is missing or stale. Reload the page and try again.',
        session,
      )
    }
    if (req.method === 'GET') deps.flash.take(req, reply, session.key)
    if (options.admin === true && !session.isAdmin) {
      return errorPage(reply, 403, 'This page is for administrators.', session)
    }
    const need = options.stepUp ?? (options.admin === true ? 'always' : undefined)
    const stepping = req.method === 'POST' && need !== undefined && !deps.sessions.isFresh(session)
    const covered = options.beforeEnrolment !== true && policyCovers(deps, session)
    // One read of the factor, and only where a rule depends on it.
    const hasFactor = (stepping || covered) && (await deps.secondFactors.has(session.userId))
    if (covered && !hasFactor) {
      if (req.method === 'GET') return redirect(reply, '/account/totp?required=1')
      return errorPage(reply, 403, 'Set up a second factor first (Account).', session)
    }
    if (stepping && (need === 'always' || hasFactor)) {
      if (!(await stepUp(deps, req, reply, session, hasFactor))) return reply
    }
    return handler(req, reply, session)
  }
}

// True once the proof the form carries is right (the session is marked); else the step-up
// form is sent. (A reply is thenable: it is never what an async helper resolves to.)
async function stepUp(
  deps: WebDeps,
  req: FastifyRequest,
  reply: FastifyReply,
  session: WebSession,
  hasFactor: boolean,
): Promise<boolean> {
  const proof = field(req, 'step_up') ?? ''
  const passkey = field(req, 'passkey') ?? ''
  const kinds = hasFactor ? await deps.secondFactors.kinds(session.userId) : undefined
  const view = async () => ({
    session,
    action: safePath(req.url) ?? '/hosts',
    ...carried(req),
    hasFactor,
    totp: kinds?.totp ?? false,
    passkey: hasFactor
      ? await deps.passkeys?.signInOptions(session.key, session.userId)
      : undefined,
  })
  if (proof === '' && passkey === '') {
    sendHtml(reply, 401, stepUpPage(await view()))
    return false
  }
  const r = await proveAccount({
    gate: deps.gate,
    secondFactors: deps.secondFactors,
    userId: session.userId,
    userName: session.userName,
    source: deps.clientIp(req),
    hasFactor,
    proof,
    passkeys: deps.passkeys,
    sessionKey: session.key,
    passkey,
  })
  if (r.ok) {
    await deps.sessions.verified(session)
    return true
  }
  const flash = { kind: 'error', text: r.message } as const
  sendHtml(reply, r.status, stepUpPage({ ...(await view()), flash }))
  return false
}

// The fields a step-up carries: never the CSRF token or the proof itself (code or passkey); passwords are not
// written into the page either: their names come back as empty fields to type again.
function carried(req: FastifyRequest): { carried: Record<string, string>; retype: string[] } {
  const out: Record<string, string> = {}
  const retype: string[] = []
  if (!(req.body instanceof URLSearchParams)) return { carried: out, retype }
  for (const [name, value] of req.body) {
    if (
      name === 'csrf' ||
      name === 'step_up' ||
      name === 'passkey' ||
      !/^[a-z][a-z0-9_]{0,40}$/.test(name)
    )
      continue
    if (name.includes('password')) {
      if (value !== '' && !retype.includes(name)) retype.push(name)
    } else if (!(name in out)) out[name] = value
  }
  return { carried: out, retype }
}

/** True when `web.require_second_factor` covers this user. */
export function policyCovers(deps: WebDeps, session: WebSession): boolean {
  const p = deps.requireSecondFactor
  return p === 'everyone' || (p === 'admins' && session.isAdmin)
}

/**
 * The HTTP plumbing of the web pages: HTML replies with their security headers, relative
 * redirects, form fields, and the guard every signed-in route goes through (session present,
 * admin when asked, CSRF token on every POST).
 */
import { noteAudit } from '../http/audit-hook.ts'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { AdminReads } from '../core/accounts/account-store.ts'
import type { AccountService } from '../core/accounts/accounts.ts'
import type { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import type { AuditFilter, StoredAuditEvent } from '../core/audit.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { CredentialGate } from '../core/auth/credential-gate.ts'
import type { Clock, PasswordHasher } from '../core/ports.ts'
import type { RequestReads } from '../core/update/request-trace.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession, WebSessions } from './session.ts'

/** What the web routes need from the composition root. */
export interface WebDeps {
  readonly sessions: WebSessions
  /** The admin and host pages' reads. */
  readonly store: AdminReads
  readonly accounts: AccountService
  readonly lockouts: LockoutAdmin
  readonly passwords: PasswordHasher
  readonly clock: Clock
  /** The client's address (trusted proxies applied). */
  readonly clientIp: (req: FastifyRequest) => IpAddress
  /** The guarded credential check every door shares (lockouts, failure budgets). */
  readonly gate: Pick<CredentialGate, 'check'>
  /** The router inspector's reads; absent: the host page has no inspector. */
  readonly requests?: RequestReads
  /** Audit events newest first (`before`: an event id, for the next page). */
  readonly audit: (
    filter: Omit<AuditFilter, 'before'>,
    before: number | undefined,
  ) => Promise<StoredAuditEvent[]>
}

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

/**
 * Wraps a handler: no session → to the login page (GET) or 401 (POST); a POST without the
 * session's CSRF token → 403 and nothing changed; `admin` routes → 403 for other users.
 */
export function signedIn(deps: WebDeps, handler: SignedIn, options: { admin?: boolean } = {}) {
  return async (req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const session = await deps.sessions.fromRequest(req)
    if (session !== undefined) noteAudit(req, { actor: session.userName })
    if (session === undefined) {
      if (req.method === 'GET') {
        const next = safePath(req.url)
        return redirect(
          reply,
          next === undefined ? '/login' : `/login?next=${encodeURIComponent(next)}`,
        )
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
    if (options.admin === true && !session.isAdmin) {
      return errorPage(reply, 403, 'This page is for administrators.', session)
    }
    return handler(req, reply, session)
  }
}

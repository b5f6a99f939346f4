/**
 * Mounts the web UI: static files, login and logout, then the self-service and admin pages.
 * `GET /` belongs to sftdyn (the caller's address) when its prefix is `/`; a browser asking
 * for HTML there is sent to the UI instead, scripts keep their answer.
 */
import { readFileSync } from 'node:fs'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { AdminReads } from '../core/accounts/account-store.ts'
import type { AccountService } from '../core/accounts/accounts.ts'
import type { LockoutAdmin } from '../core/accounts/lockout-admin.ts'
import type { AuditLog } from '../core/audit.ts'
import type { WebSessionStore } from '../core/auth/web-session-store.ts'
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { Clock, KeyedHasher, PasswordHasher } from '../core/ports.ts'
import { FlashCookies } from './flash.ts'
import { registerAccountRoutes } from './account-routes.ts'
import { registerAdminRoutes } from './admin-routes.ts'
import { registerHostRoutes } from './host-routes.ts'
import { registerNotifyRoutes } from './notify-routes.ts'
import { registerInvitationRoutes } from './invitation-routes.ts'
import { registerLoginRoutes } from './login-routes.ts'
import { WebSessions } from './session.ts'
import { registerRecordRoutes } from './record-routes.ts'
import { registerTokenRoutes } from './token-routes.ts'
import { redirect, type InviteDeps, type WebDeps } from './web-http.ts'

export type { WebDeps } from './web-http.ts'

/** Builds the web UI's parts once per server (the sessions are shared with the REST API). */
export function createWebDeps(o: {
  /** Where the web sessions are kept. */
  sessionStore: WebSessionStore
  /** The host and admin pages' reads (new hosts go only into the served zones). */
  store: AdminReads
  passwords: PasswordHasher
  hasher: KeyedHasher
  accounts: AccountService
  lockouts: LockoutAdmin
  auditLog: AuditLog
  clock: Clock
  /** The client's address (trusted proxies applied), for the credential gate. */
  clientIp: (req: FastifyRequest) => IpAddress
  /** The credential gate: logins share its lockouts and budgets with every other door. */
  gate: WebDeps['gate']
  /** The update service: addresses set on a host's page. */
  updates: WebDeps['updates']
  guard?: WebDeps['guard']
  /** TOTP and recovery codes. */
  secondFactors: WebDeps['secondFactors']
  /** Passkeys (undefined: off, no `web.public_url`). */
  passkeys?: WebDeps['passkeys']
  /** `web.require_second_factor` (default `none`). */
  requireSecondFactor?: WebDeps['requireSecondFactor']
  /** The router inspector's reads. */
  requests?: WebDeps['requests']
  /** The built-in DNS server's queries per second (none running: null). */
  queryRates?: WebDeps['queryRates']
  /** Invitations by email (the admin's pages and the invitee's link). */
  invites?: InviteDeps
  /** Static records: the record editor (the REST API's instance, shared). */
  zoneRecords?: WebDeps['zoneRecords']
}): WebDeps {
  return {
    sessions: new WebSessions({ store: o.sessionStore, hasher: o.hasher, clock: o.clock }),
    flash: new FlashCookies({ hasher: o.hasher, clock: o.clock }),
    store: o.store,
    accounts: o.accounts,
    lockouts: o.lockouts,
    passwords: o.passwords,
    clock: o.clock,
    clientIp: o.clientIp,
    gate: o.gate,
    updates: o.updates,
    guard: o.guard,
    secondFactors: o.secondFactors,
    passkeys: o.passkeys,
    requireSecondFactor: o.requireSecondFactor ?? 'none',
    ...(o.requests === undefined ? {} : { requests: o.requests }),
    queryRates: o.queryRates ?? null,
    ...(o.invites === undefined ? {} : { invites: o.invites }),
    ...(o.zoneRecords === undefined ? {} : { zoneRecords: o.zoneRecords }),
    audit: (filter, before) =>
      o.auditLog.list(before === undefined ? filter : { ...filter, before }),
  }
}

const asset = (name: string): string =>
  readFileSync(new URL(`./assets/${name}`, import.meta.url), 'utf8')

/** Registers every web UI route on the app. */
export function registerWebRoutes(app: FastifyInstance, deps: WebDeps): void {
  const staticFile = (type: string, body: string) => (_req: FastifyRequest, reply: FastifyReply) =>
    reply
      .header('content-type', type)
      .header('cache-control', 'public, max-age=3600')
      .header('x-content-type-options', 'nosniff')
      .send(body)
  app.get('/static/web.css', staticFile('text/css; charset=utf-8', asset('web.css')))
  app.get('/static/web.js', staticFile('text/javascript; charset=utf-8', asset('web.js')))

  const home = async (req: FastifyRequest, reply: FastifyReply) =>
    redirect(reply, (await deps.sessions.fromRequest(req)) === undefined ? '/login' : '/hosts')
  if (app.hasRoute({ method: 'GET', url: '/' })) {
    app.addHook('onRequest', async (req, reply) => {
      if (req.method === 'GET' && req.url === '/' && wantsHtml(req)) await home(req, reply)
    })
  } else {
    app.get('/', home)
  }
  registerLoginRoutes(app, deps)
  registerHostRoutes(app, deps)
  registerNotifyRoutes(app, deps)
  registerTokenRoutes(app, deps)
  registerAdminRoutes(app, deps)
  registerAccountRoutes(app, deps)
  if (deps.invites !== undefined) registerInvitationRoutes(app, deps, deps.invites)
  registerRecordRoutes(app, deps)
}

function wantsHtml(req: FastifyRequest): boolean {
  return (req.headers.accept ?? '').includes('text/html')
}

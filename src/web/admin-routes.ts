/**
 * Admin routes (admins only): users (create, reset password, admin flag, delete), every host
 * with search and paging, and zones. User changes go through core's account service; a
 * password reset or deletion also ends that user's web sessions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditPage, lockoutsPage, usersPage, zonesPage } from './admin-pages.ts'
import { dashboardPage } from './dashboard-page.ts'
import { chartStart, hourBars } from './hourly-chart.ts'
import { hostListPage } from './host-pages.ts'
import { registerConfirmable } from './confirm.ts'
import { field as field2 } from './form.ts'
import { html } from './html.ts'
import { notice, PAGE_SIZE, pageNumber } from './host-routes.ts'
import type { Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import {
  field,
  queryParam,
  redirect,
  redirectWithFlash,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'
import type { UserDetail as UserRecord } from '../core/accounts/account-store.ts'

const AUDIT_PAGE = 50
const DASHBOARD_HOURS = 24
const BUSIEST = 10

async function dashboard(deps: WebDeps, session: WebSession) {
  const now = deps.clock.now()
  const since = chartStart(now, DASHBOARD_HOURS)
  const [updates, failures, busiest, zones] = await Promise.all([
    deps.store.perHour('history', since),
    deps.store.perHour('failures', since),
    deps.store.busiestHosts(since, BUSIEST),
    deps.store.zoneStates(),
  ])
  const bars = hourBars(now, DASHBOARD_HOURS, updates, failures)
  const queryRates = deps.queryRates?.series() ?? null
  return dashboardPage({ session, bars, busiest, zones, queryRates })
}

/** Registers the admin routes. */
export function registerAdminRoutes(app: FastifyInstance, deps: WebDeps): void {
  const admin = { admin: true }
  const back = (
    req: FastifyRequest,
    reply: FastifyReply,
    session: WebSession,
    kind: Flash['kind'],
    text: string,
    path = '/admin/users',
  ) => redirectWithFlash(deps, req, reply, session, path, { kind, text })

  app.get('/admin', (_req, reply) => redirect(reply, '/admin/dashboard'))
  app.get(
    '/admin/dashboard',
    signedIn(
      deps,
      async (_req, reply, session) => sendHtml(reply, 200, await dashboard(deps, session)),
      admin,
    ),
  )
  app.get(
    '/admin/users',
    signedIn(
      deps,
      async (req, reply, session) =>
        sendHtml(
          reply,
          200,
          usersPage({ session, users: await deps.store.users(), flash: notice(deps, req) }),
        ),
      admin,
    ),
  )
  app.post(
    '/admin/users',
    signedIn(
      deps,
      async (req, reply, session) => {
        const email = (field(req, 'email') ?? '').trim()
        const name = (field(req, 'name') ?? '').trim()
        const isAdmin = field(req, 'admin') === 'yes'
        const r = await deps.accounts.addUser({
          name,
          password: field(req, 'password') ?? '',
          admin: isAdmin,
          ...(email === '' ? {} : { email }),
        })
        if (!r.ok) return back(req, reply, session, 'error', `No user created: ${r.error.message}`)
        const what = `${isAdmin ? 'Administrator' : 'User'} ${name}${email === '' ? '' : ` <${email}>`}`
        return back(req, reply, session, 'notice', `${what} created.`)
      },
      admin,
    ),
  )
  const user = async (req: FastifyRequest): Promise<UserRecord | undefined> =>
    deps.store.userByName((req.params as { name: string }).name)
  const others = async (req: FastifyRequest, s: WebSession) => {
    const u = await user(req)
    return u === undefined || u.id === s.userId ? undefined : u
  }
  registerConfirmable(app, deps, {
    path: '/admin/users/:name/password',
    admin: true,
    load: (req) => user(req),
    missing: 'No such user.',
    confirm: (u, s) => ({
      title: `Reset the password of ${u.name}`,
      question:
        u.id === s.userId
          ? 'Your sessions end with the change: you log in again with the new password.'
          : `Every session of ${u.name} ends with the change.`,
      fields: field2({
        id: 'password',
        label: html`New password for ${u.name}`,
        hint: 'at least 8 characters',
        type: 'password',
        attrs: { minlength: 8, autocomplete: 'new-password', required: true },
      }),
      submit: { label: 'Reset password' },
      cancel: '/admin/users',
    }),
    act: async (req, reply, session, u) => {
      const r = await deps.accounts.setPassword(u.name, field(req, 'password') ?? '')
      if (!r.ok)
        return back(
          req,
          reply,
          session,
          'error',
          `Password of ${u.name} unchanged: ${r.error.message}`,
        )
      await deps.sessions.destroyAllOf(u.id)
      if (u.id === session.userId) return redirect(reply, '/login')
      const text = `Password of ${u.name} changed; their sessions were ended.`
      return back(req, reply, session, 'notice', text)
    },
  })
  registerConfirmable(app, deps, {
    path: '/admin/users/:name/admin',
    admin: true,
    load: others,
    missing: 'No such user (or yourself: you cannot change your own admin flag).',
    confirm: (u) => ({
      title: u.isAdmin ? `Remove admin from ${u.name}` : `Make ${u.name} an admin`,
      question: u.isAdmin
        ? `${u.name} will no longer see or change other users, hosts and zones.`
        : `${u.name} will see and change every user, host and token.`,
      submit: { label: u.isAdmin ? 'Remove admin' : 'Make admin' },
      cancel: '/admin/users',
    }),
    act: async (req, reply, session, u) => {
      const r = await deps.accounts.setUserFields(u.name, { isAdmin: !u.isAdmin })
      if (!r.ok) return back(req, reply, session, 'error', r.error.message)
      const text = `Admin flag of ${u.name}: ${u.isAdmin ? 'yes → no' : 'no → yes'}.`
      return back(req, reply, session, 'notice', text)
    },
  })
  registerConfirmable(app, deps, {
    path: '/admin/users/:name/delete',
    admin: true,
    load: others,
    missing: 'No such user (or yourself: you cannot delete yourself).',
    confirm: (u) => ({
      title: `Delete user ${u.name}`,
      question: `${u.name} is deleted with every host and token of theirs; their DNS names go away. This cannot be undone.`,
      submit: { label: 'Delete user', kind: 'danger' },
      cancel: '/admin/users',
    }),
    act: async (req, reply, session, u) => {
      await deps.sessions.destroyAllOf(u.id)
      const r = await deps.accounts.deleteUser(u.name)
      if (!r.ok) return back(req, reply, session, 'error', r.error.message)
      const text = `User ${u.name} deleted with their hosts and tokens.`
      return back(req, reply, session, 'notice', text)
    },
  })
  app.get(
    '/admin/hosts',
    signedIn(
      deps,
      async (req, reply, session) => {
        const search = (queryParam(req, 'q') ?? '').slice(0, 100)
        const n = pageNumber(req)
        const { hosts, more } = await deps.store.hosts({
          search,
          offset: (n - 1) * PAGE_SIZE,
          limit: PAGE_SIZE,
        })
        const flash = notice(deps, req)
        const view = { session, hosts, search, page: n, more, path: '/admin/hosts', flash }
        return sendHtml(reply, 200, hostListPage(view))
      },
      admin,
    ),
  )
  app.get(
    '/admin/lockouts',
    signedIn(
      deps,
      async (req, reply, session) => {
        const lockouts = await deps.lockouts.list()
        const flash = notice(deps, req)
        return sendHtml(reply, 200, lockoutsPage({ session, lockouts, flash }))
      },
      admin,
    ),
  )
  app.post(
    '/admin/lockouts/lift',
    signedIn(
      deps,
      async (req, reply, session) => {
        const subject = field(req, 'subject') ?? ''
        const source = field(req, 'source') ?? ''
        const lifted = await deps.lockouts.liftListed(subject, source)
        if (lifted === 0)
          return back(
            req,
            reply,
            session,
            'error',
            'No such lockout (already lifted?).',
            '/admin/lockouts',
          )
        const text = `Lock of ${subject} from ${source} lifted.`
        return back(req, reply, session, 'notice', text, '/admin/lockouts')
      },
      admin,
    ),
  )
  app.get(
    '/admin/audit',
    signedIn(
      deps,
      async (req, reply, session) => {
        const r = queryParam(req, 'result')
        const result = r === 'denied' || r === 'refused' || r === 'error' ? r : undefined
        const b = Number(queryParam(req, 'before'))
        const before = Number.isSafeInteger(b) && b > 0 ? b : undefined
        const rows = await deps.audit(
          { limit: AUDIT_PAGE + 1, ...(result === undefined ? {} : { result }) },
          before,
        )
        const events = rows.slice(0, AUDIT_PAGE)
        const last = events.at(-1)
        const more = rows.length > AUDIT_PAGE && last !== undefined
        const next = more
          ? `/admin/audit?${result === undefined ? '' : `result=${result}&`}before=${String(last.id)}`
          : undefined
        return sendHtml(reply, 200, auditPage({ session, events, result, next }))
      },
      admin,
    ),
  )
  app.get(
    '/admin/zones',
    signedIn(
      deps,
      async (_req, reply, session) =>
        sendHtml(reply, 200, zonesPage({ session, zones: await deps.store.zones() })),
      admin,
    ),
  )
}

/**
 * Admin routes (admins only): users (create, reset password, admin flag, delete), every host
 * with search and paging, and zones. User changes go through core's account service; a
 * password reset or deletion also ends that user's web sessions.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { auditPage, lockoutsPage, usersPage, zonesPage } from './admin-pages.ts'
import { hostListPage } from './host-pages.ts'
import { notice, PAGE_SIZE, pageNumber } from './host-routes.ts'
import type { Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { field, queryParam, redirect, sendHtml, signedIn, type WebDeps } from './web-http.ts'

const AUDIT_PAGE = 50

const DONE: Record<string, string> = {
  created: 'User created.',
  password: 'Password changed; that user’s sessions were ended.',
  admin: 'Admin flag changed.',
  deleted: 'User deleted with their hosts and tokens.',
}

/** Registers the admin routes. */
export function registerAdminRoutes(app: FastifyInstance, deps: WebDeps): void {
  const admin = { admin: true }
  const users = async (
    reply: FastifyReply,
    session: WebSession,
    status: number,
    flash: Flash | undefined,
  ) => sendHtml(reply, status, usersPage({ session, users: await deps.store.users(), flash }))
  const done = (req: FastifyRequest): Flash | undefined => {
    const text = DONE[queryParam(req, 'done') ?? '']
    return text === undefined ? undefined : { kind: 'notice', text }
  }
  const failed = (text: string): Flash => ({ kind: 'error', text })

  app.get('/admin', (_req, reply) => redirect(reply, '/admin/users'))
  app.get(
    '/admin/users',
    signedIn(deps, (req, reply, session) => users(reply, session, 200, done(req)), admin),
  )
  app.post(
    '/admin/users',
    signedIn(
      deps,
      async (req, reply, session) => {
        const email = (field(req, 'email') ?? '').trim()
        const r = await deps.accounts.addUser({
          name: (field(req, 'name') ?? '').trim(),
          password: field(req, 'password') ?? '',
          admin: field(req, 'admin') === 'yes',
          ...(email === '' ? {} : { email }),
        })
        if (!r.ok)
          return users(
            reply,
            session,
            r.error.code === 'exists' ? 409 : 422,
            failed(r.error.message),
          )
        return redirect(reply, '/admin/users?done=created')
      },
      admin,
    ),
  )
  app.post(
    '/admin/users/:name/password',
    signedIn(
      deps,
      async (req, reply, session) => {
        const user = await deps.store.userByName((req.params as { name: string }).name)
        if (user === undefined) return users(reply, session, 404, failed('No such user.'))
        const r = await deps.accounts.setPassword(user.name, field(req, 'password') ?? '')
        if (!r.ok) return users(reply, session, 422, failed(r.error.message))
        await deps.sessions.destroyAllOf(user.id)
        if (user.id === session.userId) return redirect(reply, '/login')
        return redirect(reply, '/admin/users?done=password')
      },
      admin,
    ),
  )
  app.post(
    '/admin/users/:name/admin',
    signedIn(
      deps,
      async (req, reply, session) => {
        const user = await deps.store.userByName((req.params as { name: string }).name)
        if (user === undefined) return users(reply, session, 404, failed('No such user.'))
        if (user.id === session.userId)
          return users(reply, session, 422, failed('You cannot change your own admin flag.'))
        const r = await deps.accounts.setUserFields(user.name, {
          isAdmin: field(req, 'admin') === 'yes',
        })
        if (!r.ok) return users(reply, session, 404, failed(r.error.message))
        return redirect(reply, '/admin/users?done=admin')
      },
      admin,
    ),
  )
  app.post(
    '/admin/users/:name/delete',
    signedIn(
      deps,
      async (req, reply, session) => {
        const user = await deps.store.userByName((req.params as { name: string }).name)
        if (user === undefined) return users(reply, session, 404, failed('No such user.'))
        if (user.id === session.userId)
          return users(reply, session, 422, failed('You cannot delete yourself.'))
        if (field(req, 'confirm') !== 'yes')
          return users(reply, session, 422, failed('Tick “confirm” to delete a user.'))
        await deps.sessions.destroyAllOf(user.id)
        const r = await deps.accounts.deleteUser(user.name)
        if (!r.ok) return users(reply, session, 404, failed(r.error.message))
        return redirect(reply, '/admin/users?done=deleted')
      },
      admin,
    ),
  )
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
        const flash = notice(req)
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
        const flash: Flash | undefined =
          queryParam(req, 'done') === 'lifted'
            ? { kind: 'notice', text: 'Lock lifted.' }
            : undefined
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
        const lifted = await deps.lockouts.liftListed(
          field(req, 'subject') ?? '',
          field(req, 'source') ?? '',
        )
        if (lifted === 0) {
          const lockouts = await deps.lockouts.list()
          const flash: Flash = { kind: 'error', text: 'No such lockout (already lifted?).' }
          return sendHtml(reply, 404, lockoutsPage({ session, lockouts, flash }))
        }
        return redirect(reply, '/admin/lockouts?done=lifted')
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

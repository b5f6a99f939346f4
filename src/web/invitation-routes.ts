/**
 * Invitations: admins invite by email (`/admin/invitations`, a step-up like every admin
 * action), see the pending links and revoke them; the invitee follows `/invite/<token>`,
 * chooses a user name and a password, and is signed in. The form is guarded like the login
 * form (a one-time token also in a `SameSite=Strict` cookie); a used, expired, revoked or
 * unknown link answers with a page saying so and changes nothing. The token stays in the
 * path: request logs carry the route pattern only.
 */
import { randomBytes } from 'node:crypto'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { CLOSED_LINK_TEXT } from '../core/accounts/invitations.ts'
import { noteAudit } from '../http/audit-hook.ts'
import { acceptPage, closedLinkPage, invitationsPage } from './invitation-pages.ts'
import type { Flash } from './layout.ts'
import { isHttps, sameToken } from './login-routes.ts'
import { readCookie, sessionCookie } from './session.ts'
import type { WebSession } from './session.ts'
import {
  field,
  queryParam,
  redirect,
  sendHtml,
  signedIn,
  type InviteDeps,
  type WebDeps,
} from './web-http.ts'

const INVITE_COOKIE = 'dynzone_invite'

const DONE: Record<string, string> = {
  sent: 'Invitation mailed.',
  revoked: 'Invitation revoked.',
}

/** Registers the admin's invitation pages and the invitee's link. */
export function registerInvitationRoutes(
  app: FastifyInstance,
  deps: WebDeps,
  invites: InviteDeps,
): void {
  const admin = { admin: true }
  const list = async (
    reply: FastifyReply,
    session: WebSession,
    status: number,
    extra: { flash?: Flash | undefined; link?: string } = {},
  ) =>
    sendHtml(
      reply,
      status,
      invitationsPage({ session, pending: await invites.service.pending(), ...extra }),
    )

  app.get(
    '/admin/invitations',
    signedIn(
      deps,
      (req, reply, session) => {
        const text = DONE[queryParam(req, 'done') ?? '']
        return list(reply, session, 200, {
          flash: text === undefined ? undefined : { kind: 'notice', text },
        })
      },
      admin,
    ),
  )
  app.post(
    '/admin/invitations',
    signedIn(
      deps,
      async (req, reply, session) => {
        noteAudit(req, { action: 'invitation.create' })
        const r = await invites.service.invite({
          email: field(req, 'email') ?? '',
          admin: field(req, 'admin') === 'yes',
          invitedBy: session.userName,
        })
        if (!r.ok) return list(reply, session, 422, { flash: { kind: 'error', text: r.error } })
        const path = `/invite/${r.value.token}`
        if (invites.publicUrl !== '') {
          const sent = await invites.mail(r.value.email, {
            link: `${invites.publicUrl}${path}`,
            site: invites.publicUrl,
            invited_by: session.userName,
            expires: r.value.expiresAt,
          })
          if (sent) return redirect(reply, '/admin/invitations?done=sent')
        }
        const link = invites.publicUrl === '' ? path : `${invites.publicUrl}${path}`
        return list(reply, session, 201, { link })
      },
      admin,
    ),
  )
  app.post(
    '/admin/invitations/:id/revoke',
    signedIn(
      deps,
      async (req, reply, session) => {
        noteAudit(req, { action: 'invitation.revoke' })
        const id = Number((req.params as { id: string }).id)
        const done = Number.isSafeInteger(id) && (await invites.service.revoke(id))
        if (!done) {
          const text = 'No pending invitation with this number (used, expired or revoked).'
          return list(reply, session, 404, { flash: { kind: 'error', text } })
        }
        return redirect(reply, '/admin/invitations?done=revoked')
      },
      admin,
    ),
  )

  app.get('/invite/:token', async (req, reply) => {
    const token = tokenOf(req)
    const opened = await invites.service.open(token)
    if (!opened.ok) return closed(reply, opened.error)
    return showAccept(req, reply, 200, token, opened.value.email)
  })
  app.post('/invite/:token', async (req, reply) => {
    const token = tokenOf(req)
    const opened = await invites.service.open(token)
    if (!opened.ok) return closed(reply, opened.error)
    const name = (field(req, 'username') ?? '').trim().slice(0, 200)
    if (!sameToken(readCookie(req.headers.cookie, INVITE_COOKIE), field(req, 'form'))) {
      const text = 'The form expired. Please try again.'
      return showAccept(req, reply, 403, token, opened.value.email, name, text)
    }
    noteAudit(req, { action: 'invitation.accept' })
    const r = await invites.service.accept(token, name, field(req, 'password') ?? '')
    if (!r.ok) {
      if (r.error.closed !== undefined) return closed(reply, r.error.closed)
      return showAccept(req, reply, 422, token, opened.value.email, name, r.error.message)
    }
    noteAudit(req, { actor: r.value.name })
    const agent = req.headers['user-agent']
    const id = await deps.sessions.create(r.value.userId, {
      clientIp: deps.clientIp(req).text,
      ...(agent === undefined ? {} : { userAgent: agent }),
    })
    reply.header('set-cookie', [
      sessionCookie(id, isHttps(req)),
      `${INVITE_COOKIE}=; Path=/invite; Max-Age=0`,
    ])
    return redirect(reply, '/hosts')
  })
}

function tokenOf(req: FastifyRequest): string {
  return (req.params as { token: string }).token
}

function closed(reply: FastifyReply, why: keyof typeof CLOSED_LINK_TEXT): FastifyReply {
  return sendHtml(reply, why === 'unknown' ? 404 : 410, closedLinkPage(CLOSED_LINK_TEXT[why]))
}

function showAccept(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  token: string,
  email: string,
  name?: string,
  error?: string,
): FastifyReply {
  const form = randomBytes(16).toString('base64url')
  const secure = isHttps(req) ? '; Secure' : ''
  reply.header(
    'set-cookie',
    `${INVITE_COOKIE}=${form}; HttpOnly; SameSite=Strict; Path=/invite${secure}`,
  )
  return sendHtml(
    reply,
    status,
    acceptPage({
      action: `/invite/${token}`,
      form,
      email,
      ...(name === undefined ? {} : { name }),
      flash: error === undefined ? undefined : { kind: 'error', text: error },
    }),
  )
}

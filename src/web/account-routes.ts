/**
 * The account page's routes: own password and email (each with the current password, checked
 * through the credential gate, and the second factor when the account has one), the TOTP
 * enrolment with its recovery codes, and the user's own sessions (sign one or all others
 * out). Changing the password ends every other session.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { toString as qrSvg } from 'qrcode'
import { noteAudit } from '../http/audit-hook.ts'
import { MAX_NAME, MAX_PASSKEYS, type RegisterError } from '../core/auth/passkeys.ts'
import { accountPage, recoveryCodesPage, totpPage } from './account-pages.ts'
import { newPasskeyPage } from './passkey-pages.ts'
import type { Flash } from './layout.ts'
import { proveAccount } from './prove-account.ts'
import type { WebSession } from './session.ts'
import {
  errorPage,
  field,
  policyCovers,
  queryParam,
  redirect,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'

const DONE: Record<string, string> = {
  password: 'Password changed; your other sessions were signed out.',
  email: 'Email changed.',
  ended: 'Session signed out.',
  others: 'Every other session was signed out.',
  removed: 'Authenticator app removed.',
  'passkey-added': 'Passkey added.',
  'passkey-removed': 'Passkey removed.',
  recovery:
    'You signed in with a recovery code: it no longer works. Make new ones when you run low.',
}

/** Registers `/account` and its forms. */
export function registerAccountRoutes(app: FastifyInstance, deps: WebDeps): void {
  const show = async (reply: FastifyReply, s: WebSession, status: number, flash?: Flash) => {
    const user = await deps.store.userByName(s.userName)
    const kinds = await deps.secondFactors.kinds(s.userId)
    const hasFactor = kinds.totp || kinds.passkeys > 0
    return sendHtml(
      reply,
      status,
      accountPage({
        session: s,
        email: user?.email ?? null,
        hasFactor,
        totp: kinds.totp,
        passkeys: kinds.passkeys > 0 ? await deps.secondFactors.passkeys(s.userId) : [],
        passkeysOn: deps.passkeys !== undefined,
        codesLeft: kinds.totp ? await deps.secondFactors.codesLeft(s.userId) : 0,
        required: policyCovers(deps, s),
        sessions: await deps.sessions.listOf(s.userId),
        flash,
      }),
    )
  }
  const bad = (text: string): Flash => ({ kind: 'error', text })
  // The current password, through the gate (a wrong one counts like a wrong login).
  const currentPasswordOk = async (req: FastifyRequest, s: WebSession) =>
    proveAccount({
      gate: deps.gate,
      secondFactors: deps.secondFactors,
      userId: s.userId,
      userName: s.userName,
      source: deps.clientIp(req),
      hasFactor: false,
      proof: field(req, 'current_password') ?? '',
    })

  app.get(
    '/account',
    signedIn(deps, (req, reply, s) => {
      const text = DONE[queryParam(req, 'done') ?? '']
      return show(reply, s, 200, text === undefined ? undefined : { kind: 'notice', text })
    }),
  )
  app.post(
    '/account/password',
    signedIn(
      deps,
      async (req, reply, s) => {
        const proof = await currentPasswordOk(req, s)
        if (!proof.ok)
          return show(reply, s, proof.status, bad(`Current password: ${proof.message}`))
        const r = await deps.accounts.setPassword(s.userName, field(req, 'new_password') ?? '')
        if (!r.ok) return show(reply, s, 422, bad(`New password: ${r.error.message}.`))
        await deps.sessions.endOthers(s)
        return redirect(reply, '/account?done=password')
      },
      { stepUp: 'factor' },
    ),
  )
  app.post(
    '/account/email',
    signedIn(
      deps,
      async (req, reply, s) => {
        const email = (field(req, 'email') ?? '').trim()
        if (email !== '' && !validEmail(email))
          return show(reply, s, 422, bad(`"${email.slice(0, 60)}" is not an email address.`))
        const proof = await currentPasswordOk(req, s)
        if (!proof.ok)
          return show(reply, s, proof.status, bad(`Current password: ${proof.message}`))
        const r = await deps.accounts.setUserFields(s.userName, {
          email: email === '' ? null : email,
        })
        if (!r.ok) return show(reply, s, 422, bad(r.error.message))
        return redirect(reply, '/account?done=email')
      },
      { stepUp: 'factor' },
    ),
  )
  app.post(
    '/account/sessions/end-others',
    signedIn(deps, async (_req, reply, s) => {
      await deps.sessions.endOthers(s)
      return redirect(reply, '/account?done=others')
    }),
  )
  app.post(
    '/account/sessions/:id/end',
    signedIn(deps, async (req, reply, s) => {
      const id = Number((req.params as { id?: string }).id)
      const ended = Number.isSafeInteger(id) && id > 0 && (await deps.sessions.endOne(s.userId, id))
      if (!ended) return show(reply, s, 404, bad('No such session of yours (already ended?).'))
      return redirect(reply, '/account?done=ended')
    }),
  )
  registerTotpRoutes(app, deps, show)
  registerPasskeyRoutes(app, deps, show)
}

type Show = (
  reply: FastifyReply,
  s: WebSession,
  status: number,
  flash?: Flash,
) => Promise<FastifyReply>

function registerTotpRoutes(app: FastifyInstance, deps: WebDeps, show: Show): void {
  const enrolment = async (
    reply: FastifyReply,
    s: WebSession,
    status: number,
    pending?: string,
    flash?: Flash,
  ) => {
    const e =
      (pending === undefined
        ? undefined
        : deps.secondFactors.resume(s.userId, s.userName, pending)) ??
      deps.secondFactors.begin(s.userId, s.userName)
    const qr = await qrSvg(e.uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 })
    const view = { session: s, secret: e.secret, qrSvg: qr, pending: e.pending, flash }
    return sendHtml(reply, status, totpPage({ ...view, required: policyCovers(deps, s) }))
  }
  const open = { beforeEnrolment: true }
  app.get(
    '/account/totp',
    signedIn(
      deps,
      async (_req, reply, s) => {
        if (await deps.secondFactors.has(s.userId)) return redirect(reply, '/account')
        return enrolment(reply, s, 200)
      },
      open,
    ),
  )
  app.post(
    '/account/totp',
    signedIn(
      deps,
      async (req, reply, s) => {
        if (await deps.secondFactors.has(s.userId)) return redirect(reply, '/account')
        const pending = field(req, 'pending') ?? ''
        const r = await deps.secondFactors.confirm(s.userId, pending, field(req, 'code') ?? '')
        if (!r.ok && r.error === 'expired')
          return enrolment(reply, s, 422, undefined, bad('The form expired: scan the new code.'))
        if (!r.ok) {
          const text = 'That code is not right. Check the clock of the phone and try the next code.'
          return enrolment(reply, s, 422, pending, bad(text))
        }
        noteAudit(req, { action: 'second factor on', target: s.userName })
        await deps.sessions.verified(s)
        const flash: Flash = { kind: 'notice', text: 'Authenticator app turned on.' }
        return sendHtml(reply, 201, recoveryCodesPage(s, r.value, flash))
      },
      { ...open, stepUp: 'always' },
    ),
  )
  app.post(
    '/account/recovery-codes',
    signedIn(
      deps,
      async (_req, reply, s) => {
        if (!(await deps.secondFactors.has(s.userId)))
          return errorPage(reply, 409, 'Set up an authenticator app first.', s)
        const codes = await deps.secondFactors.renewCodes(s.userId)
        const flash: Flash = { kind: 'notice', text: 'New recovery codes made.' }
        return sendHtml(reply, 201, recoveryCodesPage(s, codes, flash))
      },
      { stepUp: 'always' },
    ),
  )
  app.post(
    '/account/totp/remove',
    signedIn(
      deps,
      async (req, reply, s) => {
        const kinds = await deps.secondFactors.kinds(s.userId)
        if (policyCovers(deps, s) && kinds.passkeys === 0)
          return show(reply, s, 409, bad('Your administrator requires a second factor.'))
        if (field(req, 'confirm') !== 'yes')
          return show(reply, s, 422, bad('Tick the box to remove the authenticator app.'))
        await deps.secondFactors.removeTotp(s.userId)
        noteAudit(req, { action: 'second factor off', target: s.userName })
        return redirect(reply, '/account?done=removed')
      },
      { stepUp: 'always' },
    ),
  )
}

function bad(text: string): Flash {
  return { kind: 'error', text }
}

/** A plausible mailbox address: one @, a dot in the domain, no spaces, at most 254 characters. */
function validEmail(text: string): boolean {
  return text.length <= 254 && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(text)
}

const PASSKEY_REFUSED: Record<RegisterError, string> = {
  expired: 'The passkey request expired (or was used already): create it again.',
  invalid: 'The passkey was not accepted: create it again.',
  name: `Name the passkey (at most ${String(MAX_NAME)} characters).`,
  duplicate: 'This passkey is registered already.',
  full: `At most ${String(MAX_PASSKEYS)} passkeys per account: remove one first.`,
}

function registerPasskeyRoutes(app: FastifyInstance, deps: WebDeps, show: Show): void {
  const open = { beforeEnrolment: true }
  const newPage = async (reply: FastifyReply, s: WebSession, status: number, flash?: Flash) => {
    const passkeys = deps.passkeys
    if (passkeys === undefined) return errorPage(reply, 404, 'Passkeys are off on this server.', s)
    const options = await passkeys.registrationOptions(s.key, s.userId, s.userName)
    return sendHtml(reply, status, newPasskeyPage(s, options, flash))
  }
  app.get(
    '/account/passkeys/new',
    signedIn(deps, (_req, reply, s) => newPage(reply, s, 200), open),
  )
  app.post(
    '/account/passkeys',
    signedIn(
      deps,
      async (req, reply, s) => {
        if (deps.passkeys === undefined)
          return errorPage(reply, 404, 'Passkeys are off on this server.', s)
        const name = field(req, 'name') ?? ''
        const r = await deps.passkeys.register(s.key, s.userId, name, field(req, 'response') ?? '')
        if (!r.ok) return newPage(reply, s, 422, bad(PASSKEY_REFUSED[r.error]))
        noteAudit(req, { action: 'passkey added', target: s.userName })
        await deps.sessions.verified(s)
        return redirect(reply, '/account?done=passkey-added')
      },
      { ...open, stepUp: 'always' },
    ),
  )
  app.post(
    '/account/passkeys/:id/remove',
    signedIn(
      deps,
      async (req, reply, s) => {
        const id = Number((req.params as { id?: string }).id)
        const kinds = await deps.secondFactors.kinds(s.userId)
        if (policyCovers(deps, s) && !kinds.totp && kinds.passkeys <= 1)
          return show(reply, s, 409, bad('Your administrator requires a second factor.'))
        const removed =
          Number.isSafeInteger(id) &&
          id > 0 &&
          (await deps.secondFactors.removePasskey(s.userId, id))
        if (!removed)
          return show(reply, s, 404, bad('No such passkey of yours (removed already?).'))
        noteAudit(req, { action: 'passkey removed', target: s.userName })
        return redirect(reply, '/account?done=passkey-removed')
      },
      { stepUp: 'always' },
    ),
  )
}

/**
 * The second step of a login for accounts with a second factor: after the password, the
 * session exists but is pending (it opens nothing else, and ends after 10 minutes) until a
 * TOTP or recovery code, or a passkey, is given here. Wrong codes count in the credential gate's budgets,
 * like wrong passwords.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { noteAudit } from '../http/audit-hook.ts'
import { field as inputField, postForm } from './form.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import { passkeyProof } from './passkey-pages.ts'
import { proveAccount } from './prove-account.ts'
import type { WebSession } from './session.ts'
import {
  errorPage,
  field,
  queryParam,
  redirect,
  safePath,
  sendHtml,
  type WebDeps,
} from './web-http.ts'

const PATH = '/login/second-factor'

/** Registers `GET/POST /login/second-factor`. */
export function registerSecondStep(app: FastifyInstance, deps: WebDeps): void {
  app.get(PATH, async (req, reply) => {
    const session = await deps.sessions.fromRequest(req, { pending: true })
    const next = safePath(queryParam(req, 'next')) ?? '/hosts'
    if (session === undefined) return redirect(reply, '/login')
    if (!session.pending) return redirect(reply, next)
    return show(deps, reply, session, next, 200)
  })
  app.post(PATH, async (req, reply) => {
    const session = await deps.sessions.fromRequest(req, { pending: true })
    const next = safePath(field(req, 'next')) ?? '/hosts'
    if (session === undefined) return errorPage(reply, 401, 'Your login has ended. Log in again.')
    if (!deps.sessions.checkCsrf(session, field(req, 'csrf')))
      return errorPage(reply, 403, 'The form expired. Log in again.')
    if (!session.pending) return redirect(reply, next)
    noteAudit(req, { action: 'login second factor', actor: session.userName })
    const r = await proveAccount({
      gate: deps.gate,
      secondFactors: deps.secondFactors,
      userId: session.userId,
      userName: session.userName,
      source: deps.clientIp(req),
      hasFactor: true,
      proof: field(req, 'code') ?? '',
      passkeys: deps.passkeys,
      sessionKey: session.key,
      passkey: field(req, 'passkey'),
    })
    if (!r.ok) return show(deps, reply, session, next, r.status, { kind: 'error', text: r.message })
    await deps.sessions.verified(session)
    return redirect(reply, r.used === 'recovery' ? '/account?done=recovery' : next)
  })
}

async function show(
  deps: WebDeps,
  reply: FastifyReply,
  session: WebSession,
  next: string,
  status: number,
  flash?: Flash,
): Promise<FastifyReply> {
  const kinds = await deps.secondFactors.kinds(session.userId)
  const options = await deps.passkeys?.signInOptions(session.key, session.userId)
  return sendHtml(reply, status, secondStepPage(session, next, kinds.totp, options, flash))
}

function secondStepPage(
  session: WebSession,
  next: string,
  totp: boolean,
  options: PublicKeyCredentialRequestOptionsJSON | undefined,
  flash?: Flash,
): Html {
  const ask = totp
    ? 'Enter the 6-digit code your authenticator app shows for dynzone, or one of your recovery codes.'
    : ''
  const body = html`<h1>Second factor</h1>
    <p>
      ${ask}
      ${options === undefined ? '' : totp ? 'Or use one of your passkeys.' : 'Use one of your passkeys.'}
    </p>
    ${postForm({
      action: PATH,
      csrf: session.csrf,
      layout: 'stack',
      hidden: { next },
      fields: [totp ? codeInput() : '', passkeyProof(options)],
      submit: { label: 'Continue' },
    })}
    <p><a href="/login">Log in as someone else</a></p>`
  // No navigation yet: the session opens nothing until the code is right.
  return page({ title: 'Second factor', flash, body })
}

function codeInput(): Html {
  return inputField({
    id: 'code',
    type: 'text',
    label: 'Code',
    attrs: {
      autocomplete: 'one-time-code',
      autocapitalize: 'none',
      spellcheck: 'false',
      required: true,
      autofocus: true,
      maxlength: 40,
    },
  })
}

/**
 * `/notifications`: a user's change mails. Which families' address changes they hear of
 * (none, IPv4, IPv6, both) and a quiet period (0-60 minutes: the changes of one host within
 * it make one mail with the address before the first and after the last). The same choice
 * drives the `changed` webhooks (src/notifications/README.md). Saved through core's account
 * service, checked there; bad input changes nothing.
 */
import type { FastifyInstance } from 'fastify'
import {
  CHANGE_MAIL_FAMILIES,
  MAX_QUIET_MINUTES,
  type ChangeMails,
} from '../core/accounts/account-store.ts'
import { field as inputField, postForm, selectField } from './form.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import {
  errorPage,
  field,
  queryParam,
  redirect,
  sendHtml,
  signedIn,
  type WebDeps,
} from './web-http.ts'

const LABELS: Record<ChangeMails['families'], string> = {
  none: 'none (only when the client sends notify_change=1)',
  ipv4: 'IPv4 changes',
  ipv6: 'IPv6 changes',
  both: 'IPv4 and IPv6 changes',
}

/** The change-mail page. */
export function notifyPage(session: WebSession, mails: ChangeMails, flash?: Flash): Html {
  const body = html`<h1>Change mails</h1>
    <p>
      Mail me (and call the configured webhooks) when an update changes the address of one of my
      hosts. Several changes of a host within the quiet period make one mail, with the address
      before the first change and after the last (previous → new) per family.
    </p>
    ${postForm({
      action: '/notifications',
      csrf: session.csrf,
      layout: 'stack',
      fields: [
        selectField({
          id: 'families',
          label: 'Tell me about',
          choices: CHANGE_MAIL_FAMILIES.map((f) => ({
            value: f,
            label: LABELS[f],
            selected: f === mails.families,
          })),
        }),
        inputField({
          id: 'quiet_minutes',
          label: 'Quiet period in minutes',
          hint: `0 to ${String(MAX_QUIET_MINUTES)}; 0: a mail per change`,
          type: 'number',
          attrs: { min: 0, max: MAX_QUIET_MINUTES, required: true, value: mails.quietMinutes },
        }),
      ],
      submit: { label: 'Save' },
    })}`
  return page({ title: 'Change mails', session, current: '/notifications', flash, body })
}

/** Registers the change-mail routes. */
export function registerNotifyRoutes(app: FastifyInstance, deps: WebDeps): void {
  app.get(
    '/notifications',
    signedIn(deps, async (req, reply, session) => {
      const user = await deps.store.userByName(session.userName)
      if (user === undefined) return errorPage(reply, 404, 'user not found', session)
      const saved = queryParam(req, 'done') === 'saved'
      const flash = saved ? ({ kind: 'notice', text: 'Change mails saved.' } as const) : undefined
      return sendHtml(reply, 200, notifyPage(session, user.changeMails, flash))
    }),
  )
  app.post(
    '/notifications',
    signedIn(deps, async (req, reply, session) => {
      const families = CHANGE_MAIL_FAMILIES.find((f) => f === field(req, 'families'))
      const quiet = (field(req, 'quiet_minutes') ?? '').trim()
      const quietMinutes = /^\d{1,3}$/.test(quiet) ? Number(quiet) : Number.NaN
      const mails = { families: families ?? 'none', quietMinutes }
      const r =
        families === undefined
          ? { ok: false as const, error: { message: 'choose which changes to hear of' } }
          : await deps.accounts.setUserFields(session.userName, { changeMails: mails })
      if (!r.ok) {
        const flash = { kind: 'error', text: r.error.message } as const
        const user = await deps.store.userByName(session.userName)
        return sendHtml(reply, 400, notifyPage(session, user?.changeMails ?? mails, flash))
      }
      return redirect(reply, '/notifications?done=saved')
    }),
  )
}

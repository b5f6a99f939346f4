/**
 * Confirmation before a change that cannot be undone from the page (rotate or revoke a token,
 * an admin's change to a user, lifting a lock): the list shows a link to a confirmation page
 * (`GET path`) that says what will happen and holds the form; the form posts to the same path
 * with `confirm=yes`. A POST without it changes nothing and goes to the confirmation page.
 * No script is needed; the answer to the POST is a redirect with a flash message, like every
 * other form.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { postForm, type ButtonOptions } from './form.ts'
import { html, type Html, type HtmlValue } from './html.ts'
import { page } from './layout.ts'
import type { WebSession } from './session.ts'
import { errorPage, field, queryParam, redirect, safePath, sendHtml, signedIn } from './web-http.ts'
import type { WebDeps } from './web-http.ts'

/** What the confirmation page of one change says and asks. */
export interface Confirmation {
  readonly title: string
  /** What will happen, in a sentence or two. */
  readonly question: HtmlValue
  /** Fields the change needs (such as a new password); none for a plain yes. */
  readonly fields?: HtmlValue
  readonly submit: ButtonOptions
  /** Where "Cancel" leads when the link to the page named no `back`. */
  readonly cancel: string
}

/** A change behind a confirmation page. */
export interface Confirmable<T> {
  /** The path of both the confirmation page (GET) and the change (POST), with `:params`. */
  readonly path: string
  readonly admin?: boolean
  /** A second-factor (or password) check again before the change: see `signedIn`. */
  readonly stepUp?: 'always' | 'factor'
  /** The thing the change is about, when the session may change it. */
  readonly load: (req: FastifyRequest, session: WebSession) => Promise<T | undefined>
  /** What the 404 says when `load` finds nothing. */
  readonly missing: string
  readonly confirm: (target: T, session: WebSession) => Confirmation
  /** Makes the change (only with `confirm=yes`); answers with a redirect. */
  readonly act: (
    req: FastifyRequest,
    reply: FastifyReply,
    session: WebSession,
    target: T,
  ) => Promise<FastifyReply>
}

/** Registers a confirmation page and its change. */
export function registerConfirmable<T>(
  app: FastifyInstance,
  deps: WebDeps,
  c: Confirmable<T>,
): void {
  const options = {
    admin: c.admin === true,
    ...(c.stepUp === undefined ? {} : { stepUp: c.stepUp }),
  }
  app.get(
    c.path,
    signedIn(
      deps,
      async (req, reply, session) => {
        const target = await c.load(req, session)
        if (target === undefined) return errorPage(reply, 404, c.missing, session)
        const back = safePath(queryParam(req, 'back')) ?? undefined
        return sendHtml(reply, 200, confirmPage(req.url, session, c.confirm(target, session), back))
      },
      options,
    ),
  )
  app.post(
    c.path,
    signedIn(
      deps,
      async (req, reply, session) => {
        const target = await c.load(req, session)
        if (target === undefined) return errorPage(reply, 404, c.missing, session)
        if (field(req, 'confirm') !== 'yes') {
          const back = safePath(field(req, 'back'))
          const here = req.url.split('?')[0] ?? req.url
          return redirect(
            reply,
            back === undefined ? here : `${here}?back=${encodeURIComponent(back)}`,
          )
        }
        return c.act(req, reply, session, target)
      },
      options,
    ),
  )
}

/** A link to a confirmation page, looking like a button. */
export function confirmLink(o: {
  readonly href: string
  readonly label: string
  readonly kind?: 'secondary' | 'danger'
  readonly ariaLabel?: string
  readonly back?: string
}): Html {
  const href = o.back === undefined ? o.href : `${o.href}?back=${encodeURIComponent(o.back)}`
  return html`<a
    class="button ${o.kind ?? ''}"
    href="${href}"
    aria-label="${o.ariaLabel ?? o.label}"
    >${o.label}</a
  >`
}

function confirmPage(
  url: string,
  session: WebSession,
  c: Confirmation,
  back: string | undefined,
): Html {
  const action = url.split('?')[0] ?? url
  const body = html`<h1>${c.title}</h1>
    <p>${c.question}</p>
    ${postForm({
      action,
      csrf: session.csrf,
      layout: 'stack',
      hidden: { confirm: 'yes', ...(back === undefined ? {} : { back }) },
      fields: c.fields,
      submit: c.submit,
    })}
    <p><a href="${back ?? c.cancel}">Cancel</a></p>`
  return page({ title: c.title, session, body })
}

/**
 * The step-up form: a POST that needs a recent proof of the account shows this instead of
 * acting. It posts to the same address with the original fields carried along (passwords
 * never: those forms are filled in again), so one more click finishes what was asked.
 */
import { field, hiddenFields, postForm } from './form.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'

/** What the step-up page shows. */
export interface StepUpView {
  readonly session: WebSession
  /** Where the original form was posted (it is posted there again). */
  readonly action: string
  /** The original form's fields, without the CSRF token, passwords and the proof. */
  readonly carried: Readonly<Record<string, string>>
  readonly hasFactor: boolean
  readonly flash?: Flash | undefined
}

/** Renders the step-up page. */
export function stepUpPage(v: StepUpView): Html {
  const input = v.hasFactor
    ? field({
        id: 'step_up',
        type: 'text',
        label: 'Code',
        hint: '6 digits from your authenticator app, or a recovery code',
        attrs: {
          autocomplete: 'one-time-code',
          inputmode: 'text',
          autocapitalize: 'none',
          spellcheck: 'false',
          required: true,
          autofocus: true,
        },
      })
    : field({
        id: 'step_up',
        type: 'password',
        label: 'Your password',
        attrs: { autocomplete: 'current-password', required: true, autofocus: true },
      })
  const body = html`<h1>Confirm it is you</h1>
    <p>
      This change needs a fresh proof of your account. It stays valid for 5 minutes, for this
      session only.
    </p>
    ${postForm({
      action: v.action,
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [hiddenFields(v.carried), input],
      submit: { label: 'Confirm and continue' },
    })}
    <p><a href="/hosts">Cancel</a></p>`
  return page({ title: 'Confirm it is you', session: v.session, flash: v.flash, body })
}

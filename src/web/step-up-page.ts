/**
 * The step-up form: a POST that needs a recent proof of the account shows this instead of
 * acting. It posts to the same address with the original fields carried along (passwords
 * never: they are asked for again in empty fields), so one more step finishes what was asked.
 */
import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server'
import { field, hiddenFields, postForm } from './form.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import { passkeyProof } from './passkey-pages.ts'
import type { WebSession } from './session.ts'

/** What the step-up page shows. */
export interface StepUpView {
  readonly session: WebSession
  /** Where the original form was posted (it is posted there again). */
  readonly action: string
  /** The original form's fields, without the CSRF token, passwords and the proof. */
  readonly carried: Readonly<Record<string, string>>
  /** Password fields of the original form, asked for again (never written into the page). */
  readonly retype: readonly string[]
  readonly hasFactor: boolean
  /** The user has TOTP (a code field is shown). */
  readonly totp: boolean
  /** Passkey sign-in options for this session; undefined: no passkey (or passkeys off). */
  readonly passkey: PublicKeyCredentialRequestOptionsJSON | undefined
  readonly flash?: Flash | undefined
}

// An empty password field of the original form, under its own name.
function retypeField(name: string): Html {
  const words = name.replace(/_/g, ' ')
  return field({
    id: `retype_${name}`,
    type: 'password',
    label: `${words.charAt(0).toUpperCase()}${words.slice(1)} of the form, again`,
    attrs: { name, autocomplete: 'new-password', required: true },
  })
}

/** Renders the step-up page. */
export function stepUpPage(v: StepUpView): Html {
  const input = !v.hasFactor
    ? field({
        id: 'step_up',
        type: 'password',
        label: 'Your password',
        attrs: { autocomplete: 'current-password', required: true, autofocus: true },
      })
    : !v.totp
      ? ''
      : field({
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
  const body = html`<h1>Confirm it is you</h1>
    <p>
      This change needs a fresh proof of your account. It stays valid for 5 minutes, for this
      session only.
    </p>
    ${postForm({
      action: v.action,
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        hiddenFields(v.carried),
        v.retype.map(retypeField),
        input,
        v.hasFactor ? passkeyProof(v.passkey) : '',
      ],
      submit: { label: 'Confirm and continue' },
    })}
    <p><a href="/hosts">Cancel</a></p>`
  return page({ title: 'Confirm it is you', session: v.session, flash: v.flash, body })
}

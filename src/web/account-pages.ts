/**
 * The account page (own password, email, second factor, sessions), the TOTP enrolment page
 * (the QR code is an inline SVG rendered on the server: no script, no `data:` image, so the
 * page's `default-src 'self'` policy holds) and the page that shows new recovery codes once.
 */
import type { StoredPasskey } from '../core/auth/second-factor-store.ts'
import type { ListedWebSession } from '../core/auth/web-session-store.ts'
import { checkbox, field, postForm } from './form.ts'
import { html, Html, when, whenText } from './html.ts'
import { page, type Flash } from './layout.ts'
import { passkeysSection } from './passkey-pages.ts'
import type { WebSession } from './session.ts'

/** What the account page shows. */
export interface AccountView {
  readonly session: WebSession
  readonly email: string | null
  readonly hasFactor: boolean
  /** The user has TOTP (the account forms then ask for a code). */
  readonly totp: boolean
  readonly passkeys: readonly StoredPasskey[]
  /** Passkeys are on (`web.public_url` set). */
  readonly passkeysOn: boolean
  readonly codesLeft: number
  /** True when `web.require_second_factor` covers this user (the factor cannot be removed). */
  readonly required: boolean
  readonly sessions: readonly ListedWebSession[]
  readonly flash?: Flash | undefined
}

/** Renders the account page. */
export function accountPage(v: AccountView): Html {
  const body = html`<h1>Account ${v.session.userName}</h1>
    <h2>Password</h2>
    ${postForm({
      action: '/account/password',
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        currentPassword('pw_current'),
        field({
          id: 'new_password',
          type: 'password',
          label: 'New password',
          hint: 'at least 8 characters',
          attrs: { autocomplete: 'new-password', required: true, minlength: 8 },
        }),
        codeField(v, 'pw_step_up'),
      ],
      submit: { label: 'Change password' },
    })}
    <h2>Email</h2>
    ${postForm({
      action: '/account/email',
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        field({
          id: 'email',
          type: 'email',
          label: 'Email address',
          hint: 'for notifications; empty to remove',
          attrs: { autocomplete: 'email', value: v.email ?? '' },
        }),
        currentPassword('email_current'),
        codeField(v, 'email_step_up'),
      ],
      submit: { label: 'Change email' },
    })}
    <h2>Second factor</h2>
    ${secondFactor(v)}
    <h2>Sessions</h2>
    ${sessionsTable(v)}`
  return page({ title: 'Account', session: v.session, current: '/account', flash: v.flash, body })
}

function currentPassword(id: string): Html {
  return field({
    id,
    type: 'password',
    label: 'Current password',
    attrs: { name: 'current_password', autocomplete: 'current-password', required: true },
  })
}

// Users with a second factor give a code with the change (the step-up of these forms).
function codeField(v: AccountView, id: string): Html | '' {
  // Passkey-only users confirm on the step-up page that follows.
  if (!v.totp) return ''
  return field({
    id,
    type: 'text',
    label: 'Code',
    hint: 'from your authenticator app, or a recovery code',
    attrs: { name: 'step_up', autocomplete: 'one-time-code', required: true, maxlength: 40 },
  })
}

function secondFactor(v: AccountView): Html {
  return html`${totpSection(v)} ${passkeysSection(v.session, v.passkeys, v.passkeysOn)}`
}

function totpSection(v: AccountView): Html {
  if (!v.totp)
    return html`<p>
        ${v.passkeys.length === 0 ? 'None yet.' : 'Authenticator app (TOTP): off.'} An authenticator
        app or a passkey is asked for at each login and before changes such as new tokens.
      </p>
      <p><a class="button" href="/account/totp">Set up an authenticator app</a></p>`
  const remove =
    v.required && v.passkeys.length === 0
      ? html`<p>Your administrator requires a second factor: it cannot be removed.</p>`
      : postForm({
          action: '/account/totp/remove',
          csrf: v.session.csrf,
          layout: 'stack',
          fields: checkbox({ name: 'confirm', label: 'Yes, remove the authenticator app' }),
          submit: { label: 'Remove', kind: 'danger' },
        })
  return html`<p>Authenticator app (TOTP): on. Recovery codes left: ${v.codesLeft} of 10.</p>
    ${postForm({
      action: '/account/recovery-codes',
      csrf: v.session.csrf,
      layout: 'inline',
      submit: { label: 'New recovery codes', kind: 'secondary' },
    })}
    ${remove}`
}

// A list rather than a table: each session reads as one short block, also on a phone.
function sessionsTable(v: AccountView): Html {
  const others = v.sessions.filter((s) => s.key !== v.session.key).length
  return html`<ul class="sessions">
      ${v.sessions.map(
        (s) =>
          html`<li>
            <strong>${shortAgent(s.userAgent)}</strong>
            <span>from ${s.clientIp ?? 'an unknown address'}</span>
            <span>started ${when(s.createdAt)}, last used ${when(s.lastSeenAt)}</span>
            ${
              s.key === v.session.key
                ? html`<em>this session</em>`
                : postForm({
                    action: `/account/sessions/${String(s.id)}/end`,
                    csrf: v.session.csrf,
                    layout: 'inline',
                    submit: {
                      label: 'Sign out',
                      kind: 'secondary',
                      ariaLabel: `Sign out the session started ${whenText(s.createdAt)}`,
                    },
                  })
            }
          </li>`,
      )}
    </ul>
    ${
      others === 0
        ? ''
        : postForm({
            action: '/account/sessions/end-others',
            csrf: v.session.csrf,
            layout: 'inline',
            submit: { label: 'Sign out all other sessions', kind: 'secondary' },
          })
    }`
}

function shortAgent(agent: string | null): string {
  if (agent === null) return 'An unknown browser'
  return agent.length > 80 ? `${agent.slice(0, 77)}…` : agent
}

/** What the TOTP enrolment page shows. */
export interface TotpView {
  readonly session: WebSession
  readonly secret: string
  /** The QR code of the `otpauth://` URI, as SVG markup from `qrcode`. */
  readonly qrSvg: string
  readonly pending: string
  readonly required: boolean
  readonly flash?: Flash | undefined
}

/** Renders the TOTP enrolment page. */
export function totpPage(v: TotpView): Html {
  const body = html`<h1>Set up an authenticator app</h1>
    ${
      v.required
        ? html`<p>Your administrator requires a second factor. Set one up to continue.</p>`
        : ''
    }
    <ol>
      <li>Scan this code with an authenticator app (or type the key below in by hand).</li>
      <li>Enter the 6-digit code the app shows.</li>
    </ol>
    <figure class="qr" role="img" aria-label="QR code of the authenticator key">
      ${new Html(v.qrSvg)}
    </figure>
    <p>Key: <code id="totp-secret">${v.secret}</code></p>
    ${postForm({
      action: '/account/totp',
      csrf: v.session.csrf,
      layout: 'stack',
      hidden: { pending: v.pending },
      fields: field({
        id: 'code',
        type: 'text',
        label: 'Code from the app',
        attrs: {
          autocomplete: 'one-time-code',
          inputmode: 'numeric',
          pattern: '[0-9 ]{6,7}',
          required: true,
          maxlength: 7,
        },
      }),
      submit: { label: 'Turn on' },
    })}`
  return page({
    title: 'Authenticator app',
    session: v.session,
    current: '/account',
    flash: v.flash,
    body,
  })
}

/** Renders new recovery codes (shown this once). */
export function recoveryCodesPage(
  session: WebSession,
  codes: readonly string[],
  flash: Flash,
): Html {
  const body = html`<h1>Recovery codes</h1>
    <p>
      Keep these codes somewhere safe: each one signs you in once when your authenticator app is not
      at hand. They are shown only now; earlier codes no longer work.
    </p>
    <ul class="codes" id="recovery-codes">
      ${codes.map((c) => html`<li><code>${c}</code></li>`)}
    </ul>
    <p><a class="button" href="/account">Done</a></p>`
  return page({ title: 'Recovery codes', session, current: '/account', flash, body })
}

/**
 * The passkey pieces of the pages: the "Use a passkey" button a second-factor or step-up form
 * carries (with the server's sign-in options for this session), the passkey list of the
 * account page, and the page that adds one. The ceremony itself is in assets/web.js (served
 * from this site: the content security policy holds); it fills the form's hidden answer field.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from '@simplewebauthn/server'
import type { StoredPasskey } from '../core/auth/second-factor-store.ts'
import { MAX_NAME } from '../core/auth/passkeys.ts'
import { field, postForm } from './form.ts'
import { csrfField, html, type Html, when } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'

/** The hidden answer field and the button that fills it; '' without options. */
export function passkeyProof(
  options: PublicKeyCredentialRequestOptionsJSON | undefined,
): Html | '' {
  if (options === undefined) return ''
  return html`<div class="passkey">
    <input type="hidden" name="passkey" value="" data-passkey-answer />
    <button
      type="button"
      class="secondary"
      data-passkey-get="${JSON.stringify(options)}"
      aria-describedby="passkey-status"
    >
      Use a passkey
    </button>
    <p id="passkey-status" role="status"></p>
  </div>`
}

/** The account page's passkey list (each removable) and the link to add one. */
export function passkeysSection(
  session: WebSession,
  passkeys: readonly StoredPasskey[],
  enabled: boolean,
): Html {
  if (!enabled && passkeys.length === 0) return html``
  const list =
    passkeys.length === 0
      ? html`<p>No passkeys yet.</p>`
      : html`<ul class="sessions" id="passkeys">
          ${passkeys.map(
            (p) =>
              html`<li>
                <strong>${p.name}</strong>
                <span>added ${when(p.createdAt)}</span>
                <span>last used ${p.lastUsedAt === null ? 'never' : when(p.lastUsedAt)}</span>
                ${postForm({
                  action: `/account/passkeys/${String(p.id)}/remove`,
                  csrf: session.csrf,
                  layout: 'inline',
                  submit: {
                    label: 'Remove',
                    kind: 'danger',
                    ariaLabel: `Remove the passkey ${p.name}`,
                  },
                })}
              </li>`,
          )}
        </ul>`
  const add = enabled
    ? html`<p><a class="button" href="/account/passkeys/new">Add a passkey</a></p>`
    : html`<p>Passkeys are off on this server (no public address set).</p>`
  return html`<h3>Passkeys</h3>
    ${list} ${add}`
}

/** The page that adds a passkey: a name, then the browser's ceremony. */
export function newPasskeyPage(
  session: WebSession,
  options: PublicKeyCredentialCreationOptionsJSON,
  flash?: Flash,
): Html {
  const body = html`<h1>Add a passkey</h1>
    <p>
      A passkey signs you in with this device's screen lock or a security key, in place of a code
      from an authenticator app. Name it so you can tell your passkeys apart.
    </p>
    <form class="stack" method="post" action="/account/passkeys">
      ${csrfField(session.csrf)}
      ${field({
        id: 'passkey_name',
        type: 'text',
        label: 'Name',
        hint: 'e.g. "laptop" or "blue key"',
        attrs: { name: 'name', required: true, maxlength: MAX_NAME, autocomplete: 'off' },
      })}
      <input type="hidden" name="response" value="" data-passkey-answer />
      <div>
        <button
          type="button"
          data-passkey-create="${JSON.stringify(options)}"
          aria-describedby="passkey-status"
        >
          Create the passkey
        </button>
      </div>
      <p id="passkey-status" role="status"></p>
    </form>
    <p><a href="/account">Cancel</a></p>`
  return page({ title: 'Add a passkey', session, current: '/account', flash, body })
}

/**
 * Token pages: the token table with rotate and revoke buttons, the tokens page with its
 * create form, and the page that shows a new secret (the only time it is ever shown).
 */
import type { TokenSummary } from '../core/account-store.ts'
import type { ClientTarget } from './client-settings.ts'
import { clientBlocks } from './host-sections.ts'
import { csrfField, html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'

/** The token table; `back` is where the buttons return to. */
export function tokenTable(tokens: readonly TokenSummary[], s: WebSession, back: string): Html {
  if (tokens.length === 0) return html`<p class="muted">No tokens.</p>`
  const csrf = csrfField(s.csrf)
  return html`<div class="table-wrap">
    <table>
      <thead>
        <tr>
          <th scope="col">Label</th>
          <th scope="col">Host</th>
          <th scope="col">Scope</th>
          <th scope="col">Created</th>
          <th scope="col">Last used</th>
          <th scope="col">Expires</th>
          <th scope="col">Actions</th>
        </tr>
      </thead>
      <tbody>
        ${tokens.map(
          (t) =>
            html`<tr>
              <td>${t.label === '' ? html`<span class="muted">(none)</span>` : t.label}</td>
              <td>${t.host ?? 'any of mine'}</td>
              <td>${t.scope}</td>
              <td>${when(t.createdAt)}</td>
              <td>${when(t.lastUsedAt)}</td>
              <td>${when(t.expiresAt)}</td>
              <td>
                <form class="inline" method="post" action="/tokens/${t.id}/rotate">
                  ${csrf}<input type="hidden" name="back" value="${back}" /><button
                    type="submit"
                    class="secondary"
                    aria-label="Rotate token ${t.label}"
                  >
                    Rotate
                  </button>
                </form>
                <form class="inline" method="post" action="/tokens/${t.id}/revoke">
                  ${csrf}<input type="hidden" name="back" value="${back}" /><button
                    type="submit"
                    class="danger"
                    aria-label="Revoke token ${t.label}"
                  >
                    Revoke
                  </button>
                </form>
              </td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

/** The tokens page: every token of the user and a create form. */
export function tokensPage(v: {
  session: WebSession
  tokens: readonly TokenSummary[]
  hosts: readonly string[]
  flash?: Flash | undefined
}): Html {
  const body = html`<h1>Tokens</h1>
    <p>
      A token is the password a router or script uses to update DNS. Its secret is shown once, when
      it is created or rotated.
    </p>
    ${tokenTable(v.tokens, v.session, '/tokens')}
    <h2>New token</h2>
    <form class="stack" method="post" action="/tokens">
      ${csrfField(v.session.csrf)}
      <input type="hidden" name="back" value="/tokens" />
      <div>
        <label for="host"
          >Host <span class="hint">a token bound to one host cannot change the others</span></label
        >
        <select id="host" name="host">
          <option value="">any of my hosts</option>
          ${v.hosts.map((h) => html`<option value="${h}">${h}</option>`)}
        </select>
      </div>
      <div>
        <label for="label">Label</label
        ><input type="text" id="label" name="label" maxlength="100" />
      </div>
      <div>
        <label for="scope">Scope</label
        ><select id="scope" name="scope">
          <option value="address">address updates</option>
          <option value="all">addresses and ACME</option>
          <option value="acme">ACME TXT only</option>
          <option value="api">REST API only</option>
        </select>
      </div>
      <div>
        <label for="expires_days">Expires after days <span class="hint">empty: never</span></label>
        <input type="number" id="expires_days" name="expires_days" min="1" max="3650" />
      </div>
      <div><button type="submit">Create token</button></div>
    </form>`
  return page({ title: 'Tokens', session: v.session, current: '/tokens', flash: v.flash, body })
}

/** Shows a new secret once, with the client settings filled in when the token has a host. */
export function secretPage(v: {
  session: WebSession
  token: TokenSummary
  secret: string
  back: string
  client?: ClientTarget | undefined
  rotated: boolean
}): Html {
  const body = html`<h1>${v.rotated ? 'Token rotated' : 'Token created'}</h1>
    <p class="notice" role="status">
      Copy the secret now: it is not stored and will not be shown
      again.${v.rotated ? ' The old secret no longer works.' : ''}
    </p>
    <p><strong>Secret</strong> (user name: <code>${v.token.owner}</code>)</p>
    <button type="button" class="copy secondary" data-copy="secret">Copy</button>
    <pre id="secret" class="secret">${v.secret}</pre>
    ${
      v.client === undefined
        ? ''
        : html`<h2>Client settings for ${v.client.fqdn}</h2>
            ${clientBlocks(v.client)}`
    }
    <p><a class="button" href="${v.back}">Done</a></p>`
  return page({ title: 'New token', session: v.session, body })
}

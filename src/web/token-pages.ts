/**
 * Token pages: the token table with rotate and revoke buttons, the tokens page with its
 * create form, and the page that shows a new secret (the only time it is ever shown). The
 * label and scope fields are shared with the host page's create form.
 */
import type { TokenSummary } from '../core/accounts/account-store.ts'
import type { ClientTarget } from './client-settings.ts'
import { confirmLink } from './confirm.ts'
import { field, postForm, selectField, type Choice } from './form.ts'
import { clientBlocks } from './host-sections.ts'
import { html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { dataTable } from './table.ts'

const SCOPES: readonly Choice[] = [
  { value: 'address', label: 'address updates' },
  { value: 'all', label: 'addresses and ACME' },
  { value: 'acme', label: 'ACME TXT only' },
]
const API_SCOPE: Choice = { value: 'api', label: 'REST API only' }

/** The scope select of a create form; `api` only where host-less tokens can be made. */
export function scopeField(withApi: boolean): Html {
  return selectField({
    id: 'scope',
    label: 'Scope',
    choices: withApi ? [...SCOPES, API_SCOPE] : SCOPES,
  })
}

/** The label input of a create form. */
export function labelField(hint?: string): Html {
  const hinted = hint === undefined ? {} : { hint }
  return field({ id: 'label', label: 'Label', ...hinted, type: 'text', attrs: { maxlength: 100 } })
}

const TOKEN_ACTIONS = {
  rotate: { label: 'Rotate', kind: 'secondary' },
  revoke: { label: 'Revoke', kind: 'danger' },
} as const

/** The token table; `back` is where the buttons return to. */
export function tokenTable(tokens: readonly TokenSummary[], back: string): Html {
  // Each action is a link to its confirmation page (no script needed), which holds the form.
  const action = (t: TokenSummary, verb: keyof typeof TOKEN_ACTIONS): Html => {
    const { label, kind } = TOKEN_ACTIONS[verb]
    const href = `/tokens/${String(t.id)}/${verb}`
    return confirmLink({ href, label, kind, ariaLabel: `${label} token ${t.label}`, back })
  }
  return dataTable({
    rows: tokens,
    empty: 'No tokens.',
    columns: [
      {
        label: 'Label',
        cell: (t) => (t.label === '' ? html`<span class="muted">(none)</span>` : t.label),
      },
      { label: 'Host', cell: (t) => t.host ?? 'any of mine' },
      { label: 'Scope', cell: (t) => t.scope },
      { label: 'Created', cell: (t) => when(t.createdAt) },
      { label: 'Last used', cell: (t) => when(t.lastUsedAt) },
      { label: 'Expires', cell: (t) => when(t.expiresAt) },
      { label: 'Actions', cell: (t) => html`${action(t, 'rotate')} ${action(t, 'revoke')}` },
    ],
  })
}

/** The tokens page: every token of the user and a create form. */
export function tokensPage(v: {
  session: WebSession
  tokens: readonly TokenSummary[]
  hosts: readonly string[]
  flash?: Flash | undefined
}): Html {
  const hosts = [
    { value: '', label: 'any of my hosts' },
    ...v.hosts.map((h) => ({ value: h, label: h })),
  ]
  const body = html`<h1>Tokens</h1>
    <p>
      A token is the password a router or script uses to update DNS. Its secret is shown once, when
      it is created or rotated.
    </p>
    ${tokenTable(v.tokens, '/tokens')}
    <h2>New token</h2>
    ${postForm({
      action: '/tokens',
      csrf: v.session.csrf,
      layout: 'stack',
      hidden: { back: '/tokens' },
      fields: [
        selectField({
          id: 'host',
          label: 'Host',
          hint: 'a token bound to one host cannot change the others',
          choices: hosts,
        }),
        labelField(),
        scopeField(true),
        field({
          id: 'expires_days',
          label: 'Expires after days',
          hint: 'empty: never',
          type: 'number',
          attrs: { min: 1, max: 3650 },
        }),
      ],
      submit: { label: 'Create token' },
    })}`
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

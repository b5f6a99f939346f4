/** Invitation pages: the admin's list and form, the invitee's sign-up form, a closed link. */
import type { StoredInvitation } from '../core/accounts/invitation-store.ts'
import { checkbox, field, postForm } from './form.ts'
import { html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { dataTable } from './table.ts'

/** The admin's invitations page; `link` is a new link shown once (when it was not mailed). */
export function invitationsPage(v: {
  session: WebSession
  pending: readonly StoredInvitation[]
  link?: string | undefined
  flash?: Flash | undefined
}): Html {
  const rows = dataTable({
    rows: v.pending,
    columns: [
      { label: 'Email', cell: (i) => i.email },
      { label: 'Admin', cell: (i) => (i.isAdmin ? 'yes' : 'no') },
      { label: 'Invited by', cell: (i) => i.invitedBy },
      { label: 'Expires', cell: (i) => when(i.expiresAt) },
      {
        label: 'Actions',
        cell: (i) =>
          postForm({
            action: `/admin/invitations/${String(i.id)}/revoke`,
            csrf: v.session.csrf,
            layout: 'inline',
            submit: {
              label: 'Revoke',
              kind: 'danger',
              ariaLabel: `Revoke the invitation of ${i.email}`,
            },
          }),
      },
    ],
  })
  const link =
    v.link === undefined
      ? ''
      : html`<section aria-labelledby="new-link">
          <h2 id="new-link">Invitation link</h2>
          <p>
            No mail was sent (no SMTP host or no <code>web.public_url</code> configured). Give this
            link to the invitee yourself; it is shown only now:
          </p>
          <pre class="secret">${v.link}</pre>
        </section>`
  const body = html`<h1>Invitations</h1>
    ${link}
    <h2>Pending</h2>
    ${v.pending.length === 0 ? html`<p>No pending invitations.</p>` : rows}
    <h2>Invite someone</h2>
    ${postForm({
      action: '/admin/invitations',
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        field({
          id: 'email',
          label: 'Email',
          hint: 'the link goes there; it works once',
          type: 'email',
          attrs: { required: true, autocomplete: 'off' },
        }),
        html`<div>${checkbox({ name: 'admin', label: 'Administrator' })}</div>`,
      ],
      submit: { label: 'Send invitation' },
    })}`
  return page({
    title: 'Invitations',
    session: v.session,
    current: '/admin/users',
    flash: v.flash,
    body,
  })
}

/** The invitee's form: a user name and a password. */
export function acceptPage(v: {
  action: string
  form: string
  email: string
  name?: string
  flash?: Flash | undefined
}): Html {
  const body = html`<h1>Create your account</h1>
    <p>You were invited as ${v.email}. Choose a user name and a password.</p>
    <form class="stack" method="post" action="${v.action}">
      <input type="hidden" name="form" value="${v.form}" />
      ${field({
        id: 'username',
        label: 'User name',
        hint: 'letters, digits and . _ @ + -',
        type: 'text',
        attrs: {
          required: true,
          autocomplete: 'username',
          autocapitalize: 'none',
          spellcheck: 'false',
          value: v.name ?? '',
        },
      })}
      ${field({
        id: 'password',
        label: 'Password',
        hint: 'at least 8 characters',
        type: 'password',
        attrs: { required: true, minlength: 8, autocomplete: 'new-password' },
      })}
      <div><button type="submit">Create account</button></div>
    </form>`
  return page({ title: 'Create your account', flash: v.flash, body })
}

/** A link that cannot be followed: why, and what to do. */
export function closedLinkPage(text: string): Html {
  const body = html`<h1>Invitation</h1>
    <p><a href="/login">Go to the login page</a></p>`
  return page({ title: 'Invitation', flash: { kind: 'error', text }, body })
}

/** Admin pages: users (create, reset password, admin flag, delete), zones, lockouts, audit. */
import { confirmLink } from './confirm.ts'
import { checkbox, field, postForm } from './form.ts'
import { html, when, type Html, type HtmlValue } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { dataTable } from './table.ts'
import type { LockoutView } from '../core/accounts/lockout-admin.ts'
import type { StoredAuditEvent } from '../core/audit.ts'
import type { UserDetail as UserRecord } from '../core/accounts/account-store.ts'

const NEW_PASSWORD = { minlength: 8, autocomplete: 'new-password', required: true } as const
const USER_NAME = { required: true, autocapitalize: 'none', spellcheck: 'false' } as const

/** The users page. */
export function usersPage(v: {
  session: WebSession
  users: readonly UserRecord[]
  flash?: Flash | undefined
}): Html {
  const users = dataTable({
    rows: v.users,
    columns: [
      { label: 'Name', cell: (u) => u.name },
      { label: 'Email', cell: (u) => u.email ?? '—' },
      { label: 'Admin', cell: (u) => (u.isAdmin ? 'yes' : 'no') },
      { label: 'Created', cell: (u) => when(u.createdAt) },
      { label: 'Actions', cell: (u) => userActions(u, v.session) },
    ],
  })
  const body = html`<h1>Users</h1>
    <p>
      <a href="/admin/invitations">Invitations</a>: invite someone by email to choose their own name
      and password.
    </p>
    ${users}
    <h2>New user</h2>
    ${postForm({
      action: '/admin/users',
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        field({ id: 'name', label: 'User name', type: 'text', attrs: USER_NAME }),
        field({ id: 'email', label: 'Email', hint: 'optional; for notifications', type: 'email' }),
        field({
          id: 'password',
          label: 'Password',
          hint: 'at least 8 characters',
          type: 'password',
          attrs: NEW_PASSWORD,
        }),
        html`<div>${checkbox({ name: 'admin', label: 'Administrator' })}</div>`,
      ],
      submit: { label: 'Create user' },
    })}`
  return page({ title: 'Users', session: v.session, current: '/admin/users', flash: v.flash, body })
}

/** Reset password, and (for anyone but oneself) the admin flag and delete: links to their
 * confirmation pages, which hold the forms. */
function userActions(u: UserRecord, s: WebSession): Html {
  const path = `/admin/users/${encodeURIComponent(u.name)}`
  const reset = confirmLink({
    href: `${path}/password`,
    label: 'Reset password',
    kind: 'secondary',
    ariaLabel: `Reset password of ${u.name}`,
  })
  if (u.id === s.userId)
    return html`<span class="actions">${reset} <span class="muted">(you)</span></span>`
  const admin = confirmLink({
    href: `${path}/admin`,
    label: u.isAdmin ? 'Remove admin' : 'Make admin',
    kind: 'secondary',
    ariaLabel: `${u.isAdmin ? 'Remove admin from' : 'Make admin'} ${u.name}`,
  })
  const remove = confirmLink({
    href: `${path}/delete`,
    label: 'Delete',
    kind: 'danger',
    ariaLabel: `Delete user ${u.name}`,
  })
  return html`<span class="actions">${reset} ${admin} ${remove}</span>`
}

/** The zones page. */
export function zonesPage(v: {
  session: WebSession
  zones: readonly {
    name: string
    backend: string
    serial: string
    hosts: number
    served: boolean
  }[]
}): Html {
  const body = html`<h1>Zones</h1>
    <p>
      Zones are configured in the configuration file; this page shows their state. A zone no longer
      in the file is not served: it gets no new hosts, its hosts' updates answer
      <code>nohost</code>, and <code>dynzone zone forget</code> removes it.
    </p>
    ${dataTable({
      rows: v.zones,
      columns: [
        { label: 'Zone', cell: (z) => z.name },
        { label: 'Served', cell: (z) => (z.served ? 'yes' : 'no (not in the config)') },
        { label: 'Backend', cell: (z) => z.backend },
        { label: 'Serial', cell: (z) => html`<code>${z.serial}</code>` },
        {
          label: 'Records',
          cell: (z) =>
            z.served
              ? html`<a href="/admin/zones/${encodeURIComponent(z.name)}/records">Records</a>`
              : '—',
        },
        {
          label: 'Hosts',
          cell: (z) => html`<a href="/admin/hosts?q=${encodeURIComponent(z.name)}">${z.hosts}</a>`,
        },
      ],
    })}`
  return page({ title: 'Zones', session: v.session, current: '/admin/zones', body })
}

/** The lockouts page: who is locked out from where, with a button to lift each lock. */
export function lockoutsPage(v: {
  session: WebSession
  lockouts: readonly LockoutView[]
  flash?: Flash | undefined
}): Html {
  const lift = (l: LockoutView): Html =>
    postForm({
      action: '/admin/lockouts/lift',
      csrf: v.session.csrf,
      layout: 'inline',
      hidden: { subject: l.subject, source: l.source },
      submit: { label: 'Lift', kind: 'secondary', ariaLabel: `Lift ${l.subject} from ${l.source}` },
    })
  const body = html`<h1>Lockouts</h1>
    <p>
      Repeated bad credentials lock an account or token for a growing time. Lifting forgets the
      failures too.
    </p>
    ${dataTable({
      rows: v.lockouts,
      empty: 'Nobody is locked out and no failures are counted.',
      columns: [
        { label: 'Subject', cell: (l) => l.subject },
        { label: 'Source', cell: (l) => html`<code>${l.source}</code>` },
        { label: 'Failures', cell: (l) => l.failures },
        { label: 'State', cell: lockState },
        { label: 'Last failure', cell: (l) => when(l.lastFailureAt) },
        { label: 'Action', cell: lift },
      ],
    })}`
  return page({
    title: 'Lockouts',
    session: v.session,
    current: '/admin/lockouts',
    flash: v.flash,
    body,
  })
}

function lockState(l: LockoutView): HtmlValue {
  return l.locked
    ? html`<span class="result-bad">locked until ${when(l.lockedUntil)}</span>`
    : 'not locked'
}

/** The audit page: who did what, from where, with what result, newest first. */
export function auditPage(v: {
  session: WebSession
  events: readonly StoredAuditEvent[]
  result: string | undefined
  next: string | undefined
}): Html {
  const filter = (label: string, value: string | undefined): Html => {
    const href = value === undefined ? '/admin/audit' : `/admin/audit?result=${value}`
    return v.result === value
      ? html`<strong aria-current="page">${label}</strong>`
      : html`<a href="${href}">${label}</a>`
  }
  const body = html`<h1>Audit trail</h1>
    <p>
      Logins, admin changes, API writes, tokens created and revoked, refused credentials at the web
      UI and the API, and command-line changes. Router updates are in each host’s history.
    </p>
    <p>
      Show: ${filter('all', undefined)} · ${filter('refused credentials', 'denied')} ·
      ${filter('failed', 'refused')} · ${filter('errors', 'error')}
    </p>
    ${dataTable({
      rows: v.events,
      wide: true,
      caption: 'Audit events',
      empty: 'No events.',
      columns: [
        { label: 'When', cell: (e) => when(e.at) },
        { label: 'Who', cell: (e) => e.actor ?? '-' },
        { label: 'From', cell: (e) => (e.source === null ? '-' : html`<code>${e.source}</code>`) },
        { label: 'What', cell: (e) => html`<code>${e.action}</code>` },
        { label: 'About', cell: (e) => e.target ?? '' },
        { label: 'Result', cell: auditResult },
      ],
      paging: { next: v.next },
    })}`
  return page({ title: 'Audit trail', session: v.session, current: '/admin/audit', body })
}

function auditResult(e: StoredAuditEvent): HtmlValue {
  const text = `${e.result} (${String(e.status)})`
  return e.result === 'ok' ? text : html`<span class="result-bad">${text}</span>`
}

/** Admin pages: users (create, reset password, admin flag, delete) and zones. */
import { csrfField, html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import type { LockoutView } from '../store/lockout-store.ts'
import type { WebUser } from './web-store.ts'

/** The users page. */
export function usersPage(v: {
  session: WebSession
  users: readonly WebUser[]
  flash?: Flash | undefined
}): Html {
  const csrf = csrfField(v.session.csrf)
  const rows = v.users.map((u) => {
    const path = `/admin/users/${encodeURIComponent(u.name)}`
    const self = u.id === v.session.userId
    return html`<tr>
      <td>${u.name}</td>
      <td>${u.email ?? '—'}</td>
      <td>${u.isAdmin ? 'yes' : 'no'}</td>
      <td>${when(u.createdAt)}</td>
      <td>
        <form class="row" method="post" action="${path}/password">
          ${csrf}
          <div>
            <label for="pw-${u.id}">New password for ${u.name}</label
            ><input
              type="password"
              id="pw-${u.id}"
              name="password"
              minlength="8"
              autocomplete="new-password"
              required
            />
          </div>
          <button type="submit" class="secondary">Reset password</button>
        </form>
        ${
          self
            ? html`<p class="muted">(you)</p>`
            : html`<form class="inline" method="post" action="${path}/admin">
                  ${csrf}<input
                    type="hidden"
                    name="admin"
                    value="${u.isAdmin ? 'no' : 'yes'}"
                  /><button type="submit" class="secondary">
                    ${u.isAdmin ? 'Remove admin' : 'Make admin'}
                  </button>
                </form>
                <form class="inline" method="post" action="${path}/delete">
                  ${csrf}<label class="inline-check"
                    ><input type="checkbox" name="confirm" value="yes" required /> confirm</label
                  >
                  <button type="submit" class="danger" aria-label="Delete user ${u.name}">
                    Delete
                  </button>
                </form>`
        }
      </td>
    </tr>`
  })
  const body = html`<h1>Users</h1>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Email</th>
            <th scope="col">Admin</th>
            <th scope="col">Created</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </div>
    <h2>New user</h2>
    <form class="stack" method="post" action="/admin/users">
      ${csrf}
      <div>
        <label for="name">User name</label
        ><input
          type="text"
          id="name"
          name="name"
          required
          autocapitalize="none"
          spellcheck="false"
        />
      </div>
      <div>
        <label for="email">Email <span class="hint">optional; for notifications</span></label
        ><input type="email" id="email" name="email" />
      </div>
      <div>
        <label for="password">Password <span class="hint">at least 8 characters</span></label
        ><input
          type="password"
          id="password"
          name="password"
          minlength="8"
          autocomplete="new-password"
          required
        />
      </div>
      <div>
        <label><input type="checkbox" name="admin" value="yes" /> Administrator</label>
      </div>
      <div><button type="submit">Create user</button></div>
    </form>`
  return page({ title: 'Users', session: v.session, current: '/admin/users', flash: v.flash, body })
}

/** The zones page. */
export function zonesPage(v: {
  session: WebSession
  zones: readonly { name: string; backend: string; serial: string; hosts: number }[]
}): Html {
  const body = html`<h1>Zones</h1>
    <p>Zones are configured in the configuration file; this page shows their state.</p>
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Zone</th>
            <th scope="col">Backend</th>
            <th scope="col">Serial</th>
            <th scope="col">Hosts</th>
          </tr>
        </thead>
        <tbody>
          ${v.zones.map(
            (z) =>
              html`<tr>
                <td>${z.name}</td>
                <td>${z.backend}</td>
                <td><code>${z.serial}</code></td>
                <td><a href="/admin/hosts?q=${encodeURIComponent(z.name)}">${z.hosts}</a></td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>`
  return page({ title: 'Zones', session: v.session, current: '/admin/zones', body })
}

/** The lockouts page: who is locked out from where, with a button to lift each lock. */
export function lockoutsPage(v: {
  session: WebSession
  lockouts: readonly LockoutView[]
  flash?: Flash | undefined
}): Html {
  const csrf = csrfField(v.session.csrf)
  const rows = v.lockouts.map(
    (l) =>
      html`<tr>
        <td>${l.subject}</td>
        <td><code>${l.source}</code></td>
        <td>${l.failures}</td>
        <td>
          ${l.locked ? html`<span class="result-bad">locked until ${when(l.lockedUntil)}</span>` : 'not locked'}
        </td>
        <td>${when(l.lastFailureAt)}</td>
        <td>
          <form class="inline" method="post" action="/admin/lockouts/lift">
            ${csrf} <input type="hidden" name="subject" value="${l.subject}" /><input
              type="hidden"
              name="source"
              value="${l.source}"
            />
            <button type="submit" class="secondary" aria-label="Lift ${l.subject} from ${l.source}">
              Lift
            </button>
          </form>
        </td>
      </tr>`,
  )
  const body = html`<h1>Lockouts</h1>
    <p>
      Repeated bad credentials lock an account or token for a growing time. Lifting forgets the
      failures too.
    </p>
    ${
      v.lockouts.length === 0
        ? html`<p class="muted">Nobody is locked out and no failures are counted.</p>`
        : html`<div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Subject</th>
                  <th scope="col">Source</th>
                  <th scope="col">Failures</th>
                  <th scope="col">State</th>
                  <th scope="col">Last failure</th>
                  <th scope="col">Action</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
    }`
  return page({
    title: 'Lockouts',
    session: v.session,
    current: '/admin/lockouts',
    flash: v.flash,
    body,
  })
}

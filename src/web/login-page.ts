/** The login page: user name, password, and the hidden fields that guard the form. */
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'

/** What the login page shows. */
export interface LoginView {
  /** The login form token (also in a cookie): refuses forms posted from other sites. */
  readonly form: string
  readonly next?: string
  readonly name?: string
  readonly flash?: Flash
}

/** Renders the login page. */
export function loginPage(v: LoginView): Html {
  const body = html`<h1>Log in</h1>
    <form class="stack" method="post" action="/login">
      <input type="hidden" name="form" value="${v.form}" />
      ${v.next === undefined ? '' : html`<input type="hidden" name="next" value="${v.next}" />`}
      <div>
        <label for="username">User name</label>
        <input
          type="text"
          id="username"
          name="username"
          autocomplete="username"
          autocapitalize="none"
          spellcheck="false"
          required
          autofocus
          value="${v.name ?? ''}"
        />
      </div>
      <div>
        <label for="password">Password</label>
        <input
          type="password"
          id="password"
          name="password"
          autocomplete="current-password"
          required
        />
      </div>
      <div><button type="submit">Log in</button></div>
    </form>`
  return page({ title: 'Log in', flash: v.flash, body })
}

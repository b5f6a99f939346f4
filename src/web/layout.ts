/**
 * The page shell every web page shares: head, skip link, navigation (admin links for admins,
 * a logout form with its CSRF field), one message area, and the one stylesheet and script.
 * No inline script or style, so a `default-src 'self'` content security policy holds.
 */
import { csrfField, html, type Html, type HtmlValue } from './html.ts'
import type { Flash } from './flash.ts'
import type { WebSession } from './session.ts'

export type { Flash } from './flash.ts'

/** What a page passes to the shell. */
export interface PageOptions {
  readonly title: string
  readonly session?: WebSession | undefined
  /** The path of the current navigation entry (marked `aria-current`). */
  readonly current?: string
  readonly flash?: Flash | undefined
  readonly body: HtmlValue
}

const USER_LINKS: readonly [string, string][] = [
  ['/hosts', 'My hosts'],
  ['/hosts/new', 'New host'],
  ['/tokens', 'Tokens'],
  ['/account', 'Account'],
]
const ADMIN_LINKS: readonly [string, string][] = [
  ['/admin/dashboard', 'Dashboard'],
  ['/admin/users', 'Users'],
  ['/admin/hosts', 'All hosts'],
  ['/admin/zones', 'Zones'],
  ['/admin/lockouts', 'Lockouts'],
  ['/admin/audit', 'Audit'],
]

/** Renders a whole page. */
export function page(o: PageOptions): Html {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${o.title} · dynzone</title>
        <link rel="stylesheet" href="/static/web.css" />
        <script src="/static/web.js" defer></script>
      </head>
      <body>
        <a class="skip" href="#main">Skip to content</a>
        <header><nav aria-label="Main">${nav(o)}</nav></header>
        <main id="main" tabindex="-1">
          ${o.flash === undefined ? '' : html`<p class="${o.flash.kind}" role="${o.flash.kind === 'error' ? 'alert' : 'status'}">${o.flash.text}</p>`}
          ${o.body}
        </main>
      </body>
    </html> `
}

function nav(o: PageOptions): Html {
  const s = o.session
  if (s === undefined) return html`<span class="brand">dynzone</span>`
  const links = [...USER_LINKS, ...(s.isAdmin ? ADMIN_LINKS : [])]
  return html`<a class="brand" href="/hosts">dynzone</a>
    ${links.map(
      ([href, label]) =>
        html`<a href="${href}" ${o.current === href ? html` aria-current="page"` : ''}
          >${label}</a
        >`,
    )}
    <form method="post" action="/logout">
      ${csrfField(s.csrf)}<button type="submit">Log out ${s.userName}</button>
    </form>`
}

/**
 * Host pages: the host table (mine, or everyone's for admins, with search and paging), the
 * host page (addresses, last update, history, TTL and LAN forms, tokens, client settings)
 * and the new-host form.
 */
import type { ClientTarget } from './client-settings.ts'
import { clientBlocks, historyTable, resultBadge } from './host-sections.ts'
import { csrfField, html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { tokenTable } from './token-pages.ts'
import type { WebHistory, WebHost } from './web-store.ts'
import type { TokenSummary } from '../core/account-store.ts'

/** A page of the host table. */
export interface HostListView {
  readonly session: WebSession
  readonly hosts: readonly WebHost[]
  readonly search: string
  readonly page: number
  readonly more: boolean
  /** `/hosts` or `/admin/hosts`. */
  readonly path: string
  readonly flash?: Flash | undefined
}

/** The host table page. */
export function hostListPage(v: HostListView): Html {
  const admin = v.path.startsWith('/admin')
  const link = (p: number): string =>
    `${v.path}?${new URLSearchParams({ ...(v.search === '' ? {} : { q: v.search }), page: String(p) }).toString()}`
  const rows = v.hosts.map(
    (h) =>
      html`<tr>
        <td><a href="/hosts/${h.id}">${h.fqdn}</a></td>
        ${admin ? html`<td>${h.owner}</td>` : ''}
        <td><code>${h.ipv4 ?? '—'}</code></td>
        <td><code>${h.ipv6 ?? '—'}</code></td>
        <td>${h.dnsTtl ?? 'zone'}</td>
        <td>
          ${when(h.lastSeenAt)}${h.lastClientIp === null ? '' : html`<br /><span class="muted">from ${h.lastClientIp} via ${h.lastDialect ?? '?'}</span>`}
        </td>
        <td>${resultBadge(h.lastResult)}</td>
      </tr>`,
  )
  const body = html`<h1>${admin ? 'All hosts' : 'My hosts'}</h1>
    <form class="row" method="get" action="${v.path}" role="search">
      <div>
        <label for="q">Search hosts</label
        ><input type="search" id="q" name="q" value="${v.search}" />
      </div>
      <button type="submit" class="secondary">Search</button>
    </form>
    ${
      v.hosts.length === 0
        ? html`<p>
            No hosts${v.search === '' ? '' : ' match'}.
            ${admin ? '' : html`<a href="/hosts/new">Create one</a>.`}
          </p>`
        : html`<div class="table-wrap">
            <table class="wide">
              <caption class="skip">
                Hosts
              </caption>
              <thead>
                <tr>
                  <th scope="col">Host</th>
                  ${admin ? html`<th scope="col">Owner</th>` : ''}
                  <th scope="col">IPv4</th>
                  <th scope="col">IPv6</th>
                  <th scope="col">TTL</th>
                  <th scope="col">Last update</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                ${rows}
              </tbody>
            </table>
          </div>`
    }
    <nav class="pager" aria-label="Pages">
      ${v.page > 1 ? html`<a href="${link(v.page - 1)}" rel="prev">Previous page</a>` : ''}
      ${v.more ? html`<a href="${link(v.page + 1)}" rel="next">Next page</a>` : ''}
    </nav>`
  return page({
    title: admin ? 'All hosts' : 'My hosts',
    session: v.session,
    current: v.path,
    flash: v.flash,
    body,
  })
}

/** What the host page shows. */
export interface HostView {
  readonly session: WebSession
  readonly host: WebHost
  readonly history: readonly WebHistory[]
  readonly tokens: readonly TokenSummary[]
  readonly client: ClientTarget
  readonly flash?: Flash | undefined
}

/** The host page. */
export function hostPage(v: HostView): Html {
  const h = v.host
  const csrf = csrfField(v.session.csrf)
  const body = html`<h1>${h.fqdn}</h1>
    <div class="table-wrap">
      <table>
        <tbody>
          <tr>
            <th scope="row">IPv4 (A)</th>
            <td><code>${h.ipv4 ?? '—'}</code></td>
          </tr>
          <tr>
            <th scope="row">IPv6 (AAAA)</th>
            <td><code>${h.ipv6 ?? '—'}</code></td>
          </tr>
          <tr>
            <th scope="row">DNS TTL</th>
            <td>${h.dnsTtl === null ? 'zone default' : `${h.dnsTtl} s`}</td>
          </tr>
          <tr>
            <th scope="row">Expiry</th>
            <td>${h.expiryTtl === 0 ? 'never' : `after ${h.expiryTtl} s without update`}</td>
          </tr>
          <tr>
            <th scope="row">LAN addresses</th>
            <td>${h.lanIpv4 ?? '—'} / ${h.lanIpv6 ?? '—'}</td>
          </tr>
          <tr>
            <th scope="row">Last update</th>
            <td>
              ${when(h.lastSeenAt)}${h.lastClientIp === null ? '' : html` from <code>${h.lastClientIp}</code> via ${h.lastDialect ?? '?'}`}
              ${resultBadge(h.lastResult)}
            </td>
          </tr>
          <tr>
            <th scope="row">Owner</th>
            <td>${h.owner}</td>
          </tr>
        </tbody>
      </table>
    </div>

    <h2 id="history">History</h2>
    ${historyTable(v.history)}

    <h2 id="tokens">Tokens for this host</h2>
    ${tokenTable(v.tokens, v.session, `/hosts/${h.id}`)}
    <form class="row" method="post" action="/tokens">
      ${csrf}
      <input type="hidden" name="host" value="${h.fqdn}" />
      <input type="hidden" name="back" value="/hosts/${h.id}" />
      <div>
        <label for="label">Label <span class="hint">what uses it, e.g. “router”</span></label
        ><input type="text" id="label" name="label" maxlength="100" />
      </div>
      <div>
        <label for="scope">Scope</label
        ><select id="scope" name="scope">
          <option value="address">address updates</option>
          <option value="all">addresses and ACME</option>
          <option value="acme">ACME TXT only</option>
        </select>
      </div>
      <button type="submit">Create token</button>
    </form>

    <h2 id="clients">Client settings</h2>
    ${clientBlocks(v.client)}

    <h2 id="settings">Settings</h2>
    <form class="stack" method="post" action="/hosts/${h.id}/ttl">
      ${csrf}
      <div>
        <label for="dns_ttl"
          >DNS TTL in seconds <span class="hint">empty: the zone's default</span></label
        >
        <input
          type="number"
          id="dns_ttl"
          name="dns_ttl"
          min="1"
          max="604800"
          value="${h.dnsTtl ?? ''}"
        />
      </div>
      <div>
        <label for="expiry_ttl"
          >Expiry in seconds
          <span class="hint">remove an address not updated for this long; 0: never</span></label
        >
        <input
          type="number"
          id="expiry_ttl"
          name="expiry_ttl"
          min="0"
          max="31536000"
          required
          value="${h.expiryTtl}"
        />
      </div>
      <div><button type="submit">Save TTLs</button></div>
    </form>
    <form class="stack" method="post" action="/hosts/${h.id}/lan">
      ${csrf}
      <div>
        <label for="lan_ipv4"
          >LAN IPv4
          <span class="hint"
            >answered to clients behind the host's own address; empty: none</span
          ></label
        >
        <input type="text" id="lan_ipv4" name="lan_ipv4" value="${h.lanIpv4 ?? ''}" />
      </div>
      <div>
        <label for="lan_ipv6">LAN IPv6</label
        ><input type="text" id="lan_ipv6" name="lan_ipv6" value="${h.lanIpv6 ?? ''}" />
      </div>
      <div><button type="submit">Save LAN addresses</button></div>
    </form>
    <form method="post" action="/hosts/${h.id}/delete">
      ${csrf}
      <p>
        <label
          ><input type="checkbox" name="confirm" value="yes" required /> Delete ${h.fqdn} and its
          records</label
        >
      </p>
      <button type="submit" class="danger">Delete host</button>
    </form>`
  return page({ title: h.fqdn, session: v.session, flash: v.flash, body })
}

/** The new-host form. */
export function newHostPage(v: {
  session: WebSession
  zones: readonly string[]
  label?: string
  zone?: string
  flash?: Flash | undefined
}): Html {
  const body = html`<h1>New host</h1>
    <form class="stack" method="post" action="/hosts/new">
      ${csrfField(v.session.csrf)}
      <div>
        <label for="label"
          >Name <span class="hint">letters, digits and hyphens, e.g. “home”</span></label
        >
        <input
          type="text"
          id="label"
          name="label"
          required
          autocapitalize="none"
          spellcheck="false"
          value="${v.label ?? ''}"
        />
      </div>
      <div>
        <label for="zone">Zone</label
        ><select id="zone" name="zone">
          ${v.zones.map(
            (z) => html`<option value="${z}" ${z === v.zone ? html` selected` : ''}>${z}</option>`,
          )}
        </select>
      </div>
      <div>
        <label for="dns_ttl"
          >DNS TTL in seconds <span class="hint">empty: the zone's default</span></label
        >
        <input type="number" id="dns_ttl" name="dns_ttl" min="1" max="604800" />
      </div>
      <div><button type="submit">Create host</button></div>
    </form>`
  return page({
    title: 'New host',
    session: v.session,
    current: '/hosts/new',
    flash: v.flash,
    body,
  })
}

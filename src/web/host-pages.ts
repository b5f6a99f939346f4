/**
 * Host pages: the host table (mine, or everyone's for admins, with search and paging), the
 * host page (addresses, last update, history, TTL and LAN forms, tokens, client settings)
 * and the new-host form.
 */
import type { IpAddress } from '../core/addresses/addresses.ts'
import type { ClientTarget } from './client-settings.ts'
import { addressForms } from './host-address.ts'
import { timelineSvg } from './timeline.ts'
import { checkbox, field, postForm, selectField, submit } from './form.ts'
import { clientBlocks, historyTable, resultBadge } from './host-sections.ts'
import { inspectorSection } from './inspector-section.ts'
import type { StoredRequest } from '../core/update/request-trace.ts'
import type { TemporaryIpv6 } from '../core/addresses/temporary-ipv6.ts'
import { html, when, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { dataTable, factTable, type Column } from './table.ts'
import { labelField, scopeField, tokenTable } from './token-pages.ts'
import type { HostDetail, HostEvent } from '../core/accounts/account-store.ts'
import type { TokenSummary } from '../core/accounts/account-store.ts'

/** A page of the host table. */
export interface HostListView {
  readonly session: WebSession
  readonly hosts: readonly HostDetail[]
  readonly search: string
  readonly page: number
  readonly more: boolean
  /** `/hosts` or `/admin/hosts`. */
  readonly path: string
  readonly flash?: Flash | undefined
}

const address = (ip: string | null): Html => html`<code>${ip ?? '—'}</code>`

/** The host table page. */
export function hostListPage(v: HostListView): Html {
  const admin = v.path.startsWith('/admin')
  const title = admin ? 'All hosts' : 'My hosts'
  const link = (p: number): string =>
    `${v.path}?${new URLSearchParams({ ...(v.search === '' ? {} : { q: v.search }), page: String(p) }).toString()}`
  const empty = html`<p>
    No hosts${v.search === '' ? '' : ' match'}.
    ${admin ? '' : html`<a href="/hosts/new">Create one</a>.`}
  </p>`
  const body = html`<h1>${title}</h1>
    <form class="row" method="get" action="${v.path}" role="search">
      ${field({ id: 'q', label: 'Search hosts', type: 'search', attrs: { value: v.search } })}
      ${submit({ label: 'Search', kind: 'secondary' })}
    </form>
    ${dataTable({
      caption: 'Hosts',
      rows: v.hosts,
      columns: hostColumns(admin),
      empty,
      paging: {
        prev: v.page > 1 ? link(v.page - 1) : undefined,
        next: v.more ? link(v.page + 1) : undefined,
      },
    })}
    ${admin ? '' : html`<p><a href="/notifications">Change mails</a>: which address changes of my hosts I am told of, and how often.</p>`}`
  return page({ title, session: v.session, current: v.path, flash: v.flash, body })
}

function hostColumns(admin: boolean): Column<HostDetail>[] {
  const owner: Column<HostDetail>[] = admin ? [{ label: 'Owner', cell: (h) => h.owner }] : []
  return [
    { label: 'Host', cell: (h) => html`<a href="/hosts/${h.id}">${h.fqdn}</a>` },
    ...owner,
    { label: 'IPv4', cell: (h) => address(h.ipv4) },
    { label: 'IPv6', cell: (h) => address(h.ipv6) },
    { label: 'TTL', cell: (h) => h.dnsTtl ?? 'zone' },
    { label: 'Last update', cell: lastUpdate },
    { label: 'Result', cell: (h) => resultBadge(h.lastResult) },
  ]
}

function lastUpdate(h: HostDetail): Html {
  if (h.lastClientIp === null) return html`${when(h.lastSeenAt)}`
  const from = html`from ${h.lastClientIp} via ${h.lastDialect ?? '?'}`
  return html`${when(h.lastSeenAt)}<br /><span class="muted">${from}</span>`
}

/** What the host page shows. */
export interface HostView {
  readonly session: WebSession
  readonly host: HostDetail
  readonly history: readonly HostEvent[]
  /** The router inspector's last requests, newest first. */
  readonly requests: readonly StoredRequest[]
  /** Set when the host keeps publishing temporary IPv6 addresses. */
  readonly temporary?: TemporaryIpv6 | undefined
  readonly tokens: readonly TokenSummary[]
  readonly client: ClientTarget
  readonly flash?: Flash | undefined
  /** The browser's address as this server sees it (for "use my current address"). */
  readonly mine: IpAddress
  readonly now: Date
  /** The "Records" section (static records at and below the host), when the server has one. */
  readonly records?: Html | undefined
}

/** The host page. */
export function hostPage(v: HostView): Html {
  const h = v.host
  const body = html`<h1>${h.fqdn}</h1>
    ${v.temporary === undefined ? '' : temporaryWarning(v.temporary)} ${hostFacts(h)}

    <h2 id="address">Set the address</h2>
    ${addressForms(h, v.session.csrf, v.mine)}

    <h2 id="timeline">Timeline (30 days)</h2>
    ${timelineSvg(h.fqdn, v.history, { now: v.now, days: 30 })}

    <h2 id="history">History</h2>
    ${historyTable(v.history.slice(0, 50))}

    <section class="inspector-section" aria-labelledby="requests">
      <h2 id="requests">Router inspector</h2>
      ${inspectorSection(v.requests)}
    </section>

    <h2 id="tokens">Tokens for this host</h2>
    ${tokenTable(v.tokens, `/hosts/${h.id}`)}
    ${postForm({
      action: '/tokens',
      csrf: v.session.csrf,
      layout: 'row',
      hidden: { host: h.fqdn, back: `/hosts/${h.id}` },
      fields: [labelField('what uses it, e.g. “router”'), scopeField(false)],
      submit: { label: 'Create token' },
    })}
    ${
      v.records === undefined
        ? ''
        : html`<section aria-labelledby="records">
            <h2 id="records">Records</h2>
            <p>
              Static records at and below ${h.fqdn}: MX, CAA, SRV, SSHFP, TLSA, HTTPS and SVCB at
              the name itself; below it also A, AAAA, CNAME and TXT.
            </p>
            ${v.records}
          </section>`
    }

    <h2 id="clients">Client settings</h2>
    ${clientBlocks(v.client)}

    <h2 id="settings">Settings</h2>
    ${hostSettings(h, v.session.csrf)}`
  return page({ title: h.fqdn, session: v.session, flash: v.flash, body })
}

// RFC 8981 privacy addresses published as the host's name: say so, with the fix.
function temporaryWarning(t: TemporaryIpv6): Html {
  return html`<div class="error" role="status">
    <p>
      <strong>This host keeps publishing temporary IPv6 addresses.</strong> Within a day it was set
      to ${t.addresses.length} different addresses of <code>${t.prefix}</code>: temporary (privacy)
      addresses (RFC 8981) that the client replaces about daily, so the name points at an address
      about to be dropped.
    </p>
    <p>
      Fix: on the client, publish a stable address (EUI-64, or stable-privacy, RFC 7217), or put the
      host in a prefix group: the router sends its prefix and dynzone adds a fixed interface
      identifier per host (<code>dynzone group add</code> and <code>dynzone group join</code>, or
      the REST API's host <code>group</code>; the README's “Command line” section).
    </p>
  </div>`
}

function hostFacts(h: HostDetail): Html {
  const from =
    h.lastClientIp === null
      ? ''
      : html` from <code>${h.lastClientIp}</code> via ${h.lastDialect ?? '?'}`
  return factTable([
    ['IPv4 (A)', address(h.ipv4)],
    ['IPv6 (AAAA)', address(h.ipv6)],
    ['DNS TTL', h.dnsTtl === null ? 'zone default' : `${h.dnsTtl} s`],
    ['Expiry', h.expiryTtl === 0 ? 'never' : `after ${h.expiryTtl} s without update`],
    ['LAN addresses', `${h.lanIpv4 ?? '—'} / ${h.lanIpv6 ?? '—'}`],
    ['Last update', html`${when(h.lastSeenAt)}${from} ${resultBadge(h.lastResult)}`],
    ['Owner', h.owner],
  ])
}

/** The TTL, LAN address and delete forms of the host page. */
function hostSettings(h: HostDetail, csrf: string): Html {
  const lanHint = "answered to clients behind the host's own address; empty: none"
  const deleteLabel = html`Delete ${h.fqdn} and its records`
  return html`${postForm({
    action: `/hosts/${h.id}/ttl`,
    csrf,
    layout: 'stack',
    fields: [
      dnsTtlField(h.dnsTtl ?? ''),
      field({
        id: 'expiry_ttl',
        label: 'Expiry in seconds',
        hint: 'remove an address not updated for this long; 0: never',
        type: 'number',
        attrs: { min: 0, max: 31536000, required: true, value: h.expiryTtl },
      }),
    ],
    submit: { label: 'Save TTLs' },
  })}
  ${postForm({
    action: `/hosts/${h.id}/lan`,
    csrf,
    layout: 'stack',
    fields: [
      field({
        id: 'lan_ipv4',
        label: 'LAN IPv4',
        hint: lanHint,
        type: 'text',
        attrs: { value: h.lanIpv4 ?? '' },
      }),
      field({ id: 'lan_ipv6', label: 'LAN IPv6', type: 'text', attrs: { value: h.lanIpv6 ?? '' } }),
    ],
    submit: { label: 'Save LAN addresses' },
  })}
  ${postForm({
    action: `/hosts/${h.id}/delete`,
    csrf,
    fields: html`<p>${checkbox({ name: 'confirm', label: deleteLabel, required: true })}</p>`,
    submit: { label: 'Delete host', kind: 'danger' },
  })}`
}

/** The DNS TTL field; empty means the zone's default. */
function dnsTtlField(value?: number | ''): Html {
  return field({
    id: 'dns_ttl',
    label: 'DNS TTL in seconds',
    hint: "empty: the zone's default",
    type: 'number',
    attrs: { min: 1, max: 604800, value },
  })
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
    ${postForm({
      action: '/hosts/new',
      csrf: v.session.csrf,
      layout: 'stack',
      fields: [
        field({
          id: 'label',
          label: 'Name',
          hint: 'letters, digits and hyphens, e.g. “home”',
          type: 'text',
          attrs: {
            required: true,
            autocapitalize: 'none',
            spellcheck: 'false',
            value: v.label ?? '',
          },
        }),
        selectField({
          id: 'zone',
          label: 'Zone',
          choices: v.zones.map((z) => ({ value: z, label: z, selected: z === v.zone })),
        }),
        dnsTtlField(),
      ],
      submit: { label: 'Create host' },
    })}`
  return page({
    title: 'New host',
    session: v.session,
    current: '/hosts/new',
    flash: v.flash,
    body,
  })
}

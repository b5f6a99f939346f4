/**
 * The record editor's markup: a zone's (admins) or a host's (owners) static records as a
 * table with name and type filters and paging, each RRset and each value with a delete link
 * to its confirmation page, and the form that adds one value (name relative or absolute,
 * type, TTL, value), with the value format of every type as help beside it.
 */
import { confirmLink } from './confirm.ts'
import { field, postForm, selectField } from './form.ts'
import { html, type Html } from './html.ts'
import { page, type Flash } from './layout.ts'
import type { WebSession } from './session.ts'
import { dataTable } from './table.ts'
import type { RecordType } from '../core/records.ts'
import type { ZoneRecordSet } from '../core/zone-records/zone-record-types.ts'

/** How each type's value is written (presentation format, RFC 1035 style). */
export const VALUE_FORMATS: Readonly<Record<RecordType, string>> = {
  A: 'an IPv4 address: 192.0.2.10',
  AAAA: 'an IPv6 address: 2001:db8::10',
  TXT: 'text; quote it when it holds spaces: "v=spf1 mx -all"',
  CNAME: 'the target name: home.dyn.example.',
  MX: 'preference and mail server: 10 mail.example.net.',
  SRV: 'priority weight port target: 10 5 443 server.example.net.',
  CAA: 'flags tag value: 0 issue "letsencrypt.org"',
  NS: 'a name server of a delegation: ns1.example.net.',
  PTR: 'the name pointed to: host.example.net.',
  SSHFP: 'algorithm type fingerprint: 4 2 9f86d081884c7d65…',
  TLSA: 'usage selector type data: 3 1 1 2bb8e1a2…',
  SVCB: 'priority target params: 1 svc.example.net. alpn=h2',
  HTTPS: 'priority target params: 1 . alpn=h2,h3',
  DS: 'key tag, algorithm, digest type, digest: 12345 13 2 49fd46e6…',
}

/** Where the editor works: a whole zone (admins) or at and below one host (its owner). */
export interface RecordScope {
  readonly zone: string
  /** The name a relative name is taken under: the zone, or the host. */
  readonly origin: string
  /** The editor's path: the form posts here, delete links sit below it. */
  readonly base: string
  /** The page the editor is on (the redirect after a change). */
  readonly back: string
  /** The types offered in the form. */
  readonly types: readonly RecordType[]
}

/** The records of one page, the filters and the paging. */
export interface RecordList {
  readonly sets: readonly ZoneRecordSet[]
  readonly name: string
  readonly type: string
  readonly page: number
  readonly more: boolean
}

/** The path segment of an owner name or value (`*` escaped too, for same-site paths). */
export function segment(text: string): string {
  return encodeURIComponent(text).replace(/\*/g, '%2A')
}

/** The delete path of an RRset, or of one value of it. */
export function deletePath(scope: RecordScope, s: ZoneRecordSet, value?: string): string {
  const rrset = `${scope.base}/${segment(s.name)}/${s.type}`
  return value === undefined
    ? `${rrset}/delete`
    : `${rrset}/${Buffer.from(value).toString('base64url')}/delete`
}

/** The editor: filters, the records, paging, and the add form. */
export function recordsSection(
  scope: RecordScope,
  list: RecordList,
  session: WebSession,
  /** The level of the "Add a record" heading. */
  level: 'h2' | 'h3' = 'h2',
): Html {
  const query = (n: number) =>
    `${scope.back}?${new URLSearchParams({ name: list.name, type: list.type, page: String(n) }).toString()}#records`
  const table = dataTable({
    caption: `Static records of ${scope.origin}`,
    rows: list.sets,
    empty: list.name === '' && list.type === '' ? 'No static records yet.' : 'No record matches.',
    columns: [
      { label: 'Name', cell: (s) => html`<code>${s.name}.</code>` },
      { label: 'Type', cell: (s) => s.type },
      { label: 'TTL', cell: (s) => `${String(s.ttl)} s` },
      {
        label: 'Values',
        cell: (s) =>
          html`<ul class="plain">
            ${s.values.map(
              (v) =>
                html`<li>
                  <code>${v}</code>
                  ${
                    s.values.length > 1
                      ? confirmLink({
                          href: deletePath(scope, s, v),
                          label: 'Delete',
                          kind: 'secondary',
                          ariaLabel: `Delete ${s.name}. ${s.type} ${v}`,
                        })
                      : ''
                  }
                </li>`,
            )}
          </ul>`,
      },
      {
        label: 'Actions',
        cell: (s) =>
          confirmLink({
            href: deletePath(scope, s),
            label: s.values.length > 1 ? 'Delete all' : 'Delete',
            kind: 'danger',
            ariaLabel: `Delete ${s.name}. ${s.type}`,
          }),
      },
    ],
    paging: {
      prev: list.page > 1 ? query(list.page - 1) : undefined,
      next: list.more ? query(list.page + 1) : undefined,
    },
  })
  const filters = html`<form class="row" method="get" action="${scope.back}" role="search">
    ${field({
      id: 'name',
      label: 'Name contains',
      type: 'search',
      attrs: { value: list.name, maxlength: 255 },
    })}
    ${selectField({
      id: 'type',
      label: 'Type',
      choices: [
        { value: '', label: 'any', selected: list.type === '' },
        ...scope.types.map((t) => ({ value: t, label: t, selected: list.type === t })),
      ],
    })}
    <button type="submit" class="secondary">Filter</button>
  </form>`
  const heading =
    level === 'h2'
      ? html`<h2 id="add-record">Add a record</h2>`
      : html`<h3 id="add-record">Add a record</h3>`
  return html`${filters} ${table} ${heading}
    ${postForm({
      action: scope.base,
      csrf: session.csrf,
      layout: 'stack',
      fields: [
        field({
          id: 'record_name',
          label: 'Name',
          hint: `relative to ${scope.origin} (“@” for ${scope.origin} itself), or absolute with a final dot`,
          type: 'text',
          attrs: { required: true, autocapitalize: 'none', spellcheck: 'false', maxlength: 255 },
        }),
        selectField({
          id: 'record_type',
          label: 'Type',
          choices: scope.types.map((t) => ({ value: t, label: t })),
        }),
        field({
          id: 'record_ttl',
          label: 'TTL (seconds)',
          hint: 'optional; the zone default when empty',
          type: 'number',
          attrs: { min: 0, max: 2147483647 },
        }),
        field({
          id: 'record_value',
          label: 'Value',
          hint: 'its format depends on the type (below)',
          type: 'text',
          attrs: { required: true, spellcheck: 'false', maxlength: 65535 },
        }),
      ],
      submit: { label: 'Add record' },
    })}
    <details class="formats">
      <summary>Value formats</summary>
      <dl>
        ${scope.types.map(
          (t) =>
            html`<dt>${t}</dt>
              <dd>${VALUE_FORMATS[t]}</dd>`,
        )}
      </dl>
    </details>`
}

/** An admin's records page of one zone. */
export function zoneRecordsPage(v: {
  session: WebSession
  scope: RecordScope
  list: RecordList
  flash?: Flash | undefined
}): Html {
  const title = `Records of ${v.scope.zone}`
  const body = html`<h1>${title}</h1>
    <p><a href="/admin/zones">All zones</a></p>
    <div id="records">${recordsSection(v.scope, v.list, v.session)}</div>`
  return page({ title, session: v.session, current: '/admin/zones', flash: v.flash, body })
}

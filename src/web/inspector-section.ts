/**
 * The router inspector on the host page: the host's last requests, newest first, each a
 * `<details>` (readable without JavaScript, one column on a phone) with how dynzone read it:
 * the request as sent (secrets already replaced by `[redacted]` in core), the dialect, what it
 * took per family and for the prefix, the answer, and why a refusal happened.
 */
import type { StoredRequest } from '../core/update/request-trace.ts'
import { html, when, type Html } from './html.ts'
import { resultBadge } from './host-sections.ts'
import { factTable } from './table.ts'

/** The inspector section's body (its heading is the page's). */
export function inspectorSection(rows: readonly StoredRequest[]): Html {
  if (rows.length === 0)
    return html`<p class="muted">No requests yet. The next update your router sends shows here.</p>`
  return html`<p class="muted">
      The last ${rows.length} requests that named this host (at most 50, kept 7 days), newest first.
      Passwords, tokens and secret URL parts are removed before anything is kept.
    </p>
    <div class="inspector">${rows.map(requestDetails)}</div>`
}

function requestDetails(r: StoredRequest): Html {
  const params = Object.entries(r.params)
  return html`<details>
    <summary>
      ${when(r.at)} ${resultBadge(r.result)} <span class="muted">${r.dialect} from</span>
      <code>${r.clientIp}</code>
    </summary>
    ${factTable([
      ['Request', html`<code>${r.method} ${r.path}</code>`],
      [
        'Parameters',
        params.length === 0
          ? html`<span class="muted">none</span>`
          : html`<code
              >${params.map(([k, v], i) => html`${i > 0 ? html`<br />` : ''}${k}=${v}`)}</code
            >`,
      ],
      ['Credentials', r.credentials],
      ['Client', r.userAgent === '' ? html`<span class="muted">not sent</span>` : r.userAgent],
      ['IPv4 taken', r.taken.ipv4],
      ['IPv6 taken', r.taken.ipv6],
      ...(r.taken.prefix === undefined ? [] : [['IPv6 prefix', r.taken.prefix] as const]),
      ['Answer', html`<code>${r.reply}</code>`],
      ...(r.reason === ''
        ? []
        : [['Why', html`<span class="result-bad">${r.reason}</span>`] as const]),
    ])}
  </details>`
}

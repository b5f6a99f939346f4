/**
 * Parts of the host pages used on more than one page: the result badge, the history table
 * (changes and failed updates) and the ready-to-paste client settings with copy buttons.
 */
import { clientSettings, type ClientTarget } from './client-settings.ts'
import { html, when, type Html } from './html.ts'
import type { WebHistory } from './web-store.ts'

/** Renders a result code, coloured by whether it is a success. */
export function resultBadge(result: string | null): Html {
  if (result === null) return html`<span class="muted">never</span>`
  const good = result === 'good' || result === 'nochg'
  return html`<span class="${good ? 'result-good' : 'result-bad'}">${result}</span>`
}

/** The ready-to-paste settings of every client, each with a copy button. */
export function clientBlocks(target: ClientTarget): Html[] {
  return clientSettings(target).map(
    (c, i) =>
      html`<details ${i === 0 ? 'open' : ''}>
        <summary>${c.title}</summary>
        <button type="button" class="copy secondary" data-copy="client-${c.id}">Copy</button>
        <pre id="client-${c.id}">${c.text}</pre>
      </details>`,
  )
}

// History results that are changes (old → new); any other result is a failed update whose
// reason is kept where the new value would be.
const CHANGES = new Set(['good', 'expired'])

/** The history table: changes (old → new) and failed updates (with their reason). */
export function historyTable(rows: readonly WebHistory[]): Html {
  if (rows.length === 0) return html`<p class="muted">No updates yet.</p>`
  return html`<div class="table-wrap">
    <table class="wide">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">From</th>
          <th scope="col">Client</th>
          <th scope="col">Result</th>
          <th scope="col">Old</th>
          <th scope="col">New</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (r) =>
            html`<tr>
              <td>${when(r.at)}</td>
              <td><code>${r.clientIp}</code></td>
              <td>
                ${r.dialect}${r.actor === '' ? '' : html` <span class="muted">(${r.actor})</span>`}
              </td>
              <td>${resultBadge(r.result)}</td>
              ${
                CHANGES.has(r.result)
                  ? html`<td><code>${r.oldValue}</code></td>
                      <td><code>${r.newValue}</code></td>`
                  : html`<td colspan="2" class="result-bad">${r.newValue}</td>`
              }
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

/**
 * Parts of the host pages used on more than one page: the result badge, the history table
 * (changes and failed updates) and the ready-to-paste client settings with copy buttons.
 */
import { clientSettings, type ClientTarget } from './client-settings.ts'
import { html, when, type Html } from './html.ts'
import { Cell, dataTable } from './table.ts'
import type { HostEvent } from '../core/accounts/account-store.ts'

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
export function historyTable(rows: readonly HostEvent[]): Html {
  const change = (r: HostEvent): boolean => CHANGES.has(r.result)
  return dataTable({
    rows,
    empty: 'No updates yet.',
    columns: [
      { label: 'When', cell: (r) => when(r.at) },
      { label: 'From', cell: (r) => html`<code>${r.clientIp}</code>` },
      {
        label: 'Client',
        cell: (r) =>
          html`${r.dialect}${r.actor === '' ? '' : html` <span class="muted">(${r.actor})</span>`}`,
      },
      { label: 'Result', cell: (r) => resultBadge(r.result) },
      {
        label: 'Old',
        cell: (r) =>
          change(r)
            ? html`<code>${r.oldValue}</code>`
            : new Cell(r.newValue, { colspan: 2, className: 'result-bad' }),
      },
      { label: 'New', cell: (r) => html`<code>${r.newValue}</code>` },
    ],
  })
}

/**
 * The one table shape every page uses: a scrolling wrapper, a header row of `scope="col"`
 * cells, one row per item filled column by column, an optional hidden caption, a line shown
 * instead when there is nothing to list, and previous/next links. Pages say what the columns
 * are; the markup (and its accessibility) lives here once. Cell content goes through `html`,
 * so it is escaped as everywhere else.
 */
import { attrs, html, Html, type HtmlValue } from './html.ts'

/** A cell that needs attributes; its `colspan` also covers the columns after it. */
export class Cell {
  readonly content: HtmlValue
  readonly colspan: number
  readonly className: string | undefined

  constructor(content: HtmlValue, o: { colspan?: number; className?: string } = {}) {
    this.content = content
    this.colspan = o.colspan ?? 1
    this.className = o.className
  }
}

/** One column: its header and how an item fills its cell. */
export interface Column<T> {
  readonly label: string
  readonly cell: (item: T) => HtmlValue | Cell
}

/** Previous and next page links (absent: no link). */
export interface Paging {
  readonly prev?: string | undefined
  readonly next?: string | undefined
}

/** What a data table shows. */
export interface TableOptions<T> {
  readonly columns: readonly Column<T>[]
  readonly rows: readonly T[]
  /** A caption for screen readers (visually hidden). */
  readonly caption?: string
  /** Shown instead of the table when there are no rows; text is shown muted. */
  readonly empty?: string | Html
  /**
   * Wide tables keep cells on one line on a phone and scroll sideways; the others become a
   * card per row (each cell under its column's name), so nothing scrolls.
   */
  readonly wide?: boolean
  readonly paging?: Paging
}

/** A table of items, or its empty line, followed by the paging links when given. */
export function dataTable<T>(o: TableOptions<T>): Html {
  const body = o.rows.length === 0 && o.empty !== undefined ? emptyLine(o.empty) : table(o)
  return o.paging === undefined ? body : html`${body}${pager(o.paging)}`
}

/** A two-column table of facts about one thing: a header cell (`scope="row"`) and a value. */
export function factTable(facts: readonly (readonly [string, HtmlValue])[]): Html {
  return html`<div class="table-wrap">
    <table>
      <tbody>
        ${facts.map(
          ([label, value]) =>
            html`<tr>
              <th scope="row">${label}</th>
              <td>${value}</td>
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

function table<T>(o: TableOptions<T>): Html {
  // A wide table may scroll sideways: its wrapper is a named region keyboards can scroll.
  const wrap =
    o.wide === true
      ? attrs({
          class: 'table-wrap',
          tabindex: 0,
          role: 'region',
          'aria-label': o.caption ?? 'Table',
        })
      : attrs({ class: 'table-wrap' })
  return html`<div${wrap}>
    <table${attrs({ class: o.wide === true ? 'wide' : 'stack' })}>
      ${
        o.caption === undefined
          ? ''
          : html`<caption class="skip">
              ${o.caption}
            </caption>`
      }
      <thead>
        <tr>
          ${o.columns.map((c) => html`<th scope="col">${c.label}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${o.rows.map(
          (item) =>
            html`<tr>
              ${cells(o.columns, item)}
            </tr>`,
        )}
      </tbody>
    </table>
  </div>`
}

function cells<T>(columns: readonly Column<T>[], item: T): Html[] {
  const out: Html[] = []
  let covered = 0
  for (const column of columns) {
    if (covered > 0) {
      covered--
      continue
    }
    const value = column.cell(item)
    const cell = value instanceof Cell ? value : new Cell(value)
    covered = cell.colspan - 1
    // On a phone a `stack` table shows each row as a card: the label comes from `data-label`.
    const a = attrs({
      colspan: cell.colspan > 1 ? cell.colspan : undefined,
      class: cell.className,
      'data-label': column.label,
    })
    out.push(html`<td${a}>${cell.content}</td>`)
  }
  return out
}

function emptyLine(empty: string | Html): Html {
  return empty instanceof Html ? empty : html`<p class="muted">${empty}</p>`
}

function pager(p: Paging): Html {
  return html`<nav class="pager" aria-label="Pages">
    ${p.prev === undefined ? '' : html`<a href="${p.prev}" rel="prev">Previous page</a>`}
    ${p.next === undefined ? '' : html`<a href="${p.next}" rel="next">Next page</a>`}
  </nav>`
}

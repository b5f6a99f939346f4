/**
 * The shared markup helpers: the table shape (header cells with `scope`, escaped cells and
 * captions, a cell spanning the next column, the empty line, paging links) and the form
 * shapes (the CSRF field in every POST form, labels naming their inputs, escaped and checked
 * attributes, a stacked form's button in its own block).
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { checkbox, field, postForm, selectField } from './form.ts'
import { attrs, html, when } from './html.ts'
import { Cell, dataTable, factTable, type Column } from './table.ts'

interface Row {
  readonly name: string
  readonly failed: boolean
}

const COLUMNS: readonly Column<Row>[] = [
  { label: 'Name', cell: (r) => r.name },
  {
    label: 'Old',
    cell: (r) => (r.failed ? new Cell('why', { colspan: 2, className: 'bad' }) : 'a'),
  },
  { label: 'New', cell: () => html`<code>b</code>` },
]
const squash = (s: string): string =>
  s.replace(/\s+/g, ' ').replace(/> </g, '><').replace(/ >/g, '>')

void describe('dataTable', () => {
  void it('renders header cells with scope and escapes cell text and the caption', () => {
    const out = squash(
      String(
        dataTable({ columns: COLUMNS, rows: [{ name: '<i>"x"', failed: false }], caption: '<c>' }),
      ),
    )
    assert.match(out, /<caption class="skip"> ?&lt;c&gt; ?<\/caption>/)
    assert.match(
      out,
      /<th scope="col">Name<\/th><th scope="col">Old<\/th><th scope="col">New<\/th>/,
    )
    assert.match(
      out,
      /<tr><td data-label="Name">&lt;i&gt;&quot;x&quot;<\/td><td data-label="Old">a<\/td><td data-label="New"><code>b<\/code><\/td><\/tr>/,
    )
    assert.doesNotMatch(out, /<i>/)
  })

  void it('lets a cell span the next column instead of rendering it', () => {
    const out = squash(String(dataTable({ columns: COLUMNS, rows: [{ name: 'n', failed: true }] })))
    assert.match(
      out,
      /<tr><td data-label="Name">n<\/td><td colspan="2" class="bad" data-label="Old">why<\/td><\/tr>/,
    )
    // On a phone the table is a card per row; only a table marked wide scrolls instead.
    assert.match(out, /<table class="stack">/)
  })

  void it('shows the empty line instead of the table, and keeps the table without one', () => {
    const empty = String(dataTable({ columns: COLUMNS, rows: [], empty: 'Nothing <here>.' }))
    assert.equal(empty, '<p class="muted">Nothing &lt;here&gt;.</p>')
    assert.match(String(dataTable({ columns: COLUMNS, rows: [] })), /<tbody>\s*<\/tbody>/)
    const own = dataTable({ columns: COLUMNS, rows: [], empty: html`<p>None</p>` })
    assert.equal(String(own), '<p>None</p>')
  })

  void it('links the previous and next pages it is given', () => {
    const out = squash(
      String(
        dataTable({ columns: COLUMNS, rows: [], empty: 'x', paging: { next: '/h?a=1&page=2' } }),
      ),
    )
    assert.match(
      out,
      /<nav class="pager" aria-label="Pages"><a href="\/h\?a=1&amp;page=2" rel="next">/,
    )
    assert.doesNotMatch(out, /rel="prev"/)
  })
})

void describe('factTable', () => {
  void it('renders row headers with scope and escaped values', () => {
    const out = squash(String(factTable([['Owner', '<b>']])))
    assert.match(out, /<tr><th scope="row">Owner<\/th><td>&lt;b&gt;<\/td><\/tr>/)
  })
})

const CSRF = 'f'.repeat(64)
void describe('forms', () => {
  void it('posts with the CSRF field first, then hidden fields, fields and the button', () => {
    const out = squash(
      String(
        postForm({
          action: '/x?a=1&b=2',
          csrf: CSRF,
          layout: 'inline',
          hidden: { back: '/hosts/"1"' },
          submit: { label: 'Go', kind: 'danger', ariaLabel: 'Go <now>' },
        }),
      ),
    )
    assert.equal(
      out,
      `<form class="inline" method="post" action="/x?a=1&amp;b=2"><input type="hidden" name="csrf" value="${CSRF}" /><input type="hidden" name="back" value="/hosts/&quot;1&quot;" /><button type="submit" class="danger" aria-label="Go &lt;now&gt;">Go</button></form>`,
    )
  })

  void it('wraps the button of a stacked form in its own block', () => {
    const out = squash(
      String(postForm({ action: '/y', csrf: CSRF, layout: 'stack', submit: { label: 'Save' } })),
    )
    assert.match(out, /<div><button type="submit">Save<\/button><\/div><\/form>$/)
  })

  void it('labels inputs and selects by id, with the hint inside the label', () => {
    const input = squash(
      String(
        field({
          id: 'ttl',
          label: 'TTL',
          hint: "zone's",
          type: 'number',
          attrs: { min: 1, value: '"5' },
        }),
      ),
    )
    assert.equal(
      input,
      '<div><label for="ttl">TTL <span class="hint">zone&#39;s</span></label><input type="number" id="ttl" name="ttl" min="1" value="&quot;5" /></div>',
    )
    const select = squash(
      String(
        selectField({
          id: 'z',
          label: 'Zone',
          choices: [{ value: 'a', label: '<a>', selected: true }],
        }),
      ),
    )
    assert.match(
      select,
      /<label for="z">Zone<\/label><select id="z" name="z"><option value="a" selected>&lt;a&gt;<\/option>/,
    )
    const box = squash(String(checkbox({ name: 'confirm', label: 'sure', required: true })))
    assert.equal(
      box,
      '<label><input type="checkbox" name="confirm" value="yes" required /> sure</label>',
    )
  })

  void it('refuses an attribute name that is not plain', () => {
    assert.throws(() => attrs({ 'onclick="x"': 'y' }), /invalid attribute name/)
    assert.equal(String(attrs({ a: false, b: null, c: undefined, d: true, e: 0 })), ' d e="0"')
  })
})

void describe('when', () => {
  void it('renders a time the script can localise, readable in UTC without it', () => {
    assert.equal(
      String(when('2030-01-02T03:04:05.678Z')),
      '<time datetime="2030-01-02T03:04:05.678Z" title="2030-01-02 03:04:05 UTC">2030-01-02 03:04:05 UTC</time>',
    )
    assert.equal(when(null), '—')
    assert.equal(String(when('2030-01-02 03:04:05')), String(when('2030-01-02T03:04:05')))
  })
})

/**
 * HTML templating without a framework: a tagged template that escapes every interpolated
 * value unless it is already `Html` (the output of another `html` call). Pages are plain
 * functions returning `Html`; nothing user-supplied reaches the page unescaped.
 */

/** Markup that is safe to insert as is. */
export class Html {
  readonly text: string

  constructor(text: string) {
    this.text = text
  }

  toString(): string {
    return this.text
  }
}

/** What a template may interpolate: text is escaped, arrays are joined, nullish is empty. */
export type HtmlValue = Html | string | number | null | undefined | false | readonly HtmlValue[]

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Escapes text for element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c)
}

function render(value: HtmlValue): string {
  if (value instanceof Html) return value.text
  if (value === null || value === undefined || value === false) return ''
  if (Array.isArray(value)) return value.map(render).join('')
  return escapeHtml(String(value))
}

/** The template tag: `html\`<p>${name}</p>\`` escapes `name`. */
export function html(strings: TemplateStringsArray, ...values: readonly HtmlValue[]): Html {
  let out = strings[0] ?? ''
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '')
  })
  return new Html(out)
}

/** An attribute value: text is escaped, `true` writes the bare name, `false` or nullish none. */
export type AttrValue = string | number | boolean | null | undefined

const ATTR_NAME = /^[a-z][a-z0-9-]*$/

/** Renders attributes, each with a leading space: `attrs({ id: 'x', required: true })`. */
export function attrs(values: Readonly<Record<string, AttrValue>>): Html {
  return new Html(
    Object.entries(values)
      .map(([name, value]) => attr(name, value))
      .join(''),
  )
}

function attr(name: string, value: AttrValue): string {
  // Names come from code, never from input: a bad one is a bug, not something to escape.
  if (!ATTR_NAME.test(name)) throw new Error(`invalid attribute name: ${name}`)
  if (value === false || value === null || value === undefined) return ''
  return value === true ? ` ${name}` : ` ${name}="${escapeHtml(String(value))}"`
}

/** A hidden CSRF field for a form. */
export function csrfField(csrf: string): Html {
  return html`<input type="hidden" name="csrf" value="${csrf}" />`
}

/**
 * A point in time: `<time datetime>` with the UTC time as its text and title, readable as is;
 * the page script shows it in the reader's zone with a relative age ("3 min ago") and keeps
 * the UTC time on hover. A dash when there is none; the text itself when it is no time.
 */
export function when(iso: string | null | undefined): Html | string {
  if (iso === null || iso === undefined) return '—'
  const t = parseStored(iso)
  if (t === undefined) return iso
  const utc = utcText(t)
  return html`<time datetime="${new Date(t).toISOString()}" title="${utc}">${utc}</time>`
}

/** A stored time as plain text in UTC, for attributes and labels (`when` is for the page). */
export function whenText(iso: string | null | undefined): string {
  if (iso === null || iso === undefined) return '—'
  const t = parseStored(iso)
  return t === undefined ? iso : utcText(t)
}

// Stored times without a zone are UTC (never the server's local time).
function parseStored(iso: string): number | undefined {
  const t = Date.parse(/(Z|[+-]\d\d:?\d\d)$/i.test(iso) ? iso : `${iso.replace(' ', 'T')}Z`)
  return Number.isNaN(t) ? undefined : t
}

function utcText(t: number): string {
  return `${new Date(t).toISOString().replace('T', ' ').slice(0, 19)} UTC`
}

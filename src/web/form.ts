/**
 * The form shapes the pages share: a state-changing POST form that always carries the
 * session's CSRF field, labelled inputs and selects (the label names the input, a hint sits
 * inside the label), checkboxes inside their label, hidden fields and submit buttons. Every
 * value goes through `html` or `attrs`, so it is escaped.
 */
import { attrs, csrfField, html, type AttrValue, type Html, type HtmlValue } from './html.ts'

/** A submit button: its text, its look, and a fuller name for screen readers when needed. */
export interface ButtonOptions {
  readonly label: HtmlValue
  readonly kind?: 'secondary' | 'danger'
  readonly ariaLabel?: string
}

/** A POST form. */
export interface PostFormOptions {
  readonly action: string
  readonly csrf: string
  /** `stack`: one field a row; `row`: fields side by side; `inline`: within text. */
  readonly layout?: 'stack' | 'row' | 'inline'
  readonly hidden?: Readonly<Record<string, string>>
  readonly fields?: HtmlValue
  readonly submit: ButtonOptions
}

/** A form that changes state: POST, the CSRF field, hidden fields, the fields, one button. */
export function postForm(o: PostFormOptions): Html {
  // A stacked form is a grid: a bare button would stretch to the full width.
  const button = o.layout === 'stack' ? html`<div>${submit(o.submit)}</div>` : submit(o.submit)
  return html`<form${attrs({ class: o.layout })} method="post" action="${o.action}">
    ${csrfField(o.csrf)}${hiddenFields(o.hidden ?? {})} ${o.fields} ${button}
  </form>`
}

/** A submit button. */
export function submit(o: ButtonOptions): Html {
  const a = attrs({ class: o.kind, 'aria-label': o.ariaLabel })
  return html`<button type="submit" ${a}>${o.label}</button>`
}

/** Hidden inputs, one per entry. */
export function hiddenFields(values: Readonly<Record<string, string>>): Html[] {
  return Object.entries(values).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
  )
}

/** The label of a field, with an optional hint inside it. */
interface Labelled {
  readonly id: string
  readonly label: HtmlValue
  readonly hint?: string
}

/** A labelled input; its name is its id unless `attrs` names it. */
export interface InputOptions extends Labelled {
  readonly type: 'text' | 'email' | 'password' | 'number' | 'search'
  readonly attrs?: Readonly<Record<string, AttrValue>>
}

/** A labelled input in its own block. */
export function field(o: InputOptions): Html {
  const a = attrs({ type: o.type, id: o.id, name: o.id, ...o.attrs })
  return html`<div>${label(o)}<input${a} /></div>`
}

/** One choice of a select. */
export interface Choice {
  readonly value: string
  readonly label: string
  readonly selected?: boolean
}

/** A labelled select; its name is its id. */
export function selectField(o: Labelled & { readonly choices: readonly Choice[] }): Html {
  const choices = o.choices.map(
    (c) => html`<option${attrs({ value: c.value, selected: c.selected })}>${c.label}</option>`,
  )
  return html`<div>
    ${label(o)}<select id="${o.id}" name="${o.id}">
      ${choices}
    </select>
  </div>`
}

/** A checkbox inside its label (the label is its name); `yes` when ticked. */
export function checkbox(o: {
  readonly name: string
  readonly label: HtmlValue
  readonly required?: boolean
  readonly className?: string
}): Html {
  const box = attrs({ type: 'checkbox', name: o.name, value: 'yes', required: o.required })
  return html`<label${attrs({ class: o.className })}><input${box} /> ${o.label}</label>`
}

function label(o: Labelled): Html {
  const hint = o.hint === undefined ? '' : html` <span class="hint">${o.hint}</span>`
  return html`<label for="${o.id}">${o.label}${hint}</label>`
}

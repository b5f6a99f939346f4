/**
 * A host's address timeline as an SVG drawn on the server (no script): over the last days,
 * one lane per family with a bar for each address while it held, the updates of each day as
 * columns, and failed updates marked in red. Built from the host's history (changes are
 * `old → new` as `ipv4,ipv6`, `-` for none; any other result is a failure). Colours come
 * from presentation attributes, not `style`, so the content security policy holds.
 */
import { html, type Html } from './html.ts'
import type { HostEvent } from '../core/accounts/account-store.ts'

/** How the timeline is drawn. */
export interface TimelineOptions {
  readonly now: Date
  /** Days shown, ending now. */
  readonly days: number
}

/** One address while it held. */
export interface Span {
  readonly family: 4 | 6
  readonly address: string
  readonly from: number
  readonly to: number
}

const DAY = 86_400_000
const CHANGES = new Set(['good', 'expired'])
// Accepted updates: changes and unchanged confirmations; anything else failed.
const ACCEPTED = new Set([...CHANGES, 'nochg'])
const W = 720
const LEFT = 56
const PLOT = W - LEFT - 8
const LANE = 26
// Colour-blind-safe hues, dark enough for white text (WCAG AA against white).
const COLOURS = ['#1f5aa6', '#8a4b08', '#0f6b5c', '#6b3fa0', '#7a5c00', '#3d5a80']
const FAIL = '#a4161a'

/** The spans of each family's addresses from history rows (any order), clipped to the window. */
export function spans(events: readonly HostEvent[], from: number, to: number): Span[] {
  const changes = events
    .filter((e) => CHANGES.has(e.result))
    .map((e) => ({ at: Date.parse(e.at), old: split(e.oldValue), now: split(e.newValue) }))
    .filter((c) => !Number.isNaN(c.at))
    .sort((a, b) => a.at - b.at)
  const out: Span[] = []
  for (const family of [4, 6] as const) {
    const i = family === 4 ? 0 : 1
    let address = changes[0]?.old[i] ?? '-'
    let since = Number.NEGATIVE_INFINITY
    const close = (end: number): void => {
      const a = Math.max(since, from)
      if (address !== '-' && end > a && a < to) out.push({ family, address, from: a, to: end })
    }
    for (const c of changes) {
      const next = c.now[i]
      if (next === address) continue
      close(Math.min(c.at, to))
      address = next
      since = c.at
    }
    close(to)
  }
  return out
}

function split(value: string): [string, string] {
  const [v4 = '-', v6 = '-'] = value.split(',')
  return [v4, v6]
}

/** The timeline SVG (with a title and a description for screen readers). */
export function timelineSvg(fqdn: string, events: readonly HostEvent[], o: TimelineOptions): Html {
  const to = o.now.getTime()
  const from = to - o.days * DAY
  const x = (t: number): number => LEFT + Math.round(((t - from) / (to - from)) * PLOT)
  const all = spans(events, from, to)
  const colour = colours(all)
  const lanes = ([4, 6] as const).map((family, i) => {
    const y = 8 + i * (LANE + 6)
    const bars = all
      .filter((s) => s.family === family)
      .map((s) => {
        const w = Math.max(2, x(s.to) - x(s.from))
        const label = w > s.address.length * 7 + 8 ? s.address : ''
        return html`<g class="span">
          <title>${s.address}: ${iso(s.from)} – ${iso(s.to)}</title>
          <rect
            x="${x(s.from)}"
            y="${y}"
            width="${w}"
            height="${LANE}"
            rx="3"
            fill="${colour(s.address)}"
          />
          ${label === '' ? '' : html`<text x="${x(s.from) + 4}" y="${y + 17}" fill="#ffffff" font-size="12">${label}</text>`}
        </g>`
      })
    return html`<text x="0" y="${y + 17}" font-size="12" fill="#1b1f24">IPv${family}</text>${bars}`
  })
  const days = perDay(events, from, o.days)
  const max = Math.max(1, ...days.map((d) => d.updates + d.failures))
  const base = 8 + 2 * (LANE + 6) + 56
  const step = PLOT / o.days
  const columns = days.map((d, i) => {
    const hu = Math.round((d.updates / max) * 48)
    const hf = Math.round((d.failures / max) * 48)
    const cx = LEFT + Math.round(i * step) + 1
    const cw = Math.max(1, Math.round(step) - 2)
    return html`<g class="day">
      <title>${iso(from + i * DAY).slice(0, 10)}: ${d.updates} updates, ${d.failures} failed</title>
      ${hu === 0 ? '' : html`<rect class="updates" x="${cx}" y="${base - hu}" width="${cw}" height="${hu}" fill="#4a5360" />`}
      ${hf === 0 ? '' : html`<rect class="failures" x="${cx}" y="${base - hu - hf}" width="${cw}" height="${hf}" fill="${FAIL}" />`}
    </g>`
  })
  const failures = events
    .filter((e) => !ACCEPTED.has(e.result) && Date.parse(e.at) >= from)
    .map((e) => {
      const fx = x(Date.parse(e.at))
      return html`<path
        class="failure"
        d="M${fx - 4} ${base + 14} L${fx + 4} ${base + 14} L${fx} ${base + 6} Z"
        fill="${FAIL}"
        ><title>${e.result} at ${e.at}</title></path
      >`
    })
  const height = base + 34
  const summary = `${all.length} address periods, ${days.reduce((n, d) => n + d.updates, 0)} updates and ${failures.length} failed updates in the last ${o.days} days`
  return html`<figure class="timeline">
    <svg
      viewBox="0 0 ${W} ${height}"
      width="100%"
      role="img"
      aria-labelledby="timeline-title timeline-desc"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="timeline-title">Address timeline of ${fqdn}</title>
      <desc id="timeline-desc">${summary}</desc>
      ${lanes}
      <text x="0" y="${base - 20}" font-size="12" fill="#1b1f24">per day</text>
      ${columns}
      <line x1="${LEFT}" y1="${base}" x2="${LEFT + PLOT}" y2="${base}" stroke="#6b7685" />
      ${failures}
      <text x="${LEFT}" y="${height - 2}" font-size="12" fill="#1b1f24">
        ${iso(from).slice(0, 10)}
      </text>
      <text x="${LEFT + PLOT}" y="${height - 2}" font-size="12" fill="#1b1f24" text-anchor="end">
        ${iso(to).slice(0, 10)}
      </text>
    </svg>
    <figcaption class="muted">
      ${summary} (columns: 24 hours each, ending now; failures in red).
    </figcaption>
  </figure>`
}

/** Updates (changes and unchanged confirmations) and failures per UTC day of the window. */
function perDay(
  events: readonly HostEvent[],
  from: number,
  days: number,
): { updates: number; failures: number }[] {
  const out = Array.from({ length: days }, () => ({ updates: 0, failures: 0 }))
  for (const e of events) {
    const i = Math.floor((Date.parse(e.at) - from) / DAY)
    const day = out[i]
    if (day === undefined) continue
    if (ACCEPTED.has(e.result)) day.updates++
    else day.failures++
  }
  return out
}

function colours(all: readonly Span[]): (address: string) => string {
  const seen = [...new Set(all.map((s) => s.address))]
  return (address) => COLOURS[seen.indexOf(address) % COLOURS.length] ?? COLOURS[0] ?? '#1f5aa6'
}

function iso(t: number): string {
  return new Date(t).toISOString().replace('T', ' ').slice(0, 16)
}

/**
 * Accepted and failed updates per UTC hour as an SVG drawn on the server (no script), in the
 * timeline's manner: a pair of columns per hour (updates grey, failures red), each with a
 * `<title>` naming its hour and counts, and a title and description for screen readers.
 * Colours are presentation attributes, not `style`, so the content security policy holds.
 */
import { html, type Html } from './html.ts'
import type { HourCount } from '../core/accounts/account-store.ts'

const HOUR = 3_600_000
const W = 720
const LEFT = 40
const PLOT = W - LEFT - 8
const TOP = 12
const TALL = 120
const FAIL = '#a4161a'
const INK = '#1b1f24'

/** One hour of the chart. */
export interface HourBar {
  /** The hour's start, `YYYY-MM-DDTHH`. */
  readonly hour: string
  readonly updates: number
  readonly failures: number
}

/** The `hours` UTC hours ending with the one `now` is in, oldest first, with their counts. */
export function hourBars(
  now: Date,
  hours: number,
  updates: readonly HourCount[],
  failures: readonly HourCount[],
): HourBar[] {
  const last = Math.floor(now.getTime() / HOUR) * HOUR
  const u = new Map(updates.map((c) => [c.hour, c.count]))
  const f = new Map(failures.map((c) => [c.hour, c.count]))
  return Array.from({ length: hours }, (_, i) => {
    const hour = new Date(last - (hours - 1 - i) * HOUR).toISOString().slice(0, 13)
    return { hour, updates: u.get(hour) ?? 0, failures: f.get(hour) ?? 0 }
  })
}

/** The first hour of the chart ending with the hour `now` is in, as an ISO time. */
export function chartStart(now: Date, hours: number): string {
  return new Date((Math.floor(now.getTime() / HOUR) - hours + 1) * HOUR).toISOString()
}

/** The chart SVG of `bars` (from `hourBars`). */
export function hourlyChart(bars: readonly HourBar[]): Html {
  const max = Math.max(1, ...bars.flatMap((b) => [b.updates, b.failures]))
  const step = PLOT / Math.max(1, bars.length)
  const half = Math.max(1, Math.floor(step / 2) - 1)
  const base = TOP + TALL
  const y = (n: number): number => Math.round((n / max) * TALL)
  const columns = bars.map((b, i) => {
    const x = LEFT + Math.round(i * step)
    const hu = y(b.updates)
    const hf = y(b.failures)
    return html`<g class="hour" data-hour="${b.hour}">
      <title>${label(b.hour)}: ${b.updates} updates, ${b.failures} failed</title>
      <rect x="${x}" y="${TOP}" width="${2 * half + 1}" height="${TALL}" fill="#ffffff" />
      ${hu === 0 ? '' : html`<rect class="updates" x="${x}" y="${base - hu}" width="${half}" height="${hu}" fill="#4a5360" />`}
      ${hf === 0 ? '' : html`<rect class="failures" x="${x + half + 1}" y="${base - hf}" width="${half}" height="${hf}" fill="${FAIL}" />`}
    </g>`
  })
  const updates = bars.reduce((n, b) => n + b.updates, 0)
  const failed = bars.reduce((n, b) => n + b.failures, 0)
  const first = bars[0]?.hour ?? ''
  const last = bars.at(-1)?.hour ?? ''
  const summary = `${updates} updates and ${failed} failed updates in the last ${bars.length} hours (${label(first)} to ${label(last)}, UTC)`
  const height = base + 22
  return html`<figure class="timeline">
    <svg
      viewBox="0 0 ${W} ${height}"
      width="100%"
      role="img"
      aria-labelledby="hourly-title hourly-desc"
      xmlns="http://www.w3.org/2000/svg"
    >
      <title id="hourly-title">Updates and failed updates per hour</title>
      <desc id="hourly-desc">${summary}</desc>
      <text x="0" y="${TOP + 10}" font-size="12" fill="${INK}">${max}</text>
      <text x="0" y="${base}" font-size="12" fill="${INK}">0</text>
      ${columns}
      <line x1="${LEFT}" y1="${base}" x2="${LEFT + PLOT}" y2="${base}" stroke="#6b7685" />
      <text x="${LEFT}" y="${height - 4}" font-size="12" fill="${INK}">${label(first)}</text>
      <text x="${LEFT + PLOT}" y="${height - 4}" font-size="12" fill="${INK}" text-anchor="end">
        ${label(last)}
      </text>
    </svg>
    <figcaption class="muted">${summary}; grey: updates, red: failed.</figcaption>
  </figure>`
}

function label(hour: string): string {
  return hour === '' ? '' : `${hour.slice(0, 10)} ${hour.slice(11, 13)}:00`
}

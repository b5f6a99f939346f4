/**
 * The built-in DNS server's queries per second over the last hour as an SVG drawn on the
 * server (no script), in the hourly chart's manner: one column per 10 s step (the plot spans
 * the hour, newest at the right, so a young server's few steps sit at the right end), each with a
 * `<title>` naming its time and rate, and a title and description for screen readers.
 * Colours are presentation attributes, not `style`, so the content security policy holds.
 */
import { html, type Html } from './html.ts'

const W = 720
const LEFT = 48
const PLOT = W - LEFT - 8
const TOP = 12
const TALL = 120
const INK = '#1b1f24'
/** The hour's 10 s steps: the plot always spans an hour, the newest step at its right. */
const SLOTS = 360
const STEP_MS = 10_000

/** One step: when it was taken (ms since the epoch) and the queries per second before it. */
export interface RatePoint {
  readonly at: number
  readonly perSecond: number
}

/** A rate as people read it: whole numbers bare, small ones to two decimals. */
export function rate(perSecond: number): string {
  if (Number.isInteger(perSecond) || perSecond >= 100) return String(Math.round(perSecond))
  return perSecond.toFixed(perSecond >= 10 ? 1 : 2)
}

/** The chart SVG of `points` (oldest first), or a sentence when none was taken yet. */
export function rateChart(points: readonly RatePoint[]): Html {
  const current = points.at(-1)
  if (current === undefined) {
    return html`<p class="muted">No sample yet: the first is taken 10 seconds after start.</p>`
  }
  const max = Math.max(1, ...points.slice(-SLOTS).map((p) => p.perSecond))
  const shown = points.slice(-SLOTS)
  const step = PLOT / SLOTS
  const width = Math.max(1, Math.ceil(step))
  const base = TOP + TALL
  const columns = shown.map((p, i) => {
    const x = LEFT + Math.round((SLOTS - shown.length + i) * step)
    const h = Math.round((p.perSecond / max) * TALL)
    return html`<g class="step" data-at="${time(p.at)}">
      <title>${time(p.at)}: ${rate(p.perSecond)} queries per second</title>
      <rect x="${x}" y="${TOP}" width="${width}" height="${TALL}" fill="#ffffff" />
      ${h === 0 ? '' : html`<rect class="rate" x="${x}" y="${base - h}" width="${width}" height="${h}" fill="#4a5360" />`}
    </g>`
  })
  const first = shown[0]?.at ?? current.at
  const hourAgo = current.at - (SLOTS - 1) * STEP_MS
  const peak = Math.max(...shown.map((p) => p.perSecond))
  const summary = `Now ${rate(current.perSecond)} queries per second; peak ${rate(peak)} between ${time(first)} and ${time(current.at)} (UTC)`
  const height = base + 22
  return html`<p class="query-rate">
      Now: <strong>${rate(current.perSecond)}</strong> queries per second (at ${time(current.at)}
      UTC).
    </p>
    <figure class="timeline">
      <svg
        viewBox="0 0 ${W} ${height}"
        width="100%"
        role="img"
        aria-labelledby="qps-title qps-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="qps-title">DNS queries per second, per 10 seconds</title>
        <desc id="qps-desc">${summary}</desc>
        <text x="0" y="${TOP + 10}" font-size="12" fill="${INK}">${rate(max)}</text>
        <text x="0" y="${base}" font-size="12" fill="${INK}">0</text>
        ${columns}
        <line x1="${LEFT}" y1="${base}" x2="${LEFT + PLOT}" y2="${base}" stroke="#6b7685" />
        <text x="${LEFT}" y="${height - 4}" font-size="12" fill="${INK}">${time(hourAgo)}</text>
        <text x="${LEFT + PLOT}" y="${height - 4}" font-size="12" fill="${INK}" text-anchor="end">
          ${time(current.at)}
        </text>
      </svg>
      <figcaption class="muted">${summary}.</figcaption>
    </figure>`
}

function time(at: number): string {
  return new Date(at).toISOString().slice(11, 19)
}

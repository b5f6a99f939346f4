/** Small helpers every benchmark shares: medians, quantiles, ranges and aligned tables. */
import { writeFileSync } from 'node:fs'

/** The value below which a fraction `q` of the samples lie (nearest rank). */
export function quantile(xs: readonly number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN
}

/** The median (nearest rank). */
export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5)
}

/** `median (min..max)`, rounded to whole numbers with thousands separators. */
export function spread(xs: readonly number[]): string {
  const f = (n: number): string => Math.round(n).toLocaleString('en-US')
  return `${f(median(xs))} (${f(Math.min(...xs))}..${f(Math.max(...xs))})`
}

/** Rows as columns padded to the widest cell. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
}

/** Writes `data` as JSON when a path was given. */
export function writeJson(path: string | undefined, data: unknown): void {
  if (path !== undefined && path !== '') writeFileSync(path, JSON.stringify(data, null, 2) + '\n')
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

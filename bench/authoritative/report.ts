/** The benchmark's figures: medians per server and size, ratios, and the printed table. */
import type { PerfRun } from './dnsperf.ts'

/** All runs of one server at one zone size. */
export interface ServerFigures {
  readonly server: string
  readonly runs: readonly PerfRun[]
  /** Spawn → answering the zone's last host, ms. */
  readonly startMs: number
  /** Memory after loading (PSS of the process tree), MiB. */
  readonly memoryMiB: number
}

/** One zone size. */
export interface SizeFigures {
  readonly hosts: number
  /** Filling dynzone's SQLite database in one transaction, ms. */
  readonly dbFillMs: number
  readonly servers: readonly ServerFigures[]
}

/** The median of `values` (the middle one; the mean of the two middle ones). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length % 2 === 1) return sorted[mid] ?? 0
  return ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** Median qps of `server` at one size (0 if absent). */
export function qpsOf(size: SizeFigures, server: string): number {
  const s = size.servers.find((f) => f.server === server)
  return s === undefined ? 0 : median(s.runs.map((r) => r.qps))
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en-US')
const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)}x` : '-')

/** The BIND row a server is compared with: the one with as many threads as it has workers. */
export function bindAnchor(server: string): string {
  const n = /, (\d+) (?:workers|threads)$/.exec(server)?.[1]
  return n === undefined ? 'BIND' : `BIND, ${n} threads`
}

/** The table `npm run bench:dns` prints. */
export function formatTable(sizes: readonly SizeFigures[]): string {
  const header = [
    'hosts',
    'server',
    'qps median (min..max)',
    'server CPU',
    'lost',
    'vs NSD',
    'vs BIND',
    'vs ceiling',
    'start-up',
    'memory',
  ]
  const rows = [header]
  for (const size of sizes) {
    const nsd = qpsOf(size, 'NSD')
    const ceiling = qpsOf(size, 'node ceiling')
    for (const s of size.servers) {
      const qps = s.runs.map((r) => r.qps)
      const q = median(qps)
      const bind = qpsOf(size, bindAnchor(s.server))
      rows.push([
        fmt(size.hosts),
        s.server,
        `${fmt(q)} (${fmt(Math.min(...qps))}..${fmt(Math.max(...qps))})`,
        `${median(s.runs.map((r) => r.cpuPercent)).toFixed(0)}%`,
        `${median(s.runs.map((r) => r.lostPercent)).toFixed(2)}%`,
        ratio(q, nsd),
        ratio(q, bind),
        ratio(q, ceiling),
        `${(s.startMs / 1000).toFixed(1)} s`,
        `${s.memoryMiB.toFixed(0)} MiB`,
      ])
    }
  }
  const widths = header.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)))
  const lines = rows.map((r) =>
    r
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd(),
  )
  return [...lines, ...scaleLines(sizes)].join('\n')
}

function scaleLines(sizes: readonly SizeFigures[]): string[] {
  const small = sizes[0]
  const lines: string[] = []
  for (const size of sizes.slice(1)) {
    if (small === undefined) break
    const d = size.servers.find((s) => s.server === 'dynzone')
    const d0 = small.servers.find((s) => s.server === 'dynzone')
    if (d === undefined || d0 === undefined) continue
    lines.push(
      `dynzone at ${fmt(size.hosts)} hosts: start-up ${(d.startMs / 1000).toFixed(1)} s ` +
        `(${fmt(small.hosts)}: ${(d0.startMs / 1000).toFixed(1)} s), memory ${d.memoryMiB.toFixed(0)} MiB ` +
        `(${fmt(small.hosts)}: ${d0.memoryMiB.toFixed(0)} MiB), qps ${ratio(qpsOf(size, 'dynzone'), qpsOf(small, 'dynzone'))} ` +
        `the ${fmt(small.hosts)}-host figure; database filled in ${(size.dbFillMs / 1000).toFixed(1)} s`,
    )
  }
  return lines
}

/**
 * A preload for the benchmark's server (not used by dynzone itself): times every SQLite
 * statement better-sqlite3 runs and, when the process exits, writes per SQL text the count,
 * the total and mean time, how many took over 2 ms and the longest. This is where the
 * figures on WAL checkpoints inside commits and on reads of uncached hosts in
 * `bench/README.md` come from. Each server process appends its own table. Run:
 *
 *   BENCH_SQL_TIMING=/tmp/sql.txt \
 *   BENCH_SERVER_NODE_FLAGS="--import ./bench/update-path/sql-timing.mjs" \
 *   npm run bench:update -- --modes builtin --runs 1
 */
import { appendFileSync } from 'node:fs'
import { createRequire } from 'node:module'

const out = process.env.BENCH_SQL_TIMING ?? '/dev/stderr'
const Database = createRequire(import.meta.url)('better-sqlite3')
const probe = new Database(':memory:')
const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'))
probe.close()

/** @type {Map<string, { n: number, ns: bigint, slow: number, max: bigint }>} */
const stats = new Map()
function note(sql, started) {
  const ns = process.hrtime.bigint() - started
  const key = sql.replace(/\s+/g, ' ').slice(0, 140)
  const s = stats.get(key) ?? { n: 0, ns: 0n, slow: 0, max: 0n }
  s.n += 1
  s.ns += ns
  if (ns > 2_000_000n) s.slow += 1
  if (ns > s.max) s.max = ns
  stats.set(key, s)
}
for (const method of ['run', 'all', 'get', 'iterate']) {
  const original = Statement[method]
  Statement[method] = function (...args) {
    const started = process.hrtime.bigint()
    try {
      return original.apply(this, args)
    } finally {
      note(this.source, started)
    }
  }
}
const exec = Database.prototype.exec
Database.prototype.exec = function (sql) {
  const started = process.hrtime.bigint()
  try {
    return exec.call(this, sql)
  } finally {
    note(sql, started)
  }
}
process.on('exit', () => {
  const ms = (ns) => (Number(ns) / 1e6).toFixed(1)
  const lines = [...stats]
    .sort((a, b) => Number(b[1].ns - a[1].ns))
    .map(
      ([sql, s]) =>
        `${ms(s.ns)} ms  ${String(s.n)} x  ${(Number(s.ns) / 1e3 / s.n).toFixed(1)} µs  ` +
        `over 2 ms: ${String(s.slow)}  max ${ms(s.max)} ms  ${sql}`,
    )
  appendFileSync(out, [`== process ${String(process.pid)}`, ...lines].join('\n') + '\n')
})

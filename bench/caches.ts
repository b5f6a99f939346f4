/**
 * Micro-benchmark (not a test): the cost per call of the bounded caches on the hot paths —
 * RRL's `check` (every UDP query when `dns.rrl` is on), the name memo (`parseName`, every
 * hostname of an update), the client-address memo (every HTTP request) and the rate-limit
 * counters (every update). Each runs a fixed access pattern in a tight loop; the figures are
 * the fastest and the median run, in nanoseconds per call (on a busy machine the fastest run
 * is the steadier figure). Run on two commits to compare them:
 * `npm run bench:caches`; options `--calls 1000000 --runs 5`.
 *
 * Patterns: `hot` cycles over 1,000 addresses in 100 prefixes (a busy resolver population),
 * `wide` over 200,000 addresses in 200,000 prefixes (past the 100,000-prefix cap: every
 * call evicts), `flood` sends unique addresses (a spoofed-source flood).
 */
import { parseArgs } from 'node:util'
import { createRrl } from '../src/authoritative/answer/rrl.ts'
import { parseName } from '../src/core/names.ts'
import { MemoryWindowCounters } from '../src/core/rate-limit/rate-limit.ts'
import { createClientIp } from '../src/http/client-ip.ts'
import { median, table } from './lib/stats.ts'

const { values: opts } = parseArgs({
  options: {
    calls: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '5' },
  },
})
const CALLS = Number(opts.calls)
const RUNS = Number(opts.runs)

function v4(i: number): string {
  return `${String(10 + ((i >> 16) & 0x7f))}.${String((i >> 8) & 0xff)}.${String(i & 0xff)}.1`
}

const hot = Array.from({ length: 1000 }, (_, i) => `198.51.${String(i % 100)}.${String(i % 250)}`)
const wide = Array.from({ length: 200_000 }, (_, i) => v4(i))
const names = Array.from({ length: 100 }, (_, i) => `host${String(i)}.dyn.example.test`)

// Nanoseconds per call of `call(i)` for i in 0..CALLS, one figure per run.
function measure(call: (i: number) => unknown): number[] {
  const runs: number[] = []
  for (let r = 0; r < RUNS; r++) {
    const start = process.hrtime.bigint()
    for (let i = 0; i < CALLS; i++) call(i)
    runs.push(Number(process.hrtime.bigint() - start) / CALLS)
  }
  return runs
}

const rrl = () => createRrl({ responsesPerSecond: 1e9, slip: 2 })
const rows: [string, number[]][] = []
const hotRrl = rrl()
rows.push(['rrl check, hot', measure((i) => hotRrl.check(hot[i % hot.length] ?? ''))])
const wideRrl = rrl()
rows.push(['rrl check, wide', measure((i) => wideRrl.check(wide[i % wide.length] ?? ''))])
const floodRrl = rrl()
let next = 0
rows.push(['rrl check, flood', measure(() => floodRrl.check(v4(next++ & 0x7fffff)))])
rows.push(['parseName, memo hit', measure((i) => parseName(names[i % names.length] ?? ''))])
const clientIp = createClientIp({ header: 'X-Forwarded-For', trusted: [] })
const requests = hot.map((a) => ({ socket: { remoteAddress: a }, headers: {} }))
rows.push(['client ip, peer memo hit', measure((i) => clientIp(requests[i % requests.length]!))])
const counters = new MemoryWindowCounters(100_000)
rows.push([
  'rate counters add, hot',
  measure((i) => {
    counters.add(hot[i % hot.length] ?? '', 60_000, 0)
  }),
])
console.log(`${String(CALLS)} calls, ${String(RUNS)} runs`)
console.log(
  table([
    ['cache', 'ns per call, fastest run', 'median run'],
    ...rows.map(([n, ns]) => [n, Math.min(...ns).toFixed(1), median(ns).toFixed(1)]),
  ]),
)

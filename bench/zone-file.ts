/**
 * Benchmark (not a test): reading a generated zone file of 1,000,000 records (relative names,
 * `$TTL`, A/AAAA/TXT/MX/CNAME/SRV, a delegation every 1000 names) into RRsets with
 * `loadZoneFile`, then the content rules, against `named-checkzone` on the same file in the
 * same run (the anchor). Each side runs in its own process under `/usr/bin/time`, which gives
 * the wall time and the peak resident set of the whole process (start-up included); dynzone's
 * process also reports its read and rules time alone. Run: `npm run bench:zonefile`; options
 * `--records 1000000 --runs 3 --json [file] --keep [zone file to write and keep]`.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadZoneFile } from '../src/zone/zone-file.ts'
import { formatProblem } from '../src/zone/zone-reader.ts'
import { checkZoneRules } from '../src/zone/zone-rules.ts'
import { median, spread, table, writeJson } from './lib/stats.ts'
import { timed, type Timed } from './lib/timed.ts'
import { BENCH_ZONE_FILE_ORIGIN as ZONE, generateZoneFile as generate } from './lib/zone-gen.ts'

const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    json: { type: 'string' },
    child: { type: 'string' },
    keep: { type: 'string' },
  },
})

if (opts.child !== undefined) await child(opts.child)
else await main()

// The measured side: read, group, check; one JSON line on stdout.
async function child(file: string): Promise<void> {
  const start = performance.now()
  const loaded = await loadZoneFile(file, `${ZONE}.`)
  const read = performance.now() - start
  if (!loaded.ok) throw new Error(loaded.error.slice(0, 5).map(formatProblem).join('\n'))
  const rulesStart = performance.now()
  const problems = checkZoneRules(`${ZONE}.`, loaded.value.rrsets)
  const rules = performance.now() - rulesStart
  if (problems.length > 0) throw new Error(`${problems.length} rule problems`)
  const { records } = loaded.value
  const rrsets = loaded.value.rrsets.length
  process.stdout.write(`${JSON.stringify({ read, rules, records, rrsets })}\n`)
}

async function main(): Promise<void> {
  const count = Number(opts.records)
  const runs = Number(opts.runs)
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bench-zone-'))
  try {
    const file = opts.keep ?? join(dir, 'bench.zone')
    const genStart = performance.now()
    await generate(file, count)
    const size = statSync(file).size / 2 ** 20
    const genMs = performance.now() - genStart
    console.log(
      `zone file: ${count.toLocaleString('en-US')} records, ${size.toFixed(0)} MiB, written in ${(genMs / 1000).toFixed(1)} s`,
    )
    const self = fileURLToPath(import.meta.url)
    const ours: Timed[] = []
    const bind: Timed[] = []
    const inner: { read: number; rules: number }[] = []
    for (let run = 0; run < runs; run++) {
      const r = await timed(process.execPath, ['--import', 'tsx', self, '--child', file])
      const report = JSON.parse(r.stdout) as { read: number; rules: number; records: number }
      if (report.records !== count + 4) throw new Error(`read ${report.records} records`)
      ours.push(r)
      inner.push(report)
      bind.push(await timed('named-checkzone', ['-i', 'local', ZONE, file]))
    }
    report(count, ours, bind, inner)
    writeJson(opts.json, { date: new Date().toISOString(), records: count, ours, bind, inner })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function report(
  count: number,
  ours: Timed[],
  bind: Timed[],
  inner: { read: number; rules: number }[],
): void {
  const anchor = median(bind.map((t) => t.seconds))
  const anchorRss = median(bind.map((t) => t.rssMiB))
  const secs = (xs: number[]): string =>
    `${median(xs).toFixed(2)} (${Math.min(...xs).toFixed(2)}..${Math.max(...xs).toFixed(2)})`
  const rows = [
    [
      'reader',
      'wall s median (min..max)',
      'records/s',
      'peak RSS MiB',
      'time vs named-checkzone',
      'RSS vs named-checkzone',
    ],
    row('named-checkzone (anchor)', bind),
    row('dynzone loadZoneFile + rules', ours),
  ]
  function row(name: string, ts: Timed[]): string[] {
    const s = ts.map((t) => t.seconds)
    const rss = median(ts.map((t) => t.rssMiB))
    return [
      name,
      secs(s),
      spread(s.map((x) => count / x)),
      rss.toFixed(0),
      `${(median(s) / anchor).toFixed(2)}x`,
      `${(rss / anchorRss).toFixed(2)}x`,
    ]
  }
  console.log(table(rows))
  const read = inner.map((i) => i.read / 1000)
  const rules = inner.map((i) => i.rules / 1000)
  console.log(
    `dynzone inside its process: read ${secs(read)} s, rules ${secs(rules)} s (${runs(inner)} runs)`,
  )
}

function runs(xs: readonly unknown[]): number {
  return xs.length
}

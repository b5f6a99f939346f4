/**
 * Benchmark (not a test): reading a generated zone file of 1,000,000 records (relative names,
 * `$TTL`, A/AAAA/TXT/MX/CNAME/SRV, a delegation every 1000 names) into RRsets with
 * `loadZoneFile`, then the content rules, against `named-checkzone` on the same file in the
 * same run (the anchor). Each side runs in its own process under `/usr/bin/time`, which gives
 * the wall time and the peak resident set of the whole process (start-up included); dynzone's
 * process also reports its read and rules time alone. Run: `npm run bench:zonefile`; options
 * `--records 1000000 --runs 3 --json [file] --keep [zone file to write and keep]`.
 */
import { spawn } from 'node:child_process'
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs'
import { once } from 'node:events'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { loadZoneFile } from '../src/zone/zone-file.ts'
import { formatProblem } from '../src/zone/zone-reader.ts'
import { checkZoneRules } from '../src/zone/zone-rules.ts'
import { median, spread, table, writeJson } from './lib/stats.ts'

const ZONE = 'bench.example.test'
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

interface Timed {
  readonly seconds: number
  readonly rssMiB: number
  readonly stdout: string
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

// `/usr/bin/time -f '%e %M'` around a command: wall seconds and peak RSS (KiB) on stderr.
async function timed(file: string, args: readonly string[]): Promise<Timed> {
  const proc = spawn('/usr/bin/time', ['-f', 'TIME %e %M', file, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  const [code] = (await once(proc, 'close')) as [number | null]
  const m = /TIME (\d+(?:\.\d+)?) (\d+)\s*$/.exec(stderr)
  if (code !== 0 || m === null)
    throw new Error(`${file} failed (${String(code)}): ${stderr.slice(-2000)}`)
  return { seconds: Number(m[1]), rssMiB: Number(m[2]) / 1024, stdout }
}

// Every 1000th name a delegation, its glue ten names later (in-zone targets all exist, so
// named-checkzone looks nothing up); the rest SRV records.
function service(i: number): string {
  if (i % 1000 === 9) return `sub${i} NS ns1.sub${i}`
  if (i % 1000 === 19) return `ns1.sub${i - 10} A 10.255.${(i >> 8) & 255}.${i & 255}`
  return `_sip._tcp.s${i} SRV 10 60 5060 host${i - 9}`
}

// A zone as operators write them: relative names, $TTL, blank owners, several types.
async function generate(file: string, count: number): Promise<void> {
  const out = createWriteStream(file)
  const put = async (line: string): Promise<void> => {
    if (!out.write(`${line}\n`)) await once(out, 'drain')
  }
  await put(`$ORIGIN ${ZONE}.`)
  await put('$TTL 1h')
  await put('@ IN SOA ns1 hostmaster ( 1 3h 15m 1w 1h )')
  await put('  IN NS ns1')
  await put('ns1 IN A 192.0.2.53')
  await put('ns1 IN AAAA 2001:db8::53')
  for (let i = 0; i < count; i++) {
    const a = `${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3:
      case 4:
        await put(`host${i} 300 IN A 10.${a}`)
        break
      case 5:
        await put(`host${i} IN AAAA 2001:db8::${(i & 0xffff).toString(16)}`)
        break
      case 6:
        await put(`txt${i} TXT "v=spf1 ip4:10.${a} -all" ; a comment`)
        break
      case 7:
        await put(`mx${i} MX 10 host${i - 7}`)
        break
      case 8:
        await put(`alias${i} CNAME host${i - 8}`)
        break
      default:
        await put(service(i))
    }
  }
  out.end()
  await finished(out)
}

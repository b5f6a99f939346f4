/**
 * Benchmark (not a test): `dynzone zone import` of a generated zone file of 1,000,000 records
 * (the zone-file benchmark's file: relative names, `$TTL`, A/AAAA/TXT/MX/CNAME/SRV, a
 * delegation every 1000 names) into an empty zone on SQLite, each step a real `dynzone`
 * process under `/usr/bin/time` (wall time and peak resident set, start-up included): the
 * dry run, the import, the same import again (nothing to change), and `zone export`. The
 * anchor is `named-checkzone -i local` on the same file, BIND's read and check of it. Run:
 * `npm run bench:zoneimport`; options `--records 1000000 --runs 1 --json [file] --keep [dir]`.
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { median, table, writeJson } from './lib/stats.ts'
import { timed, type Timed } from './lib/timed.ts'
import { BENCH_ZONE_FILE_ORIGIN as ZONE, generateZoneFile } from './lib/zone-gen.ts'

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url))
const { values: opts } = parseArgs({
  options: {
    records: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '1' },
    json: { type: 'string' },
    keep: { type: 'string' },
  },
})

type Step =
  'anchor' | 'dry run, empty zone' | 'import, empty zone' | 'import again, no change' | 'export'

const count = Number(opts.records)
const runs = Number(opts.runs)
const dir = opts.keep ?? mkdtempSync(join(tmpdir(), 'dynzone-bench-import-'))
try {
  const file = join(dir, 'bench.zone')
  const genStart = performance.now()
  await generateZoneFile(file, count)
  console.log(
    `zone file: ${count.toLocaleString('en-US')} records, ${(statSync(file).size / 2 ** 20).toFixed(0)} MiB, written in ${((performance.now() - genStart) / 1000).toFixed(1)} s`,
  )
  const results = new Map<Step, Timed[]>()
  const note = (step: Step, t: Timed): void => {
    results.set(step, [...(results.get(step) ?? []), t])
  }
  for (let run = 0; run < runs; run++) {
    note('anchor', await timed('named-checkzone', ['-i', 'local', ZONE, file]))
    const data = join(dir, `run${String(run)}`)
    const config = writeConfig(data)
    const cli = (...args: string[]): Promise<Timed> =>
      timed(process.execPath, ['--import', 'tsx', MAIN, '--config', config, ...args])
    await cli('db', 'migrate')
    note('dry run, empty zone', await cli('zone', 'import', ZONE, file, '--dry-run'))
    const first = await cli('zone', 'import', ZONE, file)
    note('import, empty zone', first)
    console.log(`  ${lastLine(first.stdout)}`)
    const again = await cli('zone', 'import', ZONE, file)
    note('import again, no change', again)
    console.log(`  ${lastLine(again.stdout)}`)
    note('export', await cli('zone', 'export', ZONE, join(data, 'export.zone')))
    if (opts.keep === undefined) rmSync(data, { recursive: true, force: true })
  }
  report(results)
  writeJson(opts.json, { date: new Date().toISOString(), records: count, ...toJson(results) })
} finally {
  if (opts.keep === undefined) rmSync(dir, { recursive: true, force: true })
}

// A data directory with one zone on the built-in backend, the file's name server at its apex.
function writeConfig(data: string): string {
  const path = `${data}.toml`
  const toml = [
    `data_dir = "${data}"`,
    '[log]',
    'level = "warn"',
    '[demo]',
    'enabled = false',
    '[[zones]]',
    `name = "${ZONE}"`,
    'backend = "builtin"',
    `ns = ["ns1.${ZONE}"]`,
  ]
  writeFileSync(path, toml.join('\n') + '\n')
  return path
}

function lastLine(text: string): string {
  return text.trimEnd().split('\n').at(-1) ?? ''
}

function report(results: Map<Step, Timed[]>): void {
  const anchor = median((results.get('anchor') ?? []).map((t) => t.seconds))
  const rows = [['step', 'wall s median (min..max)', 'records/s', 'peak RSS MiB', 'time vs anchor']]
  for (const [step, ts] of results) {
    const s = ts.map((t) => t.seconds)
    rows.push([
      step === 'anchor' ? 'named-checkzone -i local (anchor)' : `dynzone zone ${step}`,
      `${median(s).toFixed(2)} (${Math.min(...s).toFixed(2)}..${Math.max(...s).toFixed(2)})`,
      Math.round(count / median(s)).toLocaleString('en-US'),
      median(ts.map((t) => t.rssMiB)).toFixed(0),
      `${(median(s) / anchor).toFixed(2)}x`,
    ])
  }
  console.log(table(rows))
}

function toJson(results: Map<Step, Timed[]>): Record<string, unknown> {
  return Object.fromEntries(
    [...results].map(([step, ts]) => [step, ts.map((t) => ({ s: t.seconds, rss: t.rssMiB }))]),
  )
}

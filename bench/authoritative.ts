/**
 * Benchmark (not a test): authoritative UDP queries per second with dnsperf against the same
 * zone (10,000 A hosts, then 1,000,000) served by dynzone (`dynzone serve` from a SQLite
 * database filled in one transaction), NSD, Knot, BIND and a minimal Node UDP server that answers a
 * pre-encoded reply (the ceiling of any Node DNS server here). Runs are interleaved across the
 * servers so drift in the shared machine's load hits all alike. Run: `npm run bench:dns`
 * (about 6 minutes); options `--sizes 10000,1000000 --seconds 10 --runs 3 --json [file]`,
 * `--servers ceiling,nsd,knot,bind,dynzone,workers` (a subset for a quick comparison; `workers`:
 * BIND with one thread per core and dynzone with `dns.workers` = the core count).
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { runDnsperf, type PerfRun } from './authoritative/dnsperf.ts'
import { treeMemoryMiB } from './authoritative/proc.ts'
import { formatTable, type ServerFigures, type SizeFigures } from './authoritative/report.ts'
import * as servers from './authoritative/servers.ts'
import { fillDatabase, writeQueryFile, writeZoneFile } from './authoritative/zone.ts'

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,1000000' },
    seconds: { type: 'string', default: '10' },
    runs: { type: 'string', default: '3' },
    outstanding: { type: 'string', default: '100' },
    servers: { type: 'string', default: 'ceiling,nsd,knot,bind,dynzone,workers' },
    json: { type: 'string' },
  },
})
const SIZES = values.sizes.split(',').map(Number)
const SECONDS = Number(values.seconds)
const RUNS = Number(values.runs)
const OUTSTANDING = Number(values.outstanding)
const QUERY_LINES = 100_000
// A subset (`--servers ceiling,dynzone`) for quick comparisons; the anchors need all.
const SERVERS = new Set(values.servers.split(','))
const CORES = availableParallelism()

/** Migrates and fills dynzone's database; returns the config path and the fill time. */
function prepareDynzone(dir: string, hosts: number): { config: string; fillMs: number } {
  const config = servers.writeDynzoneConfig(dir)
  const migrate = spawnSync(process.execPath, servers.dynzoneArgs(config, ['db', 'migrate']), {
    encoding: 'utf8',
    timeout: 60_000,
  })
  if (migrate.status !== 0) throw new Error(`dynzone db migrate failed:\n${migrate.stderr}`)
  const started = performance.now()
  fillDatabase(join(dir, 'dynzone.sqlite'), hosts)
  return { config, fillMs: performance.now() - started }
}

/** BIND with a thread per core (its own directory) and dynzone with a worker per core. */
async function startPerCore(
  dir: string,
  zoneFile: string,
  config: string,
  hosts: number,
): Promise<servers.ServerUnderTest[]> {
  const loadMs = 60_000 + hosts / 2 // every worker loads the zone too
  const bindDir = join(dir, 'bind-per-core')
  mkdirSync(bindDir)
  const bind = await servers.startNamed(bindDir, zoneFile, hosts, loadMs, CORES)
  return [bind, await servers.startDynzone(config, hosts, loadMs, [], CORES)]
}

async function benchSize(hosts: number): Promise<SizeFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bench-dns-'))
  const running: servers.ServerUnderTest[] = []
  try {
    const zoneFile = join(dir, 'bench.zone')
    const queryFile = join(dir, 'queries.txt')
    await writeZoneFile(zoneFile, hosts)
    await writeQueryFile(queryFile, hosts, QUERY_LINES)
    const { config, fillMs } = prepareDynzone(dir, hosts)
    const loadMs = 60_000 + hosts / 4 // generous (a loaded machine): a slow start fails loudly
    // One at a time, so each start-up time is measured without the others loading alongside.
    if (SERVERS.has('ceiling')) running.push(await servers.startCeiling(hosts))
    if (SERVERS.has('nsd')) running.push(await servers.startNsd(dir, zoneFile, hosts, loadMs))
    if (SERVERS.has('knot')) running.push(await servers.startKnotd(dir, zoneFile, hosts, loadMs))
    if (SERVERS.has('bind')) running.push(await servers.startNamed(dir, zoneFile, hosts, loadMs))
    if (SERVERS.has('dynzone')) running.push(await servers.startDynzone(config, hosts, loadMs))
    if (SERVERS.has('workers')) running.push(...(await startPerCore(dir, zoneFile, config, hosts)))
    const rss = new Map(running.map((s) => [s.name, treeMemoryMiB(s.pid)]))
    const runs = new Map<string, PerfRun[]>(running.map((s) => [s.name, []]))
    for (let r = 1; r <= RUNS; r++) {
      for (const s of running) {
        const run = await runDnsperf(s.port, s.pid, {
          queryFile,
          seconds: SECONDS,
          outstanding: OUTSTANDING,
        })
        runs.get(s.name)?.push(run)
        process.stderr.write(
          `${String(hosts)} hosts, run ${String(r)}/${String(RUNS)}, ${s.name}: ${Math.round(run.qps)} qps, CPU ${run.cpuPercent.toFixed(0)}%\n`,
        )
      }
    }
    const figures: ServerFigures[] = running.map((s) => ({
      server: s.name,
      runs: runs.get(s.name) ?? [],
      startMs: s.startMs,
      memoryMiB: rss.get(s.name) ?? 0,
    }))
    return { hosts, dbFillMs: fillMs, servers: figures }
  } finally {
    for (const s of running.reverse()) await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}

const sizes: SizeFigures[] = []
for (const hosts of SIZES) sizes.push(await benchSize(hosts))
const note = `(${String(RUNS)} runs of ${String(SECONDS)} s per server, dnsperf -q ${String(OUTSTANDING)}, UDP on 127.0.0.1)`
process.stdout.write(`${formatTable(sizes)}\n${note}\n`)
if (values.json !== undefined) {
  writeFileSync(
    values.json,
    JSON.stringify(
      { date: new Date().toISOString(), seconds: SECONDS, runs: RUNS, sizes },
      null,
      2,
    ) + '\n',
  )
}

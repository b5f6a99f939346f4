/**
 * Benchmark (not a test): memory and start-up of `dynzone serve` on a zone of many hosts,
 * without the query runs of `bench:dns`. It fills a SQLite database as `bench:dns` does,
 * starts the server, waits for the zone's last host to answer, then reads the process's
 * proportional set size (PSS) and V8 heap, forces a full GC and reads them again: a heap that
 * shrinks was lazy, not live. Run: `npx tsx bench/authoritative/scale-memory.ts --hosts
 * 1000000` (`--dir D` reuses a filled database in D; `--workers N` sets `dns.workers`, and the
 * figures are then those of the whole process tree, peak RSS per process).
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { treeCpuSeconds, treeMemoryMiB, treePids } from './proc.ts'
import * as servers from './servers.ts'
import { fillDatabase } from './zone.ts'

const { values } = parseArgs({
  options: {
    hosts: { type: 'string', default: '1000000' },
    dir: { type: 'string' },
    workers: { type: 'string', default: '0' },
  },
})
const HOSTS = Number(values.hosts)
const WORKERS = Number(values.workers)
const PROBE = fileURLToPath(new URL('./gc-probe.ts', import.meta.url))

/** The database directory: `--dir` as given (filled once), or a fresh temporary one. */
function prepare(): { dir: string; config: string; temporary: boolean } {
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'dynzone-bench-scale-'))
  const config = servers.writeDynzoneConfig(dir)
  if (existsSync(join(dir, 'dynzone.sqlite'))) return { dir, config, temporary: false }
  const args = servers.dynzoneArgs(config, ['db', 'migrate'])
  const migrate = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: 60_000 })
  if (migrate.status !== 0) throw new Error(`dynzone db migrate failed:\n${migrate.stderr}`)
  const started = performance.now()
  fillDatabase(join(dir, 'dynzone.sqlite'), HOSTS)
  process.stdout.write(
    `database filled in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  )
  return { dir, config, temporary: values.dir === undefined }
}

// The V8 heap as the probe reports it, after a forced GC.
async function heapAfterGc(pid: number, log: () => string): Promise<string> {
  process.kill(pid, 'SIGUSR2')
  for (let i = 0; i < 100; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    const line = /gc-probe (\{.*\})/.exec(log())?.[1]
    if (line !== undefined) {
      const m = JSON.parse(line) as Record<string, number>
      const mib = (k: string): string => `${k} ${((m[k] ?? 0) / 2 ** 20).toFixed(0)} MiB`
      return ['rss', 'heapUsed', 'heapTotal', 'external', 'arrayBuffers'].map(mib).join(', ')
    }
  }
  return 'no answer from the probe'
}

// The resident peak (VmHWM): what the load needed at its worst, not only what it keeps.
function peakRssMiB(pid: number): number {
  const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8')
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024
}

const { dir, config, temporary } = prepare()
const flags = ['--expose-gc', '--import', PROBE]
const server = await servers.startDynzone(config, HOSTS, 120_000, flags, WORKERS)
try {
  // The main process first, then its workers (if any).
  const pids = [...treePids(server.pid)]
  const peak = pids.map((p) => peakRssMiB(p).toFixed(0)).join(' + ')
  const pss = treeMemoryMiB(server.pid)
  // CPU time is the start-up figure a busy shared machine distorts least.
  const cpu = treeCpuSeconds(server.pid)
  process.stdout.write(
    `${String(HOSTS)} hosts, ${String(WORKERS)} workers: start-up ${(server.startMs / 1000).toFixed(1)} s ` +
      `(${cpu.toFixed(1)} s CPU), ` +
      `PSS after load ${pss.toFixed(0)} MiB, peak RSS ${peak} MiB\n`,
  )
  const heap = await heapAfterGc(server.pid, () => server.log())
  // The workers collect too (their probe lines come after the main process's, read above).
  for (const p of pids.slice(1)) process.kill(p, 'SIGUSR2')
  await new Promise((resolve) => setTimeout(resolve, 500))
  process.stdout.write(
    `after a forced GC: PSS ${treeMemoryMiB(server.pid).toFixed(0)} MiB; ${heap}\n`,
  )
} finally {
  await server.stop()
  if (temporary) rmSync(dir, { recursive: true, force: true })
}

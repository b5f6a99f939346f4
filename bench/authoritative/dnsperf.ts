/**
 * One dnsperf run against a server on loopback, with the server's CPU time over the run
 * (dnsperf and the server share the machine's cores, so qps alone would mislead).
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { treeCpuSeconds } from './proc.ts'

/** What one run measured. */
export interface PerfRun {
  readonly qps: number
  /** Queries without an answer within dnsperf's timeout, in percent of those sent. */
  readonly lostPercent: number
  /** Server CPU over the run, in percent of one core. */
  readonly cpuPercent: number
}

/** How dnsperf loads the server. */
export interface PerfOptions {
  readonly queryFile: string
  readonly seconds: number
  /** Queries in flight at once (dnsperf -q). */
  readonly outstanding: number
}

/** Runs dnsperf for `seconds` against 127.0.0.1:`port` and reads its summary. */
export async function runDnsperf(port: number, pid: number, o: PerfOptions): Promise<PerfRun> {
  const args = ['-s', '127.0.0.1', '-p', String(port), '-d', o.queryFile]
  args.push('-l', String(o.seconds), '-q', String(o.outstanding), '-c', '1', '-T', '1', '-t', '2')
  const cpuBefore = treeCpuSeconds(pid)
  const started = performance.now()
  const child = spawn('dnsperf', args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  // Bounded: dnsperf stops itself after -l seconds plus its -t timeout.
  const killer = setTimeout(() => child.kill('SIGKILL'), (o.seconds + 15) * 1000)
  const [code] = (await once(child, 'exit')) as [number | null]
  clearTimeout(killer)
  const elapsed = (performance.now() - started) / 1000
  const cpuPercent = ((treeCpuSeconds(pid) - cpuBefore) / elapsed) * 100
  const qps = /Queries per second:\s+([\d.]+)/.exec(out)?.[1]
  const lost = /Queries lost:\s+\d+ \(([\d.]+)%\)/.exec(out)?.[1]
  if (code !== 0 || qps === undefined) throw new Error(`dnsperf failed (${String(code)}):\n${out}`)
  return { qps: Number(qps), lostPercent: Number(lost ?? 0), cpuPercent }
}

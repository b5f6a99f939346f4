/**
 * Starts the servers under test on 127.0.0.1 and free ports, each a child process stopped by
 * PID: NSD and Knot from a zone file, the Node ceiling, and `dynzone serve` from its SQLite
 * database. Each gets one worker (NSD `server-count: 1`, Knot `udp-workers: 1`), like one
 * Node process, since dnsperf needs the other core.
 */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Fqdn } from '../../src/core/names.ts'
import { freePort } from '../../test/helpers/daemon.ts'
import { queryA } from '../dns-probe.ts'
import { BENCH_ZONE, hostAddress, hostLabel } from './zone.ts'

/** A server under test. */
export interface ServerUnderTest {
  readonly name: string
  readonly pid: number
  readonly port: number
  /** Milliseconds from spawn until it answered the last host of the zone correctly. */
  readonly startMs: number
  /** The last few KB of its standard error. */
  log(): string
  stop(): Promise<void>
}

const TSX = import.meta.resolve('tsx')
const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const CEILING = fileURLToPath(new URL('./node-ceiling.ts', import.meta.url))

/** Spawns `command`, waits until it answers host `hosts - 1` (any address for the ceiling). */
async function launch(
  name: string,
  command: string,
  args: readonly string[],
  port: number,
  hosts: number,
  timeoutMs: number,
): Promise<ServerUnderTest> {
  const started = performance.now()
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.on('data', (d: Buffer) => (log = (log + d.toString()).slice(-4000)))
  const exited = once(child, 'exit')
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  const last = `${hostLabel(hosts - 1)}.${BENCH_ZONE}` as Fqdn
  const want = name === 'node ceiling' ? '10.0.0.1' : hostAddress(hosts - 1)
  const deadline = started + timeoutMs
  while (performance.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${name} exited (${String(child.exitCode)}):\n${log}`)
    const values = await queryA(port, last, 200)
    if (values.includes(want)) {
      const pid = child.pid
      if (pid === undefined) throw new Error(`${name}: no pid`)
      return { name, pid, port, startMs: performance.now() - started, log: () => log, stop }
    }
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  await stop()
  throw new Error(
    `${name} did not answer ${last} with ${want} within ${String(timeoutMs)} ms:\n${log}`,
  )
}

/** NSD serving `zoneFile`, response-rate limiting off (it drops most dnsperf answers). */
export async function startNsd(
  dir: string,
  zoneFile: string,
  hosts: number,
  timeoutMs: number,
): Promise<ServerUnderTest> {
  const port = await freePort()
  const conf = join(dir, 'nsd.conf')
  const lines = [
    'server:',
    '  ip-address: 127.0.0.1',
    `  port: ${String(port)}`,
    '  server-count: 1',
    '  do-ip6: no',
    '  username: ""',
    '  chroot: ""',
    `  zonesdir: "${dir}"`,
    `  zonelistfile: "${join(dir, 'zone.list')}"`,
    `  xfrdfile: "${join(dir, 'xfrd.state')}"`,
    `  xfrdir: "${dir}"`,
    `  pidfile: "${join(dir, 'nsd.pid')}"`,
    '  database: ""',
    '  verbosity: 1',
    '  rrl-ratelimit: 0',
    '  rrl-whitelist-ratelimit: 0',
    'remote-control:',
    '  control-enable: no',
    'zone:',
    `  name: ${BENCH_ZONE}`,
    `  zonefile: "${zoneFile}"`,
  ]
  writeFileSync(conf, lines.join('\n') + '\n')
  return launch('NSD', 'nsd', ['-d', '-c', conf], port, hosts, timeoutMs)
}

/** Knot DNS serving `zoneFile`, one UDP worker, no journal. */
export async function startKnotd(
  dir: string,
  zoneFile: string,
  hosts: number,
  timeoutMs: number,
): Promise<ServerUnderTest> {
  const port = await freePort()
  const conf = join(dir, 'knot.conf')
  const lines = [
    'server:',
    `    listen: 127.0.0.1@${String(port)}`,
    `    rundir: "${dir}"`,
    '    udp-workers: 1',
    '    tcp-workers: 1',
    '    background-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: warning',
    'database:',
    `    storage: "${dir}"`,
    'zone:',
    `  - domain: ${BENCH_ZONE}`,
    `    file: "${zoneFile}"`,
    '    zonefile-sync: -1',
    '    journal-content: none',
  ]
  writeFileSync(conf, lines.join('\n') + '\n')
  return launch('Knot', 'knotd', ['-c', conf], port, hosts, timeoutMs)
}

/** BIND's `named` serving `zoneFile` as a primary, `threads` worker threads (`-n 1`). */
export async function startNamed(
  dir: string,
  zoneFile: string,
  hosts: number,
  timeoutMs: number,
  threads = 1,
): Promise<ServerUnderTest> {
  const port = await freePort()
  const conf = join(dir, 'named.conf')
  const lines = [
    'options {',
    `  directory "${dir}";`,
    `  pid-file "${join(dir, 'named.pid')}";`,
    `  session-keyfile "${join(dir, 'session.key')}";`,
    `  listen-on port ${String(port)} { 127.0.0.1; };`,
    '  listen-on-v6 { none; };',
    '  recursion no;',
    '  dnssec-validation no;',
    '  notify no;',
    '};',
    'controls { };',
    `zone "${BENCH_ZONE}" { type primary; file "${zoneFile}"; };`,
  ]
  writeFileSync(conf, lines.join('\n') + '\n')
  const name = threads === 1 ? 'BIND' : `BIND, ${String(threads)} threads`
  return launch(name, 'named', ['-g', '-n', String(threads), '-c', conf], port, hosts, timeoutMs)
}

/** The minimal Node UDP server: a pre-encoded answer for every query. */
export async function startCeiling(hosts: number): Promise<ServerUnderTest> {
  const port = await freePort()
  return launch(
    'node ceiling',
    process.execPath,
    ['--import', TSX, CEILING, String(port)],
    port,
    hosts,
    20_000,
  )
}

/** Writes dynzone's config for the benchmark zone (no HTTP extras, logging at warn). */
export function writeDynzoneConfig(dir: string): string {
  const path = join(dir, 'dynzone.toml')
  const toml = [
    `data_dir = "${dir}"`,
    '[http]',
    'port = 0',
    '[log]',
    'level = "warn"',
    '[demo]',
    'enabled = false',
    // Like NSD's rrl-ratelimit: 0: one dnsperf client would otherwise be rate-limited.
    '[dns.rrl]',
    'enabled = false',
    '[[zones]]',
    `name = "${BENCH_ZONE}"`,
    'backend = "builtin"',
    'ttl = 60',
  ]
  writeFileSync(path, toml.join('\n') + '\n')
  return path
}

/** The CLI as a child: `dynzone --config <config> <args>`, `nodeFlags` after tsx's import. */
export function dynzoneArgs(
  config: string,
  args: readonly string[],
  nodeFlags: readonly string[] = [],
): string[] {
  return ['--import', TSX, ...nodeFlags, MAIN, '--config', config, ...args]
}

/**
 * `dynzone serve` on its filled database, timed from spawn to answering the last host;
 * `nodeFlags` go to its Node (after tsx, so they may import TypeScript); `workers`: `dns.workers`.
 */
export async function startDynzone(
  config: string,
  hosts: number,
  timeoutMs: number,
  nodeFlags: readonly string[] = [],
  workers = 0,
): Promise<ServerUnderTest> {
  const port = await freePort()
  const serve = ['serve', '--dns-port', String(port), '--set', `dns.workers=${String(workers)}`]
  const args = dynzoneArgs(config, serve, nodeFlags)
  const name = workers === 0 ? 'dynzone' : `dynzone, ${String(workers)} workers`
  return launch(name, process.execPath, args, port, hosts, timeoutMs)
}

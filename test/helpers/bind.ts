/**
 * Starts a real BIND (`named`) on 127.0.0.1 and a free port with dynamic zones and TSIG keys,
 * for RFC 2136 / nsupdate tests. Config and zones live in a temp dir; `stop()` kills that PID.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForSoa } from './daemon.ts'

/** A key in BIND's terms. */
export interface DaemonKey {
  readonly name: string
  readonly algorithm: string
  /** base64 */
  readonly secret: string
}

/** A primary zone: its name and which keys may update and transfer it. */
export interface DaemonZone {
  readonly name: string
  readonly keys: readonly string[]
  /** Allow updates signed with BIND's session key (what `nsupdate -l` uses). */
  readonly local?: boolean
}

/** A running named. */
export interface BindServer {
  readonly port: number
  readonly dir: string
  /** Path of the session key file named wrote (`key "local-ddns" {…}`). */
  readonly sessionKeyFile: string
  stop(): Promise<void>
  /** Stops without cleaning up, to test "server down"; `stop()` still works afterwards. */
  kill(): Promise<void>
}

/** Writes a zone file with SOA, NS and one A record under the apex. */
export function zoneText(name: string): string {
  return [
    `$TTL 300`,
    `@ IN SOA ns1.${name}. hostmaster.${name}. 1 3600 600 1209600 60`,
    `@ IN NS ns1.${name}.`,
    `ns1 IN A 192.0.2.53`,
    '',
  ].join('\n')
}

/** Starts named with `zones` and `keys`; resolves once it answers SOA for the first zone. */
export async function startBind(
  keys: readonly DaemonKey[],
  zones: readonly DaemonZone[],
): Promise<BindServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bind-'))
  const port = await freePort()
  const keyBlocks = keys.map(
    (k) => `key "${k.name}" { algorithm ${k.algorithm}; secret "${k.secret}"; };`,
  )
  const zoneBlocks = zones.map((z) => {
    writeFileSync(join(dir, `${z.name}.zone`), zoneText(z.name))
    const grants = z.keys.map((k) => `key "${k}";`).join(' ')
    const update =
      z.local === true
        ? `update-policy { grant local-ddns zonesub any; ${z.keys.map((k) => `grant "${k}" zonesub any;`).join(' ')} };`
        : `allow-update { ${grants === '' ? 'none;' : grants} };`
    return `zone "${z.name}" { type primary; file "${join(dir, `${z.name}.zone`)}"; ${update} allow-transfer { ${grants === '' ? 'none;' : grants} }; };`
  })
  const sessionKeyFile = join(dir, 'session.key')
  writeFileSync(
    join(dir, 'named.conf'),
    [
      `options {`,
      `  directory "${dir}";`,
      `  pid-file "${join(dir, 'named.pid')}";`,
      `  session-keyfile "${sessionKeyFile}";`,
      `  listen-on port ${port} { 127.0.0.1; };`,
      `  listen-on-v6 { none; };`,
      `  recursion no;`,
      `  dnssec-validation no;`,
      `  notify no;`,
      `};`,
      `controls { };`,
      ...keyBlocks,
      ...zoneBlocks,
      '',
    ].join('\n'),
  )
  const child = spawn('named', ['-g', '-n', '1', '-c', join(dir, 'named.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve()
    }),
  )
  const first = zones[0]?.name ?? '.'
  await waitForSoa(port, first, child, () => log)
  const kill = (): Promise<void> => stopChild(child, exited)
  return {
    port,
    dir,
    sessionKeyFile,
    kill,
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** SIGTERM by PID, SIGKILL after 5 s. */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

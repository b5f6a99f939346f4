/**
 * A real BIND (`named -g`) configured as a secondary of one zone, in its own temp dir, on
 * 127.0.0.1 and a free port, for tests of zone transfers. Stopped by PID in `stop()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'
import { startLogged, type Daemon } from './logged-process.ts'

/** A running secondary. */
export interface Secondary extends Daemon {
  readonly port: number
  /** Where the daemon writes the transferred zone. */
  readonly zoneFile: string
}

/** A TSIG key the secondary signs its SOA queries and transfers with. */
export interface SecondaryKey {
  readonly name: string
  readonly algorithm: string
  readonly secret: string
}

/** Starts `named` as a secondary of `zone` transferring from 127.0.0.1:`primaryPort`. */
export async function startBindSecondary(
  zone: string,
  primaryPort: number,
  key?: SecondaryKey,
): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-bind-secondary-'))
  const port = await freePort()
  const zoneFile = join(dir, `${zone}.db`)
  const conf = join(dir, 'named.conf')
  writeFileSync(
    conf,
    `options {
  directory "${dir}";
  pid-file "${join(dir, 'named.pid')}";
  session-keyfile "${join(dir, 'session.key')}";
  managed-keys-directory "${dir}";
  listen-on port ${String(port)} { 127.0.0.1; };
  listen-on-v6 { none; };
  recursion no;
  notify no;
  dnssec-validation no;
  allow-transfer { 127.0.0.1; };
  allow-notify { 127.0.0.1; };
};
controls { };
${key === undefined ? '' : `key "${key.name}" { algorithm ${key.algorithm}; secret "${key.secret}"; };`}
zone "${zone}" {
  type secondary;
  primaries { 127.0.0.1 port ${String(primaryPort)}${key === undefined ? '' : ` key "${key.name}"`}; };
  file "${zoneFile}";
  masterfile-format text;
};
`,
  )
  // -4: no IPv6 sockets; -n 1: one worker is plenty on a shared test machine.
  const daemon = startLogged('named', ['-g', '-4', '-n', '1', '-c', conf], dir)
  return {
    ...daemon,
    port,
    zoneFile,
    stop: async () => {
      const code = await daemon.stop()
      rmSync(dir, { recursive: true, force: true })
      return code
    },
  }
}

/**
 * A real NSD (`nsd`, NLnet Labs) configured as a secondary of one zone, in its own temp dir,
 * on 127.0.0.1 and a free port, for hidden-primary tests: it takes NOTIFY from the primary and
 * transfers by IXFR (falling back to AXFR), signed with a TSIG key when one is given. Runs in
 * the foreground (`-d`) without dropping privileges or a chroot; stopped by PID in `stop()`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Secondary, SecondaryKey } from './bind-secondary.ts'
import { freePort } from './free-port.ts'
import { startLogged } from './logged-process.ts'

/** Starts `nsd` as a secondary of `zone` transferring from 127.0.0.1:`primaryPort`. */
export async function startNsdSecondary(
  zone: string,
  primaryPort: number,
  key?: SecondaryKey,
): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-nsd-'))
  const port = await freePort()
  const zoneFile = join(dir, `${zone}.zone`)
  const conf = join(dir, 'nsd.conf')
  const keyName = key?.name ?? 'NOKEY'
  writeFileSync(
    conf,
    `server:
  ip-address: 127.0.0.1@${String(port)}
  do-ip6: no
  username: ""
  chroot: ""
  zonesdir: "${dir}"
  database: ""
  zonelistfile: "${join(dir, 'zone.list')}"
  xfrdfile: "${join(dir, 'xfrd.state')}"
  xfrdir: "${dir}"
  pidfile: "${join(dir, 'nsd.pid')}"
  verbosity: 2
  # Apply a transfer at once, not batched for a second.
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
${
  key === undefined
    ? ''
    : `key:
  name: "${key.name}"
  algorithm: ${key.algorithm}
  secret: "${key.secret}"
`
}zone:
  name: "${zone}"
  zonefile: "${zoneFile}"
  allow-notify: 127.0.0.1 NOKEY
  request-xfr: 127.0.0.1@${String(primaryPort)} ${keyName}
  provide-xfr: 127.0.0.1 NOKEY
`,
  )
  const daemon = startLogged('nsd', ['-d', '-c', conf], dir)
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

/**
 * A real Knot DNS (`knotd`) configured as a secondary of one zone, in its own temp dir, on
 * 127.0.0.1 and a free port, for tests of zone transfers. Stopped by PID in `stop()`.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Secondary, SecondaryKey } from './bind-secondary.ts'
import { freePort } from './free-port.ts'
import { startLogged } from './logged-process.ts'

/**
 * Starts `knotd` as a secondary of `zone` transferring from 127.0.0.1:`primaryPort`, its SOA
 * queries and transfers signed with `key` when given.
 */
export async function startKnotSecondary(
  zone: string,
  primaryPort: number,
  key?: SecondaryKey,
): Promise<Secondary> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-knot-secondary-'))
  const port = await freePort()
  const zoneFile = join(dir, `${zone}.zone`)
  const conf = join(dir, 'knot.conf')
  // Knot does not create its database directory; without it IXFR changes cannot be journaled.
  mkdirSync(join(dir, 'db'))
  writeFileSync(
    conf,
    `server:
    rundir: "${dir}"
    listen: 127.0.0.1@${String(port)}
database:
    storage: "${join(dir, 'db')}"
log:
  - target: stderr
    any: info
${
  key === undefined
    ? ''
    : `key:
  - id: ${key.name}
    algorithm: ${key.algorithm}
    secret: ${key.secret}
`
}remote:
  - id: primary
    address: 127.0.0.1@${String(primaryPort)}${key === undefined ? '' : `\n    key: ${key.name}`}
acl:
  - id: from-primary
    address: 127.0.0.1
    action: notify
  - id: transfer-out
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "${dir}"
zone:
  - domain: ${zone}
    master: primary
    acl: [from-primary, transfer-out]
    file: "${zoneFile}"
    zonefile-sync: 0
`,
  )
  const daemon = startLogged('knotd', ['-c', conf], dir)
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

/**
 * Starts a real Knot DNS (`knotd`) on 127.0.0.1 and a free port with dynamic zones and TSIG
 * keys (ACL: update + transfer). Config and zones live in a temp dir; `stop()` kills that PID.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stopChild, zoneText, type DaemonKey, type DaemonZone } from './bind.ts'
import { freePort, waitForSoa } from './daemon.ts'

/** A running knotd. */
export interface KnotServer {
  readonly port: number
  readonly dir: string
  stop(): Promise<void>
}

/** Starts knotd with `zones` and `keys`; resolves once it answers SOA for the first zone. */
export async function startKnot(
  keys: readonly DaemonKey[],
  zones: readonly DaemonZone[],
): Promise<KnotServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-knot-'))
  const port = await freePort()
  const lines = [
    'server:',
    `    listen: 127.0.0.1@${port}`,
    `    rundir: "${dir}"`,
    '    background-workers: 1',
    '    udp-workers: 1',
    '    tcp-workers: 1',
    'log:',
    '  - target: stderr',
    '    any: info',
    'database:',
    `    storage: "${dir}"`,
  ]
  if (keys.length > 0) {
    lines.push('key:')
    for (const k of keys) {
      lines.push(`  - id: ${k.name}`, `    algorithm: ${k.algorithm}`, `    secret: ${k.secret}`)
    }
  }
  lines.push('acl:')
  for (const [i, z] of zones.entries()) {
    const keyList = z.keys.length === 0 ? 'none-such-key' : z.keys.join(', ')
    if (z.keys.length === 0)
      lines.push('  - id: deny' + String(i), '    action: transfer', '    deny: on')
    else lines.push(`  - id: acl${i}`, `    key: [${keyList}]`, '    action: [update, transfer]')
  }
  lines.push('zone:')
  for (const [i, z] of zones.entries()) {
    writeFileSync(join(dir, `${z.name}.zone`), zoneText(z.name))
    lines.push(
      `  - domain: ${z.name}`,
      `    storage: "${dir}"`,
      `    file: "${z.name}.zone"`,
      `    acl: ${z.keys.length === 0 ? `deny${i}` : `acl${i}`}`,
      '    zonefile-sync: -1',
      '    journal-content: changes',
    )
  }
  writeFileSync(join(dir, 'knot.conf'), lines.join('\n') + '\n')
  const child = spawn('knotd', ['-c', join(dir, 'knot.conf')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let log = ''
  child.stderr.on('data', (d: Buffer) => (log += d.toString()))
  const exited = new Promise<void>((resolve) =>
    child.on('exit', () => {
      resolve()
    }),
  )
  await waitForSoa(port, zones[0]?.name ?? '.', child, () => log)
  return {
    port,
    dir,
    async stop() {
      await stopChild(child, exited)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

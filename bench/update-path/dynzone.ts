/**
 * A `dynzone serve` child for the update-path benchmark: its own data directory, one account
 * with one update token (made by the real CLI), and `hosts` hosts inserted in one transaction
 * as a bulk import would. The zone is served by the built-in server or published to a real
 * BIND over RFC 2136 + TSIG.
 */
import { spawn, spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'

const MAIN = fileURLToPath(new URL('../../src/main.ts', import.meta.url))
const TSX = import.meta.resolve('tsx')

/** The zone the benchmark updates. */
export const ZONE = 'bench.example.test'

/** Where the zone is published. */
export type Publish =
  { kind: 'builtin'; workers?: number } | { kind: 'rfc2136'; port: number; keyFile: string }

/** A running dynzone with its credentials. */
export interface BenchDynzone {
  readonly http: string
  readonly dnsPort: number
  readonly user: string
  readonly token: string
  readonly pid: number
  stop(): Promise<void>
}

function cli(config: string, args: readonly string[], stdin = ''): string {
  const r = spawnSync(process.execPath, ['--import', TSX, MAIN, '--config', config, ...args], {
    encoding: 'utf8',
    input: stdin,
    timeout: 60_000,
  })
  if (r.status !== 0) throw new Error(`dynzone ${args.join(' ')} failed:\n${r.stderr}`)
  return r.stdout
}

function writeConfig(
  dir: string,
  publish: Publish,
  extra: readonly string[],
  dnsTables: readonly string[],
): string {
  const path = join(dir, 'dynzone.toml')
  const backend =
    publish.kind === 'builtin'
      ? ['backend = "builtin"']
      : [
          'backend = "rfc2136"',
          '[zones.rfc2136]',
          'server = "127.0.0.1"',
          `port = ${String(publish.port)}`,
          `key_file = "${publish.keyFile}"`,
        ]
  const lines = [
    `data_dir = "${dir}"`,
    ...extra,
    '[http]',
    'port = 0',
    '[dns]',
    'port = 0',
    ...(publish.kind === 'builtin' && publish.workers !== undefined
      ? [`workers = ${String(publish.workers)}`]
      : []),
    ...dnsTables,
    '[demo]',
    'enabled = false',
    '[[zones]]',
    `name = "${ZONE}"`,
    'ttl = 60',
    ...backend,
  ]
  writeFileSync(path, lines.join('\n') + '\n')
  return path
}

/** The A address host `h<i>` gets when the hosts are inserted with addresses. */
export function benchAddress(i: number): string {
  return `10.${String((i >> 16) & 255)}.${String((i >> 8) & 255)}.${String(i & 255)}`
}

// `addresses`: each host also gets an A record (`benchAddress`), as an import of live hosts
// would; without, the hosts have no address until their first update.
function insertHosts(dbPath: string, user: string, hosts: number, addresses: boolean): void {
  const db = new Database(dbPath)
  try {
    const now = new Date().toISOString()
    const zone = db.prepare('SELECT id FROM zones WHERE name = ?').get(ZONE) as { id: number }
    const owner = db.prepare('SELECT id FROM users WHERE name = ?').get(user) as { id: number }
    const insert = db.prepare(
      'INSERT INTO hosts (zone_id, label, owner_id, dns_ttl, expiry_ttl, created_at) VALUES (?, ?, ?, NULL, 0, ?)',
    )
    const record = db.prepare(
      "INSERT INTO records (host_id, type, value, updated_at) VALUES (?, 'A', ?, ?)",
    )
    db.transaction(() => {
      for (let i = 0; i < hosts; i++) {
        const host = insert.run(zone.id, `h${String(i)}`, owner.id, now)
        if (addresses) record.run(host.lastInsertRowid, benchAddress(i), now)
      }
      db.prepare('UPDATE zones SET serial = serial + 1 WHERE id = ?').run(zone.id)
    })()
  } finally {
    db.close()
  }
}

/**
 * Prepares the data directory and starts `dynzone serve`; `extra` are top-level TOML lines,
 * `addresses`: the hosts are inserted with an A record each (`benchAddress`).
 */
export async function startBenchDynzone(
  dir: string,
  publish: Publish,
  hosts: number,
  extra: readonly string[] = [],
  addresses = false,
  /** TOML tables under `[dns]`, such as `[[dns.update_keys]]`. */
  dnsTables: readonly string[] = [],
): Promise<BenchDynzone> {
  const config = writeConfig(dir, publish, extra, dnsTables)
  cli(config, ['db', 'migrate'])
  const user = 'bench'
  cli(config, ['user', 'add', user, '--password-stdin'], 'bench password of no use\n')
  const token = /\b[a-z2-7]{32}\b/.exec(cli(config, ['token', 'create', '--user', user]))?.[0]
  if (token === undefined) throw new Error('no token printed')
  insertHosts(join(dir, 'dynzone.sqlite'), user, hosts, addresses)
  // Extra node flags for the server only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const flags = (process.env.BENCH_SERVER_NODE_FLAGS ?? '').split(' ').filter((f) => f !== '')
  const args = [...flags, '--import', TSX, MAIN, '--config', config, 'serve']
  const child = spawn(process.execPath, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  const exited = once(child, 'exit')
  let log = ''
  const ready = new Promise<RegExpExecArray>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`dynzone did not start:\n${log}`))
    }, 60_000)
    child.stderr.on('data', (d: Buffer) => {
      log = (log + d.toString()).slice(-8000)
      const m = /HTTP on (\S+?:\d+).*DNS on \S+?:(\d+)/.exec(log)
      if (m !== null) {
        clearTimeout(timer)
        resolve(m)
      }
    })
    child.on('exit', () => {
      reject(new Error(`dynzone exited:\n${log}`))
    })
  })
  const m = await ready
  return {
    http: `http://${m[1] ?? ''}`,
    dnsPort: Number(m[2]),
    user,
    token,
    pid: child.pid ?? 0,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      await exited
    },
  }
}

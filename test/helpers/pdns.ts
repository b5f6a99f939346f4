/**
 * Starts a real PowerDNS Authoritative Server (`pdns_server`, Debian `pdns-server` and
 * `pdns-backend-sqlite3`) on loopback with the HTTP API on, for integration tests: config
 * and a fresh SQLite database in a temp dir, free ports, waits until the API answers.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { freePort } from './free-port.ts'

const SCHEMA = '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql'

/** A running pdns_server. */
export interface PdnsServer {
  readonly dnsPort: number
  readonly apiUrl: string
  readonly apiKey: string
  stop(): Promise<void>
}

/** Starts pdns_server; throws (a test failure) when it is missing or does not come up. */
export async function startPdns(): Promise<PdnsServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-pdns-'))
  const db = new Database(join(dir, 'pdns.sqlite'))
  db.exec(readFileSync(SCHEMA, 'utf8'))
  db.close()
  const [dnsPort, apiPort] = [await freePort(), await freePort()]
  const apiKey = 'conformance-api-key'
  const conf = [
    'launch=gsqlite3',
    `gsqlite3-database=${join(dir, 'pdns.sqlite')}`,
    'local-address=127.0.0.1',
    `local-port=${dnsPort}`,
    'webserver=yes',
    'webserver-address=127.0.0.1',
    `webserver-port=${apiPort}`,
    'webserver-allow-from=127.0.0.0/8',
    'api=yes',
    `api-key=${apiKey}`,
    // No caches: the oracle must see each change at once.
    'cache-ttl=0',
    'query-cache-ttl=0',
    'negquery-cache-ttl=0',
    'zone-cache-refresh-interval=0',
    'loglevel=4',
  ]
  writeFileSync(join(dir, 'pdns.conf'), conf.join('\n') + '\n')
  const child = spawn(
    '/usr/sbin/pdns_server',
    [
      `--config-dir=${dir}`,
      `--socket-dir=${dir}`,
      '--daemon=no',
      '--guardian=no',
      '--disable-syslog',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  )
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve()
    }),
  )
  const spawnFailed = new Promise<never>((_, reject) =>
    child.once('error', (e) => {
      reject(new Error(`pdns_server did not start: ${e.message}`))
    }),
  )
  const apiUrl = `http://127.0.0.1:${apiPort}`
  const stop = async (): Promise<void> => {
    if (child.exitCode === null) child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await Promise.race([waitForApi(apiUrl, apiKey, () => child.exitCode !== null), spawnFailed])
  } catch (e) {
    await stop()
    throw new Error(`${e instanceof Error ? e.message : String(e)}\n${output}`)
  }
  return { dnsPort, apiUrl, apiKey, stop }
}

async function waitForApi(apiUrl: string, apiKey: string, exited: () => boolean): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (exited()) throw new Error('pdns_server exited')
    try {
      const r = await fetch(`${apiUrl}/api/v1/servers/localhost`, {
        headers: { 'x-api-key': apiKey },
      })
      if (r.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error('pdns_server API did not answer within 10 s')
}

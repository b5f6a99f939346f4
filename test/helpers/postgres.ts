/**
 * Starts a real PostgreSQL (Debian `postgresql`) for a test file: `initdb` into a temp dir,
 * `postgres` on 127.0.0.1 and a free port with its socket in that dir, trust auth for the
 * `dynzone` superuser. PostgreSQL refuses to run as root, so as root the server runs as the
 * `postgres` system user (the dir is handed to it). `stop()` stops that PID.
 */
import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client } from 'pg'
import { freePort } from './free-port.ts'
import { startLoggedAs, waitUntil, type DbServer } from './db-server.ts'

/** The directory holding `initdb` and `postgres` (Debian keeps them off PATH). */
export function postgresBin(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
        .sort((a, b) => Number(b) - Number(a))
    : []
  const newest = versions[0]
  if (newest === undefined) throw new Error('PostgreSQL not installed: run scripts/setup.sh')
  return join(root, newest, 'bin')
}

/** Starts PostgreSQL; resolves once it accepts connections. */
export async function startPostgres(): Promise<DbServer> {
  const bin = postgresBin()
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-pg-'))
  const ids = process.getuid?.() === 0 ? systemUser('postgres') : undefined
  if (ids !== undefined) chownSync(dir, ids.uid, ids.gid)
  const data = join(dir, 'data')
  execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'dynzone', '-E', 'UTF8'], {
    stdio: 'pipe',
    cwd: dir,
    ...(ids ?? {}),
  })
  const port = await freePort()
  const args = ['-D', data, '-k', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1']
  // Test data is thrown away: no fsync keeps the per-test CREATE DATABASE cheap.
  args.push('-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=200')
  // SIGINT: fast shutdown (SIGTERM would wait for clients to disconnect).
  const daemon = startLoggedAs(join(bin, 'postgres'), args, dir, ids, 'SIGINT')
  const url = `postgres://dynzone@127.0.0.1:${port}/postgres`
  await waitUntil(daemon, 'PostgreSQL', async () => {
    const client = new Client({ connectionString: url })
    try {
      await client.connect()
      await client.query('select 1')
      return true
    } finally {
      await client.end().catch(() => undefined)
    }
  })
  let n = 0
  return {
    port,
    url: (database) => `postgres://dynzone@127.0.0.1:${port}/${database}`,
    async createDatabase(prefix = 't') {
      const name = `${prefix}${process.pid}_${++n}`
      const client = new Client({ connectionString: url })
      await client.connect()
      try {
        await client.query(`create database ${name}`)
      } finally {
        await client.end()
      }
      return name
    },
    async stop() {
      await daemon.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** uid and gid of a system user, from `id`. */
export function systemUser(name: string): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim())
  const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim())
  return { uid, gid }
}

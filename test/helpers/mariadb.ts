/**
 * Starts a real MariaDB (Debian `mariadb-server`) for a test file: `mariadb-install-db` into
 * a temp dir, `mariadbd` on 127.0.0.1 and a free port with its socket in that dir, root
 * without a password. The server default collation is `utf8mb4_bin`, as docs/deployment.md
 * asks of production databases: names compare byte for byte, as on SQLite and PostgreSQL.
 * `stop()` stops that PID.
 */
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createConnection } from 'mysql2/promise'
import { freePort } from './free-port.ts'
import { startLoggedAs, waitUntil, type DbServer } from './db-server.ts'

/**
 * `mariadb-install-db`, once. Each server (bootstrap included) gets a temp dir of its own: a
 * MariaDB server deletes leftover `#sql*` temp files in its tmpdir at start, so with the
 * shared `/tmp` one test file's server start removed another's bootstrap temp tables, which
 * then died of SIGSEGV in `ha_maria::drop_table` or failed on the missing file. That was the
 * cause of the crashes a retry used to hide; with it gone a failed bootstrap is a failure,
 * shown with what the bootstrap printed.
 */
function installDb(dir: string, data: string, user: readonly string[]): void {
  try {
    execFileSync(
      'mariadb-install-db',
      [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        `--tmpdir=${join(dir, 'tmp')}`,
        ...user,
      ],
      { stdio: 'pipe', cwd: dir },
    )
  } catch (e) {
    const output = (e as { stderr?: unknown }).stderr
    throw new Error(`mariadb-install-db failed: ${String(output ?? e)}`, { cause: e })
  }
}

/** Starts MariaDB; resolves once it accepts connections. `binlog`: binary logging on. */
export async function startMariadb(options: { binlog?: boolean } = {}): Promise<DbServer> {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-mariadb-'))
  const data = join(dir, 'data')
  mkdirSync(join(dir, 'tmp'))
  const asRoot = process.getuid?.() === 0
  const user = asRoot ? ['--user=root'] : []
  installDb(dir, data, user)
  const port = await freePort()
  const daemon = startLoggedAs(
    'mariadbd',
    [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(dir, 'sock')}`,
      `--pid-file=${join(dir, 'pid')}`,
      ...(options.binlog === true
        ? [`--log-bin=${join(dir, 'binlog')}`, '--server-id=1']
        : ['--skip-log-bin']),
      `--tmpdir=${join(dir, 'tmp')}`,
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_bin',
      // Test data is thrown away: no flush per commit keeps DDL-heavy migrations cheap.
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-flush-method=nosync',
      '--innodb-doublewrite=0',
      '--innodb-buffer-pool-size=64M',
      '--max-connections=300',
      ...user,
    ],
    dir,
  )
  const connect = () => createConnection({ host: '127.0.0.1', port, user: 'root' })
  await waitUntil(daemon, 'MariaDB', async () => {
    const c = await connect()
    await c.end()
    return true
  })
  let n = 0
  return {
    port,
    url: (database) => `mysql://root@127.0.0.1:${port}/${database}`,
    async createDatabase(prefix = 't') {
      const name = `${prefix}${process.pid}_${++n}`
      const c = await connect()
      try {
        await c.query(`create database ${name}`)
      } finally {
        await c.end()
      }
      return name
    },
    async stop() {
      await daemon.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * docs/deployment.md "Backups and restore", run as written. SQLite: the `sqlite3 … ".backup …"`
 * and `cp` lines run while the server runs and takes updates; then the restore as the guide
 * says it (stop, remove `-wal`/`-shm`, copy the backup in place, restore the pepper, start),
 * its zone pushed to a real BIND that moved on after the backup and that the start resyncs.
 * PostgreSQL and MariaDB: the guide's `pg_dump`/`pg_restore` and `mariadb-dump`/`mariadb`
 * lines against a real server, all instances stopped for the restore. Each time: the users,
 * hosts and token from before the backup are back, the token still authenticates (the pepper
 * is the backup's), what changed after the backup is gone, and the DNS served after the start
 * is the restored database's. Section 1's `dynzone db copy` moves such an instance to
 * PostgreSQL, and the same checks hold after the switch. Only the operator's paths, the database URL and (MariaDB) the
 * client's `~/.my.cnf` are this machine's.
 */
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind } from '../helpers/bind.ts'
import type { DbServer } from '../helpers/db-server.ts'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startMariadb } from '../helpers/mariadb.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { curl, digShort } from '../helpers/tools.ts'

const guide = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8')
const section = guide.slice(guide.indexOf('## Backups and restore'), guide.indexOf('## Upgrades'))
const [sqliteBlock = '', serverBlock = ''] = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map(
  (m) => m[1] ?? '',
)
/** The PostgreSQL lines and the MariaDB lines of the second block (a blank line between). */
const [pgLines = '', mariadbLines = ''] = serverBlock.trim().split(/\n\s*\n/)
const [pgDump = '', pgRestore = ''] = pgLines.split('\n')
const [mariadbDump = '', mariadbRestore = ''] = mariadbLines.split('\n')
/** Section 1's config: the one-machine instance the SQLite backup is taken of. */
const oneMachine = guide.slice(guide.indexOf('## 1. One machine'), guide.indexOf('## 2. Several'))
const oneToml = /```toml\n([\s\S]*?)```/.exec(oneMachine)?.[1] ?? ''
/** Section 1's way out to a server database: `dynzone db copy …` (wrapped in the text). */
const dbCopy = (/`(dynzone db copy [^`]+)`/.exec(oneMachine)?.[1] ?? '').split(/\s+/)
const ZONE = 'dyn.example.com'
const PASSWORD = 'correct horse battery'

/** Runs a guide line with bash in `cwd` with `env` added; asserts it succeeds. */
function sh(script: string, cwd: string, env: Record<string, string> = {}): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(
      'bash',
      ['-euc', script],
      { cwd, env: { ...process.env, ...env }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error === null) resolve()
        else reject(new Error(`${script}\nfailed: ${error.message}\n${stdout}${stderr}`))
      },
    )
  })
}

/** One instance of dynzone in `dir` (config `dir/dynzone.toml`), with the test's ports. */
class Instance {
  private server: DynzoneProcess | undefined
  http = 0
  dns = 0
  constructor(readonly dir: string) {}

  private get config(): string[] {
    return ['-c', join(this.dir, 'dynzone.toml')]
  }

  async start(): Promise<void> {
    // The HTTP port names the instance (its lease), so it stays; the DNS port is fresh on
    // every start: one freed by the last stop may be taken by another test meanwhile.
    if (this.http === 0) this.http = await freePort()
    this.dns = await freePort()
    const args = ['serve', '--http-port', String(this.http), '--dns-port', String(this.dns)]
    this.server = startDynzone([...this.config, ...args], this.dir)
    await this.server.waitFor(/HTTP on \S+/, 60_000)
  }

  async stop(): Promise<void> {
    await this.server?.stop()
    this.server = undefined
  }

  async cli(args: string[], stdin?: string): Promise<string> {
    const r = await runInProcess(
      [...this.config, ...args],
      this.dir,
      stdin === undefined ? {} : { stdin },
    )
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }

  async users(): Promise<string[]> {
    const out = await this.cli(['user', 'list', '--json'])
    return (JSON.parse(out) as { name: string }[]).map((u) => u.name).sort()
  }

  async hosts(): Promise<string[]> {
    const out = await this.cli(['host', 'list', '--json'])
    return (JSON.parse(out) as { fqdn: string }[]).map((h) => h.fqdn).sort()
  }

  /** The router's update with `token`; returns the answer body. */
  async update(token: string, ip: string): Promise<string> {
    const url = `http://127.0.0.1:${String(this.http)}/nic/update?hostname=home.${ZONE}&myip=${ip}`
    return (await curl(['-u', `alice:${token}`, url])).body
  }

  /** The address DNS answers for home.<zone>: the built-in server's, or `answerAt`'s. */
  answerAt: (() => Promise<string[]>) | undefined
  answer(): Promise<string[]> {
    return this.answerAt?.() ?? digShort('127.0.0.1', this.dns, `home.${ZONE}`)
  }

  /** alice, her host home.<zone> and a token for it; returns the token. */
  async aliceWithToken(): Promise<string> {
    await this.cli(['user', 'add', 'alice', '--password-stdin'], `${PASSWORD}\n`)
    await this.cli(['host', 'add', `home.${ZONE}`, '--user', 'alice'])
    const out = await this.cli(['token', 'create', '--user', 'alice', '--host', `home.${ZONE}`])
    const token = /\b[a-z2-7]{32}\b/.exec(out)?.[0]
    assert.ok(token !== undefined, out)
    return token
  }

  /** What happens after the backup and must be gone after the restore. */
  async changeAfterBackup(token: string): Promise<void> {
    await this.cli(['user', 'add', 'bob', '--password-stdin'], `${PASSWORD}\n`)
    await this.cli(['host', 'add', `later.${ZONE}`, '--user', 'bob'])
    assert.equal(await this.update(token, '192.0.2.22'), 'good 192.0.2.22')
    assert.deepEqual(await this.answer(), ['192.0.2.22'])
  }

  /** The state of the backup is back, the token authenticates, the DNS is the database's. */
  async checkRestored(token: string): Promise<void> {
    assert.deepEqual(await this.users(), ['alice'])
    assert.deepEqual(await this.hosts(), [`home.${ZONE}`])
    assert.deepEqual(await this.answer(), ['192.0.2.11'])
    assert.equal(await this.update(token, '192.0.2.33'), 'good 192.0.2.33')
    assert.deepEqual(await this.answer(), ['192.0.2.33'])
  }
}

void describe('docs/deployment.md backups and restore, as written', () => {
  const root = mkdtempSync(join(tmpdir(), 'dynzone-guide-backup-'))
  const running: Instance[] = []
  const stops: (() => Promise<unknown>)[] = []
  let postgres: DbServer | undefined
  let mariadb: DbServer | undefined
  before(async () => {
    ;[postgres, mariadb] = await Promise.all([startPostgres(), startMariadb()])
  })
  after(async () => {
    for (const i of running) await i.stop()
    for (const stop of stops) await stop()
    await postgres?.stop()
    await mariadb?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  /** A new instance in its own folder; `database`: its [database] table. */
  const instance = (name: string, database: string): Instance => {
    const dir = join(root, name)
    mkdirSync(join(dir, 'backup'), { recursive: true })
    const toml = oneToml.replace('data_dir = "/var/lib/dynzone"', `data_dir = "${dir}/data"`)
    assert.notEqual(toml, oneToml)
    writeFileSync(join(dir, 'dynzone.toml'), `${toml}\n${database}`)
    const i = new Instance(dir)
    running.push(i)
    return i
  }

  it('SQLite: the online backup while it runs, then stop, copy back, pepper, start', async () => {
    assert.match(sqliteBlock, /sqlite3 .*"\.backup /)
    // Its zone pushed to a real BIND, to see the start put back a backend that moved on.
    const key = {
      name: 'dynzone',
      algorithm: 'hmac-sha256',
      secret: Buffer.alloc(32, 5).toString('base64'),
    }
    const bind = await startBind([key], [{ name: ZONE, keys: [key.name] }])
    stops.push(() => bind.stop())
    const i = instance(
      'sqlite',
      `backend = "rfc2136"\n[zones.rfc2136]\nserver = "127.0.0.1"\nport = ${String(bind.port)}\nkey_file = "${join(root, 'sqlite', 'dynzone.key')}"\n`,
    )
    writeFileSync(
      join(i.dir, 'dynzone.key'),
      `key "${key.name}" { algorithm hmac-sha256; secret "${key.secret}"; };\n`,
    )
    i.answerAt = () => digShort('127.0.0.1', bind.port, `home.${ZONE}`)
    const local = (line: string): string =>
      line
        .replaceAll('/var/lib/dynzone/', `${i.dir}/data/`)
        .replaceAll('/backup/', `${i.dir}/backup/`)
    await i.start()
    const token = await i.aliceWithToken()
    assert.equal(await i.update(token, '192.0.2.11'), 'good 192.0.2.11')

    // The backup, while the server runs.
    await sh(local(sqliteBlock), i.dir)
    await i.changeAfterBackup(token)

    // The restore, step by step as the guide says it. The pepper is lost here first, so that
    // restoring it is what the token's check depends on.
    await i.stop()
    const data = join(i.dir, 'data')
    rmSync(join(data, 'dynzone.sqlite-wal'), { force: true })
    rmSync(join(data, 'dynzone.sqlite-shm'), { force: true })
    rmSync(join(data, 'pepper'))
    copyFileSync(join(i.dir, 'backup', 'dynzone.sqlite'), join(data, 'dynzone.sqlite'))
    copyFileSync(join(i.dir, 'backup', 'pepper'), join(data, 'pepper'))
    await i.start()
    // checkRestored asks BIND first: the start resynced it to the restored database.
    await i.checkRestored(token)
  })

  it('PostgreSQL: pg_dump, then pg_restore --clean over a database that moved on', async () => {
    assert.ok(postgres !== undefined)
    const name = await postgres.createDatabase('backup')
    const url = postgres.url(name)
    const i = instance('postgres', `[database]\nbackend = "postgres"\nurl = "${url}"\n`)
    const local = (line: string): string =>
      line
        .replaceAll("'postgres://dynzone@db/dynzone'", `'${url}'`)
        .replaceAll('/backup/', `${i.dir}/backup/`)
    assert.match(pgDump, /^pg_dump /)
    assert.match(pgRestore, /^pg_restore /)
    await i.start()
    const token = await i.aliceWithToken()
    assert.equal(await i.update(token, '192.0.2.11'), 'good 192.0.2.11')
    await sh(local(pgDump), i.dir)
    await i.changeAfterBackup(token)

    await i.stop()
    await sh(local(pgRestore), i.dir)
    await i.start()
    await i.checkRestored(token)
  })

  it('section 1: stop, `dynzone db copy` into PostgreSQL, set [database], start again', async () => {
    assert.ok(postgres !== undefined)
    assert.deepEqual(dbCopy.slice(0, 4), ['dynzone', 'db', 'copy', '--from'])
    const url = postgres.url(await postgres.createDatabase('copy'))
    const i = instance('copy', '')
    await i.start()
    const token = await i.aliceWithToken()
    assert.equal(await i.update(token, '192.0.2.11'), 'good 192.0.2.11')
    await i.stop()
    const args = dbCopy
      .slice(1)
      .map((a) =>
        a
          .replaceAll('/var/lib/dynzone/', `${i.dir}/data/`)
          .replaceAll('postgres://dynzone@db.example.com/dynzone', url),
      )
    assert.ok(args.includes(url) && args.includes(`${i.dir}/data/dynzone.sqlite`), args.join(' '))
    const copied = await runInProcess(args, i.dir)
    assert.equal(copied.code, 0, copied.stderr)
    // `[database]` as section 2 sets it; the SQLite file goes, so only PostgreSQL can answer.
    const config = join(i.dir, 'dynzone.toml')
    writeFileSync(
      config,
      `${readFileSync(config, 'utf8')}\n[database]\nbackend = "postgres"\nurl = "${url}"\n`,
    )
    rmSync(join(i.dir, 'data', 'dynzone.sqlite'))
    await i.start()
    await i.checkRestored(token)
  })

  it('MariaDB: mariadb-dump --single-transaction, then mariadb < the dump', async () => {
    assert.ok(mariadb !== undefined)
    // The operator's client settings (~/.my.cnf): this server, its root user.
    const home = join(root, 'home')
    mkdirSync(home, { recursive: true })
    writeFileSync(
      join(home, '.my.cnf'),
      `[client]\nhost=127.0.0.1\nport=${String(mariadb.port)}\nuser=root\n`,
    )
    const env = { HOME: home }
    // The database the guide's lines name, made as the guide's MariaDB section asks.
    await sh('mariadb -e "CREATE DATABASE dynzone COLLATE utf8mb4_bin"', home, env)
    const url = mariadb.url('dynzone')
    const i = instance('mariadb', `[database]\nbackend = "mariadb"\nurl = "${url}"\n`)
    const local = (line: string): string => line.replaceAll('/backup/', `${i.dir}/backup/`)
    assert.match(mariadbDump, /^mariadb-dump /)
    assert.match(mariadbRestore, /^mariadb /)
    await i.start()
    const token = await i.aliceWithToken()
    assert.equal(await i.update(token, '192.0.2.11'), 'good 192.0.2.11')
    await sh(local(mariadbDump), i.dir, env)
    await i.changeAfterBackup(token)

    await i.stop()
    await sh(local(mariadbRestore), i.dir, env)
    await i.start()
    await i.checkRestored(token)
  })
})

/**
 * dynzone on a real PostgreSQL and a real MariaDB, as an operator runs it: `db migrate`, the
 * account CLI, `serve`, an update with curl that dig then sees; and growing out of SQLite with
 * `db copy`, after which the server database serves the same answers and takes new rows.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { DbServer } from '../helpers/db-server.ts'
import { runDynzone, startDynzone } from '../helpers/dynzone-process.ts'
import { startMariadb } from '../helpers/mariadb.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const SERVERS = [
  { name: 'postgres', start: startPostgres },
  { name: 'mariadb', start: startMariadb },
] as const

/** Runs `serve` in `dir` with `env` until `fn` is done. */
async function serving(
  dir: string,
  env: Record<string, string>,
  fn: (base: string, dnsPort: number) => Promise<void>,
): Promise<void> {
  const server = startDynzone(
    ['serve', '--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false'],
    dir,
    env,
  )
  try {
    // Generous: a server database adds connection set-up to the start on a busy machine.
    const m = await server.waitFor(/HTTP on 127\.0\.0\.1:(\d+), DNS on 127\.0\.0\.1:(\d+)/, 60_000)
    await fn(`http://127.0.0.1:${m[1] ?? ''}`, Number(m[2]))
  } finally {
    await server.stop()
  }
}

/** Adds alice, `home` and a token for her; returns the token. */
async function seed(dir: string, env: Record<string, string>): Promise<string> {
  const cli = (args: string[]) => runDynzone(args, dir, { env })
  assert.equal((await cli(['user', 'add', 'alice'])).code, 0)
  assert.equal((await cli(['host', 'add', `home.${ZONE}`, '--user', 'alice'])).code, 0)
  const created = await cli(['token', 'create', '--user', 'alice', '--json'])
  assert.equal(created.code, 0, created.stderr)
  return (JSON.parse(created.stdout) as { secret: string }).secret
}

async function update(base: string, token: string, ip: string): Promise<string> {
  const r = await curl([
    '-u',
    `alice:${token}`,
    `${base}/nic/update?hostname=home.${ZONE}&myip=${ip}`,
  ])
  return r.body
}

for (const { name, start } of SERVERS) {
  void describe(`dynzone on ${name}`, () => {
    let server: DbServer
    const dirs: string[] = []
    const tempDir = (): string => {
      const dir = mkdtempSync(join(tmpdir(), `dynzone-${name}-`))
      dirs.push(dir)
      return dir
    }
    const envFor = (database: string): Record<string, string> => ({
      DYNZONE_DATABASE_BACKEND: name,
      DYNZONE_DATABASE_URL: server.url(database),
      // The test PostgreSQL trusts loopback, so a password is sent and ignored: it must
      // still never be printed. (The test MariaDB's root has none and would refuse one.)
      ...(name === 'postgres' ? { DYNZONE_DATABASE_PASSWORD: 'Pw-Narwhal-42' } : {}),
    })

    before(async () => {
      server = await start()
    })
    after(async () => {
      await server.stop()
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
    })

    void it('migrates, takes an update over HTTP and answers it in DNS', async () => {
      const dir = tempDir()
      const env = envFor(await server.createDatabase('direct'))
      const migrated = await runDynzone(['db', 'migrate'], dir, { env })
      assert.equal(migrated.code, 0, migrated.stderr)
      assert.match(
        migrated.stdout,
        new RegExp(`^database ${name}://\\w+@127\\.0\\.0\\.1:\\d+/direct`),
      )
      assert.doesNotMatch(migrated.stdout + migrated.stderr, /Narwhal/)
      const token = await seed(dir, env)
      await serving(dir, env, async (base, dnsPort) => {
        assert.equal(await update(base, token, '198.51.100.20'), 'good 198.51.100.20')
        assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${ZONE}`), ['198.51.100.20'])
      })
      // A restart reads everything back from the server database.
      await serving(dir, env, async (base, dnsPort) => {
        assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${ZONE}`), ['198.51.100.20'])
        assert.equal(await update(base, token, '198.51.100.20'), 'nochg 198.51.100.20')
      })
    })

    void it('copies a SQLite database over, then serves the same answers', async () => {
      const dir = tempDir()
      const token = await seed(dir, {})
      await serving(dir, {}, async (base) => {
        assert.equal(await update(base, token, '198.51.100.7'), 'good 198.51.100.7')
      })
      const env = envFor(await server.createDatabase('copied'))
      const from = join(dir, 'data', 'dynzone.sqlite')
      const copied = await runDynzone(['db', 'copy', '--from', from], dir, { env })
      assert.equal(copied.code, 0, copied.stderr)
      assert.match(copied.stdout, /^copied \d+ rows from .*dynzone\.sqlite to /)
      assert.match(copied.stdout, /^ {2}users +1$/m)
      assert.match(copied.stdout, /^ {2}hosts +1$/m)
      assert.match(copied.stdout, /^ {2}records +1$/m)

      const again = await runDynzone(['db', 'copy', '--from', from], dir, { env })
      assert.equal(again.code, 73, 'a target with rows is refused without --force')
      assert.match(again.stderr, /not empty \(users, zones, hosts/)
      const forced = await runDynzone(['db', 'copy', '--from', from, '--force'], dir, { env })
      assert.equal(forced.code, 0, forced.stderr)

      // New rows get fresh ids after the copied ones (sequences moved on PostgreSQL).
      const host = await runDynzone(['host', 'add', `cabin.${ZONE}`, '--user', 'alice'], dir, {
        env,
      })
      assert.equal(host.code, 0, host.stderr)
      await serving(dir, env, async (base, dnsPort) => {
        assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${ZONE}`), ['198.51.100.7'])
        // The token made on SQLite still works: same pepper, same stored hash.
        assert.equal(await update(base, token, '198.51.100.8'), 'good 198.51.100.8')
        assert.deepEqual(await digShort('127.0.0.1', dnsPort, `home.${ZONE}`), ['198.51.100.8'])
      })
    })
  })
}

void describe('db copy refuses bad input', () => {
  void it('names a missing source, the source itself, a wrong --to URL, never the password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dynzone-copy-'))
    try {
      const missing = await runDynzone(['db', 'copy', '--from', 'nope.sqlite'], dir)
      assert.equal(missing.code, 66)
      assert.match(missing.stderr, /--from nope\.sqlite: no such SQLite database/)
      writeFileSync(join(dir, 'empty.sqlite'), '')
      const copy = (to: string) =>
        runDynzone(['db', 'copy', '--from', 'empty.sqlite', '--to', to], dir)
      const wrong = await copy('http://db.example/dynzone')
      assert.equal(wrong.code, 64)
      assert.match(wrong.stderr, /--to: expected a postgres:\/\/ or mariadb:\/\/ URL/)
      writeFileSync(join(dir, 'data.sqlite'), '')
      const self = await runDynzone(['db', 'copy', '--from', 'data.sqlite'], dir, {
        env: { DYNZONE_DATABASE_PATH: 'data.sqlite' },
      })
      assert.equal(self.code, 64)
      assert.match(self.stderr, /is the configured database itself/)
      const noName = await copy('postgres://dz:Secret-Walrus-7@127.0.0.1:1/')
      assert.equal(noName.code, 64)
      assert.match(noName.stderr, /--to: the URL names no database/)
      assert.doesNotMatch(noName.stderr, /Walrus/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

/**
 * docs/deployment.md section 2, run as written: its shell step makes the secret files, its
 * TOML snippet is the config, and two instances start from it on one host as the guide says
 * (the second with its own ports and instance id). Only what cannot exist here is replaced:
 * the operator's paths by a temp dir, the database and name-server addresses by a real
 * PostgreSQL and BIND on loopback, the listen addresses by 127.0.0.1 and the ports by free
 * ones. Then: the demo is off, one instance holds the lease, and an update through the other
 * reaches BIND.
 */
import assert from 'node:assert/strict'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind, type BindServer } from '../helpers/bind.ts'
import type { DbServer } from '../helpers/db-server.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startPostgres } from '../helpers/postgres.ts'
import { curl, digShort, run } from '../helpers/tools.ts'

const guide = readFileSync(new URL('../../docs/deployment.md', import.meta.url), 'utf8')
const section = guide.slice(
  guide.indexOf('## 2. Several instances'),
  guide.indexOf('## 3. Hidden primary'),
)
const toml = /```toml\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
const shell = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? ''
/** The second instance's flags, as the guide writes them. */
const second = /`dynzone serve (--set [^`]+)`/.exec(section)?.[1] ?? ''
const ZONE = 'dyn.example.com'
const KEY = {
  name: 'dynzone',
  algorithm: 'hmac-sha256',
  secret: Buffer.alloc(32, 3).toString('base64'),
}

void describe('docs/deployment.md section 2, as written', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-guide-'))
  const running: DynzoneProcess[] = []
  let bind: BindServer
  let postgres: DbServer
  let url = ''

  /** The guide's text with the operator's machine replaced by this one. */
  const local = (text: string, bindPort: number): string =>
    text
      .replaceAll('/run/secrets/', `${dir}/`)
      .replaceAll('/etc/dynzone/', `${dir}/`)
      .replaceAll('postgres://dynzone:…@db.example.com:5432/dynzone', url)
      .replaceAll('"0.0.0.0"', '"127.0.0.1"')
      .replace('server = "192.0.2.53"', `server = "127.0.0.1"\nport = ${String(bindPort)}`)

  before(async () => {
    bind = await startBind([KEY], [{ name: ZONE, keys: [KEY.name] }])
    postgres = await startPostgres()
    url = postgres.url(await postgres.createDatabase('guide'))
  })
  after(async () => {
    for (const p of running) await p.stop()
    await bind.stop()
    await postgres.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('makes the secret files, starts two instances on one host and publishes', async () => {
    assert.ok(toml.includes('[cluster]') && shell.includes('openssl rand') && second !== '')
    writeFileSync(
      join(dir, 'dynzone.key'),
      `key "${KEY.name}" { algorithm hmac-sha256; secret "${KEY.secret}"; };\n`,
    )
    // chown to the user running the test (the guide's `dynzone` user does not exist here).
    const script = local(shell, bind.port).replaceAll('chown dynzone:', 'chown "$(id -un):"')
    const made = await run('bash', ['-euc', script])
    assert.equal(made.code, 0, made.stderr)
    for (const f of ['dynzone-pepper', 'dynzone-db-url', 'dynzone.key'])
      assert.equal(statSync(join(dir, f)).mode & 0o777, 0o600, f)

    const [httpA, httpB, dnsA, dnsB] = await Promise.all([1, 2, 3, 4].map(() => freePort()))
    const config = local(toml, bind.port)
      .replace('port = 8245', `port = ${String(httpA)}`)
      .replace('port = 53 ', `port = ${String(dnsA)} `)
    writeFileSync(join(dir, 'dynzone.toml'), `data_dir = "${join(dir, 'data')}"\n${config}`)
    const a = startDynzone(['serve'], dir)
    running.push(a)
    await a.waitFor(/HTTP on \S+/, 60_000)
    const flags = second
      .replace('http.port=8246', `http.port=${String(httpB)}`)
      .replace('dns.port=5354', `dns.port=${String(dnsB)}`)
      .split(' ')
    const b = startDynzone(['serve', ...flags], dir)
    running.push(b)
    await b.waitFor(/HTTP on \S+/, 60_000)

    // The demo is off: the shared database has no user until the operator adds one.
    const users = await runDynzone(['user', 'list', '--json'], dir)
    assert.equal(users.code, 0, users.stderr)
    assert.deepEqual(JSON.parse(users.stdout), [])
    const zones = await runDynzone(['zone', 'list', '--json'], dir)
    const [row] = JSON.parse(zones.stdout) as { lease: { holder: string | null } }[]
    assert.equal(row?.lease.holder, 'dyn-a')

    const add = await runDynzone(['user', 'add', 'alice', '--password-stdin'], dir, {
      stdin: 'correct horse battery\n',
    })
    assert.equal(add.code, 0, add.stderr)
    assert.equal(
      (await runDynzone(['host', 'add', `home.${ZONE}`, '--user', 'alice'], dir)).code,
      0,
    )
    const r = await curl([
      '-u',
      'alice:correct horse battery',
      `http://127.0.0.1:${String(httpB)}/nic/update?hostname=home.${ZONE}&myip=192.0.2.44`,
    ])
    assert.equal(r.body, 'good 192.0.2.44')
    assert.deepEqual(await digShort('127.0.0.1', bind.port, `home.${ZONE}`), ['192.0.2.44'])
  })
})

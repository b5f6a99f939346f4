/**
 * docs/deployment.md, every section run as written. Section 1: its config and commands start
 * one instance on SQLite whose built-in DNS answers an update. Section 3: its config, secret
 * step and NSD, Knot and BIND snippets make a hidden primary whose secondaries follow an
 * update (same serial and answer; BIND's transfer equal to the primary's). Section 2: its shell step makes the secret files, its
 * TOML snippet is the config, and two instances start from it on one host as the guide says
 * (the second with its own ports and instance id). Only what cannot exist here is replaced:
 * the operator's paths by a temp dir, the database and name-server addresses by a real
 * PostgreSQL and BIND on loopback, the listen addresses by 127.0.0.1 and the ports by free
 * ones. Then: the demo is off, one instance holds the lease, and an update through the other
 * reaches BIND.
 */
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { startBind, type BindServer } from '../helpers/bind.ts'
import type { DbServer } from '../helpers/db-server.ts'
import { runDynzone, startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { freePort } from '../helpers/free-port.ts'
import { startLogged } from '../helpers/logged-process.ts'
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

/** The text of docs/deployment.md from heading `from` to heading `to`. */
function sectionOf(from: string, to: string): string {
  return guide.slice(guide.indexOf(from), guide.indexOf(to))
}

/** Every fenced block of `lang` ('' for blocks without one) in `text`, in order. */
function blocks(text: string, lang: string): string[] {
  return [...text.matchAll(/```(\w*)\n([\s\S]*?)```/g)]
    .filter((m) => m[1] === lang)
    .map((m) => m[2] ?? '')
}

/** A guide line `dynzone -c /etc/dynzone/dynzone.toml …` as arguments, the path replaced. */
function dynzoneArgs(line: string, dir: string): string[] {
  const command = line.replace(/\s+#.*$/, '').trim()
  assert.match(command, /^dynzone /)
  return command
    .split(/\s+/)
    .slice(1)
    .map((a) => a.replaceAll('/etc/dynzone/', `${dir}/`))
}

/** Adds `alice`, her host `home.<zone>` and a token for it; returns the token. */
async function hostWithToken(dir: string, args: readonly string[]): Promise<string> {
  const ok = async (more: string[], stdin?: string): Promise<string> => {
    const r = await runDynzone([...args, ...more], dir, stdin === undefined ? {} : { stdin })
    assert.equal(r.code, 0, `${more.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  await ok(['user', 'add', 'alice', '--password-stdin'], 'correct horse battery\n')
  await ok(['host', 'add', `home.${ZONE}`, '--user', 'alice'])
  const out = await ok(['token', 'create', '--user', 'alice', '--host', `home.${ZONE}`])
  const token = /\b[a-z2-7]{32}\b/.exec(out)?.[0]
  assert.ok(token !== undefined, out)
  return token
}

void describe('docs/deployment.md section 1, as written', () => {
  const section = sectionOf('## 1. One machine', '## 2. Several instances')
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-guide-one-'))
  const running: DynzoneProcess[] = []
  after(async () => {
    for (const p of running) await p.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('the config and commands start one instance whose built-in DNS answers updates', async () => {
    const [toml = ''] = blocks(section, 'toml')
    const [shell = ''] = blocks(section, 'sh')
    const [addAdmin = '', serveLine = ''] = shell.trim().split('\n')
    assert.match(toml, /\[\[zones\]\]/)
    // The operator's paths: the config file and data_dir.
    writeFileSync(
      join(dir, 'dynzone.toml'),
      toml.replace('data_dir = "/var/lib/dynzone"', `data_dir = "${join(dir, 'data')}"`),
    )
    const admin = await runDynzone(dynzoneArgs(addAdmin, dir), dir, {
      stdin: 'a long admin password\n',
    })
    assert.equal(admin.code, 0, admin.stderr)

    // Other ports than the defaults, as the guide's comment says (others run here too).
    const [http, dns] = await Promise.all([freePort(), freePort()])
    const serve = [
      ...dynzoneArgs(serveLine, dir),
      ...['--http-port', String(http), '--dns-port', String(dns)],
    ]
    const server = startDynzone(serve, dir)
    running.push(server)
    const banner = await server.waitFor(/Web UI:\s+(\S+)/, 60_000)
    assert.equal(banner[1], `http://127.0.0.1:${String(http)}/login`)
    assert.equal((await curl([`http://127.0.0.1:${String(http)}/login`])).status, 200)
    // No demo user: the config names its zones.
    const users = await runDynzone(['-c', join(dir, 'dynzone.toml'), 'user', 'list', '--json'], dir)
    assert.deepEqual(
      (JSON.parse(users.stdout) as { name: string }[]).map((u) => u.name),
      ['admin'],
    )

    const token = await hostWithToken(dir, ['-c', join(dir, 'dynzone.toml')])
    const r = await curl([
      '-u',
      `alice:${token}`,
      `http://127.0.0.1:${String(http)}/nic/update?hostname=home.${ZONE}&myip=192.0.2.11`,
    ])
    assert.equal(r.body, 'good 192.0.2.11')
    assert.deepEqual(await digShort('127.0.0.1', dns, `home.${ZONE}`), ['192.0.2.11'])
  })
})

void describe('docs/deployment.md section 3, as written', () => {
  const section = sectionOf('## 3. Hidden primary', '## Backups and restore')
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-guide-hidden-'))
  const daemons: { stop(): Promise<unknown>; log(): string }[] = []
  after(async () => {
    for (const d of daemons) await d.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('NSD, Knot and BIND secondaries follow the hidden primary', async () => {
    const [toml = ''] = blocks(section, 'toml')
    const [shell = ''] = blocks(section, 'sh')
    const [nsdConf = '', knotConf = '', bindConf = ''] = blocks(section, '')
    assert.match(nsdConf, /request-xfr/)
    assert.match(knotConf, /master: primary/)
    assert.match(bindConf, /type secondary/)

    // The secret file, as the guide makes it (chown to the user running the test).
    const script = shell
      .split('\n')
      .filter((l) => !l.startsWith('dynzone '))
      .join('\n')
      .replaceAll('/etc/dynzone/', `${dir}/`)
      .replaceAll('chown dynzone:', 'chown "$(id -un):"')
    const made = await run('bash', ['-euc', script])
    assert.equal(made.code, 0, made.stderr)
    const secret = readFileSync(join(dir, 'transfer-key.secret'), 'utf8').trim()
    assert.equal(statSync(join(dir, 'transfer-key.secret')).mode & 0o777, 0o600)

    // The primary's address 10.0.0.5:53 is 127.0.0.1 and a free port here.
    const primary = await freePort()
    const nsdPort = await freePort()
    const knotPort = await freePort()
    const bindPort = await freePort()
    const http = await freePort()
    const secondaryText = (text: string): string =>
      text
        .replaceAll('10.0.0.5@53', `127.0.0.1@${String(primary)}`)
        .replaceAll('10.0.0.5 key', `127.0.0.1 port ${String(primary)} key`)
        .replaceAll('10.0.0.5', '127.0.0.1')
        .replaceAll('<base64>', secret)
    const nsd = startSecondary('nsd', dir, nsdPort, secondaryText(nsdConf))
    const knot = startSecondary('knot', dir, knotPort, secondaryText(knotConf))
    const bind = startSecondary('bind', dir, bindPort, secondaryText(bindConf))
    daemons.push(nsd, knot, bind)

    const config = toml
      .replace('listen = "10.0.0.5"', 'listen = "127.0.0.1"')
      .replace(/^port = 53$/m, `port = ${String(primary)}`)
      .replace(
        'notify = ["10.0.0.21", "10.0.0.22:53"]',
        `notify = [${[nsdPort, knotPort, bindPort].map((p) => `"127.0.0.1:${String(p)}"`).join(', ')}]`,
      )
      .replaceAll('/etc/dynzone/', `${dir}/`)
    assert.ok(config.includes(`port = ${String(primary)}`) && config.includes('notify = ["127'))
    writeFileSync(join(dir, 'dynzone.toml'), `data_dir = "${join(dir, 'data')}"\n${config}`)
    const token = await hostWithToken(dir, ['-c', join(dir, 'dynzone.toml')])
    const serveLine = shell.split('\n').find((l) => l.startsWith('dynzone ')) ?? ''
    const server = startDynzone([...dynzoneArgs(serveLine, dir), '--http-port', String(http)], dir)
    daemons.push({ stop: () => server.stop(), log: () => server.stdout() + server.stderr() })
    await server.waitFor(/HTTP on \S+/, 60_000)

    // Unsigned transfers are refused; the update reaches the primary and every secondary.
    const unsigned = await run('dig', ['@127.0.0.1', '-p', String(primary), ZONE, 'AXFR'])
    assert.match(unsigned.stdout, /Transfer failed/)
    const r = await curl([
      '-u',
      `alice:${token}`,
      `http://127.0.0.1:${String(http)}/nic/update?hostname=home.${ZONE}&myip=192.0.2.33`,
    ])
    assert.equal(r.body, 'good 192.0.2.33')
    assert.deepEqual(await digShort('127.0.0.1', primary, `home.${ZONE}`), ['192.0.2.33'])
    const logs = (): string => daemons.map((d) => d.log()).join('\n')
    const serial = (port: number): Promise<string> =>
      digShort('127.0.0.1', port, ZONE, 'SOA').then((s) => s[0]?.split(' ')[2] ?? '')
    const want = await serial(primary)
    for (const port of [nsdPort, knotPort, bindPort]) {
      await until(async () => (await serial(port)) === want, logs)
      assert.deepEqual(await digShort('127.0.0.1', port, `home.${ZONE}`), ['192.0.2.33'])
    }
    // The BIND secondary's transfer is the primary's, record for record.
    const signed = ['-y', `hmac-sha256:transfer-key:${secret}`]
    assert.deepEqual(await axfr(bindPort, []), await axfr(primary, signed))
  })
})

/** The zone as `dig AXFR` shows it: sorted lines without TSIG, SOA kept. */
async function axfr(port: number, tsig: readonly string[]): Promise<string[]> {
  const r = await run('dig', ['@127.0.0.1', '-p', String(port), ZONE, 'AXFR', ...tsig])
  const lines = r.stdout
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith(';') && !/\sTSIG\s/.test(l))
    .map((l) => l.split(/\s+/).join(' '))
  assert.ok(lines.length >= 3, r.stdout + r.stderr)
  return [...new Set(lines)].sort()
}

/** Polls `check` until it holds, for at most 30 s. */
async function until(check: () => Promise<boolean>, logs: () => string): Promise<void> {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  assert.fail(`the secondaries did not follow within 30 s\n${logs()}`)
}

/**
 * Starts a secondary from the guide's snippet, with what only this machine needs added:
 * its listening address and port, its working folder, and (BIND) a transfer to the test's
 * `dig` for comparison.
 */
function startSecondary(
  kind: 'nsd' | 'knot' | 'bind',
  root: string,
  port: number,
  snippet: string,
): { stop(): Promise<unknown>; log(): string } {
  const dir = join(root, kind)
  mkdirSync(join(dir, 'db'), { recursive: true })
  const conf = join(dir, `${kind}.conf`)
  switch (kind) {
    case 'nsd':
      writeFileSync(
        conf,
        snippet.replace(
          'server:\n',
          `server:\n  ip-address: 127.0.0.1@${String(port)}\n  do-ip6: no\n  username: ""\n  chroot: ""\n  zonesdir: "${dir}"\n  database: ""\n  zonelistfile: "${join(dir, 'zone.list')}"\n  xfrdfile: "${join(dir, 'xfrd.state')}"\n  xfrdir: "${dir}"\n  pidfile: "${join(dir, 'nsd.pid')}"\n`,
        ) + 'remote-control:\n  control-enable: no\n',
      )
      return startLogged('nsd', ['-d', '-c', conf], dir)
    case 'knot':
      writeFileSync(
        conf,
        `server:\n    rundir: "${dir}"\n    listen: 127.0.0.1@${String(port)}\ndatabase:\n    storage: "${join(dir, 'db')}"\ntemplate:\n  - id: default\n    storage: "${dir}"\n${snippet}`,
      )
      return startLogged('knotd', ['-c', conf], dir)
    case 'bind':
      writeFileSync(
        conf,
        `options {\n  directory "${dir}";\n  pid-file "${join(dir, 'named.pid')}";\n  session-keyfile "${join(dir, 'session.key')}";\n  managed-keys-directory "${dir}";\n  listen-on port ${String(port)} { 127.0.0.1; };\n  listen-on-v6 { none; };\n  recursion no;\n  notify no;\n  dnssec-validation no;\n  allow-transfer { 127.0.0.1; };\n};\ncontrols { };\n${snippet}`,
      )
      return startLogged('named', ['-g', '-4', '-n', '1', '-c', conf], dir)
  }
}

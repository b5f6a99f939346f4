/**
 * The audit trail end to end, against a real `dynzone serve` with curl and the CLI: web logins
 * (right and wrong, an unknown name never kept in clear), API writes and refused bearer
 * tokens, admin-only reading, CLI changes; `dynzone audit` and `GET /api/v1/audit` show them,
 * and the shipped fail2ban filter (deploy/fail2ban/), run by the real `fail2ban-regex` over
 * the server's own log lines, finds exactly the refused credentials' addresses.
 */
import assert from 'node:assert/strict'
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, run } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
const DEPLOY = fileURLToPath(new URL('../../deploy/fail2ban/', import.meta.url))
// Looks like a token typed into the user-name field: it must never be stored or logged.
const STRAY = 'k3q5w7zzv2m4r6t8y2u4i6o8p2a4s6d8'

interface AuditRow {
  action: string
  result: string
  actor: string | null
  source: string | null
  target: string | null
  status: number
}

describe('audit trail (curl, CLI, fail2ban-regex)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-audit-'))
  let server: DynzoneProcess
  let http = ''
  let adminToken = ''
  let aliceToken = ''

  const cli = async (args: string[], stdin?: string) => {
    const r = await runInProcess([...args, ...ARGS], dir, stdin === undefined ? {} : { stdin })
    assert.equal(r.code, 0, r.stderr)
    return r.stdout
  }
  const api = (method: string, path: string, token: string, body?: unknown) => {
    const args = ['-X', method, '-H', `Authorization: Bearer ${token}`]
    if (body !== undefined)
      args.push('-H', 'content-type: application/json', '--data-binary', JSON.stringify(body))
    return curl([...args, `${http}/api/v1${path}`])
  }
  // The login form's one-time token comes in a cookie and a hidden field.
  const login = async (name: string, password: string) => {
    const jar = join(dir, `jar-${String(Math.random()).slice(2)}`)
    const page = await curl(['-c', jar, `${http}/login`])
    const form = /name="form" value="([^"]+)"/.exec(page.body)?.[1]
    assert.ok(form !== undefined, 'the login form has its token')
    const body = new URLSearchParams({ username: name, password, form }).toString()
    return curl(['-b', jar, '-c', jar, '--data-binary', body, `${http}/login`])
  }
  const trail = async (extra: string[] = []): Promise<AuditRow[]> =>
    JSON.parse(await cli(['audit', '--json', '--limit', '200', ...extra])) as AuditRow[]

  before(async () => {
    await cli(['user', 'add', 'root', '--admin', '--password-stdin'], 'root-password-1\n')
    await cli(['user', 'add', 'alice', '--password-stdin'], 'alice-password-1\n')
    const secret = async (user: string) =>
      (
        JSON.parse(await cli(['token', 'create', '--user', user, '--scope', 'api', '--json'])) as {
          secret: string
        }
      ).secret
    adminToken = await secret('root')
    aliceToken = await secret('alice')
    server = startDynzone(['serve', ...ARGS], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('records web logins, right and wrong, naming only accounts that exist', async () => {
    assert.equal((await login('alice', 'wrong-password')).status, 401)
    assert.equal((await login(STRAY, 'x')).status, 401)
    assert.equal((await login('alice', 'alice-password-1')).status, 303)
    const logins = (await trail(['--action', 'login'])).reverse()
    assert.deepEqual(
      logins.map((e) => [e.actor, e.result, e.status, e.source]),
      [
        ['alice', 'denied', 401, '127.0.0.1'],
        [null, 'denied', 401, '127.0.0.1'],
        ['alice', 'ok', 303, '127.0.0.1'],
      ],
    )
  })

  it('records API writes with their caller and refused bearer tokens', async () => {
    const host = await api('POST', '/hosts', aliceToken, { fqdn: `audit.${ZONE}` })
    assert.equal(host.status, 201, host.body)
    const created = await api('POST', '/tokens', aliceToken, { scope: 'address' })
    assert.equal(created.status, 201, created.body)
    const id = (JSON.parse(created.body) as { token: { id: number } }).token.id
    assert.equal((await api('DELETE', `/tokens/${String(id)}`, aliceToken)).status, 204)
    assert.equal((await api('GET', '/hosts', 'not-a-real-token')).status, 401)
    const events = (await trail()).reverse()
    const find = (action: string) => events.find((e) => e.action === action)
    assert.equal(find('POST /api/v1/hosts')?.result, 'ok')
    assert.match(find('POST /api/v1/tokens')?.actor ?? '', /^alice \(token \d+\)$/)
    assert.equal(find('DELETE /api/v1/tokens/:id')?.target, `id=${String(id)}`)
    const refused = find('GET /api/v1/hosts')
    assert.deepEqual([refused?.result, refused?.status, refused?.actor], ['denied', 401, null])
    assert.equal(
      events.some((e) => e.action === 'GET /api/v1/hosts' && e.result === 'ok'),
      false,
      'plain reads that succeed are not audited',
    )
  })

  it('records command-line changes, and not reads', async () => {
    await cli(['host', 'add', `cli.${ZONE}`, '--user', 'alice'])
    await cli(['user', 'list'])
    const events = await trail(['--actor', `cli:${process.env.USER ?? 'root'}`])
    const actions = events.map((e) => e.action)
    assert.ok(actions.includes('cli host add'), actions.join(', '))
    assert.ok(actions.includes('cli token create'), actions.join(', '))
    assert.equal(actions.includes('cli user list'), false)
    assert.equal(events.find((e) => e.action === 'cli host add')?.target, `cli.${ZONE}`)
  })

  it('shows the trail to admins over the API, and only to them', async () => {
    const page = await api('GET', '/audit?result=denied&limit=2', adminToken)
    assert.equal(page.status, 200, page.body)
    const body = JSON.parse(page.body) as { items: AuditRow[]; next: string | null }
    assert.equal(body.items.length, 2)
    assert.ok(body.items.every((e) => e.result === 'denied'))
    assert.notEqual(body.next, null, 'a next page')
    assert.equal((await api('GET', '/audit', aliceToken)).status, 403)
  })

  it('never keeps a name that names no user, in the database or the log', async () => {
    const dump = await cli(['audit', '--json', '--limit', '10000'])
    assert.equal(dump.includes(STRAY), false)
    assert.equal(server.stdout().includes(STRAY) || server.stderr().includes(STRAY), false)
    assert.equal(readFileSync(join(dir, 'data', 'dynzone.sqlite')).includes(STRAY), false)
  })

  it('gives fail2ban the addresses of refused credentials, and only those', async () => {
    // A refused update password, too: its `update` line is in the filter.
    const r = await curl(['-u', 'alice:nope', `${http}/nic/update?hostname=cli.${ZONE}`])
    assert.equal(r.status, 401)
    await server.waitFor(/"result":"badauth"/)
    const log = join(dir, 'dynzone.log')
    writeFileSync(log, server.stdout())
    const filter = join(DEPLOY, 'filter.d', 'dynzone.conf')
    const out = await run('fail2ban-regex', ['--print-all-matched', log, filter], 30_000)
    assert.equal(out.code, 0, out.stderr)
    const matched = /Failregex: (\d+) total/.exec(out.stdout)
    // Two refused logins, one refused bearer token, one refused update password.
    assert.equal(Number(matched?.[1]), 4, out.stdout)
    assert.match(out.stdout, /127\.0\.0\.1/)
    const lines = server.stdout().split('\n')
    const expected = lines.filter(
      (l) =>
        (l.includes('"msg":"audit"') && /"status":(401|429)/.test(l)) ||
        (l.includes('"msg":"update"') && l.includes('"result":"badauth"')),
    )
    assert.equal(expected.length, 4, 'the log holds exactly those four lines')
  })

  it('ships a jail that fail2ban loads with the filter', async () => {
    // The system's own fail2ban configuration with the shipped files added, as installed.
    const etc = join(dir, 'fail2ban')
    cpSync('/etc/fail2ban', etc, { recursive: true })
    // Debian's own default jail (sshd) needs a log this machine may not have.
    rmSync(join(etc, 'jail.d', 'defaults-debian.conf'), { force: true })
    cpSync(join(DEPLOY, 'filter.d', 'dynzone.conf'), join(etc, 'filter.d', 'dynzone.conf'))
    cpSync(join(DEPLOY, 'jail.d', 'dynzone.conf'), join(etc, 'jail.d', 'dynzone.conf'))
    const test = await run('fail2ban-client', ['-c', etc, '--test'], 30_000)
    assert.match(test.stdout + test.stderr, /configuration test is successful/)
    const dump = await run('fail2ban-client', ['-c', etc, '-d'], 30_000)
    assert.match(dump.stdout, /\['add', 'dynzone', 'systemd'\]/)
    assert.match(dump.stdout, /'dynzone', 'addfailregex', \[.*badauth/)
    assert.match(dump.stdout, /'dynzone', 'addjournalmatch', '_SYSTEMD_UNIT=dynzone.service'/)
  })
})

/**
 * ACME DNS-01 end to end: the real `dynzone serve`, credentials made with the real CLI and
 * acme-dns `/register`, requests with real `curl` in the shapes acme-dns clients and
 * acme.sh's `dns_duckdns` send, and `dig` against the built-in DNS server as the oracle:
 * several TXT values live at once, one expiring while another stays, scopes enforced.
 */
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { after, before, describe, it } from 'node:test'
import { runInProcess } from '../helpers/dynzone-cli.ts'
import { startDynzone, type DynzoneProcess } from '../helpers/dynzone-process.ts'
import { curl, digShort } from '../helpers/tools.ts'

const ZONE = 'dyn.example.test'
const ARGS = ['--set', 'http.port=0', '--set', 'dns.port=0', '--set', 'demo.enabled=false']
// Short enough to watch a value expire, long enough that two values overlap.
const TTL = ['--set', 'update.txt_ttl_seconds=8']
const value = (c: string): string => c.repeat(43)

describe('ACME TXT records end to end', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dynzone-acme-'))
  let server: DynzoneProcess
  let http = ''
  let dnsPort = 0
  const tokens = new Map<string, string>()

  const cli = async (...args: string[]): Promise<string> => {
    const r = await runInProcess([...args, ...ARGS], dir, { stdin: 'alice-password\n' })
    assert.equal(r.code, 0, `dynzone ${args.join(' ')}: ${r.stderr}`)
    return r.stdout
  }
  const txt = (label: string): Promise<string[]> =>
    digShort('127.0.0.1', dnsPort, `_acme-challenge.${label}.${ZONE}`, 'TXT').then((l) => l.sort())
  const token = (name: string): string => tokens.get(name) ?? ''
  const duck = (tok: string, query: string) =>
    curl([`${http}/update?domains=${query}&token=${tok}`])
  const acmeDnsUpdate = (user: string, key: string, subdomain: string, txtValue: string) =>
    curl([
      '-X',
      'POST',
      '-H',
      `X-Api-User: ${user}`,
      '-H',
      `X-Api-Key: ${key}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ subdomain, txt: txtValue }),
      `${http}/update`,
    ])

  before(async () => {
    await cli('user', 'add', 'alice', '--password-stdin')
    for (const label of ['reg', 'duck', 'exp', 'scoped']) {
      await cli('host', 'add', `${label}.${ZONE}`, '--user', 'alice')
    }
    for (const [name, host, scope] of [
      ['duck', 'duck', 'acme'],
      ['exp', 'exp', 'acme'],
      ['acme', 'scoped', 'acme'],
      ['address', 'scoped', 'address'],
    ] as const) {
      const out = await cli(
        'token',
        'create',
        '--user',
        'alice',
        '--host',
        `${host}.${ZONE}`,
        '--scope',
        scope,
        '--json',
      )
      const created = JSON.parse(out) as { secret: string; token: { scope: string } }
      assert.equal(created.token.scope, scope)
      tokens.set(name, created.secret)
    }
    server = startDynzone(['serve', ...ARGS, ...TTL], dir)
    const m = await server.waitFor(/HTTP on (\S+):(\d+), DNS on \S+:(\d+)/)
    http = `http://127.0.0.1:${m[2] ?? ''}`
    dnsPort = Number(m[3])
  })
  after(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('acme-dns: /register needs credentials, then two values are served at once', async () => {
    const anonymous = await curl(['-X', 'POST', `${http}/register?host=reg.${ZONE}`])
    assert.equal(anonymous.status, 401)
    const r = await curl([
      '-u',
      'alice:alice-password',
      '-X',
      'POST',
      `${http}/register?host=reg.${ZONE}`,
    ])
    assert.equal(r.status, 201, r.body)
    const account = JSON.parse(r.body) as Record<string, unknown>
    assert.deepEqual(
      { ...account, password: typeof account.password },
      {
        username: 'alice',
        password: 'string',
        fulldomain: `_acme-challenge.reg.${ZONE}`,
        subdomain: `reg.${ZONE}`,
        allowfrom: [],
      },
    )
    const key = String(account.password)
    tokens.set('acme-dns registration', key)
    for (const v of [value('a'), value('b')]) {
      const u = await acmeDnsUpdate('alice', key, `reg.${ZONE}`, v)
      assert.deepEqual([u.status, JSON.parse(u.body)], [200, { txt: v }])
    }
    assert.deepEqual(await txt('reg'), [`"${value('a')}"`, `"${value('b')}"`])
    const bad = await acmeDnsUpdate('alice', key, `reg.${ZONE}`, 'short')
    assert.deepEqual([bad.status, JSON.parse(bad.body)], [400, { error: 'bad_txt' }])
    const wrong = await acmeDnsUpdate('alice', 'not-the-key', `reg.${ZONE}`, value('c'))
    assert.deepEqual([wrong.status, JSON.parse(wrong.body)], [401, { error: 'forbidden' }])
    // The registered credential is acme-scoped: it cannot move the host.
    const addr = await curl([
      '-u',
      `alice:${key}`,
      `${http}/nic/update?hostname=reg.${ZONE}&myip=203.0.113.50`,
    ])
    assert.equal(addr.body, '!yours')
  })

  it('DuckDNS txt= and clear=true answer exactly OK, as acme.sh dns_duckdns needs', async () => {
    const add = await duck(token('duck'), `duck&txt=${value('d')}`)
    assert.deepEqual([add.status, add.body], [200, 'OK'])
    const second = await duck(token('duck'), `duck&txt=${value('e')}`)
    assert.equal(second.body, 'OK')
    assert.deepEqual(await txt('duck'), [`"${value('d')}"`, `"${value('e')}"`])
    const clear = await duck(token('duck'), 'duck&txt=&clear=true')
    assert.equal(clear.body, 'OK')
    assert.deepEqual(await txt('duck'), [])
  })

  it('scopes: an acme token cannot set A, an address token cannot set TXT', async () => {
    const a = await curl([
      '-u',
      `alice:${token('acme')}`,
      `${http}/nic/update?hostname=scoped.${ZONE}&myip=203.0.113.60`,
    ])
    assert.equal(a.body, '!yours')
    assert.deepEqual(await digShort('127.0.0.1', dnsPort, `scoped.${ZONE}`, 'A'), [])
    const t = await duck(token('address'), `scoped&txt=${value('f')}`)
    assert.equal(t.body, 'KO')
    assert.deepEqual(await txt('scoped'), [])
    const ok = await curl([
      '-u',
      `alice:${token('address')}`,
      `${http}/nic/update?hostname=scoped.${ZONE}&myip=203.0.113.60`,
    ])
    assert.equal(ok.body, 'good 203.0.113.60')
    assert.equal((await duck(token('acme'), `scoped&txt=${value('f')}`)).body, 'OK')
    assert.deepEqual(await txt('scoped'), [`"${value('f')}"`])
  })

  it('each value expires on its own: one leaves DNS while a renewed one stays', async () => {
    assert.equal((await duck(token('exp'), `exp&txt=${value('g')}`)).body, 'OK')
    assert.equal((await duck(token('exp'), `exp&txt=${value('h')}`)).body, 'OK')
    assert.deepEqual(await txt('exp'), [`"${value('g')}"`, `"${value('h')}"`])
    // Keep renewing h (same value: nochg, new expiry) until the sweep has removed g.
    let seen: string[] = []
    for (let i = 0; i < 60; i++) {
      assert.equal((await duck(token('exp'), `exp&txt=${value('h')}`)).body, 'OK')
      seen = await txt('exp')
      if (seen.length === 1) break
      await sleep(500)
    }
    assert.deepEqual(seen, [`"${value('h')}"`])
  })

  // Runs last: acme-dns keys travelled in X-Api-Key headers, tokens in Basic auth and queries.
  it('never writes a secret to any log line', () => {
    const output = server.stdout() + server.stderr()
    assert.match(output, /"msg":"update"/, 'updates are logged')
    for (const [label, secret] of [...tokens, ['password', 'alice-password'] as const]) {
      assert.ok(
        secret.length >= 14 && !output.includes(secret),
        `the ${label} secret appeared in the log output`,
      )
    }
  })
})
